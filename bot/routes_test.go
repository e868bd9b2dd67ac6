package bot

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// TestReadyzKeepsTheCauseInTheLog: /readyz needs no token, so why the bot is not ready (a path,
// a database error) goes to the log and the answer is a fixed text.
func TestReadyzKeepsTheCauseInTheLog(t *testing.T) {
	var logs bytes.Buffer
	srv := NewServer(slog.New(slog.NewTextHandler(&logs, nil)), Routes{
		Ready: func() error { return errors.New("open /srv/helpdesk/helpdesk.db: permission denied") },
	})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != "not ready" {
		t.Errorf("GET /readyz = %d %q, want 503 \"not ready\"", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "permission denied") {
		t.Errorf("the cause is not in the log:\n%s", logs.String())
	}

	srv = NewServer(slog.New(slog.DiscardHandler), Routes{Ready: func() error { return nil }})
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("GET /readyz when ready = %d, want 200", rec.Code)
	}
}

// TestReadyzNamesTheKnowledge: once ready, /readyz says which knowledge is served and when it
// was loaded, in Japan time, so an operator can tell whether a reload took.
func TestReadyzNamesTheKnowledge(t *testing.T) {
	loaded := time.Date(2026, 12, 5, 9, 44, 0, 0, time.UTC)
	srv := NewServer(slog.New(slog.DiscardHandler), Routes{Ready: func() error { return nil },
		Knowledge: func() knowledge.Version { return knowledge.Version{Hash: "0123456789ab", Loaded: loaded} }})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	want := "ready\nknowledge 0123456789ab loaded 2026-12-05T18:44:00+09:00\n"
	if rec.Code != http.StatusOK || rec.Body.String() != want {
		t.Errorf("GET /readyz = %d %q, want 200 %q", rec.Code, rec.Body, want)
	}
}

// TestAdminListenerSplit: with the admin routes on a listener of their own, the public one
// serves only the channels and the probes, and the admin one only /admin/* and /metrics.
func TestAdminListenerSplit(t *testing.T) {
	ok := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(name)) })
	}
	r := Routes{LineWebhook: ok("line"), SlackEvents: ok("slack"), SlackInteractions: ok("slack"), SlackCommands: ok("slack"),
		Admin: ok("admin"), Metrics: ok("metrics"), Ready: func() error { return nil }}
	logger := slog.New(slog.DiscardHandler)
	public, admin := NewServer(logger, r.Public()), NewAdminServer(logger, r)
	tests := []struct {
		method, path string
		public       bool // served by the public listener, else by the admin one
	}{
		{"POST", "/line/webhook", true},
		{"POST", "/slack/events", true},
		{"POST", "/slack/interactions", true},
		{"POST", "/slack/commands", true},
		{"GET", "/healthz", true},
		{"GET", "/readyz", true},
		{"GET", "/metrics", false},
		{"POST", "/admin/reload", false},
		{"GET", "/admin/stats", false},
	}
	for _, tt := range tests {
		for _, l := range []struct {
			name string
			h    http.Handler
			want bool
		}{{"public", public, tt.public}, {"admin", admin, !tt.public}} {
			rec := httptest.NewRecorder()
			l.h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if served := rec.Code == http.StatusOK; served != l.want {
				t.Errorf("%s %s on the %s listener = %d, want served: %v", tt.method, tt.path, l.name, rec.Code, l.want)
			}
		}
	}
}
