package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
)

// The targets the report checks the server against.
const (
	goalRatio   = 0.5 // events/s of the server over the bare SDK's, at least
	goalP99     = 50 * time.Millisecond
	goalP99Rate = 1000              // events/s at which goalP99 holds
	goalMemory  = 100 * 1000 * 1000 // bytes of resident memory, at most
)

// benchOptions is one run of the bench.
type benchOptions struct {
	helpdesk string    // the helpdesk binary whose serve is loaded
	channels []string  // "line", "slack"
	spec     load.Spec // users, perUser, clients, redeliver, rate
	rounds   int
	ceiling  bool // also run the bare SDK handlers
	reloads  int  // POST /admin/reload per round
	// getenv gives HELPDESK_KNOWLEDGE and HELPDESK_LOG_LEVEL to pass on to the server.
	getenv func(string) string
	// script is what the simulated users send, made from the knowledge the server answers from.
	script []load.Step
	// progress gets a line as each phase starts; nil: none.
	progress io.Writer
	// heapProfile, when set, is where a heap profile of this process goes after the last
	// round's loads.
	heapProfile string
	// db gives each round its database; nil: a new bbolt file each round.
	db *database
	// replicas is how many serve processes share the round's database, behind a round-robin
	// proxy (PostgreSQL only); 0 or 1: one, loaded directly.
	replicas int
	// roundBase numbers this run's rounds after those of earlier runs (new users, new databases).
	roundBase int
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %v", err)
	}
	return f.Close()
}

// ---- the report

// benchReport is what a run measured. Its JSON is what --json prints.
type benchReport struct {
	Config   benchConfig     `json:"config"`
	Machine  machine         `json:"machine"`
	Channels []channelReport `json:"channels"`
	Server   serverReport    `json:"server"`
	Goals    []goalResult    `json:"goals"`
	// OK is true when every event sent to the server was answered exactly once.
	OK       bool     `json:"ok"`
	Problems []string `json:"problems,omitempty"`
	// Notes are what went wrong with the bare handlers; they do not fail the run.
	Notes []string `json:"notes,omitempty"`
}

type benchConfig struct {
	Channels  []string `json:"channels"`
	Users     int      `json:"users"`
	Messages  int      `json:"messages_per_user"`
	Clients   int      `json:"clients"`
	Redeliver float64  `json:"redeliver"`
	Rate      float64  `json:"rate"` // 0: closed loop
	Rounds    int      `json:"rounds"`
	Ceiling   bool     `json:"ceiling"`
	// Process is true when the server ran as a child process: its memory figures are then its
	// own, not the whole bench's.
	Process bool `json:"process"`
	// Store is "bbolt" or "postgres", Database what it ran on; Replicas how many serve
	// processes shared it (behind a round-robin proxy when more than one).
	Store    string `json:"store"`
	Database string `json:"database"`
	Replicas int    `json:"replicas"`
}

type machine struct {
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go"`
	OS        string `json:"os"`
}

// channelReport is one platform: the server, and the bare SDK handler beside it.
type channelReport struct {
	Channel string         `json:"channel"`
	Serve   handlerReport  `json:"serve"`
	Bare    *handlerReport `json:"bare,omitempty"`
	// Ratios of the server's medians to the bare handler's.
	RateRatio float64 `json:"events_per_sec_ratio,omitempty"`
	P99Ratio  float64 `json:"p99_ratio,omitempty"`
	// Replay is the bare handler sending the server's own replies (recorded in the same round)
	// instead of echoing the text, and the ratios to it.
	Replay          *handlerReport `json:"bare_same_replies,omitempty"`
	ReplayRateRatio float64        `json:"same_replies_events_per_sec_ratio,omitempty"`
	ReplayP99Ratio  float64        `json:"same_replies_p99_ratio,omitempty"`
	// The size of the server's replies (of those recorded for Replay), in bytes.
	ReplyBytesP50 float64 `json:"reply_bytes_p50,omitempty"`
	ReplyBytesP90 float64 `json:"reply_bytes_p90,omitempty"`
}

type handlerReport struct {
	Median figures   `json:"median"`
	Rounds []figures `json:"rounds"`
}

// figures are one load's results; latencies in milliseconds.
type figures struct {
	EventsPerSec float64 `json:"events_per_sec"`
	P50          float64 `json:"p50_ms"` // webhook sent → reply at the platform
	P90          float64 `json:"p90_ms"`
	P99          float64 `json:"p99_ms"`
	Max          float64 `json:"max_ms"`
	AckP99       float64 `json:"ack_p99_ms"`             // webhook sent → answered 2xx
	LagP99       float64 `json:"send_lag_p99_ms"`        // open loop: sends behind schedule
	Events       int     `json:"events"`                 // events sent
	Once         int     `json:"answered_once"`          // answered exactly once
	Missing      int     `json:"missing"`                // never answered
	Twice        int     `json:"twice"`                  // answered more than once
	Redelivered  int     `json:"redelivered"`            // also sent as a redelivery
	Refused      int     `json:"refused,omitempty"`      // LINE refused a reused reply token or retry key
	Pushes       int     `json:"pushes,omitempty"`       // LINE pushes (long replies, stale tokens)
	Problems     int     `json:"problems,omitempty"`     // webhooks not answered 200, answers not come
	Duplicates   float64 `json:"duplicates,omitempty"`   // events the server dropped as duplicates
	ServerWarns  int     `json:"server_warns,omitempty"` // log lines at WARN or ERROR during the load
	// From the server's own histograms, over the load: the mean time to commit an event (verify
	// excluded; dedupe, decide, save, queue the reply, fsync) and of one delivery to the platform.
	CommitMean   float64 `json:"commit_mean_ms,omitempty"`
	DeliveryMean float64 `json:"delivery_mean_ms,omitempty"`
}

type serverReport struct {
	StartupMS     float64   `json:"startup_ms"` // median: process started → first answer on /healthz
	StartupRounds []float64 `json:"startup_rounds_ms"`
	ReloadMS      float64   `json:"reload_ms"` // median of every timed POST /admin/reload
	Reloads       int       `json:"reloads"`
	// The largest values /metrics showed during and after the loads on the server: of the server
	// process alone (config.process; a report without it counted the fakes and the load too).
	RSSMaxBytes  float64 `json:"rss_max_bytes"`
	HeapMaxBytes float64 `json:"heap_max_bytes"`
	Scrapes      int     `json:"scrapes"`
}

// goalResult is one target; Met is nil when this run did not measure it.
type goalResult struct {
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	Met      *bool  `json:"met"`
}

// ---- the run

// bench runs opts.rounds rounds. Each starts a new server on a new database, loads it on each
// channel in turn and, with opts.ceiling, the bare SDK handler after it under the same load, then
// times reloads and stops the server. The fake platforms and the bare handlers live for the
// whole run. It returns an error only when it could not measure; events not answered exactly
// once make the report fail instead.
func bench(ctx context.Context, opts benchOptions) (*benchReport, error) {
	if opts.rounds <= 0 {
		opts.rounds = 1
	}
	progress := opts.progress
	if progress == nil {
		progress = io.Discard
	}
	getenv := opts.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	script := opts.script
	dir, err := os.MkdirTemp("", "helpdesk-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db := opts.db
	if db == nil {
		db = &database{store: "bbolt", about: "bbolt, a new file each round"}
	}

	rep := &benchReport{OK: true,
		Config: benchConfig{Channels: opts.channels, Users: opts.spec.Users, Messages: opts.spec.PerUser, Clients: opts.spec.InFlight(),
			Redeliver: opts.spec.Redeliver, Rate: opts.spec.Rate, Rounds: opts.rounds, Ceiling: opts.ceiling, Process: true,
			Store: db.store, Database: db.about, Replicas: max(opts.replicas, 1)},
		Machine: machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}}

	// The platforms, and the bare handlers on them, live for the whole run.
	type platform struct {
		name    string
		load    *load.Channel
		bare    string    // the bare handler's URL
		replay  string    // the URL of the bare handler that sends the server's replies
		replies *replayer // what it sends, from the round's server load
		stats   func() (refused, pushes int)
	}
	var platforms []*platform
	var closers []func()
	defer func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}()
	// Every credential the fakes and the server share is made up for this run: none is written
	// in the source, and none outlives this process and its child.
	admin := randomToken()
	lineSecret, lineToken := randomToken(), randomToken()
	slackSecret, slackToken := randomToken(), randomToken()
	vars := map[string]string{"HELPDESK_USER_RATE": "off", "HELPDESK_ADMIN_TOKEN": admin}
	for _, k := range []string{"HELPDESK_KNOWLEDGE", "HELPDESK_LOG_LEVEL"} {
		if v := getenv(k); v != "" {
			vars[k] = v
		}
	}
	for _, name := range opts.channels {
		p := &platform{name: name, replies: &replayer{}}
		var bare, replay http.Handler
		switch name {
		case "line":
			var fake *linetest.Server
			labelled(ctx, "fake", func() { fake = linetest.New(lineToken) })
			fake.SkipMessageCheck, fake.Forget = true, true
			closers = append(closers, fake.Close)
			p.load = load.LINE(fake, lineSecret, script)
			p.stats = func() (int, int) { st := fake.Stats(); return st.InvalidTokens + st.Conflicts, st.Pushes }
			vars["LINE_CHANNEL_SECRET"], vars["LINE_CHANNEL_TOKEN"], vars["LINE_API_BASE"] = lineSecret, lineToken, fake.URL
			bare = lineBareHandler(lineSecret, lineToken, fake.URL, nil)
			replay = lineBareReplayHandler(lineSecret, lineToken, fake.URL, nil, replayNext[lineBareReply](p.replies))
		case "slack":
			var fake *slacktest.Server
			labelled(ctx, "fake", func() { fake = slacktest.New(slackToken) })
			fake.SkipBlockCheck, fake.Forget = true, true
			closers = append(closers, fake.Close)
			p.load = load.Slack(fake, slackSecret, script)
			p.stats = func() (int, int) { return 0, 0 }
			vars["SLACK_BOT_TOKEN"], vars["SLACK_SIGNING_SECRET"], vars["SLACK_API_URL"] = slackToken, slackSecret, fake.APIURL()
			bare = slackBareHandler(slackSecret, slackToken, fake.APIURL(), nil)
			replay = slackBareReplayHandler(slackSecret, slackToken, fake.APIURL(), nil, replayNext[slackBareReply](p.replies))
		default:
			return nil, fmt.Errorf("unknown channel %q", name)
		}
		if opts.ceiling {
			var (
				url  string
				stop func()
				err  error
			)
			for _, h := range []struct {
				handler http.Handler
				url     *string
			}{{bare, &p.bare}, {replay, &p.replay}} {
				labelled(ctx, "bare", func() { url, stop, err = serveBare(h.handler) })
				if err != nil {
					return nil, err
				}
				closers = append(closers, stop)
				*h.url = url
			}
		}
		platforms = append(platforms, p)
	}

	serveRounds := make([][]figures, len(platforms))
	bareRounds := make([][]figures, len(platforms))
	replayRounds := make([][]figures, len(platforms))
	replySizes := make([][]float64, len(platforms)) // bytes of the server's replies, sampled
	var reloads []time.Duration
	mem := &memoryWatch{}
	for round := range opts.rounds {
		roundVars := maps.Clone(vars)
		if err := db.vars(ctx, roundVars, dir, opts.roundBase+round); err != nil {
			return nil, err
		}
		fmt.Fprintf(progress, "round %d/%d: starting helpdesk serve (%s", round+1, opts.rounds, db.store)
		if opts.replicas > 1 {
			fmt.Fprintf(progress, ", %d replicas", opts.replicas)
		}
		fmt.Fprintln(progress, ")")
		servers, err := startCluster(ctx, opts.helpdesk, roundVars, opts.replicas)
		if err != nil {
			return nil, err
		}
		srv := servers.first()
		rep.Server.StartupRounds = append(rep.Server.StartupRounds, ms(srv.Startup))
		// The round measures the servers it started, and stops them on every way out (stop is
		// idempotent: the checked stop at the end comes first when all went well).
		err = func() error {
			defer servers.stop()
			for i, p := range platforms {
				spec := opts.spec
				spec.UserBase = 3 * (opts.roundBase + round) * spec.Users // the server's, then each bare handler's
				fmt.Fprintf(progress, "round %d/%d: %s, helpdesk serve\n", round+1, opts.rounds, p.name)
				if p.bare != "" {
					p.load.Log.Record(spec.Users * spec.PerUser)
				}
				dups0 := servers.duplicates(ctx)
				f, problems, err := measure(ctx, p.load, servers.URL, srv, spec, mem, p.stats)
				if len(servers.replicas) > 1 {
					f.Duplicates = servers.duplicates(ctx) - dups0 // every replica's, not only the first's
				}
				p.load.Log.Record(0)
				if err != nil {
					return err
				}
				for _, pr := range problems {
					rep.fail("round %d, %s, helpdesk serve: %s", round+1, p.name, pr)
				}
				serveRounds[i] = append(serveRounds[i], f)
				if p.bare == "" {
					continue
				}
				// bare runs handler under the same load, with users of its own.
				bare := func(url, handler string) (figures, error) {
					spec.UserBase += spec.Users
					fmt.Fprintf(progress, "round %d/%d: %s, %s\n", round+1, opts.rounds, p.name, handler)
					f, problems, err := measure(ctx, p.load, url, nil, spec, nil, p.stats)
					for _, pr := range problems {
						rep.Notes = append(rep.Notes, fmt.Sprintf("round %d, %s, %s: %s", round+1, p.name, handler, pr))
					}
					return f, err
				}
				f, err = bare(p.bare, "bare SDK echoing")
				if err != nil {
					return err
				}
				bareRounds[i] = append(bareRounds[i], f)
				sizes, err := p.replies.load(p.name, p.load.Log)
				if err != nil { // nothing to send the same of: this round has no such ceiling
					rep.Notes = append(rep.Notes, fmt.Sprintf("round %d, %s, bare SDK sending the same replies: %v", round+1, p.name, err))
					continue
				}
				replySizes[i] = append(replySizes[i], sizes...)
				f, err = bare(p.replay, fmt.Sprintf("bare SDK sending the server's %d replies", len(sizes)))
				if err != nil {
					return err
				}
				replayRounds[i] = append(replayRounds[i], f)
			}
			if opts.heapProfile != "" && round == opts.rounds-1 {
				if err := writeHeapProfile(opts.heapProfile); err != nil {
					return err
				}
			}
			for range opts.reloads {
				d, err := load.TimeReload(ctx, srv.URL, admin)
				if err != nil {
					return fmt.Errorf("reload: %v", err)
				}
				reloads = append(reloads, d)
			}
			if err := servers.stop(); err != nil {
				return err
			}
			return db.checkUsed(ctx, roundVars)
		}()
		if err != nil {
			return nil, err
		}
	}

	for i, p := range platforms {
		cr := channelReport{Channel: p.name, Serve: handlerReport{Median: medianFigures(serveRounds[i]), Rounds: serveRounds[i]}}
		if len(bareRounds[i]) > 0 {
			cr.Bare = &handlerReport{Median: medianFigures(bareRounds[i]), Rounds: bareRounds[i]}
			cr.RateRatio, cr.P99Ratio = ratios(cr.Serve.Median, cr.Bare.Median)
		}
		if len(replayRounds[i]) > 0 {
			cr.Replay = &handlerReport{Median: medianFigures(replayRounds[i]), Rounds: replayRounds[i]}
			cr.ReplayRateRatio, cr.ReplayP99Ratio = ratios(cr.Serve.Median, cr.Replay.Median)
			slices.Sort(replySizes[i])
			cr.ReplyBytesP50 = median(replySizes[i])
			cr.ReplyBytesP90 = replySizes[i][len(replySizes[i])*9/10]
		}
		rep.Channels = append(rep.Channels, cr)
	}
	rep.Server.StartupMS = median(rep.Server.StartupRounds)
	var rl []float64
	for _, d := range reloads {
		rl = append(rl, ms(d))
	}
	rep.Server.ReloadMS, rep.Server.Reloads = median(rl), len(rl)
	rep.Server.RSSMaxBytes, rep.Server.HeapMaxBytes, rep.Server.Scrapes = mem.max()
	rep.Goals = rep.goals()
	return rep, nil
}

// ratios are the server's events/s and p99 over a bare handler's (0 when it measured none).
func ratios(serve, bare figures) (rate, p99 float64) {
	if bare.EventsPerSec <= 0 || bare.P99 <= 0 {
		return 0, 0
	}
	return serve.EventsPerSec / bare.EventsPerSec, serve.P99 / bare.P99
}

// replayer hands out, in turn, the replies the server sent in the round's load, to the bare
// handler that sends the same replies (lineBareReply or slackBareReply). Its methods are safe
// for concurrent use.
type replayer struct {
	replies atomic.Pointer[[]any]
	next    atomic.Uint64
}

// load takes what log recorded, as replies of channel, and returns their sizes in bytes (LINE:
// the messages of a reply request; Slack: a post's text and blocks).
func (r *replayer) load(channel string, log *load.ReplyLog) ([]float64, error) {
	lineReplies, slackPosts := log.Take()
	var (
		out   []any
		sizes []float64
	)
	switch channel {
	case "line":
		for _, msgs := range lineReplies {
			out = append(out, newLINEBareReply(msgs))
			n := 0
			for _, m := range msgs {
				n += len(m)
			}
			sizes = append(sizes, float64(n))
		}
	case "slack":
		for i, p := range slackPosts {
			reply, err := newSlackBareReply(p.Text, p.Raw)
			if err != nil {
				return nil, fmt.Errorf("post %d the server made: %v", i+1, err)
			}
			out = append(out, reply)
			sizes = append(sizes, float64(len(p.Text)+len(p.Raw)))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no reply of the server was recorded (LINE records reply requests only, not pushes)")
	}
	r.replies.Store(&out)
	return sizes, nil
}

// replayNext is the next function of a bare replay handler: the recorded replies in turn.
func replayNext[T any](r *replayer) func() T {
	return func() T {
		var zero T
		replies := r.replies.Load()
		if replies == nil || len(*replies) == 0 {
			return zero
		}
		v, _ := (*replies)[(r.next.Add(1)-1)%uint64(len(*replies))].(T)
		return v
	}
}

// labelled runs f with the profiler label role (fake, bare, load), which every goroutine f
// starts inherits: a fake's or a bare handler's handlers and connections. `go tool pprof -tags`
// then splits a --cpuprofile by role. The server runs in its own process;
// BenchmarkLINEWebhook of cmd/helpdesk profiles it under the same load.
func labelled(ctx context.Context, role string, f func()) {
	pprof.Do(ctx, pprof.Labels("role", role), func(context.Context) { f() })
}

// fail records a problem that makes the run fail.
func (r *benchReport) fail(format string, args ...any) {
	r.OK = false
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// measure drives one load at base and counts the answers once the handler has settled. srv is
// the server when base is helpdesk serve (or the proxy in front of its replicas: srv is then
// the first replica), nil for a bare handler. mem, when set, is fed the server's /metrics during
// and after the load. The problems it returns are events not answered exactly once, and failed
// webhooks.
func measure(ctx context.Context, ch *load.Channel, base string, srv *load.Server, spec load.Spec, mem *memoryWatch,
	stats func() (refused, pushes int)) (figures, []string, error) {
	refused0, pushes0 := stats()
	metricsURL := base
	if srv != nil {
		metricsURL = srv.URL
	}
	var before map[string]float64
	warns0 := 0
	if srv != nil {
		m, err := load.Metrics(ctx, metricsURL)
		if err != nil {
			return figures{}, nil, err
		}
		before = m
		warns0 = srv.Log.Warnings()
	}
	stopWatch := func() {}
	if mem != nil {
		stopWatch = mem.watch(ctx, metricsURL, 250*time.Millisecond)
	}
	var res load.Result
	labelled(ctx, "load", func() { res = load.Drive(ctx, ch, base, spec) })
	stopWatch()
	if ctx.Err() != nil {
		return figures{}, nil, ctx.Err()
	}
	f := figures{EventsPerSec: res.EventsPerSec(),
		P50: ms(load.Percentile(res.Latency, 0.50)), P90: ms(load.Percentile(res.Latency, 0.90)),
		P99: ms(load.Percentile(res.Latency, 0.99)), Max: ms(load.Percentile(res.Latency, 1)),
		AckP99: ms(load.Percentile(res.Acks, 0.99)), LagP99: ms(load.Percentile(res.Lag, 0.99)),
		Events: res.Sent, Redelivered: res.Redelivered, Problems: res.Problems}
	if srv != nil {
		if err := load.DrainOutbox(ctx, metricsURL, 30*time.Second); err != nil {
			return f, nil, err
		}
		if mem != nil {
			mem.scrape(ctx, metricsURL)
		}
		m, err := load.Metrics(ctx, metricsURL)
		if err != nil {
			return f, nil, err
		}
		delta := func(name string) float64 { return m[name] - before[name] }
		f.Duplicates = delta("helpdesk_duplicate_events_total")
		if n := delta("helpdesk_reply_latency_seconds_count"); n > 0 {
			f.CommitMean = delta("helpdesk_reply_latency_seconds_sum") / n * 1000
		}
		if n := delta("helpdesk_delivery_seconds_count"); n > 0 {
			f.DeliveryMean = delta("helpdesk_delivery_seconds_sum") / n * 1000
		}
	}
	time.Sleep(300 * time.Millisecond) // let a second answer, if any, reach the fake
	f.Once, f.Missing, f.Twice = res.Tally(ch.Tracker)
	ch.Tracker.Forget(res.Keys)
	refused, pushes := stats()
	f.Refused, f.Pushes = refused-refused0, pushes-pushes0
	if srv != nil {
		f.ServerWarns = srv.Log.Warnings() - warns0
	}
	var problems []string
	if f.Missing > 0 || f.Twice > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d events not answered, %d answered more than once", f.Missing, f.Events, f.Twice))
	}
	if res.Problems > 0 {
		problems = append(problems, fmt.Sprintf("%d problems, the first: %s", res.Problems, strings.Join(res.Errs[:min(len(res.Errs), 3)], "; ")))
	}
	return f, problems, nil
}

// serveBare serves h on a free loopback port.
func serveBare(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// memoryWatch keeps the largest resident set and heap /metrics showed.
type memoryWatch struct {
	mu        sync.Mutex
	rss, heap float64
	scrapes   int
}

// watch scrapes base every interval until the returned function is called.
func (m *memoryWatch) watch(ctx context.Context, base string, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				m.scrape(ctx, base)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func (m *memoryWatch) scrape(ctx context.Context, base string) {
	v, err := load.Metrics(ctx, base)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rss = max(m.rss, v["process_resident_memory_bytes"])
	m.heap = max(m.heap, v["go_memstats_heap_alloc_bytes"])
	m.scrapes++
}

func (m *memoryWatch) max() (rss, heap float64, scrapes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rss, m.heap, m.scrapes
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medianFigures takes the median of each figure over the rounds on its own.
func medianFigures(rs []figures) figures {
	m := func(f func(figures) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		return median(v)
	}
	mi := func(f func(figures) int) int { return int(m(func(r figures) float64 { return float64(f(r)) })) }
	return figures{
		EventsPerSec: m(func(r figures) float64 { return r.EventsPerSec }),
		P50:          m(func(r figures) float64 { return r.P50 }),
		P90:          m(func(r figures) float64 { return r.P90 }),
		P99:          m(func(r figures) float64 { return r.P99 }),
		Max:          m(func(r figures) float64 { return r.Max }),
		AckP99:       m(func(r figures) float64 { return r.AckP99 }),
		LagP99:       m(func(r figures) float64 { return r.LagP99 }),
		Events:       mi(func(r figures) int { return r.Events }),
		Once:         mi(func(r figures) int { return r.Once }),
		Missing:      mi(func(r figures) int { return r.Missing }),
		Twice:        mi(func(r figures) int { return r.Twice }),
		Redelivered:  mi(func(r figures) int { return r.Redelivered }),
		Refused:      mi(func(r figures) int { return r.Refused }),
		Pushes:       mi(func(r figures) int { return r.Pushes }),
		Problems:     mi(func(r figures) int { return r.Problems }),
		Duplicates:   m(func(r figures) float64 { return r.Duplicates }),
		ServerWarns:  mi(func(r figures) int { return r.ServerWarns }),
		CommitMean:   m(func(r figures) float64 { return r.CommitMean }),
		DeliveryMean: m(func(r figures) float64 { return r.DeliveryMean }),
	}
}

// goals checks what this run measured against the targets.
func (r *benchReport) goals() []goalResult {
	yes := func(b bool) *bool { return &b }
	var out []goalResult
	// The ratio is checked against both ceilings: the SDK sending the server's own replies (the
	// same platform work without state or decisions) and the SDK echoing the text it got.
	for _, c := range r.Channels {
		for _, ceiling := range []struct {
			what  string
			bare  *handlerReport
			ratio float64
		}{{"sending the same replies", c.Replay, c.ReplayRateRatio}, {"echoing the text", c.Bare, c.RateRatio}} {
			g := goalResult{Goal: fmt.Sprintf("%s: at least half the bare SDK's events/s, %s", channelTitle(c.Channel), ceiling.what)}
			switch {
			case ceiling.bare == nil:
				g.Measured = "not measured (use --ceiling)"
			case r.Config.Rate > 0:
				g.Measured = "not measured (open loop: both keep the rate; use --rate 0)"
			default:
				g.Measured = fmt.Sprintf("×%.2f (%.0f vs %.0f events/s)", ceiling.ratio, c.Serve.Median.EventsPerSec, ceiling.bare.Median.EventsPerSec)
				g.Met = yes(ceiling.ratio >= goalRatio)
			}
			out = append(out, g)
		}
	}
	for _, c := range r.Channels {
		g := goalResult{Goal: fmt.Sprintf("%s: p99 under %s at %d events/s", channelTitle(c.Channel), msText(ms(goalP99)), goalP99Rate)}
		switch {
		case r.Config.Rate <= 0:
			g.Measured = fmt.Sprintf("not measured (use --rate %d)", goalP99Rate)
		default:
			s := c.Serve.Median
			g.Measured = fmt.Sprintf("p99 %.1f ms at %.0f events/s", s.P99, r.Config.Rate)
			if r.Config.Rate >= goalP99Rate {
				g.Met = yes(s.P99 < ms(goalP99))
			} else {
				g.Measured += fmt.Sprintf(" (below %d events/s: does not count)", goalP99Rate)
			}
		}
		out = append(out, g)
	}
	mem := goalResult{Goal: "memory: resident set under 100 MB",
		Measured: fmt.Sprintf("%.1f MB resident at most (%s)", r.Server.RSSMaxBytes/1e6, r.memoryOf())}
	switch {
	case r.Server.RSSMaxBytes <= 0:
	case r.Server.RSSMaxBytes < goalMemory:
		mem.Met = yes(true) // the server alone uses no more than the figure, whoever else it counts
	case r.Config.Process:
		mem.Met = yes(false)
	default: // the figure counts the fakes and the load too: it says nothing of the server
		mem.Measured += "; run with --process to measure the server alone"
	}
	out = append(out, mem)
	return out
}

// memoryOf says whose memory the report's figures are.
func (r *benchReport) memoryOf() string {
	if r.Config.Process {
		return "the server process alone"
	}
	return "the whole bench process: server, fakes, load"
}

func channelTitle(name string) string {
	switch name {
	case "line":
		return "LINE"
	case "slack":
		return "Slack"
	}
	return name
}

// writeText prints the report as tables.
func (r *benchReport) writeText(w io.Writer) {
	c := r.Config
	loop := "closed loop (each user waits for the answer)"
	if c.Rate > 0 {
		loop = fmt.Sprintf("open loop at %.0f events/s", c.Rate)
	}
	fmt.Fprintf(w, "helpdesk-bench: %d users × %d messages (%d events a round per channel), %d clients, %.0f%% redelivered, %s, %d round(s)\n",
		c.Users, c.Messages, c.Users*c.Messages, c.Clients, c.Redeliver*100, loop, c.Rounds)
	where := "fake platform APIs, load and server share this process"
	if c.Process {
		where = "fake platform APIs and load in this process, the server in a child process"
	}
	fmt.Fprintf(w, "%d CPUs, %s; %s\n", r.Machine.CPUs, r.Machine.GoVersion, where)
	if c.Database != "" {
		fmt.Fprintf(w, "store: %s", c.Database)
		if c.Replicas > 1 {
			fmt.Fprintf(w, "; %d serve replicas on it behind a round-robin proxy on loopback (server-side figures: the first replica's, but duplicates: every replica's)", c.Replicas)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)

	const rowFormat = "%-7s %-15s %9s %9s %9s %9s %9s %9s %14s %12s\n"
	fmt.Fprintf(w, rowFormat, "channel", "handler", "events/s", "p50", "p90", "p99", "max", "ack p99", "answered once", "redelivered")
	row := func(ch, handler string, f figures) {
		fmt.Fprintf(w, rowFormat, ch, handler, fmt.Sprintf("%.0f", f.EventsPerSec), msText(f.P50), msText(f.P90), msText(f.P99),
			msText(f.Max), msText(f.AckP99), fmt.Sprintf("%d/%d", f.Once, f.Events), fmt.Sprint(f.Redelivered))
	}
	for _, cr := range r.Channels {
		title := channelTitle(cr.Channel)
		row(title, "helpdesk serve", cr.Serve.Median)
		if cr.Replay != nil {
			row(title, "bare, same", cr.Replay.Median)
			fmt.Fprintf(w, rowFormat, title, "serve / same", fmt.Sprintf("×%.2f", cr.ReplayRateRatio), "", "", fmt.Sprintf("×%.1f", cr.ReplayP99Ratio), "", "", "", "")
		}
		if cr.Bare != nil {
			row(title, "bare, echo", cr.Bare.Median)
			fmt.Fprintf(w, rowFormat, title, "serve / echo", fmt.Sprintf("×%.2f", cr.RateRatio), "", "", fmt.Sprintf("×%.1f", cr.P99Ratio), "", "", "", "")
		}
	}
	fmt.Fprintf(w, "(medians over the rounds; latency: webhook sent → reply at the platform; ack: webhook sent → 200)\n")
	if c.Ceiling {
		fmt.Fprintf(w, "(bare: the SDK alone, verify, parse and reply inside the webhook, no state; same: it sends the replies helpdesk serve\n sent in the round, through the same SDK call; echo: it sends back the text it got)\n")
		for _, cr := range r.Channels {
			if cr.Replay != nil {
				fmt.Fprintf(w, "%s: the server's replies are %.0f bytes at the median, %.0f at p90 (a sample of each round's)\n",
					channelTitle(cr.Channel), cr.ReplyBytesP50, cr.ReplyBytesP90)
			}
		}
	}

	if c.Rate > 0 {
		for _, cr := range r.Channels {
			f := cr.Serve.Median
			fmt.Fprintf(w, "%s: asked %.0f events/s, achieved %.1f (answered events over the load's wall time); lost %d, answered more than once %d; sends started late by %s at p99 (the load's own lag)\n",
				channelTitle(cr.Channel), c.Rate, f.EventsPerSec, f.Missing, f.Twice, msText(f.LagP99))
		}
	}
	if c.Rounds > 1 {
		fmt.Fprintf(w, "\nper round, events/s | p99:\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		each := func(ch, handler string, rs []figures) {
			fmt.Fprintf(tw, "%s\t%s", ch, handler)
			for _, f := range rs {
				fmt.Fprintf(tw, "\t%.0f | %s", f.EventsPerSec, msText(f.P99))
			}
			fmt.Fprintln(tw, "\t")
		}
		for _, cr := range r.Channels {
			each(channelTitle(cr.Channel), "helpdesk serve", cr.Serve.Rounds)
			if cr.Replay != nil {
				each(channelTitle(cr.Channel), "bare, same", cr.Replay.Rounds)
			}
			if cr.Bare != nil {
				each(channelTitle(cr.Channel), "bare, echo", cr.Bare.Rounds)
			}
		}
		tw.Flush()
	}

	s := r.Server
	fmt.Fprintf(w, "\nhelpdesk serve:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	from := "run called"
	if c.Process {
		from = "process started"
	}
	fmt.Fprintf(tw, "  start-up\t%s\t(median of %d; %s → first answer on /healthz; each %s)\n", msText(s.StartupMS), len(s.StartupRounds), from, msList(s.StartupRounds))
	fmt.Fprintf(tw, "  reload\t%s\t(median of %d POST /admin/reload)\n", msText(s.ReloadMS), s.Reloads)
	fmt.Fprintf(tw, "  memory\t%.1f MB\t(resident, max of %d scrapes of /metrics during and after the loads; Go heap %.1f MB; %s)\n",
		s.RSSMaxBytes/1e6, s.Scrapes, s.HeapMaxBytes/1e6, r.memoryOf())
	for _, cr := range r.Channels {
		f := cr.Serve.Median
		extra := ""
		if cr.Channel == "line" {
			extra = fmt.Sprintf(", %d replies refused by LINE as sent before, %d pushes", f.Refused, f.Pushes)
		}
		fmt.Fprintf(tw, "  %s\tcommit %s, delivery %s\t(means from the server's histograms; %.0f redeliveries dropped as duplicates%s; %d warnings logged)\n",
			channelTitle(cr.Channel), msText(f.CommitMean), msText(f.DeliveryMean), f.Duplicates, extra, f.ServerWarns)
	}
	tw.Flush()

	fmt.Fprintf(w, "\ntargets (throughput against the bare SDK, p99 latency at a given rate, resident memory), met or not:\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, g := range r.Goals {
		verdict := "-"
		if g.Met != nil {
			verdict = map[bool]string{true: "met", false: "NOT met"}[*g.Met]
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", g.Goal, verdict, g.Measured)
	}
	tw.Flush()
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "\nnotes (bare SDK, not counted against the server):\n")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	if r.OK {
		fmt.Fprintf(w, "\nevery event sent to helpdesk serve was answered exactly once\n")
	} else {
		fmt.Fprintf(w, "\nFAILED:\n")
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
}

func msText(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

func msList(vs []float64) string {
	var out []string
	for _, v := range vs {
		out = append(out, msText(v))
	}
	return strings.Join(out, ", ")
}
