package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKnowledgeAddExample: a typed text, or an unanswered one by its number in stats, becomes
// the last example of a topic; the command checks the folder and prints what a reload would
// change; the text is never written to the log.
func TestKnowledgeAddExample(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, dir)
	file := filepath.Join(dir, "topics", "bec.yaml")
	before, _ := os.ReadFile(file)

	res := runCmd(t, nil, "", "knowledge", "add-example", "--topic", "bec", "--text", "経理に社長名で送金依頼のメール", dir)
	if res.code != 0 || !strings.Contains(res.stdout, "~ トピック bec\n    examples: + 「経理に社長名で送金依頼のメール」\n") ||
		!strings.Contains(res.stdout, "トピック 追加 0・削除 0・変更 1") || strings.Contains(res.stderr, "経理") {
		t.Errorf("add-example --text: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	after, _ := os.ReadFile(file)
	// The new example follows the last one (bec.yaml's examples come just before its English),
	// and nothing else changed.
	if want := strings.Replace(string(before), "\nen:\n", "\n  - \"経理に社長名で送金依頼のメール\"\nen:\n", 1); string(after) != want {
		t.Errorf("bec.yaml after add-example ends:\n%s", after[max(0, len(after)-300):])
	}
	res = runCmd(t, nil, "", "knowledge", "add-example", "--topic", "bec", "--text", "経理に社長名で送金依頼のメール", dir)
	if res.code != 0 || !strings.Contains(res.stdout, "すでにあります") {
		t.Errorf("adding the same example again: exit %d %s%s", res.code, res.stdout, res.stderr)
	}
	res = runCmd(t, nil, "", "knowledge", "add-example", "--topic", "no-such-topic", "--text", "x", dir)
	if res.code != 1 || !strings.Contains(res.stderr, "--topic=no-such-topic: no such topic") {
		t.Errorf("add-example to an unknown topic: exit %d %s", res.code, res.stderr)
	}
	if res := runCmd(t, nil, "", "knowledge", "add-example", "--topic", "bec", dir); res.code != 2 {
		t.Errorf("add-example without a text: exit %d, want 2", res.code)
	}

	// By its number in stats: ほげほげ is the most frequent text the bot could not answer.
	db := scriptedDatabase(t)
	stats := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "stats")
	if !strings.Contains(stats.stdout, "  1. ") || !strings.Contains(stats.stdout, "ほげほげ") {
		t.Fatalf("stats do not number the unanswered texts:\n%s", stats.stdout)
	}
	res = runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "knowledge", "add-example", "--unanswered", "1", "--topic", "spam", dir)
	if res.code != 0 || !strings.Contains(res.stdout, "~ トピック spam\n    examples: + 「ほげほげ") || strings.Contains(res.stderr, "ほげ") {
		t.Errorf("add-example --unanswered 1: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "knowledge", "add-example", "--unanswered", "99", "--topic", "spam", dir)
	if res.code != 1 || !strings.Contains(res.stderr, "--unanswered=99") {
		t.Errorf("add-example --unanswered 99: exit %d %s", res.code, res.stderr)
	}
}

// TestKnowledgeAddExampleToABrokenFolder: a folder that does not load is not edited.
func TestKnowledgeAddExampleToABrokenFolder(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, dir)
	os.WriteFile(filepath.Join(dir, "alerts.yaml"), []byte("- id: [broken\n"), 0o644)
	before, _ := os.ReadFile(filepath.Join(dir, "topics", "bec.yaml"))
	res := runCmd(t, nil, "", "knowledge", "add-example", "--topic", "bec", "--text", "x", dir)
	after, _ := os.ReadFile(filepath.Join(dir, "topics", "bec.yaml"))
	if res.code != 1 || !strings.Contains(res.stderr, "alerts.yaml:1:") || string(after) != string(before) {
		t.Errorf("add-example to a broken folder: exit %d %s", res.code, res.stderr)
	}
}
