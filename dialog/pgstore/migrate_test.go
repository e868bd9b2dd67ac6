package pgstore_test

import (
	"context"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

// A new database is refused until migrated; migrating twice changes nothing; a schema newer
// than the build's is refused by Open and by Migrate.
func TestMigrate(t *testing.T) {
	t.Parallel()
	srv := needServer(t)
	u := srv.NewDatabase(t, true)
	if _, err := pgstore.Open(ctx, u); err == nil || !strings.Contains(err.Error(), "run helpdesk migrate") {
		t.Fatalf("Open of an empty database = %v, want an error saying to run helpdesk migrate", err)
	}
	for range 2 {
		if err := pgstore.Migrate(ctx, u); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, version int
	var key []byte
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_version").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT value FROM meta WHERE name = 'person-key'").Scan(&key); err != nil {
		t.Fatal(err)
	}
	if rows != version || version < 1 || len(key) != 32 {
		t.Errorf("after migrating twice: %d versions recorded, the last %d, a person key of %d bytes; want each version once and a 32-byte key", rows, version, len(key))
	}
	s, err := pgstore.Open(ctx, u)
	if err != nil {
		t.Fatalf("Open after Migrate: %v", err)
	}
	s.Close()

	if _, err := conn.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, 'from_a_later_build.sql')", version+1); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Open(ctx, u); err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Errorf("Open of a newer schema = %v, want a refusal saying it is newer", err)
	}
	if err := pgstore.Migrate(ctx, u); err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Errorf("Migrate of a newer schema = %v, want a refusal saying it is newer", err)
	}

	// A schema behind the build's (here: its versions forgotten) is refused until migrated.
	if _, err := conn.Exec(ctx, "DELETE FROM schema_version"); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Open(ctx, u); err == nil || !strings.Contains(err.Error(), "older than this build's") || !strings.Contains(err.Error(), "run helpdesk migrate") {
		t.Errorf("Open of an older schema = %v, want a refusal saying to run helpdesk migrate", err)
	}
}

// Open says what is wrong with the server it cannot use.
func TestOpenSaysWhy(t *testing.T) {
	t.Parallel()
	srv := needServer(t)
	good, err := url.Parse(srv.NewDatabase(t, false))
	if err != nil {
		t.Fatal(err)
	}
	with := func(change func(u *url.URL)) string {
		u := *good
		change(&u)
		return u.String()
	}
	port, err := pgtest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, want string
	}{
		{"no_server", with(func(u *url.URL) { u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }), "no PostgreSQL server answers"},
		{"wrong_password", with(func(u *url.URL) { u.User = url.UserPassword("postgres", "wrong") }), "refused the password"},
		{"no_database", with(func(u *url.URL) { u.Path = "/helpdesk_missing" }), `has no database "helpdesk_missing"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pgstore.Open(context.Background(), tt.url)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open = %v, want an error saying %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), srv.Password()) {
				t.Errorf("Open's error shows the password: %v", err)
			}
		})
	}
}
