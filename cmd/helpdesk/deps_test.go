package main

import (
	"os/exec"
	"path"
	"strings"
	"testing"
)

// TestServedBinaryHoldsOnlyTheProduct: the helpdesk binary links no fake platform API, no test
// support (net/http/httptest, testing, the …test packages beside the adapters) and no load tool
// (cmd/helpdesk-bench, cmd/internal/load), so that none of them ships or can be reached in
// production. They are imported by test files and by the load tool only.
func TestServedBinaryHoldsOnlyTheProduct(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	const module = "github.com/helpdesk-bot/helpdesk"
	deps := strings.Fields(string(out))
	if len(deps) < 10 || deps[len(deps)-1] != module+"/cmd/helpdesk" {
		t.Fatalf("go list -deps printed %d packages, ending with %q; want the dependencies of %s/cmd/helpdesk", len(deps), deps[len(deps)-1:], module)
	}
	for _, dep := range deps {
		ours := strings.HasPrefix(dep, module+"/")
		switch {
		case dep == "testing" || dep == "net/http/httptest",
			ours && strings.Contains(dep, "fake"),
			ours && strings.HasSuffix(path.Base(dep), "test"),
			ours && strings.HasPrefix(dep, module+"/cmd/") && dep != module+"/cmd/helpdesk":
			t.Errorf("the served binary depends on %s, which is test or load-tool code", dep)
		}
	}
}

// TestBenchIsACommandOfItsOwn: the load tool is not a command of the served binary; asked for
// anyway, helpdesk names the command that is (exit 2, as for an unknown command).
func TestBenchIsACommandOfItsOwn(t *testing.T) {
	if res := runCmd(t, nil, "", "-h"); res.code != exitOK || strings.Contains(res.stdout, "bench") {
		t.Errorf("helpdesk -h: exit %d, lists bench:\n%s", res.code, res.stdout)
	}
	res := runCmd(t, nil, "", "bench", "--channel", "line")
	if res.code != exitUsage || !strings.Contains(res.stderr, "helpdesk-bench") {
		t.Errorf("helpdesk bench = exit %d, stderr %q; want exit 2 naming helpdesk-bench", res.code, res.stderr)
	}
}
