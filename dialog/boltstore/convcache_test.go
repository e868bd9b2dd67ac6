package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "helpdesk.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A conversation changed behind the cache's back (here, by a direct write) is decoded again,
// not taken from the cache; an erased one leaves the cache.
func TestConvCacheFollowsTheDatabase(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	key := store.ConvKey("line", "u")
	put := func(step int) {
		t.Helper()
		err := s.Update(ctx, func(t store.Tx) error {
			return t.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Step: step})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	stored := func() *decide.Conversation {
		t.Helper()
		var c *decide.Conversation
		s.View(ctx, func(t store.Tx) error { c, _ = t.Conversation(key); return nil })
		return c
	}
	put(2)
	if _, ok := s.convs.entries[key]; !ok {
		t.Fatal("the stored conversation is not in the cache")
	}
	if got := stored().Step; got != 2 {
		t.Fatalf("stored step %d, want 2", got)
	}
	err := s.update(func(tx txn) error { // behind the cache's back, as another writer might
		v, err := json.Marshal(&decide.Conversation{Schema: decide.SchemaVersion, Step: 40})
		if err != nil {
			return err
		}
		return tx.tx.Bucket(bucketConversations).Put([]byte(key), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := stored().Step; got != 40 {
		t.Errorf("after the conversation changed in the database, step %d, want 40 (a stale cached copy?)", got)
	}
	put(41)
	err = s.Update(ctx, func(t store.Tx) error { _, err := t.ForgetConversations("line", "u"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.convs.entries[key]; ok {
		t.Error("an erased conversation stayed in the cache")
	}
}

// A cache hit is what decoding the stored conversation gives (times compared as instants), at
// every step of a form with answers, a back, and a topic: nil where JSON leaves things out.
func TestConvCacheHitIsADecode(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	key := store.ConvKey("line", "u")
	inUTC := func(c *decide.Conversation) *decide.Conversation { // changes nothing else, nil-ness included
		cp := *c
		cp.Updated = c.Updated.UTC()
		cp.First.At = c.First.At.UTC()
		if c.Turns != nil {
			cp.Turns = make([]decide.Turn, len(c.Turns))
			for i, turn := range c.Turns {
				turn.At = turn.At.UTC()
				cp.Turns[i] = turn
			}
		}
		return &cp
	}
	for i, m := range []decide.Message{{Text: "ウイルス"}, {Choice: "a:intake"}, {Text: "はい"}, {Text: "わからない"},
		{Text: "戻る"}, {Text: "パソコンが動かない"}, {Choice: "a:restart"}} {
		m.Channel, m.UserID, m.Address, m.EventID = "line", "u", "a", fmt.Sprint(i)
		err := s.Update(ctx, func(t store.Tx) error {
			conv, _ := t.Conversation(key)
			st, err := decide.Decide(decide.In{KB: kb, Conv: conv, Msg: m, Now: time.Now()})
			if err != nil {
				return err
			}
			return t.PutConversation(key, st.Conv)
		})
		if err != nil {
			t.Fatal(err)
		}
		var v []byte
		s.view(func(tx txn) error {
			v = append([]byte(nil), tx.tx.Bucket(bucketConversations).Get([]byte(key))...)
			return nil
		})
		hit := s.convs.get([]byte(key), s.convs.rev(v))
		if hit == nil {
			t.Fatalf("step %d: no cache hit for the conversation just stored", i)
		}
		if got, want := inUTC(hit), inUTC(decodeConversation(v)); !reflect.DeepEqual(got, want) {
			t.Errorf("step %d: the cache gives\n%+v\ndecoding gives\n%+v", i, got, want)
		}
	}
}
