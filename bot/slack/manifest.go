package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
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
	// needs no public URL.
	Socket bool
}

// Scopes are the bot token scopes the helpdesk needs: post (chat:write), read direct messages
// (im:*), @mentions, and thread replies in the staff channel, public or private (channels:history,
// groups:history), whether the staff channel is private (groups:read), and the slash command.
var Scopes = []string{"app_mentions:read", "channels:history", "chat:write", "commands",
	"groups:history", "groups:read", "im:history", "im:read", "im:write"}

// BotEvents are the events the helpdesk subscribes to.
var BotEvents = []string{"app_mention", "message.channels", "message.groups", "message.im"}

// Manifest returns the app manifest (JSON, which Slack's "create from manifest" accepts as is)
// for an app that runs this bot.
func Manifest(o ManifestOptions) ([]byte, error) {
	if o.Name == "" {
		o.Name = "Helpdesk"
	}
	if o.Description == "" {
		o.Description = "Security helpdesk: first aid, the right contact, and a person when needed."
	}
	if len([]rune(o.Name)) > 35 {
		return nil, errors.New("slack manifest: name longer than 35 characters")
	}
	base := ""
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
				"description": "Open the helpdesk menu in a direct message", "usage_hint": "[help]",
				"should_escape": false}, "url", "/slack/commands")},
		},
		"oauth_config": map[string]any{"scopes": map[string]any{"bot": Scopes}},
		"settings": map[string]any{
			"event_subscriptions":    with(map[string]any{"bot_events": BotEvents}, "request_url", "/slack/events"),
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
