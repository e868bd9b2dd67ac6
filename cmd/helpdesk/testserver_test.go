package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
)

// testServer is `helpdesk serve` running in this process for a test, on a free loopback port.
type testServer struct {
	url  string        // http://127.0.0.1:port
	logs *lockedBuffer // everything the server logged so far
	run  *serveRun
	t    testing.TB
}

// startServe runs `helpdesk serve` in this process with the settings vars, waits until it
// listens, and stops it at the end of the test (a test may stop it earlier with stop).
func startServe(t testing.TB, vars map[string]string) *testServer {
	t.Helper()
	logs := &lockedBuffer{}
	run, err := startInProcess(context.Background(), vars, logs)
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{url: run.url, logs: logs, run: run, t: t}
	t.Cleanup(func() { s.stop() })
	return s
}

// stop ends the server and returns its exit code; later calls return the same code. A server
// that does not stop in time fails the test and gives -1.
func (s *testServer) stop() int {
	code, err := s.run.stop()
	if err != nil {
		s.t.Errorf("%v:\n%s", err, s.logs.String())
	}
	return code
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

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
