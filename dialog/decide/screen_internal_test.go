package decide

import (
	"maps"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// TestFirstScreenFitsAPhone: for every urgent topic, and for every situation a topic has a line
// of its own for, the first block of the answer (what the terminal prints first, and the first
// message on LINE and Slack) is at most 150 characters, and the answer is at most three blocks
// before its choices: the first aid, the contacts, what to do next.
func TestFirstScreenFitsAPhone(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 21, 0, 0, 0, knowledge.Tokyo)
	for _, tp := range kb.Topics() {
		if !tp.Urgent {
			continue
		}
		variants := append([]string{""}, slices.Sorted(maps.Keys(tp.FirstAid.Situations))...)
		for _, s := range variants {
			d := newDecider(kb, Policy{}, &Conversation{Schema: SchemaVersion}, now)
			if s != "" {
				d.res.Situations = []string{s}
			}
			d.enterTopic(tp)
			first := Reply{Blocks: d.reply.Blocks[:1]}.PlainText()
			if n := utf8.RuneCountInString(first); n > 150 {
				t.Errorf("%s (situation %q): the first message has %d characters, want at most 150:\n%s", tp.ID, s, n, first)
			}
			if len(d.reply.Blocks) > 3 {
				t.Errorf("%s (situation %q): the answer has %d blocks, want at most 3", tp.ID, s, len(d.reply.Blocks))
			}
		}
	}
}

func TestNamingRuns(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"LANケーブルってどれですか", []string{"LANケーブル"}},
		{"遠隔操作のソフトは消しました", []string{"遠隔操作", "ソフト"}},
		// an honorific prefix names with its kanji; two kanji alone do not
		{"お客様には連絡したほうがいいですか", []string{"お客様"}},
		{"Should I tell the boss", nil},
	}
	for _, tt := range tests {
		if got := namingRuns(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("namingRuns(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestWithoutRepeats(t *testing.T) {
	for _, tt := range []struct{ text, said, want string }{
		{"a\n・b\nc", "b", "a\nc"},
		{"a\nb", "", "a\nb"},
		{"a\n\nb", "a", "\nb"},
		{"・担当者がいない場合は、上司が対応します。\n記録しておく", "担当者がいない場合は、上司が対応します。", "記録しておく"},
		// the same desks in other words are said already; another sentence about them is not
		{"・障害の相談先は、システム担当者、保守業者、購入先、メーカーのサポート窓口です。\n・判断できない場合は、システム担当者から運用保守業者に相談します。",
			"機器やネットワークの障害は、システム担当者、保守業者、購入先、メーカーのサポート窓口に連絡してください。",
			"・判断できない場合は、システム担当者から運用保守業者に相談します。"},
		// a short line is compared whole only
		{"下の窓口に相談する。", "下の窓口に相談してください。", "下の窓口に相談する。"},
	} {
		if got := withoutRepeats(tt.text, tt.said); got != tt.want {
			t.Errorf("withoutRepeats(%q, %q) = %q, want %q", tt.text, tt.said, got, tt.want)
		}
	}
}
