package knowledge_test

import (
	"slices"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func TestHoursIn(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		schedule string
		closures []string
		want     string
	}{
		{"mon-fri 10:00-12:00 13:30-17:00; closed holidays", []string{"12-29..01-03"}, "Mon–Fri 10:00–12:00, 13:30–17:00 (closed on public holidays and 12/29–1/3)"},
		{"weekdays 8:30-17:15; closed holidays year-end", nil, "Mon–Fri 8:30–17:15 (closed on public holidays and 12/29–1/3)"},
		{"daily", nil, "Every day, 24 hours"},
		{"daily 9:00-21:00", nil, "Every day 9:00–21:00"},
		{"sat-sun 10:00-16:00", nil, "Sat, Sun 10:00–16:00"},
		{"mon,wed,fri 13:00-17:00", []string{"08-15"}, "Mon, Wed, Fri 13:00–17:00 (closed on 8/15)"},
		{"mon-sat 9:00-18:00", nil, "Mon–Sat 9:00–18:00"},
	}
	for _, tt := range tests {
		s, err := knowledge.ParseSchedule(tt.schedule)
		if err != nil {
			t.Fatalf("ParseSchedule(%q): %v", tt.schedule, err)
		}
		for _, c := range tt.closures {
			cl, err := knowledge.ParseClosure(c)
			if err != nil {
				t.Fatal(err)
			}
			s.Closures = append(s.Closures, cl)
		}
		if got := kb.HoursIn(s); got != tt.want {
			t.Errorf("%q HoursIn = %q, want %q", tt.schedule, got, tt.want)
		}
	}
}

func TestWhenIn(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 8, 30, 0, 0, knowledge.Tokyo)
	if got, want := kb.WhenIn("en", at), "Mon 12/7 8:30"; got != want {
		t.Errorf("WhenIn(en) = %q, want %q", got, want)
	}
	if got, want := kb.WhenIn("ja", at), kb.When(at); got != want {
		t.Errorf("WhenIn(ja) = %q, want When's %q", got, want)
	}
}

func TestContactsNamed(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"消費生活センターみたいなところでもいいですか", []string{"shohisha-hotline"}},
		{"IPAの電話番号は？", []string{"ipa-anshin"}},
		{"IPA 情報セキュリティ安心相談窓口の番号は", []string{"ipa-anshin"}},
		{"法テラスと警察署、どっちに行けば", []string{"houterasu", "police-station"}},
		{"ipad が壊れた", nil}, // a Latin alias stands whole
		{"ウイルスに感染した", nil},
		// the ministry's human rights bureau by the deed it is known for, not the ministry's name
		// an impostor uses
		{"法務省が削除の要請をしてくれる制度があると聞いたんですが", []string{"moj-jinken"}},
		{"法務省を名乗るSMSも来たんですが、これも無視でいいですか？", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range kb.ContactsNamed(kb.Search(tt.text)) {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ContactsNamed(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
