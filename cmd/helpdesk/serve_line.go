package main

import (
	"fmt"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// lineChannel wires LINE when its settings are there: the webhook route and the deliverer of
// the outbox's LINE entries, sharing the loading animation.
func lineChannel(d serveDeps) (*channel, error) {
	s := d.settings.line
	if s == nil {
		return nil, nil
	}
	loading, err := line.NewLoading(d.logger, s.api)
	if err != nil {
		return nil, fmt.Errorf("LINE: %v", err)
	}
	profiles, err := line.NewProfiles(d.logger, s.api)
	if err != nil {
		return nil, fmt.Errorf("LINE: %v", err)
	}
	b, err := line.New(d.logger, line.Config{Secret: s.secret, API: s.api, Loading: loading, Profiles: profiles,
		Rejected: func(reason string) {
			d.metrics.Add("helpdesk_rejected_requests_total", "channel", string(dialog.ChannelLINE), "reason", reason)
		}}, d.metered)
	if err != nil {
		return nil, fmt.Errorf("LINE: %v", err)
	}
	return &channel{
		name:       dialog.ChannelLINE,
		routes:     func(r *bot.Routes) { r.LineWebhook = b.Handler() },
		deliverers: map[dialog.Channel]bot.Deliverer{dialog.ChannelLINE: b.Deliverer()},
	}, nil
}
