package slack

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/dialog/dialogtest"
)

var update = flag.Bool("update", false, "rewrite testdata/screens/*.golden")

// TestScreensGolden keeps what Slack receives for each scenario (the blocks of each message
// posted) as a golden file; go test ./bot/slack -update rewrites them.
func TestScreensGolden(t *testing.T) {
	for _, file := range dialogtest.ScreenScripts(t, filepath.Join("..", "..")) {
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		t.Run(name, func(t *testing.T) {
			turns, replies := dialogtest.Play(t, file, "slack")
			var b strings.Builder
			for i, r := range replies {
				b.WriteString("> " + turns[i] + "\n")
				for _, m := range render(r, renderOptions{}) {
					out, err := json.MarshalIndent(map[string]any{"text": m.text, "blocks": m.blocks}, "", " ")
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

// TestUrgentFirstMessageFitsAPhone: in Slack, the first block of every urgent topic's answer,
// the first aid, is at most 150 characters.
func TestUrgentFirstMessageFitsAPhone(t *testing.T) {
	for id, r := range dialogtest.UrgentFirstReplies(t, "slack") {
		parts := blockParts(r.Blocks[0], renderOptions{})
		if len(parts) != 1 {
			t.Fatalf("%s: the first aid is drawn as %d blocks, want 1", id, len(parts))
		}
		if n := utf8.RuneCountInString(parts[0].plain); n > 150 {
			t.Errorf("%s: the first Slack block has %d characters, want at most 150:\n%s", id, n, parts[0].plain)
		}
	}
}
