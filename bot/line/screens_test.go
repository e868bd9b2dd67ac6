package line

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/dialog/dialogtest"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

var update = flag.Bool("update", false, "rewrite testdata/screens/*.golden")

// TestScreensGolden keeps what LINE receives for each scenario (the message JSON sent to the
// Messaging API) as a golden file; go test ./bot/line -update rewrites them.
func TestScreensGolden(t *testing.T) {
	for _, file := range dialogtest.ScreenScripts(t, filepath.Join("..", "..")) {
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		t.Run(name, func(t *testing.T) {
			turns, replies := dialogtest.Play(t, file, "line")
			var b strings.Builder
			for i, r := range replies {
				requests, err := render(r)
				if err != nil {
					t.Fatalf("render the reply to %q: %v", turns[i], err)
				}
				b.WriteString("> " + turns[i] + "\n")
				for _, msgs := range requests {
					out, err := json.MarshalIndent(msgs, "", " ")
					if err != nil {
						t.Fatal(err)
					}
					b.Write(out)
					b.WriteString("\n")
				}
			}
			dialogtest.Golden(t, filepath.Join("testdata", "screens", name+".json.golden"), b.String(), *update)
		})
	}
}

// TestUrgentFirstMessageFitsAPhone: on LINE, the first message of every urgent topic's answer
// is at most 150 characters, and the whole answer fits one reply (five messages).
func TestUrgentFirstMessageFitsAPhone(t *testing.T) {
	for id, r := range dialogtest.UrgentFirstReplies(t, "line") {
		requests, err := render(r)
		if err != nil || len(requests) == 0 {
			t.Fatalf("render %s: %v", id, err)
		}
		first, ok := requests[0][0].(*messaging_api.TextMessage)
		if !ok {
			t.Fatalf("%s: the first message is a %T, want text", id, requests[0][0])
		}
		if n := utf8.RuneCountInString(first.Text); n > 150 {
			t.Errorf("%s: the first LINE message has %d characters, want at most 150:\n%s", id, n, first.Text)
		}
		if len(requests) != 1 {
			t.Errorf("%s: the answer takes %d reply requests, want 1", id, len(requests))
		}
	}
}
