package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
)

// runMigrate brings a PostgreSQL database to the schema this build uses: `helpdesk migrate
// [--database-url URL]`, the URL defaulting to HELPDESK_DATABASE_URL. It prints the schema
// version before and after; run again, it does nothing. Replicas started together on an older
// schema refuse to start until it is run (pgstore.Open), and a schema newer than the build is
// refused rather than touched.
func runMigrate(e *env, args []string) int {
	fs := e.newFlags("migrate", "[--database-url URL]")
	flagURL := fs.String("database-url", "", "the PostgreSQL database, postgres://user:password@host:5432/database (default: HELPDESK_DATABASE_URL)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	url, source := *flagURL, "--database-url"
	if url == "" {
		url, source = e.getenv("HELPDESK_DATABASE_URL"), "HELPDESK_DATABASE_URL"
	}
	if url == "" {
		fmt.Fprintln(e.stderr, "helpdesk migrate: no database: set HELPDESK_DATABASE_URL or give --database-url postgres://user:password@host:5432/database")
		return exitUsage
	}
	if err := pgstore.CheckURL(url); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk migrate: %s: %v\n", source, err)
		return exitUsage
	}
	if err := migrate(e.ctx, e, url); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk migrate: %s: %v\n", source, err)
		return exitFail
	}
	return exitOK
}

// migrate applies the missing migrations to the database at url and says what it did.
func migrate(ctx context.Context, e *env, url string) error {
	ctx, cancel := context.WithTimeout(ctx, pgOpenTimeout*4)
	defer cancel()
	before, _, err := pgstore.SchemaVersion(ctx, url)
	if err != nil {
		return err
	}
	if err := pgstore.Migrate(ctx, url); err != nil {
		// Migrate's errors start with "migrate: ", which the command says already
		return errors.New(strings.TrimPrefix(err.Error(), "migrate: "))
	}
	after, _, err := pgstore.SchemaVersion(ctx, url)
	if err != nil {
		return err
	}
	if after == before {
		fmt.Fprintf(e.stdout, "schema version %d: up to date, nothing to do\n", after)
		return nil
	}
	fmt.Fprintf(e.stdout, "schema version %d -> %d\n", before, after)
	return nil
}
