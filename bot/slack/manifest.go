package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// ManifestOptions describe the Slack app to create.
type ManifestOptions struct {
	Name        string // the app's and the bot's display name (default "Helpdesk")
	Description string // one line shown in Slack's app directory
	// URL is the public https base URL of `helpdesk serve` (e.g. https://helpdesk.example.com);
	// Slack posts to URL/slack/events, /slack/interactions and /slack/commands. Not needed with
	// Socket.
	URL string
	// Socket turns Socket Mode on: Slack sends everything over a WebSocket the bot opens, so it
	// needs no public URL. It excludes URL.
	Socket bool
	// StaffChannel is the kind of the helpdesk staff's channel: StaffPublic, StaffPrivate or
	// StaffNone. Staff replies in a case's thread reach the bot only through the message events
	// of that kind of channel, and reading them needs that kind's history scope.
	StaffChannel string
}

// The kinds of staff channel ManifestOptions.StaffChannel names.
const (
	StaffPublic  = "public"  // a public channel: channels:history, channels:read, message.channels
	StaffPrivate = "private" // a private channel: groups:history, groups:read, message.groups
	StaffNone    = "none"    // no staff channel: cases are not posted anywhere
)

// Scopes are the bot token scopes every helpdesk app needs, one for each thing the code does:
// chat.postMessage, chat.update and chat.postEphemeral (chat:write), conversations.open to
// write to a user (im:write), direct messages (im:history, message.im), @mentions
// (app_mentions:read), the slash command (commands) and users.info, which says the language of a
// person's Slack for the first message of a new conversation (users:read; Config.Locales).
// auth.test and views.open need no scope. The staff channel adds its history scope and, for
// conversations.info (serve checks at start whether the staff channel is private), its read
// scope: see ManifestOptions.StaffChannel.
var Scopes = []string{"app_mentions:read", "chat:write", "commands", "im:history", "im:write", "users:read"}

// BotEvents are the events every helpdesk app subscribes to; the staff channel adds one.
var BotEvents = []string{"app_mention", "message.im"}

// staffAccess maps a kind of staff channel to the scopes and the event it needs.
var staffAccess = map[string]struct {
	scopes []string
	event  string
}{
	StaffPublic:  {[]string{"channels:history", "channels:read"}, "message.channels"},
	StaffPrivate: {[]string{"groups:history", "groups:read"}, "message.groups"},
	StaffNone:    {},
}

// Manifest returns the app manifest (JSON, which Slack's "create from manifest" accepts as is)
// for an app that runs this bot.
func Manifest(o ManifestOptions) ([]byte, error) {
	if o.Name == "" {
		o.Name = "Helpdesk"
	}
	if o.Description == "" {
		o.Description = "セキュリティの困りごと相談窓口：応急処置、適切な相談先、必要なら担当者につなぎます。"
	}
	if len([]rune(o.Name)) > 35 {
		return nil, errors.New("slack manifest: name longer than 35 characters")
	}
	if len([]rune(o.Description)) > 140 {
		return nil, errors.New("slack manifest: description longer than 140 characters")
	}
	access, ok := staffAccess[o.StaffChannel]
	if !ok {
		return nil, fmt.Errorf("slack manifest: staff channel %q: want %s, %s or %s", o.StaffChannel, StaffPublic, StaffPrivate, StaffNone)
	}
	scopes, events := slices.Clone(Scopes), slices.Clone(BotEvents)
	if access.event != "" {
		scopes, events = append(scopes, access.scopes...), append(events, access.event)
		slices.Sort(scopes)
		slices.Sort(events)
	}
	base := ""
	if o.Socket && o.URL != "" {
		return nil, errors.New("slack manifest: a public URL and Socket Mode exclude each other: Socket Mode needs no URL")
	}
	if !o.Socket {
		if o.URL == "" {
			return nil, errors.New("slack manifest: need the bot's public https URL, or Socket Mode")
		}
		u, err := url.Parse(o.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("slack manifest: URL %q: want a public https URL such as https://helpdesk.example.com", o.URL)
		}
		base = strings.TrimRight(o.URL, "/")
	}
	with := func(m map[string]any, key, path string) map[string]any {
		if base != "" {
			m[key] = base + path
		}
		return m
	}
	manifest := map[string]any{
		"_metadata": map[string]any{"major_version": 1, "minor_version": 1},
		"display_information": map[string]any{
			"name":             o.Name,
			"description":      o.Description,
			"background_color": "#1d3557",
		},
		"features": map[string]any{
			// the Messages tab is where employees write to the bot
			"app_home": map[string]any{"home_tab_enabled": false, "messages_tab_enabled": true,
				"messages_tab_read_only_enabled": false},
			"bot_user": map[string]any{"display_name": o.Name, "always_online": true},
			"slash_commands": []any{with(map[string]any{"command": "/helpdesk",
				"description": "相談窓口のメニューをダイレクトメッセージで開きます", "usage_hint": "[help]",
				"should_escape": false}, "url", "/slack/commands")},
		},
		"oauth_config": map[string]any{"scopes": map[string]any{"bot": scopes}},
		"settings": map[string]any{
			"event_subscriptions":    with(map[string]any{"bot_events": events}, "request_url", "/slack/events"),
			"interactivity":          with(map[string]any{"is_enabled": true}, "request_url", "/slack/interactions"),
			"org_deploy_enabled":     false,
			"socket_mode_enabled":    o.Socket,
			"token_rotation_enabled": false,
		},
	}
	out, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("slack manifest: %v", err)
	}
	return append(out, '\n'), nil
}
