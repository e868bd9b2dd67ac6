package boltstore

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

func TestNumberedIsTheEncodingWithTheID(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		d    store.Delivery
		id   uint64
	}{
		{"reply", store.Delivery{Kind: store.KindReply, Channel: "line", Address: "a", Recipient: "line/U1",
			Reply: decide.Reply{Blocks: []decide.Block{{Kind: decide.TextBlock, Text: "本文 \"引用\" <b>"}}}, Created: at, Event: at, Key: "k"}, 1},
		{"large id", store.Delivery{Kind: store.KindReply, Channel: "slack", Key: "k"}, 1<<64 - 1},
		{"id 10", store.Delivery{Kind: store.KindStaff, Channel: "staff", Case: &store.Case{ID: "2026-0001"}, Text: "x"}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := encodeUnnumbered(&tc.d)
			if err != nil {
				t.Fatal(err)
			}
			got := numbered(v, tc.id)
			tc.d.ID = tc.id
			want, _ := json.Marshal(&tc.d)
			if !bytes.Equal(got, want) {
				t.Errorf("numbered:\n got %s\nwant %s", got, want)
			}
			if _, err := encodeUnnumbered(&tc.d); err == nil {
				t.Error("encodeUnnumbered accepted a delivery that has an ID")
			}
		})
	}
}
