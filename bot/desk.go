package bot

import (
	"context"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// responder is the engine as the desk needs it.
type responder interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
}

// Desk is what the channel adapters talk to: it runs the engine and counts what happened. Staff
// escalation needs nothing more here, because the engine queues a new case for the staff channel
// in the same transaction as the step that opened it, and the Sender delivers it.
type Desk struct {
	engine  responder
	metrics *Metrics
}

// NewDesk returns a desk answering through engine.
func NewDesk(engine responder, metrics *Metrics) *Desk {
	return &Desk{engine: engine, metrics: metrics}
}

// Respond decides and stores the reply to m; see dialog.Engine.Respond.
func (d *Desk) Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error) {
	start := time.Now()
	reply, err := d.engine.Respond(ctx, m)
	switch {
	case err != nil:
		d.metrics.Add("helpdesk_event_errors_total", "channel", m.Channel)
	case reply.Duplicate:
		d.metrics.Add("helpdesk_duplicate_events_total", "channel", m.Channel)
	default:
		outcome := string(reply.Outcome)
		if outcome == "" {
			outcome = "step"
		}
		d.metrics.Add("helpdesk_events_total", "channel", m.Channel, "outcome", outcome)
		d.metrics.ObserveReply(m.Channel, time.Since(start))
	}
	return reply, err
}
