package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// The replay ceiling posts the recorded text and blocks, and echoes when it has none.
func TestBareReplayHandlerPostsTheRecordedReply(t *testing.T) {
	blocks := json.RawMessage(`[{"type":"section","block_id":"b1","text":{"type":"mrkdwn","text":"*まずすること*"}},{"type":"actions","block_id":"b2","elements":[]}]`)
	recorded, err := newSlackBareReply("まずすること", blocks)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newSlackBareReply("x", json.RawMessage(`{"not":"an array"}`)); err == nil {
		t.Error("NewBareReply took blocks that are not an array")
	}
	for _, tc := range []struct {
		name       string
		reply      slackBareReply
		wantText   string
		wantBlocks string
	}{
		{"recorded", recorded, "まずすること", string(blocks)},
		{"nothing recorded", slackBareReply{}, "こんにちは", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := slacktest.New(testToken)
			t.Cleanup(fake.Close)
			fake.SkipBlockCheck = true
			srv := httptest.NewServer(slackBareReplayHandler(testSecret, testToken, fake.APIURL(), nil, func() slackBareReply { return tc.reply }))
			t.Cleanup(srv.Close)
			req, err := slacktest.NewRequest(context.Background(), srv.URL, testSecret,
				slacktest.Callback(slacktest.Event{Channel: "D0001", ChannelType: "im", User: "U0001", Text: "こんにちは"}))
			if err != nil {
				t.Fatal(err)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("event: %v, %v", res, err)
			}
			res.Body.Close()
			posts := fake.Posts()
			if len(posts) != 1 {
				t.Fatalf("%d posts, want 1", len(posts))
			}
			p := posts[0]
			if p.Channel != "D0001" || p.Text != tc.wantText {
				t.Errorf("posted %q into %s, want %q into D0001", p.Text, p.Channel, tc.wantText)
			}
			if tc.wantBlocks != "" && canon(t, p.Raw) != canon(t, json.RawMessage(tc.wantBlocks)) {
				t.Errorf("posted blocks %s, want %s", p.Raw, tc.wantBlocks)
			}
		})
	}
}

func canon(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
