package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// channel is one platform wired into serve: its HTTP routes, its deliverers for the outbox, and
// any long-running loop it needs (Socket Mode). Each platform's file (serve_line.go,
// serve_slack.go) builds one from its settings.
type channel struct {
	name       dialog.Channel
	routes     func(r *bot.Routes)
	deliverers map[dialog.Channel]bot.Deliverer
	run        func(ctx context.Context) error // nil when the channel needs no loop
}

// forgetCached returns what empties the deliverers' in-memory caches (of those that keep one:
// rendered replies, Slack's direct message channels), so that nothing of erased or expired data
// stays in memory.
func forgetCached(deliverers map[dialog.Channel]bot.Deliverer) func() {
	return func() {
		for _, d := range deliverers {
			if f, ok := d.(interface{ ForgetCached() }); ok {
				f.ForgetCached()
			}
		}
	}
}

// serveDeps is what every channel constructor receives.
type serveDeps struct {
	settings settings
	logger   *slog.Logger
	metered  *bot.Metered  // the engine with metrics, which the adapters talk to
	admin    *dialog.Admin // for the admin commands a channel offers (Slack's /helpdesk stats)
	lib      *knowledge.Library
	metrics  *bot.Metrics
	// reload reloads the knowledge and reports what changed (or every problem); via says who
	// asked ("http", "slack", "signal") for the log.
	reload func(via string) bot.ReloadResult
	// connection records how a channel's inbound connection stands (Slack's Socket Mode): nil
	// when connected, else why not; /readyz and helpdesk_channel_up show it.
	connection func(channel string, err error)
}

func runServe(e *env, args []string) int {
	fs := e.newFlags("serve", "[--addr ADDR] [--db FILE] [--knowledge DIR]")
	addr := fs.String("addr", "", "listen address (default: HELPDESK_ADDR, else :8080)")
	db := fs.String("db", "", "bbolt file (default: HELPDESK_DB, else helpdesk.db); refused with HELPDESK_DATABASE_URL, which selects PostgreSQL")
	dir := fs.String("knowledge", "", "knowledge folder (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	set, err := readSettings(e.getenv)
	var lerr *levelError
	if errors.As(err, &lerr) {
		fmt.Fprintln(e.stderr, "helpdesk serve:", err)
		return exitFail
	}
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: set.logLevel, ReplaceAttr: readableDurations}))
	if e.environ != nil {
		for _, u := range unknownSettings(e.environ()) {
			attrs := []any{"name", u.name}
			if u.like != "" {
				attrs = append(attrs, "did_you_mean", u.like)
			}
			logger.Warn("unknown setting ignored", attrs...)
		}
	}
	if err == nil {
		set, err = set.withFlags(*addr, *db, *dir)
	}
	if err == nil {
		err = serve(e.ctx, logger, set)
	}
	if err != nil {
		logger.Error("serve stopped", "err", err)
		if errors.Is(err, dialog.ErrDamaged) {
			return exitDamaged
		}
		return exitFail
	}
	return exitOK
}

// readableDurations writes durations as "38ms" rather than nanoseconds in the JSON log.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// serve opens everything in order (knowledge, engine, channels, HTTP server) from the checked
// settings s and closes it in reverse. It returns when ctx is done (SIGINT/SIGTERM) after
// draining, or on a start-up error.
func serve(ctx context.Context, logger *slog.Logger, s settings) error {
	start := time.Now()
	lib, err := openLibrary(s.knowledge, s.knowledgeSource)
	if err != nil {
		return err
	}
	db := database{url: s.databaseURL, path: s.db, source: s.dbSource}
	if db.postgres() {
		db.source = "HELPDESK_DATABASE_URL"
	}
	engine, err := openEngine(ctx, db, lib, logger, dialog.Options{Policy: s.policy, Now: s.now, RateLimit: s.rate})
	if err != nil {
		return err
	}
	defer engine.Close()

	metrics := bot.NewMetrics()
	metered := bot.NewMetered(engine, metrics)
	// A reload also probes the channels that are down at once: an operator who fixed a token or
	// a permission often reloads next.
	var sender *bot.Sender
	deps := serveDeps{settings: s, logger: logger, metered: metered, admin: engine.Admin(), lib: lib, metrics: metrics,
		reload: func(via string) bot.ReloadResult {
			if sender != nil {
				sender.Recheck()
			}
			return reload(logger, lib, metrics, via)
		},
		connection: func(channel string, err error) {
			if sender == nil {
				return
			}
			if err == nil {
				sender.Health().Up(channel)
			} else {
				sender.Health().Down(channel, err.Error())
			}
		}}
	var channels []channel
	for _, build := range []func(serveDeps) (*channel, error){lineChannel, slackChannel} {
		ch, err := build(deps)
		if err != nil {
			return err
		}
		if ch != nil {
			channels = append(channels, *ch)
		}
	}
	// Ready needs only the database: a Library always holds knowledge (NewLibrary fails without,
	// and a failed reload keeps the old).
	routes := bot.Routes{Metrics: metrics, Ready: engine.Ping, Knowledge: lib.Version}
	deliverers := map[dialog.Channel]bot.Deliverer{}
	var names []string
	for _, ch := range channels {
		ch.routes(&routes)
		for k, v := range ch.deliverers {
			deliverers[k] = v
		}
		names = append(names, string(ch.name))
	}
	if len(channels) == 0 {
		logger.Warn("no channel configured: nobody can reach the bot",
			"hint", "set LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN, or SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN")
	}
	engine.AfterErase(forgetCached(deliverers))
	// The sender probes each channel at start: a token rejected then leaves serve running with
	// that channel down (named by /readyz and helpdesk_channel_up), its replies kept in the
	// outbox, and the other channels serving.
	sender = bot.NewSender(engine.Outbox(), deliverers, logger, metrics)
	sender.Grace = stopDrain
	routes.Channels = sender.Health().Err
	registerGauges(metrics, engine.Admin(), engine.Outbox(), lib)
	if s.adminToken != "" {
		routes.Admin = bot.NewAdmin(s.adminToken, engine.Admin(), deps.reload, logger).Handler()
	}

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("%s: %v", s.addrSource, err)
	}
	// With HELPDESK_ADMIN_ADDR, /admin/* and /metrics move to a listener of their own, which the
	// reverse proxy or the firewall keeps away from the internet; the public one keeps the
	// webhooks and the probes.
	servers := []*http.Server{newHTTPServer(logger, bot.NewServer(logger, routes))}
	listeners := []net.Listener{ln}
	logAddrs := []any{"addr", ln.Addr().String()}
	if s.adminAddr != "" {
		aln, err := net.Listen("tcp", s.adminAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("HELPDESK_ADMIN_ADDR=%s: %v", s.adminAddr, err)
		}
		servers = []*http.Server{newHTTPServer(logger, bot.NewServer(logger, routes.Public())), newHTTPServer(logger, bot.NewAdminServer(logger, routes))}
		listeners = append(listeners, aln)
		logAddrs = append(logAddrs, "admin_addr", aln.Addr().String())
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	senderCtx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	wg.Add(1)
	go func() {
		defer wg.Done()
		sender.Run(senderCtx)
	}()
	for _, ch := range channels {
		if ch.run == nil {
			continue
		}
		wg.Add(1)
		go func(ch channel) {
			defer wg.Done()
			if err := ch.run(ctx); err != nil && ctx.Err() == nil {
				logger.Error("channel stopped", "channel", ch.name, "err", err)
			}
		}(ch)
	}
	// SIGHUP is caught from here until serve returns, so a reload asked for during the drain
	// cannot kill the process (the default action) before the database is closed.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	wg.Add(2)
	go func() {
		defer wg.Done()
		watchReload(ctx, hup, deps.reload)
	}()
	go func() {
		defer wg.Done()
		bot.RunJanitor(ctx, logger, engine.Admin().Purge, s.now, s.retention, 72*time.Hour, time.Hour)
	}()

	storeName := "bbolt"
	if db.postgres() {
		storeName = "postgres"
	}
	// Logged before the first request is served (the sockets are bound already, so nothing
	// waits on it): whoever sees /healthz or /readyz answer finds this line in the log.
	logger.Info("listening", append(logAddrs, "store", storeName, "channels", strings.Join(names, ","), "knowledge", lib.Version().Hash,
		"topics", len(lib.Base().Topics()), "startup", time.Since(start).Round(time.Millisecond))...)
	serveErr := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { serveErr <- srv.Serve(listeners[i]) }()
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		for _, srv := range servers {
			srv.Close()
		}
		cancel()
		stopSender()
		wg.Wait()
		return fmt.Errorf("http server: %v", err)
	}
	logger.Info("shutting down")
	// The sender goes on delivering while the HTTP server stops, and the whole stop is bounded
	// by stopFlush+stopDrain from here. srv.Shutdown waits for in-flight webhooks (milliseconds)
	// but also for connections opened without a request yet, for up to 5 s: those are closed
	// when stopFlush is over (a webhook still running then gets no answer, and the platform
	// sends it again).
	stopping := time.Now()
	shutdownCtx, done := context.WithTimeout(context.WithoutCancel(ctx), stopFlush)
	defer done()
	var shutdown sync.WaitGroup
	for _, srv := range servers {
		shutdown.Go(func() {
			if err := srv.Shutdown(shutdownCtx); err != nil {
				logger.Warn("http shutdown", "err", err)
				srv.Close()
			}
		})
	}
	shutdown.Wait()
	// In-flight webhooks have committed; give the outbox what is left of stopFlush to deliver
	// what is due (not what waits for a retry later: that is delivered after the next start),
	// then stop. Deliveries still running get stopDrain more: a platform that does not answer
	// cannot hold the stop beyond stopFlush+stopDrain.
	flushCtx, flushed := context.WithDeadline(context.WithoutCancel(ctx), stopping.Add(stopFlush))
	sender.Drain(flushCtx)
	flushed()
	stopSender()
	wg.Wait()
	logger.Info("stopped")
	return nil
}

// newHTTPServer returns a server for h with the timeouts every listener of serve uses.
func newHTTPServer(logger *slog.Logger, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// How long a stop waits for the outbox: stopFlush for what is due to be delivered, counted from
// the stop, then stopDrain for deliveries still running, which are then cancelled and stay in
// the outbox for the next start. Together they stay under 5 s, within the patience of
// supervisors (systemd's TimeoutStopSec, Kubernetes' grace period) with room to spare.
const (
	stopFlush = 4 * time.Second
	stopDrain = 500 * time.Millisecond
)

func registerGauges(m *bot.Metrics, admin *dialog.Admin, outbox *dialog.Outbox, lib *knowledge.Library) {
	b := readBuild()
	m.Info("helpdesk_build_info", "The binary's module version and commit (\"unknown\" when its build did not record them).",
		func() []string { return []string{"version", b.version, "revision", b.revision} })
	m.Info("helpdesk_knowledge_info", "The knowledge served: a short hash of its files.",
		func() []string { return []string{"hash", lib.Version().Hash} })
	m.Gauge("helpdesk_knowledge_reload_timestamp_seconds", "When the knowledge served was loaded (start or last successful reload), since the Unix epoch.",
		func() (float64, error) { return float64(lib.Version().Loaded.UnixMilli()) / 1000, nil })
	m.Gauge("helpdesk_open_cases", "Cases waiting for or handled by staff.", func() (float64, error) {
		n, err := admin.OpenCases()
		return float64(n), err
	})
	m.Gauge("helpdesk_outbox_depth", "Messages waiting in the outbox.", func() (float64, error) {
		n, _, err := outbox.Stats()
		return float64(n), err
	})
	m.Gauge("helpdesk_outbox_oldest_age_seconds", "Age of the oldest message waiting in the outbox.", func() (float64, error) {
		n, oldest, err := outbox.Stats()
		if err != nil || n == 0 {
			return 0, err
		}
		return time.Since(oldest).Seconds(), nil
	})
}

// watchReload reloads the knowledge on each SIGHUP received on hup until ctx is done. A failed
// reload keeps the old knowledge serving and logs every problem.
func watchReload(ctx context.Context, hup <-chan os.Signal, reload func(via string) bot.ReloadResult) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reload("signal")
		}
	}
}

// reload loads the knowledge again and logs the outcome: what changed, or every problem while
// the old knowledge keeps serving.
func reload(logger *slog.Logger, lib *knowledge.Library, metrics *bot.Metrics, via string) bot.ReloadResult {
	start := time.Now()
	next, prev, err := lib.Reload()
	if err != nil {
		metrics.Add("helpdesk_reloads_total", "result", "failed")
		logger.Warn("knowledge reload failed, keeping previous", "via", via, "err", err)
		return bot.ReloadResult{Problems: problemLines(err)}
	}
	metrics.Add("helpdesk_reloads_total", "result", "ok")
	d := knowledge.Compare(prev, next)
	logger.Info("knowledge reloaded", "via", via, "knowledge", lib.Version().Hash, "topics", len(next.Topics()), "contacts", len(next.Contacts()),
		"cases", len(next.Cases()), "changes", d.Summary(), "dur", time.Since(start).Round(time.Millisecond))
	return bot.ReloadResult{OK: true, Summary: d.Summary(), Changes: d.Report(), Diff: d}
}
