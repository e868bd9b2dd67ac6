package terminal

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// respondFunc is the fake responder: a function.
type respondFunc func(context.Context, dialog.Message) (dialog.Reply, error)

func (f respondFunc) Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error) {
	return f(ctx, m)
}

// TestLongLineIsCutNotFatal: a line longer than maxLine is passed on cut, and the conversation
// goes on with the next line.
func TestLongLineIsCutNotFatal(t *testing.T) {
	var texts []string
	r := respondFunc(func(_ context.Context, m dialog.Message) (dialog.Reply, error) {
		if m.Event == dialog.EventResume {
			return dialog.Reply{}, nil
		}
		texts = append(texts, m.Text)
		return dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "了解しました"}}}, nil
	})
	long := strings.Repeat("あ", 100<<10/3+1) // over 100 KiB
	in := strings.NewReader(long + "\n二行目\r\n三行目")
	var out strings.Builder
	if err := Run(context.Background(), r, in, &out, Config{}); err != nil {
		t.Fatalf("Run with a 100 KiB line = %v, want nil", err)
	}
	if len(texts) != 3 {
		t.Fatalf("the engine got %d lines, want 3", len(texts))
	}
	if n := len(texts[0]); n > maxLine || n < maxLine-utf8.UTFMax || !utf8.ValidString(texts[0]) || !strings.HasPrefix(long, texts[0]) {
		t.Errorf("the long line was passed on as %d bytes (valid UTF-8: %v), want its first %d at most, cut between characters",
			n, utf8.ValidString(texts[0]), maxLine)
	}
	if texts[1] != "二行目" || texts[2] != "三行目" {
		t.Errorf("the lines after it were passed on as %q, %q; want 二行目, 三行目", texts[1], texts[2])
	}
	if strings.Count(out.String(), "了解しました") != 3 {
		t.Errorf("%d answers in the transcript, want 3:\n%.300s", strings.Count(out.String(), "了解しました"), out.String())
	}
}

func TestReadLine(t *testing.T) {
	br := bufio.NewReaderSize(strings.NewReader("a\n\nb\r\nc"), 16)
	for _, want := range []string{"a", "", "b", "c"} {
		if got, err := readLine(br); err != nil || got != want {
			t.Errorf("readLine = %q, %v; want %q", got, err, want)
		}
	}
	if got, err := readLine(br); err != io.EOF {
		t.Errorf("readLine at the end = %q, %v; want io.EOF", got, err)
	}
}
