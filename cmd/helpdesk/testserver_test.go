package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
)

// testServer is `helpdesk serve` running in this process for a test, on a free loopback port.
type testServer struct {
	url  string        // http://127.0.0.1:port
	logs *lockedBuffer // everything the server logged so far
	stop func() int    // ends the server and returns its exit code; later calls return the same
}

// startServe runs `helpdesk serve` in this process with the settings vars on a free loopback
// port, waits until it answers GET /healthz, and stops it at the end of the test (a test may stop
// it earlier with stop).
func startServe(t testing.TB, vars map[string]string) *testServer {
	t.Helper()
	// The port is picked free just before serve binds it; another test may take it in between,
	// which serve reports as an address in use: try another.
	for attempt := 1; ; attempt++ {
		s, exited, err := tryServe(t, vars)
		if err == nil {
			return s
		}
		if exited && attempt < 3 && strings.Contains(s.logs.String(), "address already in use") {
			continue
		}
		t.Fatalf("%v:\n%s", err, s.logs.String())
	}
}

// tryServe starts serve once; exited says whether it ended before answering /healthz.
func tryServe(t testing.TB, vars map[string]string) (s *testServer, exited bool, err error) {
	addr, err := load.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s = &testServer{url: "http://" + addr, logs: &lockedBuffer{}}
	done := make(chan struct{})
	var code int
	go func() {
		defer close(done)
		code = run(ctx, []string{"helpdesk", "serve", "--addr", addr},
			func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, s.logs)
	}()
	s.stop = sync.OnceValue(func() int {
		cancel()
		select {
		case <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop within 30 s of its context ending:\n%s", s.logs.String())
			return -1
		}
	})
	if err := load.WaitHealthy(ctx, s.url, 30*time.Second, done); err != nil {
		select {
		case <-done:
			return s, true, fmt.Errorf("serve exited with %d before answering /healthz", code)
		default:
			s.stop()
			return s, false, err
		}
	}
	t.Cleanup(func() { s.stop() })
	// Whoever sees serve answer finds its start in the log (an operator reading the log after a
	// probe, and the tests reading what it serves from); lockedBuffer holds the line back, so
	// serving before writing it fails here.
	if !strings.Contains(s.logs.String(), `"msg":"listening"`) {
		t.Errorf("serve answered /healthz before it logged that it is listening:\n%s", s.logs.String())
	}
	return s, false, nil
}

// stopCleanly stops the server and fails the test unless it exited 0, logged a clean stop, and
// logged none of secret (users' words, their ids, tokens).
func (s *testServer) stopCleanly(t *testing.T, secret ...string) {
	t.Helper()
	if code := s.stop(); code != 0 {
		t.Errorf("serve exited with %d after its context ended, want 0:\n%s", code, s.logs.String())
	}
	logs := s.logs.String()
	if !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("serve did not log a clean stop:\n%s", logs)
	}
	for _, x := range secret {
		if strings.Contains(logs, x) {
			t.Errorf("the log contains %q (user text, a user id or a secret)", x)
		}
	}
}

// lockedBuffer is a log sink the test reads while the server writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// listeningHeld is how long the log line saying serve listens is held back before it is written:
// a serve that answered /healthz before writing it would be seen answering without it (tryServe
// polls every few milliseconds), on any machine, not only a loaded one.
const listeningHeld = 50 * time.Millisecond

func (l *lockedBuffer) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(`"msg":"listening"`)) {
		time.Sleep(listeningHeld)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
