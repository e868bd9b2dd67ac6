package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

// database gives each round of the bench the database its server runs on: a new bbolt file,
// or a PostgreSQL database.
type database struct {
	store string // "bbolt" or "postgres"
	// postgres: url is the database given with --database-url, used by every round; otherwise
	// pg is a throwaway server and each round gets a new database on it.
	url   string
	pg    *pgtest.Server
	about string // what the database is, for the report
	n     int    // databases made on pg so far
}

// openDatabase prepares the store for the rounds: for postgres without a URL, it starts a
// throwaway server (initdb and pg_ctl in a temporary folder, as the tests do); with a URL, it
// migrates that database. Call close when done.
func openDatabase(ctx context.Context, store, dbURL string, progress io.Writer) (*database, error) {
	d := &database{store: store, url: dbURL}
	switch store {
	case "bbolt":
		d.about = "bbolt, a new file each round"
		return d, nil
	case "postgres":
	default:
		return nil, fmt.Errorf("--store %s: want bbolt or postgres", store)
	}
	if dbURL == "" {
		fmt.Fprintln(progress, "starting a throwaway PostgreSQL server (initdb, pg_ctl on 127.0.0.1)")
		srv, err := pgtest.Start()
		if err != nil {
			return nil, fmt.Errorf("--store postgres without --database-url needs a throwaway PostgreSQL server: %v", err)
		}
		d.pg = srv
		about, err := describe(ctx, srv.URL("postgres"))
		if err != nil {
			srv.Stop()
			return nil, err
		}
		d.about = about + ", a throwaway server on 127.0.0.1 (its test settings: not durable; give --database-url for a real one), a new database each round"
		return d, nil
	}
	if err := pgstore.Migrate(ctx, dbURL); err != nil {
		return nil, fmt.Errorf("--database-url: %v", err)
	}
	about, err := describe(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	d.about = about + ", the database of --database-url (each round's users are new)"
	return d, nil
}

// describe says which PostgreSQL answers at dbURL and whether its commits are durable.
func describe(ctx context.Context, dbURL string) (string, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %v", err) // pgx names the user and database, never the password
	}
	defer conn.Close(ctx)
	var version, fsync, syncCommit string
	err = conn.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')").
		Scan(&version, &fsync, &syncCommit)
	if err != nil {
		return "", fmt.Errorf("ask PostgreSQL its settings: %v", err)
	}
	return fmt.Sprintf("PostgreSQL %s (fsync %s, synchronous_commit %s)", version, fsync, syncCommit), nil
}

// vars sets the database of round in vars.
func (d *database) vars(ctx context.Context, vars map[string]string, dir string, round int) error {
	switch {
	case d.store == "bbolt":
		vars["HELPDESK_DB"] = filepath.Join(dir, fmt.Sprintf("round%d.db", round+1))
	case d.pg != nil:
		d.n++
		name := fmt.Sprintf("bench_%d", d.n)
		if err := d.pg.Exec(ctx, "postgres", "CREATE DATABASE "+name+" TEMPLATE helpdesk_template"); err != nil {
			return err
		}
		vars["HELPDESK_DATABASE_URL"] = d.pg.URL(name)
	default:
		vars["HELPDESK_DATABASE_URL"] = d.url
	}
	return nil
}

func (d *database) close() {
	if d.pg != nil {
		d.pg.Stop()
	}
}

// ---- several replicas behind a round-robin proxy

// cluster is one or more `helpdesk serve` processes on one database. With more than one, a
// round-robin reverse proxy on loopback stands in front of them, as a load balancer.
type cluster struct {
	URL      string // where the load goes: the proxy, or the only server
	replicas []*load.Server
	proxy    *http.Server
}

// startCluster starts n servers with vars and, for more than one, the proxy.
func startCluster(ctx context.Context, exe string, vars map[string]string, n int) (*cluster, error) {
	c := &cluster{}
	for range max(n, 1) {
		srv, err := load.StartProcess(ctx, exe, vars, nil)
		if err != nil {
			c.stop()
			return nil, err
		}
		c.replicas = append(c.replicas, srv)
	}
	if len(c.replicas) == 1 {
		c.URL = c.replicas[0].URL
		return c, nil
	}
	targets := make([]*url.URL, len(c.replicas))
	for i, r := range c.replicas {
		targets[i], _ = url.Parse(r.URL)
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(targets[next.Add(1)%uint64(len(targets))])
		},
		Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 512, IdleConnTimeout: 30 * time.Second},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.stop()
		return nil, err
	}
	c.proxy = &http.Server{Handler: proxy, ReadHeaderTimeout: 5 * time.Second}
	go c.proxy.Serve(ln)
	c.URL = "http://" + ln.Addr().String()
	return c, nil
}

// first is the first server: the one whose /metrics and admin API the bench reads.
func (c *cluster) first() *load.Server { return c.replicas[0] }

// stop stops every server (SIGTERM) and the proxy, and returns the first error: a server that
// did not exit 0.
func (c *cluster) stop() error {
	if c.proxy != nil {
		c.proxy.Close()
	}
	var errs []error
	for i, r := range c.replicas {
		if code, err := r.Stop(); err != nil || code != exitOK {
			errs = append(errs, fmt.Errorf("serve (replica %d) stopped with %d, %v:\n%s", i+1, code, err, r.Log.Tail()))
		}
	}
	return errors.Join(errs...)
}

// ---- two stores side by side

// storeComparison is a run on several stores, round by round in turn, and its report for
// each store. Its JSON is what --json prints.
type storeComparison struct {
	Stores []*benchReport `json:"stores"`
}

// benchStores runs opts.rounds rounds; in each, the same load on every store in turn (a new
// server and database each), so that a machine's slow moments fall on both alike.
func benchStores(ctx context.Context, opts benchOptions, dbs []*database) (*storeComparison, error) {
	runs := make([][]*benchReport, len(dbs))
	for round := range opts.rounds {
		for i, db := range dbs {
			o := opts
			o.rounds, o.db, o.roundBase = 1, db, round*len(dbs)+i
			o.heapProfile = ""
			if round == opts.rounds-1 && i == len(dbs)-1 {
				o.heapProfile = opts.heapProfile
			}
			fmt.Fprintf(opts.progress, "round %d/%d: %s\n", round+1, opts.rounds, db.store)
			rep, err := bench(ctx, o)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", db.store, err)
			}
			runs[i] = append(runs[i], rep)
		}
	}
	cmp := &storeComparison{}
	for _, reps := range runs {
		cmp.Stores = append(cmp.Stores, mergeRounds(reps, opts.rounds))
	}
	return cmp, nil
}

// mergeRounds makes one report of one-round reports: each figure's median over the rounds.
func mergeRounds(reps []*benchReport, rounds int) *benchReport {
	out := *reps[0]
	out.Config.Rounds = rounds
	out.Channels = nil
	out.Problems, out.Notes = nil, nil
	out.Server = serverReport{}
	var reloads []float64
	for _, r := range reps {
		out.OK = out.OK && r.OK
		out.Problems = append(out.Problems, r.Problems...)
		out.Notes = append(out.Notes, r.Notes...)
		out.Server.StartupRounds = append(out.Server.StartupRounds, r.Server.StartupRounds...)
		if r.Server.Reloads > 0 {
			reloads = append(reloads, r.Server.ReloadMS)
			out.Server.Reloads += r.Server.Reloads
		}
		out.Server.RSSMaxBytes = max(out.Server.RSSMaxBytes, r.Server.RSSMaxBytes)
		out.Server.HeapMaxBytes = max(out.Server.HeapMaxBytes, r.Server.HeapMaxBytes)
		out.Server.Scrapes += r.Server.Scrapes
	}
	out.Server.StartupMS = median(out.Server.StartupRounds)
	out.Server.ReloadMS = median(reloads)
	for c := range reps[0].Channels {
		cr := channelReport{Channel: reps[0].Channels[c].Channel}
		var bare, replay []figures
		for _, r := range reps {
			cr.Serve.Rounds = append(cr.Serve.Rounds, r.Channels[c].Serve.Rounds...)
			if b := r.Channels[c].Bare; b != nil {
				bare = append(bare, b.Rounds...)
			}
			if b := r.Channels[c].Replay; b != nil {
				replay = append(replay, b.Rounds...)
			}
		}
		cr.Serve.Median = medianFigures(cr.Serve.Rounds)
		if len(bare) > 0 {
			cr.Bare = &handlerReport{Median: medianFigures(bare), Rounds: bare}
			cr.RateRatio, cr.P99Ratio = ratios(cr.Serve.Median, cr.Bare.Median)
		}
		if len(replay) > 0 {
			cr.Replay = &handlerReport{Median: medianFigures(replay), Rounds: replay}
			cr.ReplayRateRatio, cr.ReplayP99Ratio = ratios(cr.Serve.Median, cr.Replay.Median)
		}
		out.Channels = append(out.Channels, cr)
	}
	out.Goals = out.goals()
	return &out
}

// writeText prints each store's report, then the stores side by side.
func (c *storeComparison) writeText(w io.Writer) {
	for _, rep := range c.Stores {
		fmt.Fprintf(w, "==== store: %s\n", rep.Config.Store)
		rep.writeText(w)
		fmt.Fprintln(w)
	}
	base := c.Stores[0]
	fmt.Fprintf(w, "==== side by side (medians over %d rounds, the stores alternating round by round)\n", base.Config.Rounds)
	const rowFormat = "%-7s %-20s %9s %9s %9s %9s %14s %9s\n"
	fmt.Fprintf(w, rowFormat, "channel", "store", "events/s", "p50", "p99", "ack p99", "answered once", "commit")
	for ch := range base.Channels {
		title := channelTitle(base.Channels[ch].Channel)
		for _, rep := range c.Stores {
			f := rep.Channels[ch].Serve.Median
			fmt.Fprintf(w, rowFormat, title, rep.Config.Store, fmt.Sprintf("%.0f", f.EventsPerSec), msText(f.P50), msText(f.P99),
				msText(f.AckP99), fmt.Sprintf("%d/%d", f.Once, f.Events), msText(f.CommitMean))
		}
		b := base.Channels[ch].Serve.Median
		for _, rep := range c.Stores[1:] {
			f := rep.Channels[ch].Serve.Median
			if b.EventsPerSec > 0 && b.P99 > 0 {
				fmt.Fprintf(w, rowFormat, title, rep.Config.Store+" / "+base.Config.Store, fmt.Sprintf("×%.2f", f.EventsPerSec/b.EventsPerSec),
					"", fmt.Sprintf("×%.2f", f.P99/b.P99), "", "", "")
			}
		}
	}
	fmt.Fprintf(w, "(per round, events/s | p99:)\n")
	for ch := range base.Channels {
		for _, rep := range c.Stores {
			var parts []string
			for _, f := range rep.Channels[ch].Serve.Rounds {
				parts = append(parts, fmt.Sprintf("%.0f | %s", f.EventsPerSec, msText(f.P99)))
			}
			fmt.Fprintf(w, "  %s %s: %s\n", channelTitle(base.Channels[ch].Channel), rep.Config.Store, strings.Join(parts, ", "))
		}
	}
}

// duplicates sums helpdesk_duplicate_events_total over the replicas.
func (c *cluster) duplicates(ctx context.Context) float64 {
	n := 0.0
	for _, r := range c.replicas {
		if m, err := load.Metrics(ctx, r.URL); err == nil {
			n += m["helpdesk_duplicate_events_total"]
		}
	}
	return n
}

// checkUsed fails unless the round's server wrote to the PostgreSQL database in vars: a
// helpdesk binary that does not know HELPDESK_DATABASE_URL would have measured bbolt instead.
func (d *database) checkUsed(ctx context.Context, vars map[string]string) error {
	if d.store != "postgres" {
		return nil
	}
	conn, err := pgx.Connect(ctx, vars["HELPDESK_DATABASE_URL"])
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM seen").Scan(&n); err != nil {
		return fmt.Errorf("count the events in PostgreSQL: %v", err)
	}
	if n == 0 {
		return errors.New("helpdesk serve wrote nothing to PostgreSQL: does this helpdesk binary select it with HELPDESK_DATABASE_URL?")
	}
	return nil
}
