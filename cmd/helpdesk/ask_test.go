package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// TestAskJSONGolden pins the public `ask --json` output for a set of queries, one JSON object
// per input line, including an empty line, a 5,000-character line and a line of only emoji.
func TestAskJSONGolden(t *testing.T) {
	in, err := os.ReadFile("testdata/ask/queries.txt")
	if err != nil {
		t.Fatal(err)
	}
	input := string(in) + string([]rune(strings.Repeat("取引先から口座変更のメールが来て", 320))[:5000]) + "\n"
	res := runCmd(t, map[string]string{"HELPDESK_NOW": fixedNow}, input, "ask", "--json")
	if res.code != 0 {
		t.Fatalf("ask exited %d: %s", res.code, res.stderr)
	}
	golden(t, "ask/queries.golden.jsonl", res.stdout)
}

// TestAskJSONContract checks every line against the ask --json contract (README), for the labelled sets and
// hostile lines alike.
func TestAskJSONContract(t *testing.T) {
	var lines []string
	for _, set := range []string{"../../knowledge/testdata/holdout.tsv", "testdata/ask/queries.txt"} {
		f, err := os.Open(set)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			text := sc.Text()
			if _, after, ok := strings.Cut(text, "\t"); ok {
				text = after
			}
			lines = append(lines, text)
		}
		f.Close()
	}
	lines = append(lines, "", "   ", strings.Repeat("ウ", 5000), strings.Repeat("😱", 300), "\x00\x01", "ｳｲﾙｽ", strings.Repeat("a", 70000))
	res := runCmd(t, nil, strings.Join(lines, "\n")+"\n", "ask", "--json")
	if res.code != 0 {
		t.Fatalf("ask exited %d: %s", res.code, res.stderr)
	}
	out := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	if len(out) != len(lines) {
		t.Fatalf("%d input lines gave %d output lines", len(lines), len(out))
	}
	valid := map[string]bool{}
	for _, id := range knowledge.TopicIDs {
		valid[id] = true
	}
	for i, line := range out {
		var got map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		for _, k := range []string{"text", "decision", "topics", "urgent", "answer", "contacts"} {
			if _, ok := got[k]; !ok {
				t.Errorf("line %d has no %q", i+1, k)
			}
		}
		var r askResult
		json.Unmarshal([]byte(line), &r)
		if r.Text != lines[i] && !strings.ContainsRune(lines[i], '\x00') {
			t.Errorf("line %d: text %.40q does not echo the input %.40q", i+1, r.Text, lines[i])
		}
		switch r.Decision {
		case "answer", "clarify", "escalate", "fallback":
		default:
			t.Errorf("line %d: decision %q", i+1, r.Decision)
		}
		if len(r.Topics) > 5 {
			t.Errorf("line %d: %d topics, at most 5", i+1, len(r.Topics))
		}
		for j, tp := range r.Topics {
			if !valid[tp.ID] {
				t.Errorf("line %d: topic id %q is not in the topic contract (seeds/README.md)", i+1, tp.ID)
			}
			if j > 0 && tp.Score > r.Topics[j-1].Score {
				t.Errorf("line %d: topics not ranked best first", i+1)
			}
		}
		if r.Decision == "answer" {
			if r.Answer == "" || len(r.Contacts) == 0 || len(r.Topics) == 0 {
				t.Errorf("line %d: an answer without answer text, contacts or topic", i+1)
			}
		} else if r.Answer != "" || len(r.Contacts) != 0 {
			t.Errorf("line %d: %s carries an answer or contacts", i+1, r.Decision)
		}
		if r.Decision == "clarify" && (len(r.Topics) == 0 || len(r.Topics) > 3) {
			t.Errorf("line %d: clarify offers %d topics", i+1, len(r.Topics))
		}
	}
}

func TestAskPlainText(t *testing.T) {
	res := runCmd(t, nil, "", "ask", "フィッシングサイトにパスワードを入れてしまった")
	if res.code != 0 || !strings.Contains(res.stdout, "フィッシング") {
		t.Errorf("ask TEXT = exit %d:\n%s", res.code, res.stdout)
	}
}

func TestKnowledgeCheckSeeds(t *testing.T) {
	res := runCmd(t, nil, "", "knowledge", "check", "--json")
	if res.code != 0 {
		t.Fatalf("knowledge check --json exited %d: %s", res.code, res.stdout)
	}
	var got checkResult
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	kb := loadTestKnowledge(t)
	byID := map[string]checkTopic{}
	for _, tp := range got.Topics {
		byID[tp.ID] = tp
	}
	for _, id := range knowledge.TopicIDs {
		tp, ok := byID[id]
		if !ok {
			t.Errorf("topic %q missing from knowledge check --json", id)
			continue
		}
		reachable := false
		for _, cid := range kb.Topic(id).Contacts {
			c := kb.Contact(cid)
			reachable = reachable || (!c.Internal && (c.Phone != "" || c.URL != ""))
		}
		if len(tp.Contacts) == 0 || !reachable {
			t.Errorf("topic %q has no contact with a phone or a URL", id)
		}
	}
	if len(got.Errors) != 0 || got.Cases != 159 || got.Contacts == 0 {
		t.Errorf("knowledge check --json = %d errors, %d cases, %d contacts", len(got.Errors), got.Cases, got.Contacts)
	}
}

// TestKnowledgeCheckBroken breaks a copy of the seeds in three ways and expects exit 1 with a
// file:line: reason line for each problem.
func TestKnowledgeCheckBroken(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, dir)
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "consultations.csv"))
	write("consultations.csv", strings.Replace(string(csv), "対応状況", "対応", 1))
	spam, _ := os.ReadFile(filepath.Join(dir, "topics/spam.yaml"))
	write("topics/spam.yaml", strings.Replace(string(spam), "contacts: [", "contacts: [nobody-at-all, ", 1))
	write("alerts.yaml", "- id: broken\n  title: [unclosed\n")
	res := runCmd(t, nil, "", "knowledge", "check", dir)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
	}
	for _, want := range []string{
		`consultations.csv:1: missing column "対応状況"`,
		`topics/spam.yaml:`, `unknown contact "nobody-at-all"`,
		`alerts.yaml:`,
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, res.stderr)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
		if strings.Contains(line, "件の問題があります") {
			continue
		}
		if !regexpFileLine.MatchString(line) {
			t.Errorf("not a file:line: reason line: %q", line)
		}
	}
	res = runCmd(t, nil, "", "knowledge", "check", "--json", dir)
	var got checkResult
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || res.code != 1 || len(got.Errors) < 3 {
		t.Errorf("check --json on a broken folder = exit %d, %d errors (%v)", res.code, len(got.Errors), err)
	}
}

var regexpFileLine = regexp.MustCompile(`^[\w./-]+(:\d+)?: .+`)

// copySeeds copies the seed knowledge folder into dir, which must not hold any of its files.
func copySeeds(t *testing.T, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS("../../seeds")); err != nil {
		t.Fatal(err)
	}
}

// TestAskPrintsChoices: without --json, ask prints the choices of a clarify (what the user would
// pick from), and never says it recorded a request: ask stores nothing.
func TestAskPrintsChoices(t *testing.T) {
	res := runCmd(t, nil, "", "ask", "メールのことで")
	if res.code != 0 || !strings.Contains(res.stdout, "  1) ") || !strings.Contains(res.stdout, "どれにも当てはまらない") {
		t.Errorf("ask on a vague text: exit %d, want its choices numbered:\n%s", res.code, res.stdout)
	}
	res = runCmd(t, nil, "", "ask", "担当者と話したい")
	if res.code != 0 || strings.Contains(res.stdout, "記録しました") {
		t.Errorf("ask on a request for a person says it recorded it, or failed (exit %d):\n%s", res.code, res.stdout)
	}
}
