// Package dialogtest plays scripted conversations against a real engine (bbolt in a temporary
// folder, the embedded knowledge, a settable clock), for the golden screen tests of every
// channel. Only tests import it.
package dialogtest

import (
	"context"
	"fmt"
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

// ScreenScripts returns the scripts whose screens every channel keeps as goldens: the chat
// scripts of cmd/helpdesk/testdata/chat/screens (a line per message, "#now" setting the clock),
// the ones only a staffed channel can play (.script: waiting for a person), and the intake
// summary. root is the repository's root relative to the calling test.
func ScreenScripts(tb testing.TB, root string) []string {
	tb.Helper()
	dir := filepath.Join(root, "cmd", "helpdesk", "testdata", "chat")
	files, _ := filepath.Glob(filepath.Join(dir, "screens", "*.txt"))
	scripts, _ := filepath.Glob(filepath.Join(dir, "screens", "*.script"))
	files = append(append(files, scripts...), filepath.Join(dir, "intake-summary.txt"))
	if len(files) < 8 {
		tb.Fatalf("found %d screen scripts under %s, want the eight scenarios", len(files), dir)
	}
	return files
}

// Play runs a script against a fresh staffed engine on channel and returns each message typed
// with the reply it got.
func Play(tb testing.TB, file string, channel dialog.Channel) (turns []string, replies []dialog.Reply) {
	tb.Helper()
	script, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)
	e, err := dialog.Open(filepath.Join(tb.TempDir(), "h.db"), lib, slog.New(slog.NewTextHandler(io.Discard, nil)),
		dialog.Options{Policy: dialog.Policy{Staffed: true}, Now: func() time.Time { return now }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	thread := ""
	for i, line := range strings.Split(strings.TrimRight(string(script), "\n"), "\n") {
		if at, ok := strings.CutPrefix(line, "#now "); ok {
			if now, err = time.Parse(time.RFC3339, at); err != nil {
				tb.Fatalf("%s: %v", file, err)
			}
			continue
		}
		thread = deliver(tb, e, now, thread)
		if text, ok := strings.CutPrefix(line, "#staff "); ok {
			// a staff member answers in the case's thread; the user's side is what is relayed
			if _, err := e.Staff(context.Background(), dialog.StaffEvent{EventID: fmt.Sprint("s", i), Thread: thread,
				Staff: "<@S1>", Action: dialog.StaffMessage, Text: text}); err != nil {
				tb.Fatalf("%s: staff message %q: %v", file, text, err)
			}
			turns, replies = append(turns, "[staff] "+text), append(replies, relayed(tb, e, now))
			continue
		}
		r, err := e.Respond(context.Background(), dialog.Message{Channel: channel, UserID: "U1", EventID: fmt.Sprint("e", i), Text: line, Address: "a"})
		if err != nil {
			tb.Fatalf("%s: Respond(%q): %v", file, line, err)
		}
		turns, replies = append(turns, line), append(replies, r)
	}
	return turns, replies
}

// deliver marks everything queued as delivered, a case post with a staff thread of its own, and
// returns the thread of the latest case (thread when none was posted).
func deliver(tb testing.TB, e *dialog.Engine, now time.Time, thread string) string {
	tb.Helper()
	p, err := e.Outbox().Pending(now, 100, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range p {
		ref := ""
		if d.Kind == dialog.KindStaff && d.Text == "" && !d.Notice {
			ref = fmt.Sprintf("C-STAFF/%d.1", d.ID)
			thread = ref
		}
		if err := e.Outbox().Delivered(d.ID, ref); err != nil {
			tb.Fatal(err)
		}
	}
	return thread
}

// relayed returns what the queue holds for the user (a staff member's message), as one reply.
func relayed(tb testing.TB, e *dialog.Engine, now time.Time) dialog.Reply {
	tb.Helper()
	p, err := e.Outbox().Pending(now, 100, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var r dialog.Reply
	for _, d := range p {
		if d.Kind == dialog.KindRelay {
			r.Blocks = append(r.Blocks, d.Reply.Blocks...)
			r.Choices = d.Reply.Choices
		}
	}
	return r
}

// Golden compares got with the golden file path, or rewrites it when update is set.
func Golden(tb testing.TB, path, got string, update bool) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test with -update)", err)
	}
	if string(want) != got {
		tb.Errorf("%s differs from what the channel would receive (run go test with -update and read the diff)", path)
	}
}

// UrgentFirstReplies returns, for every urgent topic, the reply to tapping it in a fresh
// conversation on channel.
func UrgentFirstReplies(tb testing.TB, channel dialog.Channel) map[string]dialog.Reply {
	tb.Helper()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := dialog.Open(filepath.Join(tb.TempDir(), "h.db"), lib, slog.New(slog.NewTextHandler(io.Discard, nil)), dialog.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer e.Close()
	out := map[string]dialog.Reply{}
	for _, tp := range lib.Base().Topics() {
		if !tp.Urgent {
			continue
		}
		r, err := e.Respond(context.Background(), dialog.Message{Channel: channel, UserID: "U-" + tp.ID, Choice: "t:" + tp.ID})
		if err != nil {
			tb.Fatal(err)
		}
		out[tp.ID] = r
	}
	return out
}
