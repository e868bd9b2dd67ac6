package decide_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

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
			if first := (decide.Reply{Blocks: re.Blocks[:1]}).PlainText(); knowledge.HasJapanese(first) {
				t.Errorf("the first screen is not English:\n%s", first)
			}
			for _, c := range re.Choices {
				if knowledge.HasJapanese(c.Label) {
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
// a lone word ("ok", "No") switches neither way.
func TestLanguageFollowsTheUser(t *testing.T) {
	tk := newTalks(t, decide.Policy{})
	tests := []struct {
		text, want string
	}{
		{"ok", "ja"},
		{"My PC shows a fake virus warning", "en"},
		{"12", "en"},
		{"No", "en"}, // a typed answer, though it also reads as the romaji の
		{"日本語でお願いします", "ja"},
		{"kaado bangou wo nyuuryoku shichatta", "ja"},
	}
	for _, tt := range tests {
		if r := tk.say(t, "U1", tt.text); r.Lang != tt.want {
			t.Errorf("after %q the reply is in %q, want %q", tt.text, r.Lang, tt.want)
		}
	}
}

// TestEnglishScreensHoldNoUntranslatedText: in a conversation held in English, every topic's
// choices are English, the cards hold no Japanese under their English labels (the Japanese
// name beside the English one aside), and a Japanese answer text comes after the line that says
// the details are in Japanese. Typing "English" while the Japanese menu is on screen shows the
// English menu.
func TestEnglishScreensHoldNoUntranslatedText(t *testing.T) {
	tk := newTalks(t, decide.Policy{})
	note, sayNote := tk.kb.MessageIn("en", "details_in_japanese"), tk.kb.MessageIn("en", "english_note")
	for _, tp := range tk.kb.Topics() {
		t.Run(tp.ID, func(t *testing.T) {
			user := "EN-" + tp.ID
			tk.say(t, user, "Hello, I need some help please")
			r := tk.tap(t, user, "t:"+tp.ID)
			if len(tp.Questions) > 0 && !tp.Urgent {
				// the question's choices, then the answer of its first option
				r = tk.tap(t, user, r.Choices[0].ID)
			}
			for _, c := range r.Choices {
				if knowledge.HasJapanese(c.Label) {
					t.Errorf("choice %q is not English", c.Label)
				}
			}
			noted := false
			for _, b := range r.Blocks {
				for _, c := range b.Contacts {
					for _, f := range c.Fields {
						if knowledge.HasJapanese(f.Value) {
							t.Errorf("card %s: %s %q is Japanese", c.Name, f.Label, f.Value)
						}
					}
				}
				if b.Text == note {
					noted = true
				}
				if b.Kind == decide.TextBlock && knowledge.HasJapanese(b.Text) && !noted && !strings.HasPrefix(b.Text, sayNote) {
					t.Errorf("Japanese text without the English line before it:\n%s", b.Text)
				}
			}
		})
	}
	tk.say(t, "MENU", "こんにちは")
	r := tk.say(t, "MENU", "English")
	for _, c := range r.Choices {
		if knowledge.HasJapanese(c.Label) && c.Label != tk.kb.MessageIn("en", "label_japanese") {
			t.Errorf("after typing English the menu offers %q", c.Label)
		}
	}
}
