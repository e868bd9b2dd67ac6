package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// channelID is what a Slack channel id looks like (public C…, private C… or the older G…).
var channelID = regexp.MustCompile(`^[CG][A-Z0-9]{6,}$`)

// slackChannel wires Slack when SLACK_BOT_TOKEN is set: over HTTP (the Events API, interactions
// and /helpdesk, each request checked with SLACK_SIGNING_SECRET) or, when SLACK_APP_TOKEN is
// set, over Socket Mode (no routes; the channel's loop receives everything). With
// HELPDESK_STAFF_CHANNEL it also posts cases there and takes staff replies and buttons from it.
func slackChannel(d serveDeps) (*channel, error) {
	get := d.env.getenv
	botToken, secret, appToken := get("SLACK_BOT_TOKEN"), get("SLACK_SIGNING_SECRET"), get("SLACK_APP_TOKEN")
	staff, apiURL := get("HELPDESK_STAFF_CHANNEL"), get("SLACK_API_URL")
	if botToken == "" {
		switch {
		case staff != "":
			return nil, errors.New("HELPDESK_STAFF_CHANNEL is set but SLACK_BOT_TOKEN is not: the staff channel is on Slack; " +
				"set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), or unset HELPDESK_STAFF_CHANNEL")
		case secret != "" || appToken != "":
			return nil, errors.New("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: set the bot token (xoxb-…) too")
		}
		return nil, nil
	}
	switch {
	case secret == "" && appToken == "":
		return nil, errors.New("SLACK_BOT_TOKEN is set without SLACK_SIGNING_SECRET (Events API over HTTP) or SLACK_APP_TOKEN (Socket Mode): set one of them")
	case strings.HasPrefix(botToken, "xapp-"):
		return nil, errors.New("SLACK_BOT_TOKEN holds an app-level token (xapp-…): use the Bot User OAuth Token (xoxb-…), and put the xapp- token in SLACK_APP_TOKEN")
	case appToken != "" && !strings.HasPrefix(appToken, "xapp-"):
		return nil, errors.New("SLACK_APP_TOKEN: want an app-level token (xapp-…) with the connections:write scope")
	case staff != "" && !channelID.MatchString(staff):
		return nil, fmt.Errorf("HELPDESK_STAFF_CHANNEL=%s: want a channel id such as C0123456789 (at the bottom of the channel's details), not its name", staff)
	}
	base, err := slack.CheckAPIURL(apiURL)
	if err != nil {
		return nil, fmt.Errorf("SLACK_API_URL=%s: want an http or https URL such as %s", apiURL, slack.DefaultAPIURL)
	}
	lib := d.lib
	allowPublic := false
	switch v := get("HELPDESK_STAFF_CHANNEL_PUBLIC"); v {
	case "", "0":
	case "1":
		allowPublic = true
	default:
		return nil, fmt.Errorf("HELPDESK_STAFF_CHANNEL_PUBLIC=%s: want 1 (allow a public staff channel) or 0", v)
	}
	cfg := slack.Config{BotToken: botToken, SigningSecret: secret, AppToken: appToken, APIURL: base, StaffChannel: staff,
		StaffChannelPublic: allowPublic,
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
			d.metrics.Add("helpdesk_rejected_requests_total", "channel", "slack", "reason", reason)
		},
		Connection: func(err error) { d.connection("slack_socket", err) },
	}
	cfg.Admin = slackAdmin(d)
	b, err := slack.New(d.logger, cfg, d.desk)
	if err != nil {
		return nil, err
	}
	ch := &channel{name: "slack", routes: func(*bot.Routes) {}, run: b.Run,
		deliverers: map[string]bot.Deliverer{"slack": b.Deliverer()}}
	if b.SocketMode() {
		if secret != "" {
			d.logger.Info("slack over socket mode: SLACK_SIGNING_SECRET is not used")
		}
	} else {
		ch.routes = func(r *bot.Routes) {
			r.SlackEvents, r.SlackInteractions, r.SlackCommands = b.Events(), b.Interactions(), b.Commands()
		}
	}
	if staff != "" {
		if err := b.CheckStaffChannel(context.Background()); err != nil {
			return nil, err
		}
		ch.deliverers["staff"] = b.StaffDeliverer()
	}
	return ch, nil
}

// slackAdmin runs "/helpdesk reload" and "/helpdesk stats [DAYS]" for the Slack users listed in
// HELPDESK_ADMINS; anyone else gets a polite refusal, and the attempt is logged.
func slackAdmin(d serveDeps) func(ctx context.Context, user string, args []string) (string, error) {
	admins := map[string]bool{}
	for _, id := range strings.Split(d.env.getenv("HELPDESK_ADMINS"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			admins[id] = true
		}
	}
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
			st, err := d.engine.Stats(since)
			if err != nil {
				return "", err
			}
			return bot.StatsBlock(bot.AdminText("period", days), st), nil
		}
		return d.lib.Base().Message("admin_help"), nil
	}
}
