package slack_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
)

type manifest struct {
	Display struct {
		Name string `json:"name"`
	} `json:"display_information"`
	Features struct {
		AppHome struct {
			Messages bool `json:"messages_tab_enabled"`
			ReadOnly bool `json:"messages_tab_read_only_enabled"`
		} `json:"app_home"`
		Commands []struct {
			Command string `json:"command"`
			URL     string `json:"url"`
		} `json:"slash_commands"`
	} `json:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `json:"bot"`
		} `json:"scopes"`
	} `json:"oauth_config"`
	Settings struct {
		Events struct {
			URL    string   `json:"request_url"`
			Events []string `json:"bot_events"`
		} `json:"event_subscriptions"`
		Interactivity struct {
			Enabled bool   `json:"is_enabled"`
			URL     string `json:"request_url"`
		} `json:"interactivity"`
		Socket bool `json:"socket_mode_enabled"`
	} `json:"settings"`
}

func TestManifest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     slack.ManifestOptions
		wantBase string
	}{
		{"http", slack.ManifestOptions{URL: "https://helpdesk.example.com/"}, "https://helpdesk.example.com"},
		{"socket", slack.ManifestOptions{Socket: true, Name: "相談窓口"}, ""},
	}
	for _, tt := range tests {
		out, err := slack.Manifest(tt.opts)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var m manifest
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s: not JSON: %v", tt.name, err)
		}
		for _, s := range []string{"chat:write", "im:history", "im:read", "im:write", "app_mentions:read", "channels:history", "groups:history", "commands"} {
			if !slices.Contains(m.OAuth.Scopes.Bot, s) {
				t.Errorf("%s: scope %s missing", tt.name, s)
			}
		}
		for _, e := range []string{"message.im", "app_mention", "message.channels", "message.groups"} {
			if !slices.Contains(m.Settings.Events.Events, e) {
				t.Errorf("%s: event %s missing", tt.name, e)
			}
		}
		if len(m.Features.Commands) != 1 || m.Features.Commands[0].Command != "/helpdesk" || !m.Settings.Interactivity.Enabled ||
			!m.Features.AppHome.Messages || m.Features.AppHome.ReadOnly || m.Display.Name == "" {
			t.Errorf("%s: %+v", tt.name, m)
		}
		urls := []string{m.Settings.Events.URL, m.Settings.Interactivity.URL, m.Features.Commands[0].URL}
		want := []string{"", "", ""}
		if tt.wantBase != "" {
			want = []string{tt.wantBase + "/slack/events", tt.wantBase + "/slack/interactions", tt.wantBase + "/slack/commands"}
		}
		if !slices.Equal(urls, want) || m.Settings.Socket != tt.opts.Socket {
			t.Errorf("%s: urls %q socket %v, want %q %v", tt.name, urls, m.Settings.Socket, want, tt.opts.Socket)
		}
	}
	for _, bad := range []slack.ManifestOptions{{}, {URL: "http://helpdesk.example.com"}, {URL: "helpdesk.example.com"},
		{URL: "https://"}, {Socket: true, Name: "a name far too long for Slack's limit of 35"}} {
		if _, err := slack.Manifest(bad); err == nil {
			t.Errorf("Manifest(%+v) accepted", bad)
		}
	}
}
