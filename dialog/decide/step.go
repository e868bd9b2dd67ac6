package decide

import (
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Unanswered is a free text that ended in clarify or fallback, kept (truncated, without any
// user id) for the admins' "what did we not answer" report.
type Unanswered struct {
	Text    string    `json:"text"`
	Outcome Outcome   `json:"outcome"`
	Topics  []string  `json:"topics,omitempty"`
	At      time.Time `json:"at"`
	// Channel and Who let Forget find a person's texts: Who holds keyed hashes of the ids of
	// whoever wrote it (the conversation's user and, in a Slack thread, the person), never the
	// ids themselves. Admin.Unanswered leaves Who out.
	Channel Channel  `json:"channel,omitempty"`
	Who     []string `json:"who,omitempty"`
}

// Step is what one message does to one conversation: the conversation as it stands after it,
// the reply, and the effects the store applies with it.
type Step struct {
	Conv    *Conversation
	Reply   Reply
	Effects Effects
}

// In is what one step is decided from.
type In struct {
	KB     *knowledge.Base
	Policy Policy
	Conv   *Conversation // the conversation as stored; the step changes it
	Msg    Message
	Now    time.Time
	// CaseID is the case the step hands the conversation to if it escalates: the id the next
	// case will get, reserved by the caller, or the case the person already has open.
	CaseID string
}

// Decide runs one step. It changes in.Conv (which the step then holds) and touches nothing
// else. A panic (a bug) is returned as an error, so one broken conversation never takes the
// process down.
func Decide(in In) (s Step, err error) {
	m, conv := in.Msg, in.Conv
	if m.Person != "" && m.Person != m.UserID && !slices.Contains(conv.People, m.Person) {
		conv.People = append(conv.People, m.Person)
	}
	d := newDecider(in.KB, in.Policy, conv, in.Now)
	d.caseID = in.CaseID
	defer func() {
		if r := recover(); r != nil {
			s, err = Step{}, fmt.Errorf("decide: panic: %v\n%s", r, debug.Stack())
		}
	}()
	d.step(m)
	return Step{Conv: conv, Reply: d.reply, Effects: d.fx}, nil
}

// Triage answers one free text as a new conversation would, without a conversation to keep:
// what `helpdesk ask` prints. policy decides how escalation is worded; no case is opened, so
// its number reads "-".
func Triage(kb *knowledge.Base, policy Policy, text string, now time.Time) Reply {
	d := newDecider(kb, policy, &Conversation{}, now)
	d.oneShot = true
	d.caseID = "-"
	d.step(Message{Channel: ChannelAsk, Text: text})
	d.reply.Why = d.why
	if d.reply.Handoff != nil {
		d.reply.Handoff.CaseID = ""
	}
	return d.reply
}

// Directly is the reply for a user whose request about topic reaches no person: how to reach
// the helpdesk directly, and the menu.
func Directly(kb *knowledge.Base, topic string, now time.Time) Reply {
	d := newDecider(kb, Policy{}, &Conversation{Topic: topic}, now)
	d.directly()
	d.offerMenu()
	return d.reply
}
