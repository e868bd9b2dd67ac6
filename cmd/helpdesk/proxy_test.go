package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// proxyPaths reads the paths a reverse-proxy example exposes, with pattern's first group.
func proxyPaths(t *testing.T, file string, pattern *regexp.Regexp) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
		paths = append(paths, strings.Fields(m[1])...)
	}
	slices.Sort(paths)
	return paths
}

// TestProxyExamplesExposeThePublicRoutes: the Caddy and nginx examples expose exactly the public
// routes the server registers with every channel on (no /admin/, no /metrics), and the server,
// run with both channels and the admin API, answers each of them.
func TestProxyExamplesExposeThePublicRoutes(t *testing.T) {
	t.Parallel()
	set := http.NotFoundHandler()
	all := bot.Routes{LineWebhook: set, SlackEvents: set, SlackInteractions: set, SlackCommands: set, Admin: set, Metrics: set}
	want := all.Public().Paths()
	slices.Sort(want)
	caddy := proxyPaths(t, "deploy/Caddyfile", regexp.MustCompile(`(?m)^\s*@public path (.+)$`))
	nginx := proxyPaths(t, "deploy/nginx.conf", regexp.MustCompile(`(?m)^\s*location = (\S+)`))
	if !slices.Equal(caddy, want) {
		t.Errorf("deploy/Caddyfile exposes %q, want the public routes %q", caddy, want)
	}
	if !slices.Equal(nginx, want) {
		t.Errorf("deploy/nginx.conf exposes %q, want the public routes %q", nginx, want)
	}
	for _, private := range []string{"/admin/", "/metrics"} {
		if !slices.Contains(all.Paths(), private) || slices.Contains(want, private) {
			t.Errorf("%s: not a private route of the server", private)
		}
	}

	// The real server registers them: none answers 404 or 405.
	lf, sf := linetest.New(lineTestToken), slacktest.New(slackTestToken)
	t.Cleanup(lf.Close)
	t.Cleanup(sf.Close)
	srv := startServe(t, bothVars(lf, sf, filepath.Join(t.TempDir(), "helpdesk.db"), "HELPDESK_ADMIN_TOKEN", adminTestToken))
	for _, p := range want {
		method := http.MethodPost
		if p == "/healthz" || p == "/readyz" {
			method = http.MethodGet
		}
		req, _ := http.NewRequest(method, srv.url+p, strings.NewReader("{}"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s answered %d: the server does not serve it", method, p, res.StatusCode)
		}
	}
	srv.stopCleanly(t)
}
