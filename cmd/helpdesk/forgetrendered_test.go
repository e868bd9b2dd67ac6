package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// renderKeeper is a deliverer with a render cache; forgotten counts ForgetRendered calls.
type renderKeeper struct{ forgotten int }

func (*renderKeeper) Deliver(context.Context, dialog.Delivery) (string, error) { return "", nil }
func (r *renderKeeper) ForgetRendered()                                        { r.forgotten++ }

// plainDeliverer keeps nothing rendered.
type plainDeliverer struct{}

func (plainDeliverer) Deliver(context.Context, dialog.Delivery) (string, error) { return "", nil }

// An erasure through the admin API, and a retention sweep that deleted something, empty the
// deliverers' render caches; a sweep that deleted nothing leaves them.
func TestErasureForgetsRenderedReplies(t *testing.T) {
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, knowledge.Tokyo)
	engine, err := dialog.Open(filepath.Join(t.TempDir(), "helpdesk.db"), lib, slog.New(slog.DiscardHandler),
		dialog.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	keeper := &renderKeeper{}
	after := forgetRendered(map[string]bot.Deliverer{"line": keeper, "staff": plainDeliverer{}})

	if _, err := engine.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U1", Text: "ウイルス", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	purge := purging(engine, after)
	if _, err := purge(now.Add(-time.Hour), now.Add(-time.Hour)); err != nil || keeper.forgotten != 0 {
		t.Fatalf("a sweep that deleted nothing: %d calls, %v; want none", keeper.forgotten, err)
	}
	var admin bot.AdminEngine = erasing{engine, after}
	if f, err := admin.Forget("line", "U1"); err != nil || f.Conversations != 1 || keeper.forgotten != 1 {
		t.Fatalf("Forget = %+v, %v with %d calls; want the conversation erased and one call", f, err, keeper.forgotten)
	}
	if _, err := engine.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U2", Text: "ウイルス", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	if p, err := purge(now.Add(time.Hour), now.Add(time.Hour)); err != nil || p.Conversations != 1 || keeper.forgotten != 2 {
		t.Errorf("a sweep that deleted %+v, %v: %d calls, want 2", p, err, keeper.forgotten)
	}
}

// The deliverers serve wires keep rendered replies and can forget them.
var (
	_ interface{ ForgetRendered() } = (*line.Deliverer)(nil)
	_ interface{ ForgetRendered() } = (*slack.Deliverer)(nil)
)
