package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

// testDBPassword is a password the tests put in database URLs that must never be printed.
const testDBPassword = "pw-NEVER-PRINTED-7f3a"

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	p, err := pgtest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pgCut is a TCP proxy on loopback in front of the test server: cut closes every connection
// through it and refuses new ones, as a network partition would; restore lets them through
// again.
type pgCut struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func startPgCut(t *testing.T, target string) *pgCut {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgCut{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
	})
	return p
}

func (p *pgCut) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		go func() { io.Copy(s, c); s.Close(); c.Close() }()
		go func() { io.Copy(c, s); s.Close(); c.Close() }()
	}
}

func (p *pgCut) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *pgCut) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// through returns url (of the test server) with its host replaced by the proxy's.
func (p *pgCut) through(t *testing.T, url string) string {
	t.Helper()
	_, rest, _ := strings.Cut(url, "@")
	host, _, _ := strings.Cut(rest, "/")
	return strings.Replace(url, "@"+host+"/", "@"+p.ln.Addr().String()+"/", 1)
}

// hostOf returns host:port of a test server URL.
func hostOf(url string) string {
	_, rest, _ := strings.Cut(url, "@")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// waitStatus polls url until it answers want, or fails t after 20 s.
func waitStatus(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	last := 0
	for time.Now().Before(deadline) {
		res, err := http.Get(url)
		if err == nil {
			last = res.StatusCode
			res.Body.Close()
			if last == want {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s: %d for 20 s, want %d", url, last, want)
}

// TestServeOnPostgres: with HELPDESK_DATABASE_URL, serve keeps its state in PostgreSQL: it
// starts and says so, /readyz reports not ready while the database cannot be reached and ready
// again once it can, and the password appears in no log line.
func TestServeOnPostgres(t *testing.T) {
	srv := pgtest.Lazy(t)
	url := srv.NewDatabase(t, false)
	proxy := startPgCut(t, hostOf(url))
	s := startServe(t, map[string]string{"HELPDESK_DATABASE_URL": proxy.through(t, url)})
	waitStatus(t, s.url+"/readyz", http.StatusOK)
	if !strings.Contains(s.logs.String(), `"store":"postgres"`) {
		t.Errorf("serve did not log that it serves from PostgreSQL:\n%s", s.logs.String())
	}
	proxy.cut()
	waitStatus(t, s.url+"/readyz", http.StatusServiceUnavailable)
	waitStatus(t, s.url+"/healthz", http.StatusOK) // alive, only not ready
	proxy.restore()
	waitStatus(t, s.url+"/readyz", http.StatusOK)
	s.stopCleanly(t, srv.Password())
}

// TestServeRefusesADatabaseToMigrate: a database without the schema stops serve at start, with
// a message naming the variable and what to do.
func TestServeRefusesADatabaseToMigrate(t *testing.T) {
	srv := pgtest.Lazy(t)
	url := srv.NewDatabase(t, true)
	res := runCmd(t, map[string]string{"HELPDESK_DATABASE_URL": url, "HELPDESK_ADDR": "127.0.0.1:0"}, "", "serve")
	if res.code != exitFail || !strings.Contains(res.stderr, "HELPDESK_DATABASE_URL") || !strings.Contains(res.stderr, "run helpdesk migrate") {
		t.Errorf("serve on an empty database: exit %d, stderr %q; want exit 1 naming HELPDESK_DATABASE_URL and helpdesk migrate", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, srv.Password()) {
		t.Errorf("serve printed the password: %s", res.stderr)
	}
}

// TestDBFlagBesideDatabaseURL: --db with HELPDESK_DATABASE_URL is refused by every command that
// opens the state, naming both.
func TestDBFlagBesideDatabaseURL(t *testing.T) {
	vars := map[string]string{"HELPDESK_DATABASE_URL": "postgres://helpdesk:" + testDBPassword + "@127.0.0.1:1/helpdesk", "HELPDESK_ADDR": "127.0.0.1:0"}
	for _, args := range [][]string{{"serve", "--db", "x.db"}, {"chat", "--db", "x.db"}, {"stats", "--db", "x.db"}, {"forget", "--db", "x.db", "U1"}, {"compact", "--db", "x.db", "out.db"}} {
		res := runCmd(t, vars, "", args...)
		if res.code != exitFail || !strings.Contains(res.stderr, "--db and HELPDESK_DATABASE_URL are both set") || strings.Contains(res.stderr, testDBPassword) {
			t.Errorf("helpdesk %s: exit %d, stderr %q; want exit 1 naming --db and HELPDESK_DATABASE_URL", strings.Join(args, " "), res.code, res.stderr)
		}
	}
}

// TestAdminCommandsOnPostgres: with HELPDESK_DATABASE_URL the admin commands work on the
// PostgreSQL database: the same conversations give the same figures (stats) and the same
// erasure (forget) as on a bbolt file; backup and compact, which are bbolt's, refuse and say
// what to use instead.
func TestAdminCommandsOnPostgres(t *testing.T) {
	srv := pgtest.Lazy(t)
	pg := map[string]string{"HELPDESK_DATABASE_URL": srv.NewDatabase(t, false), "HELPDESK_NOW": fixedNow}
	bolt := map[string]string{"HELPDESK_DB": filepath.Join(t.TempDir(), "helpdesk.db"), "HELPDESK_NOW": fixedNow}
	scripts := []string{
		"ランサムウェアに感染したかも\n解決した\n",
		"フィッシングサイトにパスワードを入れてしまった\n",
		"ほげほげ\nほげほげ\nふがふが\n",
		"担当者と話したい\n",
	}
	for i, s := range scripts {
		for _, vars := range []map[string]string{pg, bolt} {
			if res := runCmd(t, vars, s, "chat", "--user", fmt.Sprint("u", i)); res.code != exitOK {
				t.Fatalf("chat: exit %d: %s", res.code, res.stderr)
			}
		}
	}
	same := func(args ...string) {
		t.Helper()
		p, b := runCmd(t, pg, "", args...), runCmd(t, bolt, "", args...)
		if p.code != exitOK || b.code != exitOK {
			t.Fatalf("helpdesk %v: exit %d on PostgreSQL (%s), %d on bbolt (%s)", args, p.code, p.stderr, b.code, b.stderr)
		}
		// the knowledge's load time, and "until" (now), are each command's own
		loaded := regexp.MustCompile(`(?m)^.*("loaded"|"until"|読み込み).*$`)
		if loaded.ReplaceAllString(p.stdout, "") != loaded.ReplaceAllString(b.stdout, "") {
			t.Errorf("helpdesk %v on PostgreSQL:\n%s\non bbolt:\n%s", args, p.stdout, b.stdout)
		}
		if p.stdout == "" {
			t.Errorf("helpdesk %v printed nothing", args)
		}
	}
	same("stats", "--json")
	same("forget", "u2")
	same("stats")

	res := runCmd(t, pg, "", "backup", filepath.Join(t.TempDir(), "copy.db"))
	if res.code != exitFail || !strings.Contains(res.stderr, "pg_dump") {
		t.Errorf("backup on PostgreSQL: exit %d, stderr %q; want exit 1 naming pg_dump", res.code, res.stderr)
	}
	res = runCmd(t, pg, "", "compact", filepath.Join(t.TempDir(), "out.db"))
	if res.code != exitFail || !strings.Contains(res.stderr, "HELPDESK_DATABASE_URL selects PostgreSQL") {
		t.Errorf("compact on PostgreSQL: exit %d, stderr %q; want exit 1 saying it is for bbolt", res.code, res.stderr)
	}
}
