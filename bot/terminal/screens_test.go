package terminal

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog/dialogtest"
)

var update = flag.Bool("update", false, "rewrite testdata/screens/*.golden")

// TestScreensGolden keeps what the terminal prints for each scenario, on a staffed helpdesk (so
// that waiting for a person can be shown; helpdesk chat itself has no staff channel), as a
// golden file; go test ./bot/terminal -update rewrites them.
func TestScreensGolden(t *testing.T) {
	for _, file := range dialogtest.ScreenScripts(t, filepath.Join("..", "..")) {
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		t.Run(name, func(t *testing.T) {
			turns, replies := dialogtest.Play(t, file, "terminal")
			var b strings.Builder
			for i, r := range replies {
				b.WriteString("> " + turns[i] + "\n")
				write(&b, r)
			}
			dialogtest.Golden(t, filepath.Join("testdata", "screens", name+".golden"), b.String(), *update)
		})
	}
}
