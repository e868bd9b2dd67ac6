package pgstore_test

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

// The tests run against a real PostgreSQL server that TestMain starts in a temporary
// directory, on a free port of 127.0.0.1, and removes at the end. Where the server binaries
// are missing or the server cannot start, the tests skip, saying why; with
// HELPDESK_REQUIRE_POSTGRES=1 (as CI sets it) they fail instead.

// server is the running test server, or nil; skipReason says why there is none.
var (
	server     *pgServer
	skipReason string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	srv, err := startServer()
	if err != nil {
		if os.Getenv("HELPDESK_REQUIRE_POSTGRES") == "1" {
			fmt.Fprintf(os.Stderr, "pgstore tests: HELPDESK_REQUIRE_POSTGRES=1 but no PostgreSQL server: %v\n", err)
			return 1
		}
		skipReason = "no PostgreSQL server for the tests: " + err.Error()
	} else {
		server = srv
		defer srv.stop()
	}
	return m.Run()
}

// needServer skips t when there is no test server.
func needServer(t *testing.T) *pgServer {
	t.Helper()
	if server == nil {
		t.Skip(skipReason)
	}
	return server
}

// pgServer is a PostgreSQL server in a temporary directory.
type pgServer struct {
	bin      string // the directory of initdb, pg_ctl and postgres
	dir      string // the temporary directory: data/, the socket, the log
	port     int
	password string
	asUser   string // run the binaries as this user (the process is root), or ""
	template string // a migrated database that newDatabase copies
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

func startServer() (*pgServer, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "helpdesk-pg-")
	if err != nil {
		return nil, err
	}
	s := &pgServer{bin: bin, dir: dir, password: hex.EncodeToString(randomBytes(12))}
	ok := false
	defer func() {
		if !ok {
			s.stop()
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
		s.port, err = freePort()
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
	if err := s.exec(ctx, "postgres", "CREATE DATABASE "+s.template); err != nil {
		return nil, err
	}
	if err := pgstore.Migrate(ctx, s.url(s.template)); err != nil {
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
func (s *pgServer) run(name string, args ...string) ([]byte, error) {
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

// stop stops the server, if it runs, and removes its directory.
func (s *pgServer) stop() {
	if _, err := os.Stat(filepath.Join(s.dir, "data", "postmaster.pid")); err == nil {
		s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(s.dir)
}

func freePort() (int, error) {
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

// url is the URL of database on the test server, over TCP to 127.0.0.1.
func (s *pgServer) url(database string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", s.password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)), Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// exec runs sql in database.
func (s *pgServer) exec(ctx context.Context, database, sql string) error {
	conn, err := pgx.Connect(ctx, s.url(database))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %v", sql, err)
	}
	return nil
}

// newDatabase returns the URL of a database for t alone: migrated and holding no data, or with
// empty set, a database with nothing in it. A migrated one is emptied when t ends and handed to
// the next test (creating a database costs half a second, emptying one a few milliseconds);
// an empty one is dropped.
func (s *pgServer) newDatabase(t testing.TB, empty bool) string {
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
		if err := s.exec(ctx, "postgres", sql); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if empty {
			if err := s.exec(ctx, "postgres", "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("drop the test database: %v", err)
			}
			return
		}
		err := s.exec(ctx, name, `TRUNCATE seen, conversations, case_seq, cases, case_threads, outbox, unanswered, counters RESTART IDENTITY;
			ALTER SEQUENCE conversation_rev RESTART`)
		if err != nil {
			t.Errorf("empty the test database: %v", err)
			return
		}
		s.mu.Lock()
		s.free = append(s.free, name)
		s.mu.Unlock()
	})
	return s.url(name)
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
