package main

import (
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHealthcheck: the healthcheck command passes on a running bot found through HELPDESK_ADDR,
// and fails with a message where nothing listens.
func TestHealthcheck(t *testing.T) {
	srv := startServe(t, map[string]string{"HELPDESK_DB": t.TempDir() + "/h.db"})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.url, "http://"))
	res := runCmd(t, map[string]string{"HELPDESK_ADDR": ":" + port}, "", "healthcheck")
	if res.code != exitOK || !strings.HasPrefix(res.stdout, "ready\n") {
		t.Errorf("healthcheck on a running bot = exit %d, %q %q; want 0 and ready", res.code, res.stdout, res.stderr)
	}
	srv.stop()
	res = runCmd(t, nil, "", "healthcheck", "--addr", "127.0.0.1:"+port)
	if res.code != exitFail || !strings.Contains(res.stderr, "helpdesk healthcheck: ") {
		t.Errorf("healthcheck with no bot = exit %d, %q; want 1 and a message", res.code, res.stderr)
	}
}

func TestReadyURL(t *testing.T) {
	for in, want := range map[string]string{":8080": "http://127.0.0.1:8080/readyz", "0.0.0.0:8080": "http://127.0.0.1:8080/readyz",
		"[::]:8080": "http://127.0.0.1:8080/readyz", "10.0.0.5:8080": "http://10.0.0.5:8080/readyz", "[::1]:8080": "http://[::1]:8080/readyz"} {
		if got, err := readyURL(in); err != nil || got != want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestDockerfile: the image checks its health with a command this binary has, documents a stop
// timeout longer than the drain (10 s of requests, 5 s of outbox), and stamps variables that
// exist (go build -X with a wrong name does nothing, silently).
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	m := regexp.MustCompile(`(?m)^HEALTHCHECK .*CMD \["/helpdesk", "([a-z]+)"\]$`).FindStringSubmatch(df)
	if m == nil || !slices.ContainsFunc(commands(), func(c command) bool { return c.name == m[1] }) {
		t.Errorf("the Dockerfile's HEALTHCHECK does not run a helpdesk command: %v", m)
	}
	if !strings.Contains(df, "--stop-timeout 30") || !strings.Contains(df, "stop_grace_period: 30s") {
		t.Error("the Dockerfile does not document a stop timeout of 30 s")
	}
	for _, x := range regexp.MustCompile(`-X main\.(\w+)=`).FindAllStringSubmatch(df, -1) {
		if x[1] != "buildTime" && x[1] != "buildRevision" {
			t.Errorf("the Dockerfile stamps main.%s, which version.go does not have", x[1])
		}
	}
}
