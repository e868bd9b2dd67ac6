package dialog_test

import (
	"context"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// FuzzChoice presses arbitrary button ids (postback data, Slack action values come from
// outside): a reply, never an error or a panic.
func FuzzChoice(f *testing.F) {
	for _, s := range []string{"t:ransomware", "m:emergency", "a:intake", "o:3:who:company", "i:9:q1:yes", "s:claim:2026-0001",
		"o:-1:x:y", "i:99999999999999999999:q:0", "t:", "a:", "::::", "o:1::", "\x00"} {
		f.Add(s, "")
	}
	f.Add("a:intake", "はい")
	te := newFuzzEngine(f)
	f.Fuzz(func(t *testing.T, choice, text string) {
		ctx := context.Background()
		for _, m := range []dialog.Message{{Text: "ランサムウェアに感染したかも"}, {Choice: choice}, {Text: text}, {Choice: choice}} {
			m.Channel, m.UserID = "fuzz", "u"
			r, err := te.Respond(ctx, m)
			if err != nil {
				t.Fatalf("Respond(%+v): %v", m, err)
			}
			if len(r.Choices) > 13 {
				t.Fatalf("%d choices", len(r.Choices))
			}
		}
		dialog.ParseStaffChoice(choice)
	})
}

func newFuzzEngine(f *testing.F) *dialog.Engine {
	dir := f.TempDir()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		f.Fatal(err)
	}
	e, err := dialog.Open(dir+"/fuzz.db", lib, discard, dialog.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { e.Close() })
	return e
}
