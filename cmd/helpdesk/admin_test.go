package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// scriptedDatabase runs scripted chats (several users, several days) and a few staff cases on a
// fresh database and returns its path: the material of the admin commands' tests.
func scriptedDatabase(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "scripted.db")
	days := []string{"2026-11-09T10:00:00+09:00", "2026-11-16T10:00:00+09:00", "2026-11-24T10:00:00+09:00"}
	scripts := []string{
		"ランサムウェアに感染したかも\n解決した\n",
		"フィッシングサイトにパスワードを入れてしまった\n",
		"取引先から振込先の口座が変わったとメールが来た\n",
		"ほげほげ\nほげほげ\nふがふが\n",
		"メールのことで相談があります\n",
		"担当者と話したい\n",
	}
	for i, day := range days {
		for j, s := range scripts[:3+i] {
			res := runCmd(t, map[string]string{"HELPDESK_DB": db, "HELPDESK_NOW": day}, s, "chat", "--user", "u"+day[8:10]+string(rune('a'+j)))
			if res.code != 0 {
				t.Fatalf("scripted chat: %s", res.stderr)
			}
		}
	}
	// Staff cases, opened and resolved, for the resolution-time chart.
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	for i, day := range days {
		opened, _ := time.Parse(time.RFC3339, day)
		addResolvedCase(t, db, lib, "staffed-"+day[8:10], opened, time.Duration(i+1)*time.Hour, "スキャンと隔離を案内")
	}
	return db
}

// addResolvedCase has user ask for a person at opened, posts the case, and has staff answer and
// resolve it as malware with note after took.
func addResolvedCase(t *testing.T, db string, lib *knowledge.Library, user string, opened time.Time, took time.Duration, note string) {
	t.Helper()
	now := opened
	engine, err := dialog.Open(db, lib, slog.New(slog.DiscardHandler),
		dialog.Options{Policy: dialog.Policy{Staffed: true}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	ctx := context.Background()
	r, err := engine.Respond(ctx, dialog.Message{Channel: "line", UserID: user, Text: "ウイルスの件で担当者と話したい", Address: "a"})
	if err != nil || r.Handoff == nil {
		t.Fatalf("escalate: %v", err)
	}
	thread := "C/" + r.Handoff.CaseID
	p, _ := engine.Outbox().Pending(now, 10, nil)
	for _, d := range p {
		ref := ""
		if d.Kind == dialog.KindStaff {
			ref = thread
		}
		engine.Outbox().Delivered(d.ID, ref)
	}
	now = opened.Add(took)
	engine.Staff(ctx, dialog.StaffEvent{Thread: thread, Staff: "<@S>", Action: dialog.StaffMessage, Text: "ウイルス対策ソフトでスキャンしてください"})
	if _, err := engine.Staff(ctx, dialog.StaffEvent{Thread: thread, Staff: "<@S>", Action: dialog.StaffResolve, Text: note, Topic: "malware"}); err != nil {
		t.Fatal(err)
	}
}

func TestStatsAndReport(t *testing.T) {
	db := scriptedDatabase(t)
	vars := map[string]string{"HELPDESK_DB": db}
	res := runCmd(t, vars, "", "stats")
	if res.code != 0 {
		t.Fatalf("stats: %s", res.stderr)
	}
	for _, want := range []string{"ransomware", "phishing", "bec", "担当者へ", "答えられなかった相談", "ほげほげ", "解決 3", "近いトピック"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stats output lacks %q:\n%s", want, res.stdout)
		}
	}
	if !regexp.MustCompile(`\n知識: [0-9a-f]{12}（\d{4}-\d\d-\d\d \d\d:\d\d 日本時間に読み込み）\n`).MatchString(res.stdout) {
		t.Errorf("stats output does not name the knowledge it used:\n%s", res.stdout)
	}
	// most frequent first: ほげほげ was sent more often than ふがふが
	if strings.Index(res.stdout, "ほげほげ") > strings.Index(res.stdout, "ふがふが") {
		t.Errorf("unanswered queries not most frequent first:\n%s", res.stdout)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	res = runCmd(t, vars, "", "report", "--out", out)
	if res.code != 0 {
		t.Fatalf("report: %s", res.stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if n := strings.Count(html, "<svg"); n != 3 {
		t.Errorf("report has %d charts, want 3 (topics per week, escalations, resolution time)", n)
	}
	if n := len(regexp.MustCompile(`<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[1-9][\d.]*"`).FindAllString(html, -1)); n < 6 {
		t.Errorf("report charts draw %d bars, want bars for three weeks", n)
	}
	for _, external := range []string{"<script", "src=", "href=\"http", "@import", "url("} {
		if strings.Contains(html, external) {
			t.Errorf("report is not self-contained: contains %q", external)
		}
	}
	if !strings.Contains(html, "ランサムウェア感染") {
		t.Error("report does not name the topics")
	}
}

// TestCasesExportRoundTrip exports resolved cases and appends them to a copy of the knowledge:
// the next load finds them as past consultations of the topic staff chose.
func TestCasesExportRoundTrip(t *testing.T) {
	db := scriptedDatabase(t)
	dir := t.TempDir()
	copySeeds(t, dir)
	out := filepath.Join(dir, "consultations-cases.csv")
	res := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "cases", "export", "--since", "2026-11-01", "--out", out)
	if res.code != 0 || !strings.Contains(res.stderr, "解決済みのケース 3 件") {
		t.Fatalf("cases export: exit %d %s", res.code, res.stderr)
	}
	// Japanese Excel reads a CSV without a byte order mark as Shift_JIS.
	if data, _ := os.ReadFile(out); !strings.HasPrefix(string(data), "\ufeff") {
		t.Errorf("the export does not start with a UTF-8 byte order mark: %.20q", data)
	}
	kb, err := knowledge.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("the exported CSV does not load beside the seeds: %v", err)
	}
	if got := len(kb.Cases()); got != 159+3 {
		t.Errorf("cases after appending the export = %d, want 162", got)
	}
	found := false
	for _, m := range kb.Similar("ウイルス対策ソフトでスキャン 担当者と話したい", 5) {
		if strings.HasPrefix(m.Case.No, "2026-") && m.Case.Topic == "malware" {
			found = true
		}
	}
	if !found {
		t.Error("an exported case is not found as a similar past consultation of malware")
	}
}

func TestBackupAndForget(t *testing.T) {
	db := scriptedDatabase(t)
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	// Neither reads the knowledge: a broken knowledge folder (a bad deploy) must not stop them.
	broken := map[string]string{"HELPDESK_DB": db, "HELPDESK_KNOWLEDGE": filepath.Join(t.TempDir(), "missing")}
	if res := runCmd(t, broken, "", "stats"); res.code == 0 {
		t.Fatal("stats ran without its knowledge: the broken folder is not broken")
	}
	res := runCmd(t, broken, "", "backup", copyPath)
	if res.code != 0 {
		t.Fatalf("backup: %s", res.stderr)
	}
	// The copy is a working database with the same figures.
	a := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "stats", "--json")
	b := runCmd(t, map[string]string{"HELPDESK_DB": copyPath}, "", "stats", "--json")
	strip := regexp.MustCompile(`"(until|loaded)": "[^"]*"`)
	if a.code != 0 || strip.ReplaceAllString(a.stdout, "") != strip.ReplaceAllString(b.stdout, "") {
		t.Errorf("the backup's figures differ from the original's:\n%s\n%s", a.stdout, b.stdout)
	}
	res = runCmd(t, broken, "", "forget", "staffed-09")
	if res.code != 0 || !strings.Contains(res.stdout, "会話 1 件、ケース 1 件") {
		t.Fatalf("forget: exit %d %q %s", res.code, res.stdout, res.stderr)
	}
	res = runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "forget", "staffed-09")
	if !strings.Contains(res.stdout, "会話 0 件、ケース 0 件") {
		t.Errorf("a second forget still found data: %q", res.stdout)
	}
}

func TestAdminCommandsOnALockedDatabaseSayWhatToDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	lib, _ := knowledge.LibraryOf(seeds.FS)
	engine, err := dialog.Open(db, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), dialog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	res := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "stats")
	if res.code == 0 || !strings.Contains(res.stderr, "--server") {
		t.Errorf("stats on a database in use: exit %d, %q", res.code, res.stderr)
	}
}

func TestKnowledgeDiff(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, dir)
	contacts, _ := os.ReadFile(filepath.Join(dir, "contacts.yaml"))
	os.WriteFile(filepath.Join(dir, "contacts.yaml"), []byte(strings.Replace(string(contacts), "受け付けられません。", "受け付けていません。", 1)), 0o644)
	os.Remove(filepath.Join(dir, "topics", "telework.yaml"))
	res := runCmd(t, nil, "", "knowledge", "diff", dir)
	if res.code != 1 || !strings.Contains(res.stderr, `topic "telework" of the topic contract is missing`) || !strings.Contains(res.stderr, "読み込み直しても") {
		t.Errorf("diff to a folder that would not load: exit %d %s", res.code, res.stderr)
	}
	telework, err := os.ReadFile("../../seeds/topics/telework.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "topics", "telework.yaml"), telework, 0o644); err != nil {
		t.Fatal(err)
	}
	res = runCmd(t, nil, "", "knowledge", "diff", dir)
	if res.code != 0 || !strings.Contains(res.stdout, "~ 窓口 shohisha-hotline") || !strings.Contains(res.stdout, "窓口 追加 0・削除 0・変更 1") ||
		!strings.Contains(res.stdout, "not_accepts: 「企業からの相談は受け付けられません。」 → 「企業からの相談は受け付けていません。」") {
		t.Errorf("knowledge diff: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestAdminCommandsAskARunningServer: stats and cases export give the same answer from the
// database file and, through --server, from a bot running on it. A day given with --since is a
// day in Tokyo both ways: a case resolved at 07:00 on that day (22:00 UTC the day before) is in.
func TestAdminCommandsAskARunningServer(t *testing.T) {
	db := scriptedDatabase(t)
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	opened, _ := time.Parse(time.RFC3339, "2026-11-25T06:30:00+09:00")
	addResolvedCase(t, db, lib, "early-riser", opened, 30*time.Minute, "案内済み") // resolved 07:00 in Tokyo

	local := map[string]string{"HELPDESK_DB": db}
	wantStats := runCmd(t, local, "", "stats", "--json", "--since", "2026-11-16")
	wantCases := runCmd(t, local, "", "cases", "export", "--since", "2026-11-25")
	if wantStats.code != 0 || wantCases.code != 0 || !strings.Contains(wantCases.stdout, "案内済み") {
		t.Fatalf("local: stats exit %d, cases exit %d %s\n%s", wantStats.code, wantCases.code, wantCases.stderr, wantCases.stdout)
	}

	// The server's janitor purges at start by the engine's clock: a fixed clock keeps the
	// scripted November texts inside the retention whatever day the test runs on.
	srv := startServe(t, map[string]string{"HELPDESK_DB": db, "HELPDESK_ADMIN_TOKEN": adminTestToken, "HELPDESK_NOW": "2026-11-30T12:00:00+09:00"})
	remote := map[string]string{"HELPDESK_ADMIN_TOKEN": adminTestToken}
	gotStats := runCmd(t, remote, "", "stats", "--json", "--since", "2026-11-16", "--server", srv.url)
	gotCases := runCmd(t, remote, "", "cases", "export", "--since", "2026-11-25", "--server", srv.url)
	strip := regexp.MustCompile(`"(until|loaded)": "[^"]*"`)
	if gotStats.code != 0 || strip.ReplaceAllString(gotStats.stdout, "") != strip.ReplaceAllString(wantStats.stdout, "") {
		t.Errorf("stats --server differs from the file's:\nserver (exit %d, %s):\n%s\nfile:\n%s", gotStats.code, gotStats.stderr, gotStats.stdout, wantStats.stdout)
	}
	if gotCases.code != 0 || gotCases.stdout != wantCases.stdout {
		t.Errorf("cases export --server differs from the file's:\nserver (exit %d, %s):\n%s\nfile:\n%s", gotCases.code, gotCases.stderr, gotCases.stdout, wantCases.stdout)
	}
	out := filepath.Join(t.TempDir(), "cases.csv")
	res := runCmd(t, remote, "", "cases", "export", "--since", "2026-11-01", "--out", out, "--server", srv.url)
	if res.code != 0 || !strings.Contains(res.stderr, "解決済みのケース 4 件") {
		t.Errorf("cases export --server --out: exit %d %s; want 4 cases (3 scripted, 1 early)", res.code, res.stderr)
	}
}
