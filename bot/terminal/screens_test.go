package terminal

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

var update = flag.Bool("update", false, "rewrite testdata/screens/*.golden")

// screenScripts are the conversations whose screens are kept as goldens on every channel: the
// chat scripts of cmd/helpdesk (a line per message, "#now" setting the clock), and the ones only
// a staffed channel can play (.script: waiting for a person).
func screenScripts(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join("..", "..", "cmd", "helpdesk", "testdata", "chat")
	files, _ := filepath.Glob(filepath.Join(dir, "screens", "*.txt"))
	scripts, _ := filepath.Glob(filepath.Join(dir, "screens", "*.script"))
	files = append(append(files, scripts...), filepath.Join(dir, "intake-summary.txt"))
	if len(files) < 8 {
		t.Fatalf("found %d screen scripts under %s, want the eight scenarios", len(files), dir)
	}
	return files
}

// playScript runs a script against a staffed engine and returns each message's text with the
// reply it got.
func playScript(t *testing.T, file, channel string) (turns []string, replies []dialog.Reply) {
	t.Helper()
	script, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)
	e, err := dialog.Open(filepath.Join(t.TempDir(), "h.db"), lib, slog.New(slog.NewTextHandler(io.Discard, nil)),
		dialog.Options{Policy: dialog.Policy{Staffed: true}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	for _, line := range strings.Split(strings.TrimRight(string(script), "\n"), "\n") {
		if at, ok := strings.CutPrefix(line, "#now "); ok {
			if now, err = time.Parse(time.RFC3339, at); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			continue
		}
		r, err := e.Respond(context.Background(), dialog.Message{Channel: channel, UserID: "U1", Text: line})
		if err != nil {
			t.Fatalf("%s: Respond(%q): %v", file, line, err)
		}
		turns, replies = append(turns, line), append(replies, r)
	}
	return turns, replies
}

// TestScreensGolden keeps what the terminal prints for each scenario, on a staffed helpdesk (so
// that waiting for a person can be shown; helpdesk chat itself has no staff channel), as a
// golden file; go test ./bot/terminal -update rewrites them.
func TestScreensGolden(t *testing.T) {
	for _, file := range screenScripts(t) {
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		t.Run(name, func(t *testing.T) {
			turns, replies := playScript(t, file, "terminal")
			var b strings.Builder
			for i, r := range replies {
				b.WriteString("> " + turns[i] + "\n")
				write(&b, r)
			}
			golden := filepath.Join("testdata", "screens", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./bot/terminal -update)", err)
			}
			if string(want) != b.String() {
				t.Errorf("%s differs from what the terminal prints (run go test ./bot/terminal -update and read the diff)", golden)
			}
		})
	}
}
