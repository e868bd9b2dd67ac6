package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

func statsSample() dialog.Stats {
	return dialog.Stats{
		Topics: []dialog.TopicStats{
			{Topic: "ransomware", Title: "ランサムウェア感染", Consultations: 1234, Answers: 1000, Escalations: 3},
			{Topic: "bec", Title: "ビジネスメール詐欺", Consultations: 7, Answers: 6, Clarify: 1},
			{Topic: "", Consultations: 2, Fallback: 2},
		},
		Cases: dialog.CaseStats{ByStatus: map[string]int{"resolved": 3, "open": 1}},
		Unanswered: []dialog.UnansweredCount{
			{Text: "パソコンが変", Outcome: dialog.Clarify, Count: 4, Nearest: []dialog.Nearest{{Topic: "device-trouble", Title: "パソコンの不調", Score: 0.41}, {Topic: "malware", Title: "ウイルス感染", Score: 0.0042}}},
			{Text: "```ほげ", Outcome: dialog.Fallback, Count: 1},
		},
	}
}

// TestWriteStatsLinesUp: every line of the table takes the same display width, counting a
// full-width character as two columns, so that the figures line up in a monospaced font.
func TestWriteStatsLinesUp(t *testing.T) {
	var b strings.Builder
	if err := WriteStats(&b, statsSample()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	table := strings.Split(out[:strings.Index(out, "\n\n")], "\n")
	if len(table) != 4 {
		t.Fatalf("table has %d lines, want a header and 3 topics:\n%s", len(table), out)
	}
	for _, line := range table[1:] {
		if Width(line) != Width(table[0]) {
			t.Errorf("line %q is %d columns wide, the header %d:\n%s", line, Width(line), Width(table[0]), out)
		}
	}
	for _, want := range []string{"トピック", "相談", "担当者へ", "ランサムウェア感染  ransomware", "1,234", "（トピックなし）",
		"解決 3", "対応待ち 1", "1. 4 回  聞き返し  「パソコンが変」", "近いトピック: device-trouble パソコンの不調 (0.41)、malware ウイルス感染 (0.0042)",
		"近いトピックは見つかりませんでした", "add-example --unanswered"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lack %q:\n%s", want, out)
		}
	}
}

// TestAddExampleHintNamesTheDay: figures since a day number their texts from that day, so the
// hint to add one gives the same day.
func TestAddExampleHintNamesTheDay(t *testing.T) {
	st := statsSample()
	st.Since = time.Date(2026, 11, 28, 0, 0, 0, 0, knowledge.Tokyo)
	var b strings.Builder
	WriteStats(&b, st)
	if !strings.Contains(b.String(), "add-example --unanswered 番号 --since 2026-11-28 --topic ID") {
		t.Errorf("stats since a day:\n%s", b.String())
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "相談": 4, "ＰＣ": 4, "ﾗﾝｻﾑ": 4, "（なし）": 8, "a　b": 4} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestStatsBlockIsOneCodeBlock: in Slack the stats are one code block that no text can close.
func TestStatsBlockIsOneCodeBlock(t *testing.T) {
	got := StatsBlock("過去 7 日間", statsSample())
	if !strings.HasPrefix(got, "過去 7 日間\n```\n") || !strings.HasSuffix(got, "```") || strings.Count(got, "```") != 2 {
		t.Errorf("StatsBlock = %q, want the heading and one code block", got)
	}
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[2], "トピック  ") || strings.Contains(lines[2], "ID") || Width(lines[3]) != Width(lines[2]) || strings.Contains(lines[3], "ransomware") {
		t.Errorf("StatsBlock table without ids, aligned:\n%s\n%s", lines[2], lines[3])
	}
}

func TestDiffReportInJapanese(t *testing.T) {
	d := knowledge.Diff{Contacts: knowledge.Change{Removed: []string{"old-desk"}}, Intake: knowledge.Change{Added: []string{"q23"}}}
	if got := DiffReport(d); got != "- 窓口 old-desk\n+ 問診票 q23\n" {
		t.Errorf("DiffReport = %q", got)
	}
	if got := DiffReport(knowledge.Diff{}); got != "変更はありません。\n" {
		t.Errorf("DiffReport of nothing = %q", got)
	}
}

func TestCodeBlock(t *testing.T) {
	if got, want := CodeBlock("~ topic bec\n    examples: + 「```」\n"), "```\n~ topic bec\n    examples: + 「'''」\n```"; got != want {
		t.Errorf("CodeBlock = %q, want %q", got, want)
	}
}

func TestAdminTextUnknownKeyShows(t *testing.T) {
	if got := AdminText("no.such.key"); got != "no.such.key" {
		t.Errorf("AdminText(unknown) = %q", got)
	}
}
