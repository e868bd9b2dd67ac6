package bot

import (
	"context"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// engine is the engine as the adapters need it: users' messages and staff events.
type engine interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
	Staff(ctx context.Context, ev dialog.StaffEvent) (dialog.StaffResult, error)
}

// Metered is the engine with metrics: it passes each user's message and each staff event on to
// the engine, unchanged, and counts what happened. It is what main hands the channel adapters.
// Staff escalation needs nothing more here, because the engine queues a new case for the staff
// channel in the same transaction as the step that opened it, and the Sender delivers it.
type Metered struct {
	engine  engine
	metrics *Metrics
}

// NewMetered returns engine counted into metrics.
func NewMetered(engine engine, metrics *Metrics) *Metered {
	return &Metered{engine: engine, metrics: metrics}
}

// Respond decides and stores the reply to m (see dialog.Engine.Respond) and counts it by
// channel and outcome, a redelivery, or an error.
func (d *Metered) Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error) {
	start := time.Now()
	reply, err := d.engine.Respond(ctx, m)
	switch {
	case err != nil:
		d.metrics.Add("helpdesk_event_errors_total", "channel", string(m.Channel))
	case reply.Duplicate:
		d.metrics.Add("helpdesk_duplicate_events_total", "channel", string(m.Channel))
	default:
		outcome := string(reply.Outcome)
		if outcome == "" {
			outcome = "step"
		}
		d.metrics.Add("helpdesk_events_total", "channel", string(m.Channel), "outcome", outcome)
		d.metrics.ObserveReply(m.Channel, time.Since(start))
	}
	return reply, err
}

// staffChannel is the channel label of staff events.
const staffChannel = string(dialog.ChannelStaff)

// Staff applies what a staff member did in the staff channel (see dialog.Engine.Staff) and
// counts it under the channel "staff": by action when it did something, as "ignored" when it
// did nothing (not a case's thread, a closed case), as a redelivery, or as an error.
func (d *Metered) Staff(ctx context.Context, ev dialog.StaffEvent) (dialog.StaffResult, error) {
	res, err := d.engine.Staff(ctx, ev)
	switch {
	case err != nil:
		d.metrics.Add("helpdesk_event_errors_total", "channel", staffChannel)
	case res.Ignored == "duplicate":
		d.metrics.Add("helpdesk_duplicate_events_total", "channel", staffChannel)
	case res.Ignored != "":
		d.metrics.Add("helpdesk_events_total", "channel", staffChannel, "outcome", "ignored")
	default:
		d.metrics.Add("helpdesk_events_total", "channel", staffChannel, "outcome", string(ev.Action))
	}
	return res, err
}
