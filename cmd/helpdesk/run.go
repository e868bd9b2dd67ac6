package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed (e.g. knowledge with errors)
	exitUsage = 2 // unknown command or flag
	// exitDamaged: serve refused a damaged database file. Restarting cannot help, so the systemd
	// unit lists it in RestartPreventExitStatus: the unit stops, failed, with the error logged
	// once, instead of restarting every two seconds.
	exitDamaged = 3
)

// env is what a command may read from its surroundings.
type env struct {
	ctx    context.Context
	getenv func(string) string
	// environ lists the whole environment as NAME=value (os.Environ), to warn about settings
	// no command reads; nil when the caller gave none (tests), which skips the warning.
	environ func() []string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

func commands() []command {
	return []command{
		{"chat", "talk with the bot in this terminal (state in HELPDESK_DB)", runChat},
		{"ask", "classify a text (or each line of stdin) and print the bot's answer", runAsk},
		{"knowledge", "check: validate a knowledge folder; diff: what a reload would change", runKnowledge},
		{"serve", "run the bot: HTTP server and every channel whose credentials are set", runServe},
		{"line", "richmenu: create, list or delete the LINE rich menus (LINE_CHANNEL_TOKEN)", runLine},
		{"slack", "manifest: print the Slack app manifest to create the app from", runSlack},
		{"stats", "figures per topic, cases, and what the bot could not answer", runStats},
		{"report", "write the figures as one self-contained HTML page", runReport},
		{"cases", "export: resolved cases as CSV in the columns of the seed consultations", runCases},
		{"backup", "write a consistent copy of the database (also of a running bot)", runBackup},
		{"compact", "write a compacted copy of the database, which must not be in use", runCompact},
		{"forget", "delete one person's conversations and cases", runForget},
		{"migrate", "bring the PostgreSQL database (HELPDESK_DATABASE_URL) to this build's schema", runMigrate},
		{"copy", "copy an installation from a bbolt file into an empty PostgreSQL database, and verify it", runCopy},
		{"version", "print the version, commit and build time of this binary", runVersion},
		{"healthcheck", "exit 0 if the bot running here answers GET /readyz, 1 if not (Docker HEALTHCHECK)", runHealthcheck},
	}
}

// run is the whole program, testable: it parses args, reads settings through getenv, and
// returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWithEnviron(ctx, args, getenv, nil, stdin, stdout, stderr)
}

// runWithEnviron is run that also sees the whole environment through environ (os.Environ), so
// that serve can warn about HELPDESK_ variables it does not know: typos, most likely.
func runWithEnviron(ctx context.Context, args []string, getenv func(string) string, environ func() []string,
	stdin io.Reader, stdout, stderr io.Writer) int {
	// Settings are read trimmed, by every command: a space or a newline from an env file or a
	// secret store is never part of a token, a path or a number.
	trimmed := func(name string) string { return strings.TrimSpace(getenv(name)) }
	e := &env{ctx: ctx, getenv: trimmed, environ: environ, stdin: stdin, stdout: stdout, stderr: stderr}
	return e.dispatch("helpdesk", commands(), args[min(1, len(args)):])
}

// dispatch runs the command of cmds that args[0] names, with the rest of args. "-h", "--help"
// and "help" list the commands on standard output (exit 0); a missing or unknown name lists
// them on standard error (exitUsage). path is how the user reaches cmds: "helpdesk",
// "helpdesk line" …
func (e *env) dispatch(path string, cmds []command, args []string) int {
	if len(args) == 0 {
		commandUsage(e.stderr, path, cmds)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		commandUsage(e.stdout, path, cmds)
		return exitOK
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	if path == "helpdesk" && args[0] == "bench" {
		fmt.Fprintln(e.stderr, "helpdesk: the load tool is now `helpdesk-bench` (go run ./cmd/helpdesk-bench)")
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: unknown command %q\n\n", path, args[0])
	commandUsage(e.stderr, path, cmds)
	return exitUsage
}

func commandUsage(w io.Writer, path string, cmds []command) {
	fmt.Fprintf(w, "usage: %s <command> [flags] [args]\n\ncommands:\n", path)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> -h' for the flags of a command.\n", path)
}

// newFlags returns a FlagSet that prints its usage to stderr and reports errors, not exits.
func (e *env) newFlags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("helpdesk "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, strings.TrimSpace("usage: helpdesk "+name+" "+args))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; it returns the exit code to stop with, or -1 to go on.
func parse(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return -1
}

// knowledgeFS returns the knowledge folder to load: dir if given (by the flag or argument named
// source), else HELPDESK_KNOWLEDGE, else the embedded seeds. name says where the folder came
// from, for messages.
func (e *env) knowledgeFS(dir, source string) (fsys fs.FS, name string, err error) {
	if dir == "" {
		dir, source = e.getenv("HELPDESK_KNOWLEDGE"), "HELPDESK_KNOWLEDGE"
	}
	return folderFS(dir, source)
}

// folderFS returns the knowledge folder dir, named by source in errors, or the embedded seeds
// when dir is "".
func folderFS(dir, source string) (fsys fs.FS, name string, err error) {
	if dir == "" {
		return seeds.FS, "embedded seeds", nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, dir, fmt.Errorf("%s=%s: %v", source, dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, dir, fmt.Errorf("%s=%s: not a folder", source, dir)
	}
	return os.DirFS(dir), dir, nil
}

// library loads the knowledge into a Library that can reload it later.
func (e *env) library(dir string) (*knowledge.Library, error) {
	fsys, name, err := e.knowledgeFS(dir, "--knowledge")
	if err != nil {
		return nil, err
	}
	return libraryOf(fsys, name)
}

// openLibrary loads the knowledge folder dir (the embedded seeds when ""), named by source in
// errors, into a Library that can reload it later.
func openLibrary(dir, source string) (*knowledge.Library, error) {
	fsys, name, err := folderFS(dir, source)
	if err != nil {
		return nil, err
	}
	return libraryOf(fsys, name)
}

func libraryOf(fsys fs.FS, name string) (*knowledge.Library, error) {
	lib, err := knowledge.LibraryOf(fsys)
	if err != nil {
		return nil, fmt.Errorf("load knowledge from %s:\n%w", name, err)
	}
	return lib, nil
}

// clock returns the time source: HELPDESK_NOW (RFC 3339) fixes it, for reproducible transcripts
// and for checking what the bot says at a given hour; otherwise the real clock.
func (e *env) clock() (func() time.Time, error) {
	return parseNow(e.getenv("HELPDESK_NOW"))
}
