package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// The state lives in a bbolt file (HELPDESK_DB, --db; the default) or, when
// HELPDESK_DATABASE_URL is set, in a PostgreSQL database that several replicas may share.
// Every command that opens the state picks it the same way: a bbolt file given beside the URL
// is refused (errBothDatabases).

// database is where a command keeps the state.
type database struct {
	url          string // HELPDESK_DATABASE_URL, "" for bbolt; it holds a password: never print it
	path, source string // the bbolt file, and where it came from (for errors)
}

// postgres reports whether the state is in PostgreSQL.
func (d database) postgres() bool { return d.url != "" }

// database picks the state of a command from its --db flag (dbFlag), HELPDESK_DB and
// HELPDESK_DATABASE_URL.
func (e *env) database(dbFlag string) (database, error) {
	url, err := databaseURL(e.getenv)
	if err != nil {
		return database{}, err
	}
	if url != "" {
		if dbFlag != "" {
			return database{}, errBothDatabases("--db")
		}
		return database{url: url, source: "HELPDESK_DATABASE_URL"}, nil
	}
	path, source := e.dbPath(dbFlag)
	return database{path: path, source: source}, nil
}

// pgOpenTimeout bounds connecting to PostgreSQL and checking its schema at start.
const pgOpenTimeout = 30 * time.Second

// openEngine opens the engine on d: the bbolt file (dialog.Open), or the PostgreSQL database
// (pgstore.Open, which checks the connection and the schema version, then dialog.New). Errors
// name d's source; pgstore's never print the password.
func openEngine(ctx context.Context, d database, lib *knowledge.Library, logger *slog.Logger, opts dialog.Options) (*dialog.Engine, error) {
	if !d.postgres() {
		engine, err := dialog.Open(d.path, lib, logger, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.source, err)
		}
		return engine, nil
	}
	ctx, cancel := context.WithTimeout(ctx, pgOpenTimeout)
	defer cancel()
	s, err := pgstore.Open(ctx, d.url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.source, err)
	}
	return dialog.New(s, lib, logger, opts), nil
}
