package decide_test

import (
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// Decide is a function of its input: each row is one message to a new conversation, decided
// without a database.
func TestDecide(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, knowledge.Tokyo) // a Tuesday morning: open
	tests := []struct {
		name        string
		policy      decide.Policy
		m           decide.Message
		wantOutcome decide.Outcome
		wantTopic   string
		wantMode    decide.Mode
		wantFx      func(decide.Effects) bool
		wantText    string // a text the reply holds
	}{
		{name: "sms_phishing_says_what_it_typed", m: decide.Message{Text: "銀行を名乗るSMSのリンクからパスワードを入れてしまった"},
			wantOutcome: decide.Answer, wantTopic: "phishing", wantMode: decide.ModeAnswered,
			wantFx: func(fx decide.Effects) bool { return fx.Topic == "phishing" && !fx.Handoff }},
		{name: "sms_phishing_asks_what_was_typed", m: decide.Message{Text: "銀行を名乗るSMSのリンクを開いて、何か入力してしまった"},
			wantOutcome: decide.Answer, wantTopic: "phishing", wantMode: decide.ModeQuestion,
			wantFx: func(fx decide.Effects) bool { return fx.Topic == "phishing" && !fx.Handoff }},
		{name: "nonsense_is_kept_unanswered", m: decide.Message{Text: "ほげほげ"}, wantOutcome: decide.Fallback,
			wantFx: func(fx decide.Effects) bool { return fx.Unanswered != nil && fx.Unanswered.Outcome == decide.Fallback }},
		{name: "escalation_names_its_case", policy: decide.Policy{Staffed: true}, m: decide.Message{Text: "担当者と話したい"},
			wantOutcome: decide.Escalate, wantMode: decide.ModeHandoff, wantText: "2026-0042",
			wantFx: func(fx decide.Effects) bool { return fx.Handoff }},
		{name: "escalation_without_staff", m: decide.Message{Text: "担当者と話したい"}, wantOutcome: decide.Escalate,
			wantText: "直接おつなぎできません", wantFx: func(fx decide.Effects) bool { return fx.Handoff }},
		{name: "unfollow_forgets", m: decide.Message{Event: decide.EventUnfollow},
			wantFx: func(fx decide.Effects) bool { return fx.Forget }},
		{name: "rate_limited", m: decide.Message{Event: decide.EventRateLimited},
			wantFx: func(fx decide.Effects) bool { return !fx.Handoff && fx.Unanswered == nil && len(fx.Counts) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.m.Channel, tt.m.UserID = "line", "U1"
			st, err := decide.Decide(decide.In{KB: kb, Policy: tt.policy, Conv: &decide.Conversation{}, Msg: tt.m, Now: now, CaseID: "2026-0042"})
			if err != nil {
				t.Fatal(err)
			}
			if st.Reply.Outcome != tt.wantOutcome || st.Reply.Topic != tt.wantTopic {
				t.Errorf("Decide(%q) = %s/%s, want %s/%s", tt.m.Text, st.Reply.Outcome, st.Reply.Topic, tt.wantOutcome, tt.wantTopic)
			}
			if st.Conv.Mode != tt.wantMode {
				t.Errorf("Decide(%q) leaves the conversation in mode %q, want %q", tt.m.Text, st.Conv.Mode, tt.wantMode)
			}
			if tt.wantFx != nil && !tt.wantFx(st.Effects) {
				t.Errorf("Decide(%q) has effects %+v", tt.m.Text, st.Effects)
			}
			text := st.Reply.PlainText()
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("Decide(%q) says\n%s\nwant it to say %q", tt.m.Text, text, tt.wantText)
			}
			if strings.Contains(text, "{case}") {
				t.Errorf("Decide(%q) leaves a placeholder:\n%s", tt.m.Text, text)
			}
			if h := st.Reply.Handoff; h != nil && h.CaseID != "2026-0042" {
				t.Errorf("Decide(%q) hands off to case %q, want 2026-0042", tt.m.Text, h.CaseID)
			}
		})
	}
}
