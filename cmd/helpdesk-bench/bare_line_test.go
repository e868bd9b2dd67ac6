package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
)

// The replay ceiling sends the recorded messages byte for byte, and echoes when it has none.
func TestBareReplayHandlerSendsTheRecordedReply(t *testing.T) {
	recorded := []json.RawMessage{
		json.RawMessage(`{"type":"text","text":"まずネットワークから切り離してください。"}`),
		json.RawMessage(`{"type":"flex","altText":"相談先","contents":{"type":"carousel","contents":[]}}`),
	}
	for _, tc := range []struct {
		name  string
		reply lineBareReply
		want  []string
	}{
		{"recorded", newLINEBareReply(recorded), []string{string(recorded[0]), string(recorded[1])}},
		{"nothing recorded", lineBareReply{}, []string{`{"type":"text","text":"こんにちは"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := linetest.New(testToken)
			t.Cleanup(fake.Close)
			fake.SkipMessageCheck = true
			srv := httptest.NewServer(lineBareReplayHandler(testSecret, testToken, fake.URL, nil, func() lineBareReply { return tc.reply }))
			t.Cleanup(srv.Close)
			code, err := linetest.Post(context.Background(), srv.URL, testSecret, linetest.Text(linetest.UserID(1), "こんにちは"))
			if err != nil || code != http.StatusOK {
				t.Fatalf("webhook: %d, %v", code, err)
			}
			got := fake.Messages()
			if len(got) != len(tc.want) {
				t.Fatalf("%d messages sent, want %d", len(got), len(tc.want))
			}
			for i, m := range got {
				if mustCanon(t, string(m.Raw)) != mustCanon(t, tc.want[i]) {
					t.Errorf("message %d sent %s, want %s", i, m.Raw, tc.want[i])
				}
			}
		})
	}
}

// mustCanon re-encodes a JSON text with sorted keys.
func mustCanon(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
