package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

// TestMigrate: helpdesk migrate takes an empty database to this build's schema and says so,
// does nothing the second time, reads --database-url before HELPDESK_DATABASE_URL, and refuses
// what it cannot use with exit 2 (no URL, not a PostgreSQL URL) or 1 (no server, a newer
// schema), never printing the password.
func TestMigrate(t *testing.T) {
	srv := pgtest.Lazy(t)
	url := srv.NewDatabase(t, true)
	vars := map[string]string{"HELPDESK_DATABASE_URL": url}
	res := runCmd(t, vars, "", "migrate")
	if res.code != exitOK || !strings.HasPrefix(res.stdout, "schema version 0 -> ") {
		t.Fatalf("migrate on an empty database: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	t.Logf("helpdesk migrate printed: %s", res.stdout)
	version := strings.TrimSpace(strings.TrimPrefix(res.stdout, "schema version 0 -> "))
	if n, err := strconv.Atoi(version); err != nil || n < 1 {
		t.Fatalf("migrate printed %q; want the version after", res.stdout)
	}
	res = runCmd(t, vars, "", "migrate")
	if want := "schema version " + version + ": up to date, nothing to do\n"; res.code != exitOK || res.stdout != want {
		t.Errorf("migrate again: exit %d, stdout %q; want %q", res.code, res.stdout, want)
	}
	// The migrated database serves: the state commands open it.
	if res := runCmd(t, vars, "", "stats", "--json"); res.code != exitOK {
		t.Errorf("stats on the migrated database: exit %d, %s", res.code, res.stderr)
	}

	// --database-url wins over the variable.
	other := srv.NewDatabase(t, true)
	res = runCmd(t, map[string]string{"HELPDESK_DATABASE_URL": "postgres://x:" + testDBPassword + "@127.0.0.1:1/x"}, "", "migrate", "--database-url", other)
	if res.code != exitOK || !strings.HasPrefix(res.stdout, "schema version 0 -> "+version) {
		t.Errorf("migrate --database-url: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}

	// A schema newer than the build is refused, untouched.
	name := other[strings.LastIndex(other, "/")+1 : strings.Index(other, "?")]
	if err := srv.Exec(context.Background(), name, "INSERT INTO schema_version (version, name) VALUES (9999, '9999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	res = runCmd(t, map[string]string{"HELPDESK_DATABASE_URL": other}, "", "migrate")
	if res.code != exitFail || !strings.Contains(res.stderr, "version 9999, newer than this build's") {
		t.Errorf("migrate on a newer schema: exit %d, stderr %q", res.code, res.stderr)
	}

	for _, tt := range []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string
	}{
		{"no_url", nil, nil, exitUsage, "set HELPDESK_DATABASE_URL or give --database-url"},
		{"not_postgres", map[string]string{"HELPDESK_DATABASE_URL": "mysql://u:" + testDBPassword + "@127.0.0.1/x"}, nil, exitUsage, `HELPDESK_DATABASE_URL: scheme "mysql"`},
		{"flag_not_postgres", nil, []string{"--database-url", filepath.Join(t.TempDir(), "helpdesk.db")}, exitUsage, "--database-url: scheme"},
		{"no_server", map[string]string{"HELPDESK_DATABASE_URL": fmt.Sprintf("postgres://u:%s@127.0.0.1:%d/x?sslmode=disable", testDBPassword, closedPort(t))}, nil, exitFail,
			"HELPDESK_DATABASE_URL: no PostgreSQL server answers at 127.0.0.1:"},
		{"argument", vars, []string{"now"}, exitUsage, "usage: helpdesk migrate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := runCmd(t, tt.vars, "", append([]string{"migrate"}, tt.args...)...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.want) || strings.Contains(res.stderr+res.stdout, testDBPassword) {
				t.Errorf("migrate %v: exit %d, stderr %q; want exit %d and %q", tt.args, res.code, res.stderr, tt.code, tt.want)
			}
		})
	}
	if res := runCmd(t, nil, "", "migrate", "-h"); res.code != exitOK || !strings.Contains(res.stderr, "--database-url") {
		t.Errorf("migrate -h: exit %d, stderr %q", res.code, res.stderr)
	}
}
