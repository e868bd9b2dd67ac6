package pgstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

// The tests run against a real PostgreSQL server that TestMain starts in a temporary
// directory, on a free port of 127.0.0.1, and removes at the end (see pgtest).

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m, "pgstore"))
}

// needServer skips t when there is no test server.
func needServer(t *testing.T) *pgtest.Server {
	t.Helper()
	return pgtest.Need(t)
}

// openStore opens a store on a new, migrated database; Close is the caller's.
func openStore(t testing.TB, url string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
