package decide_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func loadSeeds(t *testing.T) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

// alertTitles returns the titles of the reply's alert blocks, in order.
func alertTitles(r decide.Reply) []string {
	var out []string
	for _, b := range r.Blocks {
		if b.Kind == decide.AlertsBlock {
			out = append(out, b.Title)
		}
	}
	return out
}

func TestAlertsAreCurrentOnlyForAYear(t *testing.T) {
	kb := loadSeeds(t)
	current, past := kb.Message("alerts_title"), strings.ReplaceAll(kb.Message("alerts_past_title"), "{year}", "2022")
	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"march_2022", time.Date(2022, 3, 10, 10, 0, 0, 0, knowledge.Tokyo), []string{current}},
		{"december_2026", time.Date(2026, 12, 5, 10, 0, 0, 0, knowledge.Tokyo), []string{past}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Alerts are in 「詳しい説明」, one tap behind an urgent topic's first screen.
			tk := newTalks(t, decide.Policy{})
			tk.now = tt.now
			tk.say(t, "U1", "Emotetに感染したかも")
			r := tk.tap(t, "U1", "a:details")
			if got := alertTitles(r); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("details of emotet at %s: alert headings %q, want %q", tt.now.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}

// cardNames returns the names on the reply's contact cards.
func cardNames(r decide.Reply) []string {
	var out []string
	for _, b := range r.Blocks {
		for _, c := range b.Contacts {
			out = append(out, c.Name)
		}
	}
	return out
}

// TestConsumersOnlyContactsOnlyForPrivatePersons walks every topic and every option of its
// questions, and then asks for the contacts again and for a person: a desk that takes no
// companies (consumers_only) may appear only after an option marked personal.
func TestConsumersOnlyContactsOnlyForPrivatePersons(t *testing.T) {
	tk := newTalks(t, decide.Policy{})
	kb := tk.kb
	consumersOnly := map[string]bool{}
	for _, c := range kb.Contacts() {
		if c.ConsumersOnly {
			consumersOnly[c.Name] = true
		}
	}
	if len(consumersOnly) == 0 {
		t.Fatal("no contact is consumers_only: the seeds mark 消費者ホットライン")
	}
	check := func(t *testing.T, what string, r decide.Reply, personal bool) {
		t.Helper()
		for _, name := range cardNames(r) {
			if consumersOnly[name] && !personal {
				t.Errorf("%s offers %s, which takes no companies, without a personal option", what, name)
			}
		}
	}
	shownPersonal := false
	n := 0
	for _, topic := range kb.Topics() {
		user := func() string { n++; return "u" + strconv.Itoa(n) }
		u := user()
		r := tk.tap(t, u, "t:"+topic.ID)
		check(t, topic.ID, r, false)
		check(t, topic.ID+" contacts", tk.tap(t, u, "a:contacts"), false)
		check(t, topic.ID+" person", tk.tap(t, u, "a:person"), false)
		for _, q := range topic.Questions {
			for _, o := range q.Options {
				u := user()
				r := tk.tap(t, u, "t:"+topic.ID)
				if q.ID != topic.Questions[0].ID {
					continue // only the first question is asked on entry
				}
				r = tk.tap(t, u, choiceID(t, r, o.Label))
				what := topic.ID + "/" + o.ID
				personal := o.Personal && o.Topic == ""
				check(t, what, r, personal)
				for _, name := range cardNames(r) {
					shownPersonal = shownPersonal || consumersOnly[name]
				}
				check(t, what+" contacts", tk.tap(t, u, "a:contacts"), personal)
				check(t, what+" person", tk.tap(t, u, "a:person"), personal)
			}
		}
	}
	if !shownPersonal {
		t.Error("no personal option offers a consumers_only contact: the seeds offer 消費者ホットライン to a person who paid personally")
	}
}

func TestConsumersOnlyContactsLeftOutOfOneShotAnswers(t *testing.T) {
	kb := loadSeeds(t)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, knowledge.Tokyo)
	for _, text := range []string{"ネット通販で買った商品が届かない", "身に覚えのない請求のメールが来た", "冷蔵庫が壊れた", "サポート詐欺で払ってしまった"} {
		for _, name := range cardNames(decide.Triage(kb, decide.Policy{}, text, now)) {
			if c := contactNamed(kb, name); c != nil && c.ConsumersOnly {
				t.Errorf("Triage(%q) offers %s, which takes no companies", text, name)
			}
		}
	}
}

func contactNamed(kb *knowledge.Base, name string) *knowledge.Contact {
	for _, c := range kb.Contacts() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestPastAnswersAreEditedExamples checks that 回答例を見る shows the edited text of faq.yaml
// under a line saying these are past examples, never the CSV's text as exported.
func TestPastAnswersAreEditedExamples(t *testing.T) {
	tk := newTalks(t, decide.Policy{})
	kb := tk.kb
	tk.tap(t, "u1", "t:targeted-attack")
	r := tk.tap(t, "u1", "a:faq")
	text := r.PlainText()
	if !strings.Contains(text, kb.Message("faq_intro")) {
		t.Errorf("回答例 without the line that says they are past examples:\n%s", text)
	}
	for _, p := range kb.PastAnswers("targeted-attack") {
		if !strings.Contains(text, p.Text) {
			t.Errorf("回答例 lacks the edited answer of 受理番号 %s", p.No)
		}
	}
	for _, raw := range []string{"通常のセキュリティ対策が行った上で", "メールで」やり取り", "指導教育を徹底すること"} {
		if strings.Contains(text, raw) {
			t.Errorf("回答例 shows the CSV's text as exported (%q)", raw)
		}
	}
}

// TestUrgentCardsDoNotSayReadFirst checks that a card in an urgent answer never asks the user to
// read a FAQ before calling, while the same card elsewhere still gives that advice.
func TestUrgentCardsDoNotSayReadFirst(t *testing.T) {
	kb := loadSeeds(t)
	c := kb.Contact("ipa-anshin")
	if c == nil || c.PrepareNotUrgent == "" {
		t.Fatal("ipa-anshin has no prepare_not_urgent: the seeds advise reading its FAQ first")
	}
	now := time.Date(2026, 12, 7, 10, 30, 0, 0, knowledge.Tokyo)
	urgent := decide.Triage(kb, decide.Policy{}, "ランサムウェアに感染したかも", now)
	if !urgent.Urgent || !strings.Contains(strings.Join(cardNames(urgent), ","), c.Name) {
		t.Fatalf("Triage(ransomware) = urgent %v with cards %v, want an urgent answer with %s", urgent.Urgent, cardNames(urgent), c.Name)
	}
	if strings.Contains(urgent.PlainText(), c.PrepareNotUrgent) {
		t.Errorf("the urgent answer tells the user to read the FAQ before calling:\n%s", urgent.PlainText())
	}
	tk := newTalks(t, decide.Policy{})
	for _, m := range tk.kb.Menu() {
		if m.Action != "contacts" {
			continue
		}
		list := tk.tap(t, "u-list", "m:"+m.ID)
		if !strings.Contains(list.PlainText(), c.PrepareNotUrgent) {
			t.Errorf("the list of contacts shows %s without its advice to read the FAQ first", c.Name)
		}
		return
	}
	t.Error("the menu has no entry listing the contacts")
}
