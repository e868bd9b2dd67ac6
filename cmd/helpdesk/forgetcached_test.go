package main

import (
	"context"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// renderKeeper is a deliverer with a render cache; forgotten counts ForgetCached calls.
type renderKeeper struct{ forgotten int }

func (*renderKeeper) Deliver(context.Context, dialog.Delivery) (string, error) { return "", nil }
func (r *renderKeeper) ForgetCached()                                          { r.forgotten++ }

// plainDeliverer keeps nothing rendered.
type plainDeliverer struct{}

func (plainDeliverer) Deliver(context.Context, dialog.Delivery) (string, error) { return "", nil }

// forgetCached reaches every deliverer that keeps rendered replies (serve hands it to
// dialog.Engine.AfterErase, whose own test checks when it runs).
func TestForgetCachedReachesTheDeliverers(t *testing.T) {
	a, b := &renderKeeper{}, &renderKeeper{}
	forgetCached(map[dialog.Channel]bot.Deliverer{"line": a, "slack": b, "staff": plainDeliverer{}})()
	if a.forgotten != 1 || b.forgotten != 1 {
		t.Errorf("ForgetCached called %d and %d times, want once each", a.forgotten, b.forgotten)
	}
}

// The deliverers serve wires keep rendered replies and can forget them.
var (
	_ interface{ ForgetCached() } = (*line.Deliverer)(nil)
	_ interface{ ForgetCached() } = (*slack.Deliverer)(nil)
)
