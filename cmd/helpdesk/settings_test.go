package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
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
		if strings.HasSuffix(f, "_test.go") || f == "settings.go" {
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
