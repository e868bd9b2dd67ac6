package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runSlackCmd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	code := runSlack(e, args)
	return code, out.String(), errOut.String()
}

func TestSlackManifestCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		code     int
		contains []string
	}{
		{[]string{"manifest", "--url", "https://helpdesk.example.com", "--staff-channel", "public"}, exitOK,
			[]string{`"request_url": "https://helpdesk.example.com/slack/events"`, `"https://helpdesk.example.com/slack/interactions"`,
				`"url": "https://helpdesk.example.com/slack/commands"`, `"socket_mode_enabled": false`, `"/helpdesk"`, `"im:history"`,
				`"channels:history"`, `"message.channels"`}},
		{[]string{"manifest", "--socket", "--name", "相談窓口", "--staff-channel", "private"}, exitOK,
			[]string{`"socket_mode_enabled": true`, `"name": "相談窓口"`, `"groups:history"`}},
		{[]string{"manifest"}, exitUsage, []string{"usage: helpdesk slack manifest"}},
		{[]string{"manifest", "--socket"}, exitUsage, []string{"--staff-channel"}},
		{[]string{"manifest", "--socket", "--staff-channel", "secret"}, exitUsage, []string{`staff channel "secret"`}},
		{[]string{"manifest", "--url", "https://helpdesk.example.com", "--socket", "--staff-channel", "none"}, exitUsage,
			[]string{"--url and --socket exclude each other"}},
		{[]string{"manifest", "--url", "http://helpdesk.example.com", "--staff-channel", "none"}, exitUsage, []string{"https"}},
		{[]string{"manifest", "--url", "https://x", "--staff-channel", "none", "extra"}, exitUsage, []string{"usage"}},
		{[]string{"manifest", "-h"}, exitOK, []string{"--socket"}},
		{[]string{"nonsense"}, exitUsage, []string{`unknown command "nonsense"`}},
		{nil, exitUsage, []string{"manifest"}},
		{[]string{"help"}, exitOK, []string{"manifest"}},
	}
	for _, tt := range tests {
		code, out, errOut := runSlackCmd(tt.args...)
		if code != tt.code {
			t.Errorf("helpdesk slack %q exited %d, want %d (stderr %q)", tt.args, code, tt.code, errOut)
		}
		for _, want := range tt.contains {
			if !strings.Contains(out+errOut, want) {
				t.Errorf("helpdesk slack %q does not say %s:\n%s%s", tt.args, want, out, errOut)
			}
		}
		if code == exitOK && len(tt.args) > 0 && tt.args[0] == "manifest" && tt.args[len(tt.args)-1] != "-h" {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("helpdesk slack %q printed no JSON: %v", tt.args, err)
			}
		}
	}
}
