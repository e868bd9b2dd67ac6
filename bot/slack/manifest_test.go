package slack_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
)

type manifest struct {
	Display struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"display_information"`
	Features struct {
		AppHome struct {
			Messages bool `json:"messages_tab_enabled"`
			ReadOnly bool `json:"messages_tab_read_only_enabled"`
		} `json:"app_home"`
		Commands []struct {
			Command     string `json:"command"`
			URL         string `json:"url"`
			Description string `json:"description"`
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
	base := []string{"app_mentions:read", "chat:write", "commands", "im:history", "im:write", "users:read"}
	tests := []struct {
		name       string
		opts       slack.ManifestOptions
		wantBase   string
		wantScopes []string
		wantEvents []string
	}{
		{"http_public_staff", slack.ManifestOptions{URL: "https://helpdesk.example.com/", StaffChannel: slack.StaffPublic}, "https://helpdesk.example.com",
			[]string{"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands", "im:history", "im:write", "users:read"},
			[]string{"app_mention", "message.channels", "message.im"}},
		{"socket_private_staff", slack.ManifestOptions{Socket: true, Name: "相談窓口", StaffChannel: slack.StaffPrivate}, "",
			[]string{"app_mentions:read", "chat:write", "commands", "groups:history", "groups:read", "im:history", "im:write", "users:read"},
			[]string{"app_mention", "message.groups", "message.im"}},
		{"no_staff", slack.ManifestOptions{Socket: true, StaffChannel: slack.StaffNone}, "", base, []string{"app_mention", "message.im"}},
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
		if !slices.Equal(m.OAuth.Scopes.Bot, tt.wantScopes) {
			t.Errorf("%s: scopes %q, want exactly %q", tt.name, m.OAuth.Scopes.Bot, tt.wantScopes)
		}
		if !slices.Equal(m.Settings.Events.Events, tt.wantEvents) {
			t.Errorf("%s: events %q, want exactly %q", tt.name, m.Settings.Events.Events, tt.wantEvents)
		}
		if len(m.Features.Commands) != 1 || m.Features.Commands[0].Command != "/helpdesk" || !m.Settings.Interactivity.Enabled ||
			!m.Features.AppHome.Messages || m.Features.AppHome.ReadOnly || m.Display.Name == "" {
			t.Errorf("%s: %+v", tt.name, m)
		}
		if !hasJapanese(m.Display.Description) || !hasJapanese(m.Features.Commands[0].Description) {
			t.Errorf("%s: description %q and command description %q, want Japanese", tt.name, m.Display.Description, m.Features.Commands[0].Description)
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
	for _, bad := range []slack.ManifestOptions{{StaffChannel: "none"}, {URL: "http://helpdesk.example.com", StaffChannel: "none"},
		{URL: "helpdesk.example.com", StaffChannel: "none"}, {URL: "https://", StaffChannel: "none"},
		{Socket: true, Name: "a name far too long for Slack's limit of 35", StaffChannel: "none"},
		{Socket: true}, {Socket: true, StaffChannel: "shared"},
		{Socket: true, URL: "https://helpdesk.example.com", StaffChannel: "none"}} {
		if _, err := slack.Manifest(bad); err == nil {
			t.Errorf("Manifest(%+v) accepted", bad)
		}
	}
}

// hasJapanese reports whether s has a kana or a kanji.
func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30ff || r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
