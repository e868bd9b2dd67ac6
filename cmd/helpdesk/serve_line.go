package main

import (
	"errors"
	"fmt"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/line"
)

// lineChannel wires LINE when LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN are both set: the
// webhook route and the deliverer of the outbox's LINE entries.
func lineChannel(d serveDeps) (*channel, error) {
	secret, token := d.env.getenv("LINE_CHANNEL_SECRET"), d.env.getenv("LINE_CHANNEL_TOKEN")
	if secret == "" && token == "" {
		return nil, nil
	}
	if secret == "" || token == "" {
		return nil, errors.New("LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN must be set together")
	}
	api, err := lineAPI(d.env)
	if err != nil {
		return nil, err
	}
	loading, err := line.NewLoading(d.logger, api)
	if err != nil {
		return nil, fmt.Errorf("LINE: %v", err)
	}
	b, err := line.New(d.logger, line.Config{Secret: secret, API: api, Loading: loading,
		Rejected: func(reason string) {
			d.metrics.Add("helpdesk_rejected_requests_total", "channel", "line", "reason", reason)
		}}, d.desk)
	if err != nil {
		return nil, fmt.Errorf("LINE: %v", err)
	}
	return &channel{
		name:       "line",
		routes:     func(r *bot.Routes) { r.LineWebhook = b.Handler() },
		deliverers: map[string]bot.Deliverer{"line": b.Deliverer()},
	}, nil
}

// lineAPI reads how to reach the Messaging API: LINE_CHANNEL_TOKEN, and LINE_API_BASE when set.
func lineAPI(e *env) (line.API, error) {
	api := line.API{Token: e.getenv("LINE_CHANNEL_TOKEN"), BaseURL: e.getenv("LINE_API_BASE")}
	if api.BaseURL != "" {
		if err := line.CheckBaseURL(api.BaseURL); err != nil {
			return api, fmt.Errorf("LINE_API_BASE=%s: want an http or https URL such as %s", api.BaseURL, line.DefaultBaseURL)
		}
	}
	return api, nil
}
