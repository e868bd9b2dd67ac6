package dialog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// TestHastenBringsAChannelsWaitingEntriesForward: after an outage, the entries of the channel
// that answered again are due at once, their backoff started over, in order per recipient; the
// other channels' entries keep their time.
func TestHastenBringsAChannelsWaitingEntriesForward(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	for i, ch := range []dialog.Channel{"line", "line", "slack"} {
		te.Respond(context.Background(), dialog.Message{Channel: ch, UserID: "U" + string(ch), EventID: fmt.Sprint(i), Text: "こんにちは", Address: "a"})
	}
	now := te.clock.Now()
	p, _ := te.Outbox().Pending(now, 10, nil)
	if len(p) != 2 {
		t.Fatalf("pending = %d entries, want 2 (one per recipient)", len(p))
	}
	for _, d := range p {
		if err := te.Outbox().Postpone(d.ID, now.Add(5*time.Minute), 0, "status 500"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := te.Outbox().Hasten("line", now)
	if err != nil || n != 1 {
		t.Fatalf("Hasten(line) = %d, %v, want 1 entry", n, err)
	}
	p, _ = te.Outbox().Pending(now, 10, nil)
	if len(p) != 1 || p[0].Channel != "line" || p[0].Attempts != 0 {
		t.Fatalf("after Hasten(line): %+v, want the first line entry, attempts reset", p)
	}
	if err := te.Outbox().Delivered(p[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	p, _ = te.Outbox().Pending(now, 10, nil)
	if len(p) != 1 || p[0].Channel != "line" {
		t.Fatalf("after the first line entry: %+v, want the second (slack still waits)", p)
	}
}
