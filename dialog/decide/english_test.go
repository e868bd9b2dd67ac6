package decide_test

import (
	"slices"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
)

// hasJapanese reports whether s holds kana or kanji.
func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30ff || r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// facts returns the phones and URLs on a reply's contact cards, sorted.
func facts(r decide.Reply) []string {
	var out []string
	for _, b := range r.Blocks {
		for _, c := range b.Contacts {
			out = append(out, c.Phone, c.URL)
		}
	}
	slices.Sort(out)
	return out
}

// TestEnglishEmergencyPath: every urgent topic answers a conversation held in English with its
// first screen in English, its question and choices in English, and exactly the contacts
// (phones and URLs) of the Japanese answer.
func TestEnglishEmergencyPath(t *testing.T) {
	tk := newTalks(t, decide.Policy{})
	for _, tp := range tk.kb.Topics() {
		if !tp.Urgent {
			continue
		}
		t.Run(tp.ID, func(t *testing.T) {
			en, ja := "EN-"+tp.ID, "JA-"+tp.ID
			if r := tk.say(t, en, "Hello, I need some help please"); r.Lang != "en" {
				t.Fatalf("an English greeting left the conversation in %q", r.Lang)
			}
			re := tk.tap(t, en, "t:"+tp.ID)
			rj := tk.tap(t, ja, "t:"+tp.ID)
			if first := (decide.Reply{Blocks: re.Blocks[:1]}).PlainText(); hasJapanese(first) {
				t.Errorf("the first screen is not English:\n%s", first)
			}
			for _, c := range re.Choices {
				if hasJapanese(c.Label) {
					t.Errorf("choice %q is not English", c.Label)
				}
			}
			if got, want := facts(re), facts(rj); !slices.Equal(got, want) {
				t.Errorf("English contacts %q, Japanese %q: want the same phones and URLs", got, want)
			}
		})
	}
}

// TestLanguageFollowsTheUser: writing Japanese after English switches the conversation back, and
// a lone "ok" does not switch a Japanese conversation to English.
func TestLanguageFollowsTheUser(t *testing.T) {
	tk := newTalks(t, decide.Policy{})
	tests := []struct {
		text, want string
	}{
		{"ok", "ja"},
		{"My PC shows a fake virus warning", "en"},
		{"12", "en"},
		{"日本語でお願いします", "ja"},
		{"kaado bangou wo nyuuryoku shichatta", "ja"},
	}
	for _, tt := range tests {
		if r := tk.say(t, "U1", tt.text); r.Lang != tt.want {
			t.Errorf("after %q the reply is in %q, want %q", tt.text, r.Lang, tt.want)
		}
	}
}
