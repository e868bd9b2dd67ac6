package dialog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// TestFloodAcrossThreads: the rate limit follows the person, not the conversation: one person
// who opens a Slack thread per message is limited like one who writes in one conversation,
// and another person in the same channel is answered as usual.
func TestFloodAcrossThreads(t *testing.T) {
	lib, _ := knowledge.LibraryOf(seeds.FS)
	c := &clock{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	e, err := dialog.Open(filepath.Join(t.TempDir(), "h.db"), lib, discard,
		dialog.Options{Now: c.Now, RateLimit: dialog.RateLimit{Burst: 10, Every: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	answered := 0
	for i := 0; i < 40; i++ {
		r, err := e.Respond(ctx, dialog.Message{Channel: "slack", UserID: fmt.Sprintf("C0GENERAL/1700000000.%06d", i),
			Person: "U0FLOOD", EventID: fmt.Sprint("f", i), Text: "ウイルス"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Topic == "malware" {
			answered++
		}
	}
	if answered != 10 {
		t.Errorf("40 messages in 40 threads from one person: %d answered, want 10 (the burst)", answered)
	}
	r, _ := e.Respond(ctx, dialog.Message{Channel: "slack", UserID: "C0GENERAL/1700000001.000000", Person: "U0OTHER", EventID: "o1", Text: "ウイルス"})
	if r.Topic != "malware" {
		t.Errorf("another person is affected by the flood: %q", r.PlainText())
	}
}
