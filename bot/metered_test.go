package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// fakeEngine answers users and staff as its fields say.
type fakeEngine struct {
	reply dialog.Reply
	staff dialog.StaffResult
	err   error
}

func (f *fakeEngine) Respond(context.Context, dialog.Message) (dialog.Reply, error) {
	return f.reply, f.err
}

func (f *fakeEngine) Staff(context.Context, dialog.StaffEvent) (dialog.StaffResult, error) {
	return f.staff, f.err
}

// TestMeteredCounts: users' events and staff events are counted alike, by channel and outcome,
// as redeliveries, or as errors.
func TestMeteredCounts(t *testing.T) {
	ctx := context.Background()
	m := NewMetrics()
	e := &fakeEngine{}
	d := NewMetered(e, m)
	e.reply = dialog.Reply{Outcome: dialog.Answer}
	d.Respond(ctx, dialog.Message{Channel: "line"})
	e.reply = dialog.Reply{Duplicate: true}
	d.Respond(ctx, dialog.Message{Channel: "line"})
	d.Staff(ctx, dialog.StaffEvent{Action: dialog.StaffClaim})
	e.staff = dialog.StaffResult{Ignored: "not a case thread"}
	d.Staff(ctx, dialog.StaffEvent{Action: dialog.StaffMessage})
	e.staff = dialog.StaffResult{Ignored: "duplicate"}
	d.Staff(ctx, dialog.StaffEvent{Action: dialog.StaffMessage})
	e.err = errors.New("disk full")
	d.Staff(ctx, dialog.StaffEvent{Action: dialog.StaffResolve})
	d.Respond(ctx, dialog.Message{Channel: "slack"})

	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	samples, err := parseExposition(b.String())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{
		`helpdesk_events_total{channel="line",outcome="answer"}`:   1,
		`helpdesk_duplicate_events_total{channel="line"}`:          1,
		`helpdesk_events_total{channel="staff",outcome="claim"}`:   1,
		`helpdesk_events_total{channel="staff",outcome="ignored"}`: 1,
		`helpdesk_duplicate_events_total{channel="staff"}`:         1,
		`helpdesk_event_errors_total{channel="staff"}`:             1,
		`helpdesk_event_errors_total{channel="slack"}`:             1,
	} {
		if got := samples[name]; got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}
