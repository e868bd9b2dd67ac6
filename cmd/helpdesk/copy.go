package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/boltstore"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
)

// runCopy moves an installation from a bbolt file into PostgreSQL: `helpdesk copy --from FILE
// [--to URL]`. The database must be migrated (helpdesk migrate) and empty; the file must not be
// in use (stop the bot). Every record is copied as it was, ids included, then the copy is
// verified: the number of records of each kind, and a sample of each kind field by field. It
// prints the counts; a difference is named and exits 1.
func runCopy(e *env, args []string) int {
	fs := e.newFlags("copy", "--from FILE [--to URL] [--sample N]")
	from := fs.String("from", "", "the bbolt file to copy, with no bot running on it")
	to := fs.String("to", "", "the PostgreSQL database to copy into, migrated and empty (default: HELPDESK_DATABASE_URL)")
	sample := fs.Int("sample", 200, "how many records of each kind to compare field by field after the copy")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 || *from == "" || *sample < 1 {
		fs.Usage()
		return exitUsage
	}
	url, source := *to, "--to"
	if url == "" {
		url, source = e.getenv("HELPDESK_DATABASE_URL"), "HELPDESK_DATABASE_URL"
	}
	if url == "" {
		fmt.Fprintln(e.stderr, "helpdesk copy: no database to copy into: give --to postgres://user:password@host:5432/database or set HELPDESK_DATABASE_URL")
		return exitUsage
	}
	if err := pgstore.CheckURL(url); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk copy: %s: %v\n", source, err)
		return exitUsage
	}
	if err := copyInstallation(e, *from, url, source, *sample); err != nil {
		fmt.Fprintln(e.stderr, "helpdesk copy:", err)
		return exitFail
	}
	return exitOK
}

func copyInstallation(e *env, from, url, source string, sample int) error {
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("--from=%s: %v", from, errors.Unwrap(err))
	}
	src, err := boltstore.Open(from, 300*time.Millisecond)
	if err != nil {
		if errors.Is(err, dialog.ErrLocked) {
			return fmt.Errorf("--from=%s: %v\nstop the bot first: the copy must see the file as it stays", from, err)
		}
		return fmt.Errorf("--from=%s: %w", from, err)
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(e.ctx, pgOpenTimeout)
	dst, err := pgstore.Open(ctx, url)
	cancel()
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	defer dst.Close()
	start := time.Now()
	if _, err := dialog.CopyStore(e.ctx, src, dst); err != nil {
		if errors.Is(err, dialog.ErrNotEmpty) {
			return fmt.Errorf("%s: %w", source, err)
		}
		// a copy that failed part way leaves records behind: a new attempt needs a new database
		return fmt.Errorf("%w (the target now holds part of the copy: drop and create the database, run helpdesk migrate, and copy again)", err)
	}
	counts, diffs, err := dialog.VerifyCopy(e.ctx, src, dst, sample)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied %s into the PostgreSQL database in %s\n\n", from, time.Since(start).Round(time.Millisecond))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "records\tin the file\tin the database\t")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", c.Kind, c.Source, c.Target)
	}
	tw.Flush()
	if len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Fprintln(e.stderr, "differs:", d)
		}
		return fmt.Errorf("the copy differs from the file in %d places (above): do not serve from it; drop and re-create the database, migrate, and copy again", len(diffs))
	}
	fmt.Fprintf(e.stdout, "\nverified: every count equal, and up to %d records of each kind equal field by field\n", sample)
	return nil
}
