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
	"strconv"
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
// serve_slack.go) builds one from the environment.
type channel struct {
	name       string
	routes     func(r *bot.Routes)
	deliverers map[string]bot.Deliverer
	run        func(ctx context.Context) error // nil when the channel needs no loop
}

// forgetCached returns what empties the deliverers' in-memory caches (of those that keep one:
// rendered replies, Slack's direct message channels), so that nothing of erased or expired data
// stays in memory.
func forgetCached(deliverers map[string]bot.Deliverer) func() {
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
	env     *env
	logger  *slog.Logger
	desk    *bot.Metered
	engine  *dialog.Engine
	lib     *knowledge.Library
	metrics *bot.Metrics
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
	db := fs.String("db", "", "bbolt file (default: HELPDESK_DB, else helpdesk.db)")
	dir := fs.String("knowledge", "", "knowledge folder (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	level, err := logLevel(e.getenv("HELPDESK_LOG_LEVEL"))
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk serve:", err)
		return exitFail
	}
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: readableDurations}))
	if e.environ != nil {
		for _, u := range unknownSettings(e.environ()) {
			attrs := []any{"name", u.name}
			if u.like != "" {
				attrs = append(attrs, "did_you_mean", u.like)
			}
			logger.Warn("unknown setting ignored", attrs...)
		}
	}
	if err := serve(e, logger, *addr, *db, *dir); err != nil {
		logger.Error("serve stopped", "err", err)
		if errors.Is(err, dialog.ErrDamaged) {
			return exitDamaged
		}
		return exitFail
	}
	return exitOK
}

// logLevel reads HELPDESK_LOG_LEVEL: debug, info (the default), warn or error.
func logLevel(v string) (slog.Level, error) {
	var l slog.Level
	if v = strings.TrimSpace(v); v == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return l, fmt.Errorf("HELPDESK_LOG_LEVEL=%s: want debug, info, warn or error", v)
	}
	return l, nil
}

// readableDurations writes durations as "38ms" rather than nanoseconds in the JSON log.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// serve opens everything in order (knowledge, engine, channels, HTTP server) and closes it in
// reverse. It returns when ctx is done (SIGINT/SIGTERM) after draining, or on a start-up error
// that names the setting at fault.
func serve(e *env, logger *slog.Logger, addrFlag, dbFlag, dirFlag string) error {
	start := time.Now()
	addr, addrSource := addrFlag, "--addr="+addrFlag
	if addr == "" {
		addr = e.getenv("HELPDESK_ADDR")
		addrSource = "HELPDESK_ADDR=" + addr
	}
	if addr == "" {
		addr, addrSource = ":8080", "the default address :8080"
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s: %v", addrSource, err)
	}
	adminAddr, err := adminAddress(e.getenv("HELPDESK_ADMIN_ADDR"))
	if err != nil {
		return err
	}
	if err := checkUnused(e); err != nil {
		return err
	}
	lib, now, policy, err := e.answering(dirFlag)
	if err != nil {
		return err
	}
	rate, err := rateVar(e, "HELPDESK_USER_RATE", dialog.RateLimit{Burst: 30, Every: 2 * time.Second})
	if err != nil {
		return err
	}
	// Cases reach people when Slack and a staff channel are set (slackChannel checks the pair).
	policy.Staffed = e.getenv("HELPDESK_STAFF_CHANNEL") != "" && e.getenv("SLACK_BOT_TOKEN") != ""
	dbPath, dbSource := e.dbPath(dbFlag)
	engine, err := dialog.Open(dbPath, lib, logger, dialog.Options{Policy: policy, Now: now, RateLimit: rate})
	if err != nil {
		return fmt.Errorf("%s: %w", dbSource, err)
	}
	defer engine.Close()

	metrics := bot.NewMetrics()
	desk := bot.NewMetered(engine, metrics)
	// A reload also probes the channels that are down at once: an operator who fixed a token or
	// a permission often reloads next.
	var sender *bot.Sender
	deps := serveDeps{env: e, logger: logger, desk: desk, engine: engine, lib: lib, metrics: metrics,
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
	deliverers := map[string]bot.Deliverer{}
	var names []string
	for _, ch := range channels {
		ch.routes(&routes)
		for k, v := range ch.deliverers {
			deliverers[k] = v
		}
		names = append(names, ch.name)
	}
	if len(channels) == 0 {
		logger.Warn("no channel configured: nobody can reach the bot",
			"hint", "set LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN, or SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN")
	}
	engine.AfterErase(forgetCached(deliverers))
	// The sender probes each channel at start: a token rejected then leaves serve running with
	// that channel down (named by /readyz and helpdesk_channel_up), its replies kept in the
	// outbox, and the other channels serving.
	sender = bot.NewSender(engine, deliverers, logger, metrics)
	sender.Grace = stopDrain
	routes.Channels = sender.Health().Err
	registerGauges(metrics, engine, lib)
	if token := e.getenv("HELPDESK_ADMIN_TOKEN"); token != "" {
		if len(token) < 16 {
			return fmt.Errorf("HELPDESK_ADMIN_TOKEN is too short: use at least 16 random characters")
		}
		routes.Admin = bot.NewAdmin(token, engine, deps.reload, logger).Handler()
	}
	retention, err := durationVar(e, "HELPDESK_RETENTION", 90*24*time.Hour)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %v", addrSource, err)
	}
	// With HELPDESK_ADMIN_ADDR, /admin/* and /metrics move to a listener of their own, which the
	// reverse proxy or the firewall keeps away from the internet; the public one keeps the
	// webhooks and the probes.
	servers := []*http.Server{newHTTPServer(logger, bot.NewServer(logger, routes))}
	listeners := []net.Listener{ln}
	logAddrs := []any{"addr", ln.Addr().String()}
	if adminAddr != "" {
		aln, err := net.Listen("tcp", adminAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("HELPDESK_ADMIN_ADDR=%s: %v", adminAddr, err)
		}
		servers = []*http.Server{newHTTPServer(logger, bot.NewServer(logger, routes.Public())), newHTTPServer(logger, bot.NewAdminServer(logger, routes))}
		listeners = append(listeners, aln)
		logAddrs = append(logAddrs, "admin_addr", aln.Addr().String())
	}

	ctx, cancel := context.WithCancel(e.ctx)
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
		bot.RunJanitor(ctx, logger, engine.Purge, now, retention, 72*time.Hour, time.Hour)
	}()

	serveErr := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { serveErr <- srv.Serve(listeners[i]) }()
	}
	logger.Info("listening", append(logAddrs, "channels", strings.Join(names, ","), "knowledge", lib.Version().Hash,
		"topics", len(lib.Base().Topics()), "startup", time.Since(start).Round(time.Millisecond))...)

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

// adminAddress reads HELPDESK_ADMIN_ADDR, the listener of /admin/* and /metrics; unset leaves
// them on the public listener. A port alone (":9090") listens on loopback only: exposing the
// admin API to every network must be asked for by naming a host (0.0.0.0:9090).
func adminAddress(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("HELPDESK_ADMIN_ADDR=%s: %v", v, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// How long a stop waits for the outbox: stopFlush for what is due to be delivered, counted from
// the stop, then stopDrain for deliveries still running, which are then cancelled and stay in
// the outbox for the next start. Together they stay under 5 s, within the patience of
// supervisors (systemd's TimeoutStopSec, Kubernetes' grace period) with room to spare.
const (
	stopFlush = 4 * time.Second
	stopDrain = 500 * time.Millisecond
)

func registerGauges(m *bot.Metrics, engine *dialog.Engine, lib *knowledge.Library) {
	b := readBuild()
	m.Info("helpdesk_build_info", "The binary's module version and commit (\"unknown\" when its build did not record them).",
		func() []string { return []string{"version", b.version, "revision", b.revision} })
	m.Info("helpdesk_knowledge_info", "The knowledge served: a short hash of its files.",
		func() []string { return []string{"hash", lib.Version().Hash} })
	m.Gauge("helpdesk_knowledge_reload_timestamp_seconds", "When the knowledge served was loaded (start or last successful reload), since the Unix epoch.",
		func() (float64, error) { return float64(lib.Version().Loaded.UnixMilli()) / 1000, nil })
	m.Gauge("helpdesk_open_cases", "Cases waiting for or handled by staff.", func() (float64, error) {
		n, err := engine.OpenCases()
		return float64(n), err
	})
	m.Gauge("helpdesk_outbox_depth", "Messages waiting in the outbox.", func() (float64, error) {
		n, _, err := engine.OutboxStats()
		return float64(n), err
	})
	m.Gauge("helpdesk_outbox_oldest_age_seconds", "Age of the oldest message waiting in the outbox.", func() (float64, error) {
		n, oldest, err := engine.OutboxStats()
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

// durationVar reads a duration setting such as "2160h"; unset gives def.
func durationVar(e *env, name string, def time.Duration) (time.Duration, error) {
	v := e.getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%s: want a duration such as 2160h", name, v)
	}
	return d, nil
}

// rateVar reads a per-user rate such as "20/1m" (20 messages a minute, all 20 at once if need
// be); "off" turns the limit off; unset gives def.
func rateVar(e *env, name string, def dialog.RateLimit) (dialog.RateLimit, error) {
	v := e.getenv(name)
	switch v {
	case "":
		return def, nil
	case "off":
		return dialog.RateLimit{}, nil
	}
	n, per, ok := strings.Cut(v, "/")
	count, err := strconv.Atoi(n)
	d, derr := time.ParseDuration(per)
	if !ok || err != nil || derr != nil || count <= 0 || d <= 0 {
		return def, fmt.Errorf("%s=%s: want MESSAGES/DURATION such as 20/1m, or off", name, v)
	}
	return dialog.RateLimit{Burst: count, Every: d / time.Duration(count)}, nil
}

// checkUnused stops start-up on settings that are set but would do nothing: they are mistakes
// (a typo in a partner variable, a channel meant to be on).
func checkUnused(e *env) error {
	set := func(name string) bool { return e.getenv(name) != "" }
	line := set("LINE_CHANNEL_SECRET") || set("LINE_CHANNEL_TOKEN")
	slack := set("SLACK_BOT_TOKEN")
	switch {
	case set("LINE_API_BASE") && !line:
		return fmt.Errorf("LINE_API_BASE is set but LINE is off (set LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN)")
	case set("SLACK_API_URL") && !slack:
		return fmt.Errorf("SLACK_API_URL is set but Slack is off (set SLACK_BOT_TOKEN)")
	case set("HELPDESK_ADMINS") && !slack:
		return fmt.Errorf("HELPDESK_ADMINS is set but Slack is off: admins run /helpdesk reload in Slack (set SLACK_BOT_TOKEN)")
	}
	return nil
}
