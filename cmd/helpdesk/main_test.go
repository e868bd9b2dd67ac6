package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// fixedNow is the clock of the transcripts: a Tuesday morning in Japan, when the public
// contacts with opening hours are open.
const fixedNow = "2026-11-24T10:30:00+09:00"

// testEnv returns a getenv that knows only vars.
func testEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

type runResult struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, vars map[string]string, stdin string, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, append([]string{"helpdesk"}, args...), testEnv(vars), strings.NewReader(stdin), &out, &errOut)
	return runResult{code, out.String(), errOut.String()}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/helpdesk -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run go test ./cmd/helpdesk -update and read the diff):\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

// TestChatTranscripts replays the user lines of testdata/chat/*.txt through `helpdesk chat` and
// compares the whole transcript with the .golden file beside it. In a .txt file, a line
// "#now RFC3339" sets the clock for the lines after it, and a line "#restart" ends the process
// and starts a new one on the same database, as a restart in the middle of a conversation.
func TestChatTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/chat/*.txt")
	topics, _ := filepath.Glob("testdata/chat/topics/*.txt")
	understanding, _ := filepath.Glob("testdata/chat/understanding/*.txt")
	screens, _ := filepath.Glob("testdata/chat/screens/*.txt")
	files = append(append(append(files, topics...), understanding...), screens...)
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata/chat")
	}
	for _, file := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "testdata/chat/"), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			script, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "chat.db")
			now := fixedNow
			var transcript strings.Builder
			var input []string
			flush := func() {
				res := runCmd(t, map[string]string{"HELPDESK_DB": db, "HELPDESK_NOW": now}, strings.Join(input, "\n")+"\n", "chat")
				if res.code != 0 {
					t.Fatalf("chat exited %d: %s", res.code, res.stderr)
				}
				transcript.WriteString(res.stdout)
				input = nil
			}
			for _, line := range strings.Split(strings.TrimRight(string(script), "\n"), "\n") {
				switch {
				case strings.HasPrefix(line, "#now "):
					if len(input) > 0 {
						flush()
						transcript.WriteString("=== restart ===\n")
					}
					now = strings.TrimPrefix(line, "#now ")
					transcript.WriteString("=== clock: " + now + " ===\n")
				case line == "#restart":
					flush()
					transcript.WriteString("=== restart ===\n")
				default:
					input = append(input, line)
				}
			}
			flush()
			golden(t, "chat/"+name+".golden", transcript.String())
		})
	}
}

// TestChatUrgentFirstReply is the first thing a user tries: piping "ランサムウェアに感染したかも" into
// chat prints, in the first reply, the first-aid steps and a phone number from the seeds; a
// second process on the same database continues the conversation.
func TestChatUrgentFirstReply(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	vars := map[string]string{"HELPDESK_DB": db}
	res := runCmd(t, vars, "ランサムウェアに感染したかも\n", "chat")
	if res.code != 0 {
		t.Fatalf("chat exited %d: %s", res.code, res.stderr)
	}
	_, reply, _ := strings.Cut(res.stdout, "> ランサムウェアに感染したかも\n")
	first := strings.Split(reply, "\n\n")[0]
	if !strings.Contains(first, "いますぐやること") || !strings.Contains(first, "LANケーブルを抜き") {
		t.Errorf("first reply does not start with the first-aid steps:\n%s", first)
	}
	phone := regexp.MustCompile(`電話：(0[\d-]+)`).FindStringSubmatch(reply)
	if phone == nil {
		t.Fatalf("first reply has no phone number:\n%s", reply)
	}
	kb := loadTestKnowledge(t)
	found := false
	for _, c := range kb.Contacts() {
		found = found || c.Phone == phone[1]
	}
	if !found {
		t.Errorf("phone %s is not a contact of the seeds", phone[1])
	}
	// A second process continues: typing 1 picks the first choice of the last reply
	// (詳しい説明), which only means something inside the same conversation.
	res = runCmd(t, vars, "1\n", "chat")
	if res.code != 0 {
		t.Fatalf("second chat exited %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, "ネットワークから切り離します") {
		t.Errorf("second process did not continue the conversation (no full first aid after 1):\n%s", res.stdout)
	}
}

func loadTestKnowledge(t *testing.T) *knowledge.Base {
	t.Helper()
	fsys, _, err := (&env{getenv: testEnv(nil)}).knowledgeFS("", "")
	if err != nil {
		t.Fatal(err)
	}
	kb, err := knowledge.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

func TestChatBadInput(t *testing.T) {
	long := strings.Repeat("あ", 10000)
	tests := []struct {
		name  string
		input string
		want  string // appears in the transcript
	}{
		{"empty_lines", "\n\n   \n", "メッセージが空"},
		{"ten_thousand_chars", long + "\n", "最初の 2000 文字"},
		{"control_characters", "ランサム\x00ウェア\x07に\x1b[31m感染\n", "いますぐやること"},
		{"only_emoji", "😱😱😱🙏\n", "うまく読み取れません"},
		{"number_not_a_choice", "99\n", "その番号の選択肢はありません"},
		{"full_width_number", "１\n", "いま起きていることに近いもの"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runCmd(t, map[string]string{"HELPDESK_DB": filepath.Join(t.TempDir(), "h.db")}, tt.input, "chat")
			if res.code != 0 {
				t.Fatalf("chat exited %d: %s", res.code, res.stderr)
			}
			if !strings.Contains(res.stdout, tt.want) {
				t.Errorf("transcript does not contain %q:\n%.2000s", tt.want, res.stdout)
			}
			if strings.Contains(res.stderr, "panic") {
				t.Errorf("stderr mentions a panic:\n%s", res.stderr)
			}
		})
	}
}

func TestChatDatabaseErrors(t *testing.T) {
	t.Run("locked_by_another_process", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "h.db")
		// The first chat holds the database while it waits for input that never comes.
		pr, pw, _ := os.Pipe()
		defer pw.Close()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			var out, errOut bytes.Buffer
			done <- run(ctx, []string{"helpdesk", "chat"}, testEnv(map[string]string{"HELPDESK_DB": db}), pr, &out, &errOut)
		}()
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := os.Stat(db); err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		res := runCmd(t, map[string]string{"HELPDESK_DB": db}, "こんにちは\n", "chat")
		cancel()
		pw.Close()
		<-done
		if res.code == 0 || !strings.Contains(res.stderr, "locked by another process") {
			t.Errorf("second chat on a locked database: exit %d, stderr %q; want non-zero and a clear message", res.code, res.stderr)
		}
	})
	t.Run("cannot_be_created", func(t *testing.T) {
		res := runCmd(t, map[string]string{"HELPDESK_DB": filepath.Join(t.TempDir(), "no", "such", "dir", "h.db")}, "", "chat")
		if res.code == 0 || !strings.Contains(res.stderr, "does not exist") {
			t.Errorf("chat with an impossible database path: exit %d, stderr %q", res.code, res.stderr)
		}
	})
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{nil, exitUsage, "usage: helpdesk"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"ask", "--no-such-flag"}, exitUsage, "flag provided but not defined"},
		{[]string{"chat", "-h"}, exitOK, "usage: helpdesk chat"},
		{[]string{"knowledge"}, exitUsage, "usage: helpdesk knowledge <command>"},
		{[]string{"knowledge", "verify"}, exitUsage, `helpdesk knowledge: unknown command "verify"`},
		{[]string{"cases"}, exitUsage, "  export "},
		{[]string{"cases", "export", "--since", "yesterday"}, exitUsage, "--since"},
		{[]string{"forget", "--channel", "teams", "U1"}, exitUsage, "--channel=teams: unknown channel; want one of line, slack, terminal"},
	}
	for _, tt := range tests {
		res := runCmd(t, nil, "", tt.args...)
		if res.code != tt.wantCode || !strings.Contains(res.stderr, tt.wantErr) {
			t.Errorf("helpdesk %v = exit %d, stderr %q; want exit %d and %q", tt.args, res.code, res.stderr, tt.wantCode, tt.wantErr)
		}
	}
}

// TestChatAndAskRefuseBadSettings: a setting chat or ask cannot use ends the command with exit
// 1 and a message naming the variable (exit 2 is for unknown flags and commands).
func TestChatAndAskRefuseBadSettings(t *testing.T) {
	for _, cmd := range []string{"chat", "ask"} {
		for _, bad := range []map[string]string{{"HELPDESK_NOW": "yesterday"}, {"HELPDESK_HOURS": "always"}} {
			vars := map[string]string{"HELPDESK_DB": filepath.Join(t.TempDir(), "h.db")}
			var name string
			for k, v := range bad {
				vars[k], name = v, k
			}
			res := runCmd(t, vars, "こんにちは\n", cmd)
			if res.code != exitFail || !strings.Contains(res.stderr, name) {
				t.Errorf("helpdesk %s with %v = exit %d, stderr %q; want exit 1 naming %s", cmd, bad, res.code, res.stderr, name)
			}
		}
	}
}

// TestUsageLinesNameEveryFlag: the usage line of every command names each of its flags, so that
// reading the first line of -h is enough.
func TestUsageLinesNameEveryFlag(t *testing.T) {
	var paths [][]string
	for _, c := range commands() {
		switch c.name {
		case "knowledge":
			paths = append(paths, []string{"knowledge", "check"}, []string{"knowledge", "diff"}, []string{"knowledge", "add-example"})
		case "line":
			paths = append(paths, []string{"line", "richmenu"})
		case "slack":
			paths = append(paths, []string{"slack", "manifest"})
		case "cases":
			paths = append(paths, []string{"cases", "export"})
		default:
			paths = append(paths, []string{c.name})
		}
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, p := range paths {
		res := runCmd(t, nil, "", append(p, "-h")...)
		usage, _, _ := strings.Cut(res.stderr, "\n")
		if res.code != exitOK || !strings.HasPrefix(usage, "usage: helpdesk "+strings.Join(p, " ")) {
			t.Errorf("helpdesk %s -h = exit %d, %q", strings.Join(p, " "), res.code, usage)
			continue
		}
		for _, m := range flagLine.FindAllStringSubmatch(res.stderr, -1) {
			if !strings.Contains(usage, "--"+m[1]) {
				t.Errorf("%s: does not name --%s", usage, m[1])
			}
		}
	}
}
