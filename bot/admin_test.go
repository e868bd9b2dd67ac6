package bot

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// fakeAdminEngine records what the admin API asked of it.
type fakeAdminEngine struct{ calls []string }

func (f *fakeAdminEngine) Stats(time.Time) (dialog.Stats, error) {
	f.calls = append(f.calls, "stats")
	return dialog.Stats{}, nil
}
func (f *fakeAdminEngine) ExportCases(time.Time, io.Writer) (int, error) {
	f.calls = append(f.calls, "export")
	return 0, nil
}
func (f *fakeAdminEngine) Backup(io.Writer) (int64, error) {
	f.calls = append(f.calls, "backup")
	return 0, nil
}
func (f *fakeAdminEngine) Forget(string, string) (dialog.Forgotten, error) {
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
