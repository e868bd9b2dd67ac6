package decide_test

import (
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// talks holds conversations decided one message after another, without a database: what the
// engine would store between two steps, it keeps here.
type talks struct {
	kb     *knowledge.Base
	policy decide.Policy
	now    time.Time
	convs  map[string]*decide.Conversation
}

func newTalks(t *testing.T, policy decide.Policy) *talks {
	t.Helper()
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return &talks{kb: kb, policy: policy, now: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo),
		convs: map[string]*decide.Conversation{}}
}

// step decides m in the conversation of m.UserID and keeps the conversation it leaves.
func (tk *talks) step(t *testing.T, m decide.Message) decide.Reply {
	t.Helper()
	if m.Channel == "" {
		m.Channel = "test"
	}
	conv := tk.convs[m.UserID]
	if conv == nil {
		conv = &decide.Conversation{}
	}
	st, err := decide.Decide(decide.In{KB: tk.kb, Policy: tk.policy, Conv: conv.Clone(), Msg: m, Now: tk.now, CaseID: "2026-0001"})
	if err != nil {
		t.Fatalf("Decide(%+v): %v", m, err)
	}
	tk.convs[m.UserID] = st.Conv
	return st.Reply
}

func (tk *talks) say(t *testing.T, user, text string) decide.Reply {
	t.Helper()
	return tk.step(t, decide.Message{UserID: user, Text: text})
}

func (tk *talks) tap(t *testing.T, user, choice string) decide.Reply {
	t.Helper()
	return tk.step(t, decide.Message{UserID: user, Choice: choice})
}

// choiceID returns the id of the reply's choice labelled label.
func choiceID(t *testing.T, r decide.Reply, label string) string {
	t.Helper()
	for _, c := range r.Choices {
		if c.Label == label {
			return c.ID
		}
	}
	t.Fatalf("no choice %q among %v", label, r.Choices)
	return ""
}
