package dialog_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// Compact gives back the space of erased data, keeps the rest, and refuses a file a bot holds.
func TestCompact(t *testing.T) {
	t.Parallel()
	te := newTestEngine(t, dialog.Policy{})
	te.say(t, "keep", "フィッシングサイトにパスワードを入れてしまった")
	for i := range 300 {
		te.say(t, fmt.Sprintf("gone-%d", i), "ランサムウェアで画面が赤い"+strings.Repeat("あ", 400))
	}
	// While the engine holds the file, Compact refuses and names it.
	out := filepath.Join(t.TempDir(), "compact.db")
	if _, _, err := dialog.Compact(te.path, out, 100*time.Millisecond); !errors.Is(err, dialog.ErrLocked) || !strings.Contains(err.Error(), te.path) {
		t.Errorf("Compact of a file in use = %v, want ErrLocked naming %s", err, te.path)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused Compact left %s behind: %v", out, err)
	}
	for i := range 300 {
		if _, err := te.Admin().Forget("test", fmt.Sprintf("gone-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	want := mustStats(t, te)
	te.Close()

	before, after, err := dialog.Compact(te.path, out, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if after >= before {
		t.Errorf("compacted %d bytes into %d, want smaller", before, after)
	}
	if _, _, err := dialog.Compact(te.path, out, time.Second); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Compact onto an existing file = %v, want a refusal", err)
	}
	compacted := openTestEngine(t, te.lib, dialog.Policy{}, out)
	if got := mustStats(t, compacted); !reflect.DeepEqual(got, want) {
		t.Errorf("stats after compaction = %+v, want %+v", got, want)
	}
}
