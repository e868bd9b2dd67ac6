package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// outside matches what would point a reader outside the repository: the team's folder beside
// it, or a relative path that climbs out of the repository's root.
var outside = regexp.MustCompile(`(^|[^.\w])shared/|\.\./\.\./\.\.|\.\./shared`)

// TestNothingPointsOutsideTheRepo: no doc of the project, no usage line and no message of
// knowledge check names a file outside the repository: users and operators have only the repo.
func TestNothingPointsOutsideTheRepo(t *testing.T) {
	for _, doc := range []string{"../../README.md", "../../SECURITY.md", "../../seeds/README.md", "deploy/helpdesk.env.example"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if outside.MatchString(line) {
				t.Errorf("%s:%d points outside the repository: %s", doc, i+1, line)
			}
		}
	}
	var outputs []string
	for _, args := range [][]string{
		{"-h"}, {"chat", "-h"}, {"ask", "-h"}, {"knowledge", "-h"}, {"knowledge", "check", "-h"}, {"knowledge", "check"},
		{"knowledge", "diff", "-h"}, {"serve", "-h"}, {"stats", "-h"}, {"report", "-h"}, {"forget", "-h"}, {"backup", "-h"},
		{"cases", "export", "-h"}, {"line", "richmenu", "-h"}, {"slack", "manifest", "-h"}, {"version"},
	} {
		res := runCmd(t, nil, "", args...)
		outputs = append(outputs, strings.Join(args, " ")+": "+res.stdout+res.stderr)
	}
	for _, o := range outputs {
		if outside.MatchString(o) {
			t.Errorf("output points outside the repository: %s", o)
		}
	}
}
