// Command helpdesk-bench is the load tool. It starts fake LINE and Slack APIs on loopback and a
// real `helpdesk serve` as a child process, has many users send it signed webhooks, checks that
// every event got exactly one reply, and reports events/s, latency, start-up, reload and
// memory; with --ceiling, beside bare SDK handlers (verify, parse, reply, no state) under the
// same load; with --faults, recovery from platform outages instead.
//
//	go run ./cmd/helpdesk-bench --channel all --ceiling --rounds 3
//
// It is not part of the served binary: the helpdesk command imports neither it nor the fakes.
// It may import the standard library, the platform SDKs (for the bare handlers), seeds,
// cmd/internal/load and the fakes bot/line/linetest and bot/slack/slacktest.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// Exit codes, as the helpdesk command's.
const (
	exitOK    = 0
	exitFail  = 1 // the run failed: an event not answered exactly once, or nothing measured
	exitUsage = 2 // unknown flag or bad value
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program, testable: it parses args, reads HELPDESK_KNOWLEDGE and
// HELPDESK_LOG_LEVEL through getenv (passed on to the server), and returns the exit code. It
// exits 1 when an event sent to the server got no reply or two.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	const usage = "[--helpdesk FILE] [--channel line|slack|all] [--store bbolt|postgres|bbolt,postgres] [--database-url URL] [--replicas N] [--users N] [--messages M] [--clients C] [--redeliver P] [--rate R] [--duration D] [--rounds K] [--reloads N] [--ceiling] [--json] [--process] [--cpuprofile FILE] [--memprofile FILE] | --faults [--fault-window D] [--fault-users N] [--fault-hung N]"
	fs := flag.NewFlagSet("helpdesk-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: helpdesk-bench "+usage)
		fs.PrintDefaults()
	}
	helpdesk := fs.String("helpdesk", "", "the helpdesk `binary` whose serve is loaded; default: built from this module with go build")
	channel := fs.String("channel", "all", "which platform to load: line, slack or all")
	users := fs.Int("users", 200, "users talking at once")
	messages := fs.Int("messages", 20, "messages per user")
	clients := fs.Int("clients", 64, "webhook requests in flight at most")
	redeliver := fs.Float64("redeliver", 0.1, "fraction of events also sent a second time as the platform's redelivery")
	rate := fs.Float64("rate", 0, "events a second, open loop (latency at that rate); 0: as fast as the server answers, closed loop")
	rounds := fs.Int("rounds", 1, "rounds; the report gives each round and the medians")
	store := fs.String("store", "bbolt", "the store serve runs on: bbolt, postgres, or bbolt,postgres for both, alternating round by round, side by side")
	databaseURL := fs.String("database-url", "", "with --store postgres: the PostgreSQL `url` to run on (migrated first; each round adds new users to it: use a database of its own); default: a throwaway server started for the run with initdb and pg_ctl, a new database each round")
	replicas := fs.Int("replicas", 1, "with --store postgres: serve processes sharing the database, behind a round-robin proxy on loopback")
	duration := fs.Duration("duration", 0, "with --rate: load for this long (sets --messages from --rate and --users)")
	ceiling := fs.Bool("ceiling", false, "also run the bare SDK handlers under the same load (sending the server's replies, and echoing), and print the ratios")
	reloads := fs.Int("reloads", 5, "knowledge reloads (POST /admin/reload) timed after each round's load")
	asJSON := fs.Bool("json", false, "print the report as a JSON object")
	fs.Bool("process", true, "accepted for older command lines: the server always runs as a child process, so its memory is measured alone")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process (fakes, load and bare handlers; the server runs apart) to `file`")
	memProfile := fs.String("memprofile", "", "write a heap profile of this process, taken after the last round's loads, to `file`")
	faults := fs.Bool("faults", false, "instead of the load, run the fault scenarios (LINE refusing the token for a while, both platforms down, LINE hanging while Slack users talk) and print recovery time and cross-platform delay")
	faultWindow := fs.Duration("fault-window", 5*time.Second, "with --faults: how long each fault lasts")
	faultUsers := fs.Int("fault-users", 20, "with --faults: users writing during each fault, per platform")
	faultHung := fs.Int("fault-hung", 150, "with --faults: LINE users whose replies hang while Slack users talk")
	if err := fs.Parse(args[min(1, len(args)):]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "helpdesk-bench: %v\n", err)
		return exitFail
	}
	if *faults {
		if *faultUsers <= 0 || *faultHung < 0 || *faultWindow <= 0 {
			fmt.Fprintln(stderr, "helpdesk-bench: --fault-users and --fault-window must be positive, --fault-hung at least 0")
			return exitUsage
		}
		exe, cleanup, err := helpdeskBinary(ctx, *helpdesk, stderr)
		if err != nil {
			return fail(err)
		}
		defer cleanup()
		res, err := benchFaults(ctx, faultSpec{helpdesk: exe, users: *faultUsers, window: *faultWindow, hung: *faultHung}, stdout)
		if err != nil {
			return fail(err)
		}
		code := exitOK
		for _, r := range res {
			if r.Answered != r.Events || r.Dropped != 0 {
				fmt.Fprintf(stderr, "helpdesk-bench: %s: %d of %d events answered once, %g dropped\n", r.Name, r.Answered, r.Events, r.Dropped)
				code = exitFail
			}
		}
		return code
	}
	if *duration > 0 && *rate > 0 && *users > 0 {
		*messages = max(1, int(math.Ceil(*rate*duration.Seconds()/float64(*users))))
	}
	opts := benchOptions{spec: load.Spec{Users: *users, PerUser: *messages, Clients: *clients, Redeliver: *redeliver, Rate: *rate},
		rounds: *rounds, ceiling: *ceiling, reloads: *reloads, getenv: getenv, progress: stderr, heapProfile: *memProfile,
		replicas: *replicas}
	stores := strings.Split(*store, ",")
	switch *channel {
	case "line", "slack":
		opts.channels = []string{*channel}
	case "all":
		opts.channels = []string{"line", "slack"}
	default:
		fmt.Fprintf(stderr, "helpdesk-bench: --channel %s: want line, slack or all\n", *channel)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fs.Usage()
		return exitUsage
	case *users <= 0 || *messages <= 0 || *clients <= 0 || *rounds <= 0 || *reloads < 0:
		fmt.Fprintln(stderr, "helpdesk-bench: --users, --messages, --clients and --rounds must be at least 1, --reloads at least 0")
		return exitUsage
	case *redeliver < 0 || *redeliver > 1:
		fmt.Fprintln(stderr, "helpdesk-bench: --redeliver is a fraction between 0 and 1")
		return exitUsage
	case *rate < 0:
		fmt.Fprintln(stderr, "helpdesk-bench: --rate must not be negative")
		return exitUsage
	case *duration < 0 || (*duration > 0 && *rate <= 0):
		fmt.Fprintln(stderr, "helpdesk-bench: --duration needs --rate (events a second)")
		return exitUsage
	case *replicas < 1 || (*replicas > 1 && *store != "postgres"):
		fmt.Fprintln(stderr, "helpdesk-bench: --replicas N (at least 1) shares one database: it needs --store postgres")
		return exitUsage
	case *databaseURL != "" && !slices.Contains(stores, "postgres"):
		fmt.Fprintln(stderr, "helpdesk-bench: --database-url is for --store postgres")
		return exitUsage
	}
	for i, st := range stores {
		if st != "bbolt" && st != "postgres" || slices.Index(stores, st) != i {
			fmt.Fprintf(stderr, "helpdesk-bench: --store %s: want bbolt, postgres or bbolt,postgres\n", *store)
			return exitUsage
		}
	}
	// The script is made from the knowledge the server answers from, so a topic it lacks is
	// named before anything is built or started.
	fsys, name, err := knowledgeFS(getenv("HELPDESK_KNOWLEDGE"))
	if err != nil {
		return fail(err)
	}
	if opts.script, err = load.Script(fsys, name); err != nil {
		return fail(err)
	}
	exe, cleanup, err := helpdeskBinary(ctx, *helpdesk, stderr)
	if err != nil {
		return fail(err)
	}
	defer cleanup()
	opts.helpdesk = exe

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail(fmt.Errorf("cpu profile: %v", err))
		}
		defer pprof.StopCPUProfile()
	}
	var dbs []*database
	defer func() {
		for _, db := range dbs {
			db.close()
		}
	}()
	for _, st := range stores {
		db, err := openDatabase(ctx, st, *databaseURL, stderr)
		if err != nil {
			return fail(err)
		}
		dbs = append(dbs, db)
	}
	if len(dbs) > 1 {
		cmp, err := benchStores(ctx, opts, dbs)
		if err != nil {
			return fail(err)
		}
		writeReport(stdout, *asJSON, cmp)
		code := exitOK
		for _, rep := range cmp.Stores {
			for _, p := range rep.Problems {
				fmt.Fprintf(stderr, "helpdesk-bench: %s: %s\n", rep.Config.Store, p)
				code = exitFail
			}
		}
		return code
	}
	opts.db = dbs[0]
	rep, err := bench(ctx, opts)
	if err != nil {
		return fail(err)
	}
	writeReport(stdout, *asJSON, rep)
	if !rep.OK {
		for _, p := range rep.Problems {
			fmt.Fprintf(stderr, "helpdesk-bench: %s\n", p)
		}
		return exitFail
	}
	return exitOK
}

// knowledgeFS returns the knowledge folder dir (HELPDESK_KNOWLEDGE), or the embedded seeds when
// dir is empty, and a name for it in messages.
func knowledgeFS(dir string) (fs.FS, string, error) {
	if dir == "" {
		return seeds.FS, "embedded seeds", nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, dir, fmt.Errorf("HELPDESK_KNOWLEDGE=%s: %v", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, dir, fmt.Errorf("HELPDESK_KNOWLEDGE=%s: not a folder", dir)
	}
	return os.DirFS(dir), dir, nil
}

// helpdeskBinary returns the helpdesk binary to load: path when given, else one built from this
// module's cmd/helpdesk into a temporary folder, which cleanup removes.
func helpdeskBinary(ctx context.Context, path string, progress io.Writer) (exe string, cleanup func(), err error) {
	if path != "" {
		if st, err := os.Stat(path); err != nil || st.IsDir() {
			return "", nil, fmt.Errorf("--helpdesk %s: not a program", path)
		}
		exe, err := filepath.Abs(path)
		return exe, func() {}, err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", nil, errors.New("no helpdesk binary: give one with --helpdesk FILE (go is not on PATH to build it)")
	}
	dir, err := os.MkdirTemp("", "helpdesk-bench-bin-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	exe = filepath.Join(dir, "helpdesk")
	fmt.Fprintln(progress, "building helpdesk (go build ./cmd/helpdesk)")
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", exe, "github.com/helpdesk-bot/helpdesk/cmd/helpdesk")
	if out, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("go build ./cmd/helpdesk (run from the module, or give --helpdesk FILE): %v\n%s", err, strings.TrimSpace(string(out)))
	}
	return exe, cleanup, nil
}

// writeReport writes a report as indented JSON or as its text.
func writeReport(w io.Writer, asJSON bool, r interface{ writeText(io.Writer) }) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	r.writeText(w)
}
