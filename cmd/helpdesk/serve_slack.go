package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// slackChannel wires Slack when its settings are there: over HTTP (the Events API,
// interactions and /helpdesk) or over Socket Mode (no routes; the channel's loop receives
// everything), and with a staff channel, the deliverer of cases into it.
func slackChannel(d serveDeps) (*channel, error) {
	s := d.settings.slack
	if s == nil {
		return nil, nil
	}
	lib := d.lib
	cfg := slack.Config{BotToken: s.botToken, SigningSecret: s.signingSecret, AppToken: s.appToken, APIURL: s.apiURL,
		StaffChannel: s.staffChannel, StaffChannelPublic: s.staffChannelPublic, Locales: true,
		// through lib.Base() each time, so that a reload applies at once
		Phrases: func(key string) string { return lib.Base().Message(key) },
		Topics: func() []dialog.TopicScore {
			var out []dialog.TopicScore
			for _, t := range lib.Base().Topics() {
				out = append(out, dialog.TopicScore{ID: t.ID, Title: t.Title})
			}
			return out
		},
		Rejected: func(reason string) {
			d.metrics.Add("helpdesk_rejected_requests_total", "channel", string(dialog.ChannelSlack), "reason", reason)
		},
		Connection: func(err error) { d.connection("slack_socket", err) },
	}
	cfg.Admin = slackAdmin(d, s.admins)
	b, err := slack.New(d.logger, cfg, d.metered)
	if err != nil {
		return nil, err
	}
	ch := &channel{name: dialog.ChannelSlack, routes: func(*bot.Routes) {}, run: b.Run,
		deliverers: map[dialog.Channel]bot.Deliverer{dialog.ChannelSlack: b.Deliverer()}}
	if b.SocketMode() {
		if s.signingSecret != "" {
			d.logger.Info("slack over socket mode: SLACK_SIGNING_SECRET is not used")
		}
	} else {
		ch.routes = func(r *bot.Routes) {
			r.SlackEvents, r.SlackInteractions, r.SlackCommands = b.Events(), b.Interactions(), b.Commands()
		}
	}
	if s.staffChannel != "" {
		if err := b.CheckStaffChannel(context.Background()); err != nil {
			return nil, err
		}
		ch.deliverers[dialog.ChannelStaff] = b.StaffDeliverer()
	}
	return ch, nil
}

// slackAdmin runs "/helpdesk reload" and "/helpdesk stats [DAYS]" for the Slack users in admins
// (HELPDESK_ADMINS); anyone else gets a polite refusal, and the attempt is logged.
func slackAdmin(d serveDeps, admins map[string]bool) func(ctx context.Context, user string, args []string) (string, error) {
	return func(ctx context.Context, user string, args []string) (string, error) {
		if !admins[user] {
			// args[0] is one of the admin verbs (bot/slack passes only those), never user text
			d.logger.Warn("admin command refused", "channel", "slack", "command", args[0])
			d.logger.Debug("admin command refused", "channel", "slack", "user", user)
			return d.lib.Base().Message("admin_refused"), nil
		}
		switch args[0] {
		case "reload":
			res := d.reload("slack")
			if !res.OK {
				return bot.AdminText("reload.failed") + "\n" + bot.CodeBlock(strings.Join(res.Problems, "\n")), nil
			}
			return bot.AdminText("reload.ok", bot.DiffSummary(res.Diff)) + "\n" + bot.CodeBlock(bot.DiffReport(res.Diff)), nil
		case "stats":
			days := 7
			if len(args) > 1 {
				if n, err := strconv.Atoi(strings.TrimSuffix(args[1], "d")); err == nil && n > 0 {
					days = n
				}
			}
			// From the start of the day in Japan, so that the numbers of the unanswered texts
			// are those of helpdesk stats --since that day.
			since, _ := bot.ParseDay(time.Now().In(knowledge.Tokyo).AddDate(0, 0, -days).Format(time.DateOnly))
			st, err := d.admin.Stats(since)
			if err != nil {
				return "", err
			}
			return bot.StatsBlock(bot.AdminText("period", days), st), nil
		}
		return d.lib.Base().Message("admin_help"), nil
	}
}
