package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// AdminEngine is what the admin API needs from the engine (its admin facet, a *dialog.Admin),
// and what the admin commands of the CLI run against, locally or through this API.
type AdminEngine interface {
	Stats(since time.Time) (dialog.Stats, error)
	ExportCases(since time.Time, w io.Writer) (int, error)
	Backup(w io.Writer) (int64, error)
	Forget(channel dialog.Channel, user string) (dialog.Forgotten, error)
}

// ReloadResult is what a reload reports to the admin who asked for it.
type ReloadResult struct {
	OK       bool     `json:"ok"`
	Changes  string   `json:"changes,omitempty"` // one line per added, removed or changed entry
	Summary  string   `json:"summary,omitempty"`
	Problems []string `json:"problems,omitempty"` // file:line: reason, when the reload failed
	// Diff is what changed, for a reply in the admins' words (DiffSummary).
	Diff knowledge.Diff `json:"-"`
}

// Admin serves /admin/*: reload, stats, the HTML report, the cases export, a backup of the live
// database and erasure of one person's data. Every request needs "Authorization: Bearer TOKEN";
// the comparison takes constant time. A wrong or missing token gets 401 and changes nothing.
type Admin struct {
	token  string
	engine AdminEngine
	reload func(via string) ReloadResult
	logger *slog.Logger
}

// NewAdmin returns the admin API. reload reloads the knowledge and reports what changed.
func NewAdmin(token string, engine AdminEngine, reload func(via string) ReloadResult, logger *slog.Logger) *Admin {
	return &Admin{token: token, engine: engine, reload: reload, logger: logger.With("component", "admin")}
}

// Handler returns the routes of the admin API, all behind the bearer token.
func (a *Admin) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/reload", a.handleReload)
	mux.HandleFunc("GET /admin/stats", a.handleStats)
	mux.HandleFunc("GET /admin/report", a.handleReport)
	mux.HandleFunc("GET /admin/cases.csv", a.handleCases)
	mux.HandleFunc("GET /admin/backup", a.handleBackup)
	mux.HandleFunc("POST /admin/forget", a.handleForget)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.authorized(r) {
			a.logger.Warn("admin request refused", "path", r.URL.Path, "remote", r.RemoteAddr)
			w.Header().Set("WWW-Authenticate", `Bearer realm="helpdesk admin"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (a *Admin) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || a.token == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(a.token)) == 1
}

func (a *Admin) handleReload(w http.ResponseWriter, r *http.Request) {
	res := a.reload("http")
	w.Header().Set("Content-Type", "application/json")
	if !res.OK {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	json.NewEncoder(w).Encode(res)
}

// ParseDay reads a day written YYYY-MM-DD as its first moment in Japan, where the helpdesk's
// days (daily figures, opening hours) are counted. The admin API's ?since= and the CLI's
// --since use it, so that both mean the same day.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, knowledge.Tokyo)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a day as YYYY-MM-DD", s)
	}
	return t, nil
}

func since(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := ParseDay(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("since=%v", err)
	}
	return t, nil
}

// statsFor reads ?since= and gathers the figures, or answers the error itself.
func (a *Admin) statsFor(w http.ResponseWriter, r *http.Request, what string) (dialog.Stats, bool) {
	from, err := since(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return dialog.Stats{}, false
	}
	st, err := a.engine.Stats(from)
	if err != nil {
		a.fail(w, what, err)
		return dialog.Stats{}, false
	}
	return st, true
}

func (a *Admin) handleStats(w http.ResponseWriter, r *http.Request) {
	if st, ok := a.statsFor(w, r, "stats"); ok {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
	}
}

func (a *Admin) handleReport(w http.ResponseWriter, r *http.Request) {
	if st, ok := a.statsFor(w, r, "report"); ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := WriteReport(w, st); err != nil {
			a.logger.Warn("report not written", "err", err)
		}
	}
}

func (a *Admin) handleCases(w http.ResponseWriter, r *http.Request) {
	from, err := since(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	if _, err := a.engine.ExportCases(from, w); err != nil {
		a.logger.Error("cases export failed", "err", err)
	}
}

// handleBackup copies the database to a temporary file first (a read transaction that lasts as
// long as a slow download would hold up the database's growth), then streams the file without
// the server's write timeout.
func (a *Admin) handleBackup(w http.ResponseWriter, r *http.Request) {
	f, err := os.CreateTemp("", "helpdesk-backup-*.db")
	if err != nil {
		a.fail(w, "backup", err)
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := a.engine.Backup(f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		a.fail(w, "backup", err)
		return
	}
	http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="helpdesk-backup.db"`)
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	if _, err := io.Copy(w, f); err != nil {
		a.logger.Warn("backup download interrupted", "err", err)
		return
	}
	a.logger.Info("backup taken", "bytes", n)
}

func (a *Admin) handleForget(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	channel := dialog.Channel(r.URL.Query().Get("channel"))
	if user == "" {
		http.Error(w, "user= is required", http.StatusBadRequest)
		return
	}
	f, err := a.engine.Forget(channel, user)
	if err != nil {
		a.fail(w, "forget", err)
		return
	}
	a.logger.Info("user data erased", "conversations", f.Conversations, "cases", f.Cases, "deliveries", f.Deliveries)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(f)
}

func (a *Admin) fail(w http.ResponseWriter, what string, err error) {
	a.logger.Error("admin "+what+" failed", "err", err)
	http.Error(w, what+" failed: "+strconv.Quote(err.Error()), http.StatusInternalServerError)
}

// RunJanitor applies the retention policy every interval until ctx is done: conversations and
// case texts older than retention are purged (figures kept), and seen event ids older than
// seenFor are forgotten. now is the engine's clock (HELPDESK_NOW fixes it), so that the cutoffs
// are measured on the same clock as the times stored; the interval is real time.
func RunJanitor(ctx context.Context, logger *slog.Logger, purge func(cutoff, seenCutoff time.Time) (dialog.Purged, error), now func() time.Time, retention, seenFor, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		now := now()
		p, err := purge(now.Add(-retention), now.Add(-seenFor))
		if err != nil {
			logger.Error("retention purge failed", "err", err)
		} else if p != (dialog.Purged{}) {
			logger.Info("retention purge", "conversations", p.Conversations, "case_texts", p.CaseTexts, "unanswered", p.Unanswered, "seen_events", p.SeenEvents)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
