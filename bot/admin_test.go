package bot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// fakeAdminEngine records what the admin API asked of it.
type fakeAdminEngine struct {
	calls []string
	since []time.Time
}

func (f *fakeAdminEngine) Stats(since time.Time) (dialog.Stats, error) {
	f.calls = append(f.calls, "stats")
	f.since = append(f.since, since)
	return dialog.Stats{}, nil
}
func (f *fakeAdminEngine) ExportCases(since time.Time, _ io.Writer) (int, error) {
	f.calls = append(f.calls, "export")
	f.since = append(f.since, since)
	return 0, nil
}
func (f *fakeAdminEngine) Backup(io.Writer) (int64, error) {
	f.calls = append(f.calls, "backup")
	return 0, nil
}
func (f *fakeAdminEngine) Forget(dialog.Channel, string) (dialog.Forgotten, error) {
	f.calls = append(f.calls, "forget")
	return dialog.Forgotten{}, nil
}

func TestAdminNeedsTheToken(t *testing.T) {
	const token = "0123456789abcdef-secret"
	engine := &fakeAdminEngine{}
	reloads := 0
	admin := NewAdmin(token, engine, func(string) ReloadResult { reloads++; return ReloadResult{OK: true} },
		slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	routes := []struct{ method, path string }{
		{"POST", "/admin/reload"}, {"GET", "/admin/stats"}, {"GET", "/admin/report"},
		{"GET", "/admin/cases.csv"}, {"GET", "/admin/backup"}, {"POST", "/admin/forget?user=U1"},
	}
	for _, auth := range []string{"", "Bearer", "Bearer wrong", "Basic " + token, "Bearer " + token + "x", "bearer " + token, "Bearer " + token[:10]} {
		for _, r := range routes {
			req := httptest.NewRequest(r.method, r.path, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			rec := httptest.NewRecorder()
			admin.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s with %q = %d, want 401", r.method, r.path, auth, rec.Code)
			}
		}
	}
	if reloads != 0 || len(engine.calls) != 0 {
		t.Fatalf("refused requests changed something: %d reloads, calls %v", reloads, engine.calls)
	}
	for _, r := range routes {
		req := httptest.NewRequest(r.method, r.path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		admin.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("%s %s with the token = %d: %s", r.method, r.path, rec.Code, rec.Body)
		}
	}
	if reloads != 1 || strings.Join(engine.calls, ",") != "stats,stats,export,backup,forget" {
		t.Errorf("with the token: %d reloads, calls %v", reloads, engine.calls)
	}
}

func TestAdminOffWithoutToken(t *testing.T) {
	admin := NewAdmin("", &fakeAdminEngine{}, func(string) ReloadResult { return ReloadResult{OK: true} }, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	req := httptest.NewRequest("POST", "/admin/reload", nil)
	req.Header.Set("Authorization", "Bearer ")
	rec := httptest.NewRecorder()
	admin.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("empty token accepted: %d", rec.Code)
	}
}

func TestParseDay(t *testing.T) {
	got, err := ParseDay("2026-04-01")
	if want := time.Date(2026, 4, 1, 0, 0, 0, 0, knowledge.Tokyo); err != nil || !got.Equal(want) {
		t.Errorf("ParseDay(2026-04-01) = %v, %v; want %v (midnight in Japan)", got, err, want)
	}
	if want := time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ParseDay(2026-04-01) = %v, want %v UTC", got.UTC(), want)
	}
	for _, bad := range []string{"", "2026-4-1", "2026-02-30", "2026/04/01", "2026-04-01T00:00:00Z"} {
		if _, err := ParseDay(bad); err == nil {
			t.Errorf("ParseDay(%q) accepted", bad)
		}
	}
}

// TestAdminSinceIsAJapaneseDay: ?since=D means from midnight in Japan, as the CLI's --since D
// does; read as UTC it would leave out what happened between 00:00 and 09:00 JST on D.
func TestAdminSinceIsAJapaneseDay(t *testing.T) {
	const token = "0123456789abcdef-secret"
	engine := &fakeAdminEngine{}
	admin := NewAdmin(token, engine, nil, slog.New(slog.DiscardHandler)).Handler()
	for _, path := range []string{"/admin/stats?since=2026-04-01", "/admin/cases.csv?since=2026-04-01", "/admin/stats?since=April"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		admin.ServeHTTP(rec, req)
		if strings.HasSuffix(path, "April") {
			if rec.Code != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 400", path, rec.Code)
			}
			continue
		}
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d: %s", path, rec.Code, rec.Body)
		}
	}
	want := time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)
	if len(engine.since) != 2 || !engine.since[0].Equal(want) || !engine.since[1].Equal(want) {
		t.Errorf("the engine was asked for figures since %v, want %v twice", engine.since, want)
	}
}

// failingWriter is a response whose body cannot be written (the admin hung up).
type failingWriter struct{ *httptest.ResponseRecorder }

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestAdminReportFailureIsLogged(t *testing.T) {
	const token = "0123456789abcdef-secret"
	var logs bytes.Buffer
	admin := NewAdmin(token, &fakeAdminEngine{}, nil, slog.New(slog.NewTextHandler(&logs, nil))).Handler()
	req := httptest.NewRequest("GET", "/admin/report", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	admin.ServeHTTP(failingWriter{httptest.NewRecorder()}, req)
	if !strings.Contains(logs.String(), "report not written") || !strings.Contains(logs.String(), "connection reset") {
		t.Errorf("a report that could not be written left no log with the cause:\n%s", logs.String())
	}
}

// TestJanitorUsesTheGivenClock: the janitor's cutoffs are measured on the engine's clock, not
// the machine's (HELPDESK_NOW fixes the former).
func TestJanitorUsesTheGivenClock(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
	}{
		{"clock_in_the_past", time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"clock_in_the_future", time.Date(2031, 6, 7, 8, 9, 10, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var cutoffs []time.Time
			purge := func(cutoff, seenCutoff time.Time) (dialog.Purged, error) {
				cutoffs = append(cutoffs, cutoff, seenCutoff)
				cancel()
				return dialog.Purged{}, nil
			}
			RunJanitor(ctx, slog.New(slog.DiscardHandler), purge, func() time.Time { return tt.now }, 90*24*time.Hour, 72*time.Hour, time.Hour)
			want := []time.Time{tt.now.Add(-90 * 24 * time.Hour), tt.now.Add(-72 * time.Hour)}
			if len(cutoffs) != 2 || !cutoffs[0].Equal(want[0]) || !cutoffs[1].Equal(want[1]) {
				t.Errorf("RunJanitor with the clock at %s purged with cutoffs %v, want %v", tt.now, cutoffs, want)
			}
		})
	}
}
