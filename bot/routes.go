package bot

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Routes are the handlers of the HTTP server; a nil handler leaves its route out (the channel
// is off), so it answers 404.
type Routes struct {
	LineWebhook       http.Handler // POST /line/webhook
	SlackEvents       http.Handler // POST /slack/events
	SlackInteractions http.Handler // POST /slack/interactions
	SlackCommands     http.Handler // POST /slack/commands
	Admin             http.Handler // /admin/* (reload, stats, report, cases.csv, backup, forget)
	Metrics           http.Handler // GET /metrics
	// Ready reports whether the bot can answer (knowledge loaded, database open).
	Ready func() error
	// Channels reports the channels that cannot deliver and why (a platform rejecting the
	// credentials); nil or a nil error means all can. Its text, which names no secret, is the
	// body of /readyz's 503, so that whoever looks sees which channel to fix.
	Channels func() error
	// Knowledge says which knowledge is served, for /readyz's body; nil leaves it out.
	Knowledge func() knowledge.Version
}

// NewServer returns the handler of every route serve offers (README, "HTTP routes").
func NewServer(logger *slog.Logger, r Routes) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range r.table() {
		if rt.h != nil {
			mux.Handle(strings.TrimSpace(rt.method+" "+rt.path), rt.h)
		}
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if r.Ready != nil {
			if err := r.Ready(); err != nil {
				// The route needs no token: the cause goes to the log, not to whoever asks.
				logger.Warn("not ready", "err", err)
				http.Error(w, "not ready", http.StatusServiceUnavailable)
				return
			}
		}
		if r.Channels != nil {
			if err := r.Channels(); err != nil {
				// logged once when it happened, not on every probe
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		w.Write([]byte("ready\n"))
		if r.Knowledge != nil {
			v := r.Knowledge()
			fmt.Fprintf(w, "knowledge %s loaded %s\n", v.Hash, v.Loaded.In(knowledge.Tokyo).Format(time.RFC3339))
		}
	})
	return recoverPanics(logger, mux)
}

// route is one optional route: its method ("" for any), its path, and its handler.
type route struct {
	method, path string
	h            http.Handler
}

// table lists the optional routes, in the order NewServer registers them.
func (r Routes) table() []route {
	return []route{
		{"POST", "/line/webhook", r.LineWebhook},
		{"POST", "/slack/events", r.SlackEvents},
		{"POST", "/slack/interactions", r.SlackInteractions},
		{"POST", "/slack/commands", r.SlackCommands},
		{"", "/admin/", r.Admin},
		{"GET", "/metrics", r.Metrics},
	}
}

// Paths returns the path of every route NewServer serves for r: those whose handler is set,
// then /healthz and /readyz. Routes.Public().Paths() is what a reverse proxy in front of the bot
// should expose, and nothing else.
func (r Routes) Paths() []string {
	var out []string
	for _, rt := range r.table() {
		if rt.h != nil {
			out = append(out, rt.path)
		}
	}
	return append(out, "/healthz", "/readyz")
}

// Public returns the routes without /admin/* and /metrics: the public listener's, when those
// are served on a listener of their own (NewAdminServer) that the internet cannot reach.
func (r Routes) Public() Routes {
	r.Admin, r.Metrics = nil, nil
	return r
}

// NewAdminServer returns the handler of the admin listener: /admin/* and GET /metrics, and
// nothing else (a webhook sent there is refused with 404, as a route of a channel that is off).
func NewAdminServer(logger *slog.Logger, r Routes) http.Handler {
	mux := http.NewServeMux()
	if r.Admin != nil {
		mux.Handle("/admin/", r.Admin)
	}
	if r.Metrics != nil {
		mux.Handle("GET /metrics", r.Metrics)
	}
	return recoverPanics(logger, mux)
}

// recoverPanics answers 500 instead of dropping the connection when a handler panics, so the
// platform redelivers, and logs the stack for whoever must fix it.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.Error("handler panicked", "path", req.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, req)
	})
}
