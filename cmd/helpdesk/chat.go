package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/terminal"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

func runChat(e *env, args []string) int {
	fs := e.newFlags("chat", "[--db FILE] [--knowledge DIR] [--user ID]")
	db := fs.String("db", "", "bbolt file for the conversation (default: HELPDESK_DB, else helpdesk.db; HELPDESK_DATABASE_URL selects PostgreSQL instead)")
	dir := fs.String("knowledge", "", "knowledge folder (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	user := fs.String("user", "local", "who is talking: each user has their own conversation")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	lib, now, policy, err := e.answering(*dir)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk chat:", err)
		return exitFail
	}
	d, err := e.database(*db)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk chat:", err)
		return exitFail
	}
	engine, err := openEngine(e.ctx, d, lib, logger, dialog.Options{Policy: policy, Now: now})
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk chat:", err)
		return exitFail
	}
	defer engine.Close()
	opts := terminal.Config{User: *user, Echo: !isTerminal(e.stdin), Apology: lib.Base().Message("internal_error")}
	if err := terminal.Run(e.ctx, engine, e.stdin, e.stdout, opts); err != nil {
		fmt.Fprintln(e.stderr, "helpdesk chat:", err)
		return exitFail
	}
	return exitOK
}

// dbPath picks the database file: the flag, else HELPDESK_DB, else helpdesk.db; source names
// where it came from, for error messages.
func (e *env) dbPath(flagValue string) (path, source string) {
	if flagValue != "" {
		return flagValue, "--db=" + flagValue
	}
	if v := e.getenv("HELPDESK_DB"); v != "" {
		return v, "HELPDESK_DB=" + v
	}
	return "helpdesk.db", "the default database helpdesk.db"
}

// answering loads what every command that answers users needs: the knowledge (from dir, else
// HELPDESK_KNOWLEDGE, else the seeds), the clock and the policy.
func (e *env) answering(dir string) (*knowledge.Library, func() time.Time, dialog.Policy, error) {
	lib, err := e.library(dir)
	if err != nil {
		return nil, nil, dialog.Policy{}, err
	}
	now, err := e.clock()
	if err != nil {
		return nil, nil, dialog.Policy{}, err
	}
	policy, err := e.policy()
	return lib, now, policy, err
}

// policy reads how the helpdesk itself works: its opening hours (HELPDESK_HOURS, in the
// schedule syntax of the knowledge files) and the idle timeout (HELPDESK_IDLE). Whether a staff
// channel receives cases is for serve to say (chat and ask have none).
func (e *env) policy() (dialog.Policy, error) { return parsePolicy(e.getenv) }

// isTerminal reports whether r is an interactive terminal (so typed lines are echoed already).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
