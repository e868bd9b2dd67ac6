package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// TestServeStopsOnUnusableSettings: a setting that is set but unusable stops start-up with a
// message naming it (README, Configuration).
func TestServeStopsOnUnusableSettings(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"log_level", map[string]string{"HELPDESK_LOG_LEVEL": "loud"}, "HELPDESK_LOG_LEVEL=loud"},
		{"address", map[string]string{"HELPDESK_ADDR": "no-port"}, "HELPDESK_ADDR=no-port"},
		{"admin_address", map[string]string{"HELPDESK_ADMIN_ADDR": "9090"}, "HELPDESK_ADMIN_ADDR=9090"},
		{"database_folder", map[string]string{"HELPDESK_DB": filepath.Join(dir, "missing", "h.db")}, "HELPDESK_DB="},
		{"knowledge_folder", map[string]string{"HELPDESK_KNOWLEDGE": filepath.Join(dir, "nowhere")}, "HELPDESK_KNOWLEDGE="},
		{"line_half_pair", map[string]string{"LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_TOKEN"},
		{"line_blank_token", map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "   "}, "LINE_CHANNEL_TOKEN"},
		{"line_token_only", map[string]string{"LINE_CHANNEL_TOKEN": "t"}, "LINE_CHANNEL_SECRET"},
		{"line_base_without_scheme", map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_API_BASE": "localhost:8080"}, "LINE_API_BASE"},
		{"line_base_ftp", map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_API_BASE": "ftp://example.com"}, "LINE_API_BASE"},
		{"slack_secret_without_bot_token", map[string]string{"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{"slack_bot_token_alone", map[string]string{"SLACK_BOT_TOKEN": slackTestToken}, "SLACK_SIGNING_SECRET"},
		{"slack_app_token_in_bot_token", map[string]string{"SLACK_BOT_TOKEN": slackTestApp, "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{"slack_bot_token_in_app_token", map[string]string{"SLACK_BOT_TOKEN": slackTestToken, "SLACK_APP_TOKEN": "xoxb-x"}, "SLACK_APP_TOKEN"},
		{"slack_bad_api_url", map[string]string{"SLACK_BOT_TOKEN": slackTestToken, "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"},
		{"staff_channel_name", map[string]string{"SLACK_BOT_TOKEN": slackTestToken, "SLACK_SIGNING_SECRET": "s", "HELPDESK_STAFF_CHANNEL": "#helpdesk"}, "HELPDESK_STAFF_CHANNEL"},
		{"line_base_without_line", map[string]string{"LINE_API_BASE": "http://127.0.0.1:1"}, "LINE_API_BASE"},
		{"slack_url_without_slack", map[string]string{"SLACK_API_URL": "http://127.0.0.1:1/"}, "SLACK_API_URL"},
		{"admins_without_slack", map[string]string{"HELPDESK_ADMINS": "U1"}, "HELPDESK_ADMINS"},
		{"staff_without_slack", map[string]string{"HELPDESK_STAFF_CHANNEL": "C0STAFF01"}, "HELPDESK_STAFF_CHANNEL"},
		{"short_admin_token", map[string]string{"HELPDESK_ADMIN_TOKEN": "short"}, "HELPDESK_ADMIN_TOKEN"},
		{"hours", map[string]string{"HELPDESK_HOURS": "weekdays 9-17"}, "HELPDESK_HOURS"},
		{"user_rate", map[string]string{"HELPDESK_USER_RATE": "lots"}, "HELPDESK_USER_RATE"},
		{"retention", map[string]string{"HELPDESK_RETENTION": "forever"}, "HELPDESK_RETENTION"},
		{"database_url_scheme", map[string]string{"HELPDESK_DB": "", "HELPDESK_DATABASE_URL": "mysql://helpdesk:" + testDBPassword + "@127.0.0.1/helpdesk"}, "HELPDESK_DATABASE_URL: scheme"},
		{"database_url_not_a_url", map[string]string{"HELPDESK_DB": "", "HELPDESK_DATABASE_URL": "postgres://helpdesk:" + testDBPassword + "@127.0.0.1:5432/%zz"}, "HELPDESK_DATABASE_URL: not a URL"},
		{"database_url_bad_port", map[string]string{"HELPDESK_DB": "", "HELPDESK_DATABASE_URL": "postgres://helpdesk:" + testDBPassword + "@127.0.0.1:port/helpdesk"}, "HELPDESK_DATABASE_URL"},
		{"database_url_key_value", map[string]string{"HELPDESK_DB": "", "HELPDESK_DATABASE_URL": "host=127.0.0.1 password=" + testDBPassword}, "HELPDESK_DATABASE_URL"},
		{"database_url_and_db", map[string]string{"HELPDESK_DATABASE_URL": "postgres://helpdesk:" + testDBPassword + "@127.0.0.1:5432/helpdesk"}, "HELPDESK_DB and HELPDESK_DATABASE_URL are both set"},
		{"database_url_no_server", map[string]string{"HELPDESK_DB": "", "HELPDESK_DATABASE_URL": "postgres://helpdesk:" + testDBPassword + "@127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/helpdesk?sslmode=disable"},
			"HELPDESK_DATABASE_URL: open database: no PostgreSQL server answers at 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"HELPDESK_ADDR": "127.0.0.1:0", "HELPDESK_DB": filepath.Join(t.TempDir(), "h.db")}
			for k, v := range tt.vars {
				vars[k] = v
			}
			res := runCmd(t, vars, "", "serve")
			if res.code != exitFail || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("serve with %v: exit %d, stderr %q; want a failure naming %s", tt.vars, res.code, res.stderr, tt.want)
			}
			if strings.Contains(res.stderr, testDBPassword) {
				t.Errorf("serve printed the database password: %s", res.stderr)
			}
		})
	}
}

// TestEnvExampleValues: the settings example is read by systemd's EnvironmentFile and docker
// --env-file, which take everything after "=" as the value; a comment on the same line as a
// setting would become part of it once the admin uncomments the line. Every variable it names
// is documented in the README.
func TestEnvExampleValues(t *testing.T) {
	example, err := os.ReadFile("deploy/helpdesk.env.example")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	assignment := regexp.MustCompile(`^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$`)
	var names int
	for i, line := range strings.Split(string(example), "\n") {
		m := assignment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		names++
		if strings.Contains(m[2], "#") {
			t.Errorf("deploy/helpdesk.env.example:%d: %s has a comment on its line: %q", i+1, m[1], m[2])
		}
		if !strings.Contains(string(readme), m[1]) {
			t.Errorf("deploy/helpdesk.env.example:%d: %s is not documented in README.md", i+1, m[1])
		}
	}
	if names < 10 {
		t.Errorf("deploy/helpdesk.env.example names %d settings; the reader is broken or the file lost its settings", names)
	}
}

// TestUnknownSettingsWarned: serve warns, at start, about HELPDESK_ variables it does not read,
// naming the setting meant when one is close, and says nothing about the ones it knows.
func TestUnknownSettingsWarned(t *testing.T) {
	vars := map[string]string{"HELPDESK_ADDR": "no-port", "HELPDESK_ADMIN_TOKNE": "x", "HELPDESK_COLOUR": "blue", "HOME": "/root"}
	var environ []string
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	var out, errOut strings.Builder
	// The bad address stops serve just after the warnings: they come before any other check.
	code := runWithEnviron(context.Background(), []string{"helpdesk", "serve"}, testEnv(vars), func() []string { return environ },
		strings.NewReader(""), &out, &errOut)
	logs := errOut.String()
	if code != exitFail {
		t.Fatalf("serve exited %d, want 1 for the bad address:\n%s", code, logs)
	}
	for _, want := range []string{
		`"level":"WARN","msg":"unknown setting ignored","name":"HELPDESK_ADMIN_TOKNE","did_you_mean":"HELPDESK_ADMIN_TOKEN"`,
		`"level":"WARN","msg":"unknown setting ignored","name":"HELPDESK_COLOUR"}`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, `"name":"HELPDESK_ADDR"`) || strings.Contains(logs, "HOME") {
		t.Errorf("a known or foreign variable was called unknown:\n%s", logs)
	}
}

// TestKnownSettingsAreRead keeps knownSettings in step with the code: every HELPDESK_ variable
// the commands name is in it (else serve would call it a typo), and every name in it is read
// somewhere.
func TestKnownSettingsAreRead(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	named := map[string]bool{}
	literal := regexp.MustCompile(`"(HELPDESK_[A-Z0-9_]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "settings_known.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			named[m[1]] = true
		}
	}
	for name := range named {
		if !slices.Contains(knownSettings, name) {
			t.Errorf("%s is read but not in knownSettings: serve would warn that it is unknown", name)
		}
	}
	for _, name := range knownSettings {
		if !named[name] {
			t.Errorf("%s is in knownSettings but no command reads it", name)
		}
	}
}

func TestAdminAddress(t *testing.T) {
	for in, want := range map[string]string{"": "", ":9090": "127.0.0.1:9090", "0.0.0.0:9090": "0.0.0.0:9090",
		"[::1]:9090": "[::1]:9090", "admin.internal:9090": "admin.internal:9090"} {
		if got, err := adminAddress(in); err != nil || got != want {
			t.Errorf("adminAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := adminAddress("9090"); err == nil || !strings.Contains(err.Error(), "HELPDESK_ADMIN_ADDR=9090") {
		t.Errorf("adminAddress(\"9090\") = %v, want an error naming HELPDESK_ADMIN_ADDR", err)
	}
}

// TestServeRefusesADamagedDatabase: serve refuses an emptied database file with a message naming
// it and how to restore a backup, and exits with the status the systemd unit does not restart.
func TestServeRefusesADamagedDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	res := runCmd(t, map[string]string{"HELPDESK_ADDR": "127.0.0.1:0", "HELPDESK_DB": db}, "", "serve")
	if res.code != exitDamaged || !strings.Contains(res.stderr, db) || !strings.Contains(res.stderr, "helpdesk backup") {
		t.Errorf("serve on an empty database file: exit %d, stderr %q; want exit %d naming %s and the backup to restore", res.code, res.stderr, exitDamaged, db)
	}
	unit, err := os.ReadFile("deploy/helpdesk.service")
	if err != nil {
		t.Fatal(err)
	}
	if want := "RestartPreventExitStatus=" + strconv.Itoa(exitDamaged); !strings.Contains(string(unit), want) {
		t.Errorf("deploy/helpdesk.service lacks %s: systemd would restart a damaged database forever", want)
	}
}

// TestReadSettings reads environments as serve does, before anything is opened: what each
// variable turns into, and for an unusable one, an error naming it.
func TestReadSettings(t *testing.T) {
	const slackToken, slackSecret = "xoxb-1-test", "slack-secret"
	tests := []struct {
		name    string
		vars    map[string]string
		check   func(s settings) string // what is wrong with s, or ""
		wantErr string                  // a part of the error, or "" for none
	}{
		{name: "defaults", vars: nil, check: func(s settings) string {
			switch {
			case s.logLevel != slog.LevelInfo, s.addr != ":8080", s.adminAddr != "", s.db != "helpdesk.db", s.knowledge != "":
				return "not the defaults of level, addresses, database and knowledge"
			case s.rate != (dialog.RateLimit{Burst: 30, Every: 2 * time.Second}), s.retention != 90*24*time.Hour:
				return "not the default rate and retention"
			case s.line != nil, s.slack != nil, s.policy.Staffed, s.adminToken != "":
				return "a channel, staff or the admin API on"
			}
			return ""
		}},
		{name: "listeners", vars: map[string]string{"HELPDESK_ADDR": "127.0.0.1:9000", "HELPDESK_ADMIN_ADDR": ":9090", "HELPDESK_LOG_LEVEL": "debug"},
			check: func(s settings) string {
				if s.addr != "127.0.0.1:9000" || s.addrSource != "HELPDESK_ADDR=127.0.0.1:9000" || s.adminAddr != "127.0.0.1:9090" || s.logLevel != slog.LevelDebug {
					return "addresses or level not as set"
				}
				return ""
			}},
		{name: "files", vars: map[string]string{"HELPDESK_DB": "/var/lib/h.db", "HELPDESK_KNOWLEDGE": "/etc/knowledge"},
			check: func(s settings) string {
				if s.db != "/var/lib/h.db" || s.dbSource != "HELPDESK_DB=/var/lib/h.db" || s.knowledge != "/etc/knowledge" || s.knowledgeSource != "HELPDESK_KNOWLEDGE" {
					return "database or knowledge not as set"
				}
				return ""
			}},
		{name: "answering", vars: map[string]string{"HELPDESK_NOW": "2026-11-24T10:30:00+09:00", "HELPDESK_HOURS": "mon-fri 09:00-17:00",
			"HELPDESK_IDLE": "2h", "HELPDESK_USER_RATE": "20/1m", "HELPDESK_RETENTION": "720h"},
			check: func(s settings) string {
				switch {
				case s.now().Format(time.RFC3339) != "2026-11-24T10:30:00+09:00":
					return "clock not fixed"
				case s.policy.Hours == nil, s.policy.IdleTimeout != 2*time.Hour:
					return "policy not as set"
				case s.rate != (dialog.RateLimit{Burst: 20, Every: 3 * time.Second}), s.retention != 720*time.Hour:
					return "rate or retention not as set"
				}
				return ""
			}},
		{name: "rate_off", vars: map[string]string{"HELPDESK_USER_RATE": "off"}, check: func(s settings) string {
			if s.rate != (dialog.RateLimit{}) {
				return "rate limit still on"
			}
			return ""
		}},
		{name: "admin_token", vars: map[string]string{"HELPDESK_ADMIN_TOKEN": "0123456789abcdef"}, check: func(s settings) string {
			if s.adminToken != "0123456789abcdef" {
				return "admin token not kept"
			}
			return ""
		}},
		{name: "line", vars: map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_API_BASE": "http://127.0.0.1:1"},
			check: func(s settings) string {
				if s.line == nil || s.line.secret != "s" || s.line.api.Token != "t" || s.line.api.BaseURL != "http://127.0.0.1:1" || s.slack != nil {
					return "LINE not on as set"
				}
				return ""
			}},
		{name: "slack_http_with_staff", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken, "SLACK_SIGNING_SECRET": slackSecret,
			"HELPDESK_STAFF_CHANNEL": "C0STAFF01", "HELPDESK_STAFF_CHANNEL_PUBLIC": "1", "HELPDESK_ADMINS": "U1, U2,"},
			check: func(s settings) string {
				switch {
				case s.slack == nil || s.slack.botToken != slackToken || s.slack.signingSecret != slackSecret || s.slack.appToken != "":
					return "Slack not on over HTTP"
				case s.slack.apiURL != slack.DefaultAPIURL:
					return "not the default API URL"
				case s.slack.staffChannel != "C0STAFF01" || !s.slack.staffChannelPublic || !s.policy.Staffed:
					return "staff channel not as set"
				case len(s.slack.admins) != 2 || !s.slack.admins["U1"] || !s.slack.admins["U2"]:
					return "admins not U1 and U2"
				}
				return ""
			}},
		{name: "slack_socket", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken, "SLACK_APP_TOKEN": "xapp-1-A0-test", "SLACK_API_URL": "http://127.0.0.1:1/api"},
			check: func(s settings) string {
				if s.slack == nil || s.slack.appToken != "xapp-1-A0-test" || s.slack.apiURL != "http://127.0.0.1:1/api/" || s.policy.Staffed {
					return "Slack not on over Socket Mode with the API URL completed"
				}
				return ""
			}},
		{name: "bad_log_level", vars: map[string]string{"HELPDESK_LOG_LEVEL": "loud"}, wantErr: "HELPDESK_LOG_LEVEL=loud: want debug, info, warn or error"},
		{name: "bad_addr", vars: map[string]string{"HELPDESK_ADDR": "no-port"}, wantErr: "HELPDESK_ADDR=no-port: "},
		{name: "bad_admin_addr", vars: map[string]string{"HELPDESK_ADMIN_ADDR": "9090"}, wantErr: "HELPDESK_ADMIN_ADDR=9090: "},
		{name: "bad_now", vars: map[string]string{"HELPDESK_NOW": "tomorrow"}, wantErr: "HELPDESK_NOW=tomorrow: want RFC 3339"},
		{name: "bad_hours", vars: map[string]string{"HELPDESK_HOURS": "weekdays 9-17"}, wantErr: "HELPDESK_HOURS=weekdays 9-17: "},
		{name: "bad_idle", vars: map[string]string{"HELPDESK_IDLE": "-1h"}, wantErr: "HELPDESK_IDLE=-1h: want a duration such as 2160h"},
		{name: "bad_rate", vars: map[string]string{"HELPDESK_USER_RATE": "lots"}, wantErr: "HELPDESK_USER_RATE=lots: want MESSAGES/DURATION"},
		{name: "bad_retention", vars: map[string]string{"HELPDESK_RETENTION": "forever"}, wantErr: "HELPDESK_RETENTION=forever: want a duration"},
		{name: "short_admin_token", vars: map[string]string{"HELPDESK_ADMIN_TOKEN": "short"}, wantErr: "HELPDESK_ADMIN_TOKEN is too short"},
		{name: "line_half_pair", vars: map[string]string{"LINE_CHANNEL_SECRET": "s"}, wantErr: "LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN must be set together"},
		{name: "line_bad_base", vars: map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_API_BASE": "ftp://x"}, wantErr: "LINE_API_BASE=ftp://x: want an http or https URL"},
		{name: "line_base_without_line", vars: map[string]string{"LINE_API_BASE": "http://127.0.0.1:1"}, wantErr: "LINE_API_BASE is set but LINE is off"},
		{name: "slack_url_without_slack", vars: map[string]string{"SLACK_API_URL": "http://127.0.0.1:1/"}, wantErr: "SLACK_API_URL is set but Slack is off"},
		{name: "admins_without_slack", vars: map[string]string{"HELPDESK_ADMINS": "U1"}, wantErr: "HELPDESK_ADMINS is set but Slack is off"},
		{name: "staff_without_slack", vars: map[string]string{"HELPDESK_STAFF_CHANNEL": "C0STAFF01"}, wantErr: "HELPDESK_STAFF_CHANNEL is set but SLACK_BOT_TOKEN is not"},
		{name: "slack_secret_alone", vars: map[string]string{"SLACK_SIGNING_SECRET": "s"}, wantErr: "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"},
		{name: "slack_bot_token_alone", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken}, wantErr: "SLACK_BOT_TOKEN is set without SLACK_SIGNING_SECRET"},
		{name: "slack_app_token_as_bot_token", vars: map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}, wantErr: "SLACK_BOT_TOKEN holds an app-level token"},
		{name: "slack_bot_token_as_app_token", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken, "SLACK_APP_TOKEN": "xoxb-x"}, wantErr: "SLACK_APP_TOKEN: want an app-level token"},
		{name: "slack_bad_api_url", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken, "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.com/api"}, wantErr: "SLACK_API_URL=slack.com/api: want an http or https URL"},
		{name: "staff_channel_name", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken, "SLACK_SIGNING_SECRET": "s", "HELPDESK_STAFF_CHANNEL": "#helpdesk"}, wantErr: "HELPDESK_STAFF_CHANNEL=#helpdesk: want a channel id"},
		{name: "staff_public_bad", vars: map[string]string{"SLACK_BOT_TOKEN": slackToken, "SLACK_SIGNING_SECRET": "s", "HELPDESK_STAFF_CHANNEL_PUBLIC": "yes"}, wantErr: "HELPDESK_STAFF_CHANNEL_PUBLIC=yes: want 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := readSettings(func(name string) string { return tt.vars[name] })
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("readSettings(%v) = %v, want an error containing %q", tt.vars, err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("readSettings(%v) = %v, want no error", tt.vars, err)
			default:
				if problem := tt.check(s); problem != "" {
					t.Errorf("readSettings(%v): %s", tt.vars, problem)
				}
			}
		})
	}
}

// TestSettingsWithFlags: serve's flags take the place of the environment's values, and name
// themselves in errors.
func TestSettingsWithFlags(t *testing.T) {
	s, err := readSettings(func(name string) string {
		return map[string]string{"HELPDESK_ADDR": ":9000", "HELPDESK_DB": "env.db", "HELPDESK_KNOWLEDGE": "/env"}[name]
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.withFlags("127.0.0.1:1", "flag.db", "/flag")
	if err != nil || got.addr != "127.0.0.1:1" || got.db != "flag.db" || got.dbSource != "--db=flag.db" || got.knowledge != "/flag" || got.knowledgeSource != "--knowledge" {
		t.Errorf("withFlags = %+v, %v; want the flags' values", got, err)
	}
	if got, err := s.withFlags("", "", ""); err != nil || got.addr != ":9000" || got.db != "env.db" || got.knowledge != "/env" {
		t.Errorf("withFlags with no flags = %+v, %v; want the environment's values", got, err)
	}
	if _, err := s.withFlags("no-port", "", ""); err == nil || !strings.Contains(err.Error(), "--addr=no-port") {
		t.Errorf("withFlags with a bad --addr = %v, want an error naming --addr", err)
	}
}
