// Package pgtest starts a throwaway PostgreSQL server for tests and tools: initdb into a
// temporary directory and pg_ctl on a free port of 127.0.0.1, with a migrated template
// database that each test copies. It is for tests and the load tool only; the served binary
// never imports it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
)

// RequireEnv names the variable that, set to 1, turns "no server could start" from a skip
// into a failure (CI sets it, so the PostgreSQL tests cannot be skipped silently there).
const RequireEnv = "HELPDESK_REQUIRE_POSTGRES"

// Main starts a server for a test binary's TestMain, runs the tests and stops it. Without a
// server the tests that call Need skip with the reason, or with RequireEnv=1 the binary fails.
func Main(m *testing.M, name string) int {
	srv, err := Start()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			fmt.Fprintf(os.Stderr, "%s tests: %s=1 but no PostgreSQL server: %v\n", name, RequireEnv, err)
			return 1
		}
		skipReason = "no PostgreSQL server for the tests: " + err.Error()
	} else {
		shared = srv
		defer srv.Stop()
	}
	return m.Run()
}

var (
	shared     *Server
	skipReason = "pgtest.Main did not run"
)

// Need returns the server Main started, or skips t saying why there is none.
func Need(t testing.TB) *Server {
	t.Helper()
	if shared == nil {
		t.Skip(skipReason)
	}
	return shared
}

// Server is a PostgreSQL server in a temporary directory.
type Server struct {
	bin      string // the directory of initdb, pg_ctl and postgres
	dir      string // the temporary directory: data/, the socket, the log
	port     int
	password string
	asUser   string // run the binaries as this user (the process is root), or ""
	template string // a migrated database that NewDatabase copies
	dbs      atomic.Int64
	mu       sync.Mutex
	free     []string // migrated databases emptied by the tests that used them
}

// findBin returns the directory holding initdb and pg_ctl: initdb's on PATH, else the newest
// /usr/lib/postgresql/*/bin (Debian and Ubuntu keep them off PATH).
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb and pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin (install postgresql)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start initialises a server in a new temporary directory (as the postgres user when the
// process runs as root, since initdb refuses root), starts it on a free loopback port and
// migrates a template database. Stop removes it all.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "helpdesk-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir, password: hex.EncodeToString(randomBytes(12))}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the server runs as postgres, in a directory it owns.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and no postgres user to run the server as: %v", err)
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			return nil, errors.New("running as root, and no runuser to run the server as postgres")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		s.asUser = "postgres"
	}
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if s.asUser != "" {
		u, _ := user.Lookup(s.asUser)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(pwfile, uid, gid)
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile,
		"--auth", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	var lastErr error
	for range 3 { // a free port can be taken between finding it and the server binding it
		s.port, err = FreePort()
		if err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", s.port, dir)
		out, err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "30", "start")
		if err == nil {
			lastErr = nil
			break
		}
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		lastErr = fmt.Errorf("pg_ctl start: %v: %s%s", err, out, tail(string(log), 800))
	}
	if lastErr != nil {
		return nil, lastErr
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s.template = "helpdesk_template"
	if err := s.Exec(ctx, "postgres", "CREATE DATABASE "+s.template); err != nil {
		return nil, err
	}
	if err := pgstore.Migrate(ctx, s.URL(s.template)); err != nil {
		return nil, fmt.Errorf("migrate the template database: %v", err)
	}
	ok = true
	return s, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}

// run runs one of the server's binaries, as asUser when set.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

// Password is the password of the server's postgres role.
func (s *Server) Password() string { return s.password }

// Stop stops the server, if it runs, and removes its directory.
func (s *Server) Stop() {
	if _, err := os.Stat(filepath.Join(s.dir, "data", "postmaster.pid")); err == nil {
		s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(s.dir)
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// URL is the URL of database on the test server, over TCP to 127.0.0.1.
func (s *Server) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", s.password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)), Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// Exec runs sql in database.
func (s *Server) Exec(ctx context.Context, database, sql string) error {
	conn, err := pgx.Connect(ctx, s.URL(database))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %v", sql, err)
	}
	return nil
}

// NewDatabase returns the URL of a database for t alone: migrated and holding no data, or with
// empty set, a database with nothing in it. A migrated one is emptied when t ends and handed to
// the next test (creating a database costs half a second, emptying one a few milliseconds);
// an empty one is dropped.
func (s *Server) NewDatabase(t testing.TB, empty bool) string {
	t.Helper()
	ctx := context.Background()
	name := ""
	if !empty {
		s.mu.Lock()
		if n := len(s.free); n > 0 {
			name, s.free = s.free[n-1], s.free[:n-1]
		}
		s.mu.Unlock()
	}
	if name == "" {
		name = fmt.Sprintf("helpdesk_%d", s.dbs.Add(1))
		sql := "CREATE DATABASE " + name + " TEMPLATE " + s.template
		if empty {
			sql = "CREATE DATABASE " + name
		}
		if err := s.Exec(ctx, "postgres", sql); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if empty {
			if err := s.Exec(ctx, "postgres", "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("drop the test database: %v", err)
			}
			return
		}
		err := s.Exec(ctx, name, `TRUNCATE seen, conversations, case_seq, cases, case_threads, outbox, unanswered, counters, rate_buckets RESTART IDENTITY;
			ALTER SEQUENCE conversation_rev RESTART`)
		if err != nil {
			t.Errorf("empty the test database: %v", err)
			return
		}
		s.mu.Lock()
		s.free = append(s.free, name)
		s.mu.Unlock()
	})
	return s.URL(name)
}
