package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// The admin commands work on a database file when no bot runs on it, or ask a running bot over
// its admin API (--server, with HELPDESK_ADMIN_TOKEN): bbolt lets one process at a time open the
// file, which is also what keeps a second bot from corrupting it. With HELPDESK_DATABASE_URL
// they open the PostgreSQL database directly, bots running on it or not: every replica and
// command sees the same data there. backup then refuses (pg_dump's job) and compact too.

// admin is what the admin commands need, from a local engine's admin facet or a running server:
// the admin API's own needs, so that a running bot and its file answer alike.
type admin = bot.AdminEngine

type adminFlags struct {
	db, server, dir *string
}

// addAdminFlags adds the flags of every admin command; --knowledge only for those that read it
// (topic titles): a backup or an erasure must work even when the knowledge folder is broken.
func addAdminFlags(fs *flag.FlagSet, knowledge bool) adminFlags {
	f := adminFlags{
		db:     fs.String("db", "", "bbolt file when no bot runs on it (default: HELPDESK_DB, else helpdesk.db)"),
		server: fs.String("server", "", "ask a running bot instead, e.g. http://127.0.0.1:8080, or its HELPDESK_ADMIN_ADDR when set (needs HELPDESK_ADMIN_TOKEN)"),
	}
	if knowledge {
		f.dir = fs.String("knowledge", "", "knowledge folder, for topic titles (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	}
	return f
}

// open returns the admin source and a function to release it.
func (e *env) openAdmin(f adminFlags) (admin, func(), error) {
	if *f.server != "" {
		token := e.getenv("HELPDESK_ADMIN_TOKEN")
		if token == "" {
			return nil, nil, errors.New("--server needs HELPDESK_ADMIN_TOKEN")
		}
		u, err := url.Parse(*f.server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, nil, fmt.Errorf("--server=%s: want http://host:port", *f.server)
		}
		return &remoteAdmin{base: strings.TrimRight(*f.server, "/"), token: token, client: &http.Client{Timeout: 5 * time.Minute}}, func() {}, nil
	}
	var lib *knowledge.Library // nil for the commands that do not read the knowledge
	if f.dir != nil {
		var err error
		if lib, err = e.library(*f.dir); err != nil {
			return nil, nil, err
		}
	}
	d, err := e.database(*f.db)
	if err != nil {
		return nil, nil, err
	}
	if !d.postgres() {
		if _, err := os.Stat(d.path); err != nil {
			return nil, nil, fmt.Errorf("%s: %v", d.source, errors.Unwrap(err))
		}
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	engine, err := openEngine(e.ctx, d, lib, logger, dialog.Options{LockTimeout: 300 * time.Millisecond})
	if err != nil {
		if errors.Is(err, dialog.ErrLocked) {
			return nil, nil, fmt.Errorf("%v\nA bot is running on it: ask it with --server http://ADDR and HELPDESK_ADMIN_TOKEN", err)
		}
		return nil, nil, err
	}
	return engine.Admin(), func() { engine.Close() }, nil
}

// remoteAdmin asks a running bot's /admin API.
type remoteAdmin struct {
	base, token string
	client      *http.Client
}

func (r *remoteAdmin) do(method, path string, q url.Values, w io.Writer) error {
	u := r.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	res, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, strings.TrimSpace(string(b)))
	}
	_, err = io.Copy(w, res.Body)
	return err
}

func sinceQuery(t time.Time) url.Values {
	if t.IsZero() {
		return nil
	}
	return url.Values{"since": {t.Format(time.DateOnly)}}
}

func (r *remoteAdmin) Stats(since time.Time) (dialog.Stats, error) {
	var b bytes.Buffer
	var st dialog.Stats
	if err := r.do("GET", "/admin/stats", sinceQuery(since), &b); err != nil {
		return st, err
	}
	return st, json.Unmarshal(b.Bytes(), &st)
}

func (r *remoteAdmin) ExportCases(since time.Time, w io.Writer) (int, error) {
	var b bytes.Buffer
	if err := r.do("GET", "/admin/cases.csv", sinceQuery(since), &b); err != nil {
		return 0, err
	}
	records, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		return 0, fmt.Errorf("GET /admin/cases.csv: the answer is not CSV: %v", err)
	}
	_, err = w.Write(b.Bytes())
	return max(len(records)-1, 0), err // the first record is the header
}

func (r *remoteAdmin) Backup(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	err := r.do("GET", "/admin/backup", nil, cw)
	return cw.n, err
}

func (r *remoteAdmin) Forget(channel dialog.Channel, user string) (dialog.Forgotten, error) {
	var b bytes.Buffer
	var f dialog.Forgotten
	q := url.Values{"user": {user}}
	if channel != "" {
		q.Set("channel", string(channel))
	}
	if err := r.do("POST", "/admin/forget", q, &b); err != nil {
		return f, err
	}
	return f, json.Unmarshal(b.Bytes(), &f)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func parseSince(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := bot.ParseDay(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since=%v", err)
	}
	return t, nil
}

// adminCommand parses an admin command's flags (its own, set up by flags, plus --db, --server
// and, when the command reads the knowledge, --knowledge), opens the admin source, runs do, and
// turns errors into a message and an exit code. do gets the positional arguments.
func (e *env) adminCommand(name, usage string, args []string, nargs int, knowledge bool, flags func(*flag.FlagSet) func() error,
	do func(a admin, args []string) error) int {
	fs := e.newFlags(name, usage)
	check := flags(fs)
	af := addAdminFlags(fs, knowledge)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != nargs {
		fs.Usage()
		return exitUsage
	}
	if err := check(); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk %s: %v\n", name, err)
		return exitUsage
	}
	a, release, err := e.openAdmin(af)
	if err != nil {
		fmt.Fprintf(e.stderr, "helpdesk %s: %v\n", name, err)
		return exitFail
	}
	defer release()
	if err := do(a, fs.Args()); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk %s: %v\n", name, err)
		return exitFail
	}
	return exitOK
}

// sinceFlag adds --since and returns where its parsed value lands and its check.
func sinceFlag(fs *flag.FlagSet, since *time.Time, help string) func() error {
	v := fs.String("since", "", help)
	return func() (err error) {
		*since, err = parseSince(*v)
		return err
	}
}

func runStats(e *env, args []string) int {
	var since time.Time
	var asJSON *bool
	return e.adminCommand("stats", "[--json] [--since YYYY-MM-DD] [--knowledge DIR] [--db FILE | --server URL]", args, 0, true,
		func(fs *flag.FlagSet) func() error {
			asJSON = fs.Bool("json", false, "print the figures as JSON")
			return sinceFlag(fs, &since, "only figures from this day on")
		},
		func(a admin, _ []string) error {
			st, err := a.Stats(since)
			if err != nil {
				return err
			}
			if *asJSON {
				b, _ := json.MarshalIndent(st, "", "  ")
				_, err = fmt.Fprintf(e.stdout, "%s\n", b)
				return err
			}
			return bot.WriteStats(e.stdout, st)
		})
}

func runReport(e *env, args []string) int {
	var since time.Time
	var out *string
	return e.adminCommand("report", "[--out FILE] [--since YYYY-MM-DD] [--knowledge DIR] [--db FILE | --server URL]", args, 0, true,
		func(fs *flag.FlagSet) func() error {
			out = fs.String("out", "report.html", "the HTML file to write")
			return sinceFlag(fs, &since, "only figures from this day on")
		},
		func(a admin, _ []string) error {
			st, err := a.Stats(since)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := bot.WriteReport(&b, st); err != nil {
				return err
			}
			if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, bot.AdminText("wrote", *out, strconv.Itoa(b.Len())))
			return nil
		})
}

// runCases runs `helpdesk cases <command>`.
func runCases(e *env, args []string) int {
	return e.dispatch("helpdesk cases", []command{
		{"export", "resolved cases as CSV in the columns of the seed consultations (UTF-8 with a byte order mark: Excel opens it as is)", runCasesExport},
	}, args)
}

func runCasesExport(e *env, args []string) int {
	var since time.Time
	var out *string
	return e.adminCommand("cases export", "[--since YYYY-MM-DD] [--out FILE] [--knowledge DIR] [--db FILE | --server URL]", args, 0, true,
		func(fs *flag.FlagSet) func() error {
			out = fs.String("out", "", "write the CSV here (default: standard output); it is UTF-8 with a byte order mark, so that\nJapanese Excel opens it on a double-click, and the knowledge loader reads it back as is")
			return sinceFlag(fs, &since, "resolved on or after this day")
		},
		func(a admin, _ []string) error {
			var b bytes.Buffer
			n, err := a.ExportCases(since, &b)
			if err != nil {
				return err
			}
			if *out == "" {
				_, err = e.stdout.Write(b.Bytes())
				return err
			}
			if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintln(e.stderr, bot.AdminText("cases.wrote", n, *out))
			return nil
		})
}

func runBackup(e *env, args []string) int {
	noFlags := func(*flag.FlagSet) func() error { return func() error { return nil } }
	return e.adminCommand("backup", "[--db FILE | --server URL] FILE", args, 1, false, noFlags, func(a admin, args []string) error {
		target := args[0]
		tmp := target + ".partial"
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		n, err := a.Backup(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, target)
		}
		if err != nil {
			os.Remove(tmp)
			return err
		}
		fmt.Fprintln(e.stdout, bot.AdminText("wrote", target, strconv.FormatInt(n, 10)))
		return nil
	})
}

// runCompact writes a compacted copy of the database: `helpdesk compact [--db FILE] OUT`. It
// works on the file only, never through a running bot: the bot must be stopped, and the copy
// then moved into the database's place.
func runCompact(e *env, args []string) int {
	fs := e.newFlags("compact", "[--db FILE] OUT")
	db := fs.String("db", "", "bbolt file to compact, with no bot running on it (default: HELPDESK_DB, else helpdesk.db)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	d, err := e.database(*db)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk compact:", err)
		return exitFail
	}
	if d.postgres() {
		fmt.Fprintln(e.stderr, "helpdesk compact: compact works on a bbolt file, and HELPDESK_DATABASE_URL selects PostgreSQL, "+
			"which reuses the space of deleted rows itself (autovacuum); to give it back to the file system, run VACUUM FULL in psql with the bot stopped")
		return exitFail
	}
	path, source := d.path, d.source
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk compact: %s: %v\n", source, errors.Unwrap(err))
		return exitFail
	}
	out := fs.Arg(0)
	before, after, err := dialog.Compact(path, out, 300*time.Millisecond)
	if err != nil {
		if errors.Is(err, dialog.ErrLocked) {
			fmt.Fprintf(e.stderr, "helpdesk compact: %v\nA bot is running on %s: stop it first (e.g. systemctl stop helpdesk), compact, move %s into its place, then start it again\n", err, path, out)
		} else {
			fmt.Fprintf(e.stderr, "helpdesk compact: %v\n", err)
		}
		return exitFail
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes, %s was %d bytes)\nto use it, with the bot stopped: mv %s %s\n", out, after, path, before, out, path)
	return exitOK
}

// conversationChannels are the values of a conversation's channel: the platforms, and the terminal of
// helpdesk chat.
var conversationChannels = []string{string(dialog.ChannelLINE), string(dialog.ChannelSlack), string(dialog.ChannelTerminal)}

func runForget(e *env, args []string) int {
	var channel *string
	return e.adminCommand("forget", "[--channel line|slack|terminal] [--db FILE | --server URL] USER", args, 1, false,
		func(fs *flag.FlagSet) func() error {
			channel = fs.String("channel", "", "only this channel's data (line, slack, terminal); default: every channel")
			return func() error {
				// An unknown channel would match nobody: "deleted 0" would read as "nothing was kept".
				if *channel != "" && !slices.Contains(conversationChannels, *channel) {
					return fmt.Errorf("--channel=%s: unknown channel; want one of %s", *channel, strings.Join(conversationChannels, ", "))
				}
				return nil
			}
		},
		func(a admin, args []string) error {
			f, err := a.Forget(dialog.Channel(*channel), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, bot.AdminText("forgot", f.Conversations, f.Cases, f.Deliveries, f.Unanswered))
			return nil
		})
}
