package decide

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
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
	// ids themselves. Engine.Unanswered leaves Who out.
	Channel string   `json:"channel,omitempty"`
	Who     []string `json:"who,omitempty"`
}

// Step is what one message does to one conversation: the conversation as it stands after it,
// the reply, and the effects the store applies with it.
type Step struct {
	Conv    *Conversation
	Reply   Reply
	Effects Effects
}

// Decide runs one step of conv for m at now. It changes conv (which the step then holds) and
// touches nothing else. A panic (a bug) is returned as an error, so one broken conversation
// never takes the process down.
func Decide(kb *knowledge.Base, policy Policy, conv *Conversation, m Message, now time.Time) (s Step, err error) {
	if m.Person != "" && m.Person != m.UserID && !slices.Contains(conv.People, m.Person) {
		conv.People = append(conv.People, m.Person)
	}
	d := newDecider(kb, policy, conv, now)
	defer func() {
		if r := recover(); r != nil {
			s, err = Step{}, fmt.Errorf("decide: panic: %v\n%s", r, debug.Stack())
		}
	}()
	d.step(m)
	return Step{Conv: conv, Reply: d.reply, Effects: d.fx}, nil
}

// Triage answers one free text as a new conversation would, without a conversation to keep:
// what `helpdesk ask` prints. policy decides how escalation is worded.
func Triage(kb *knowledge.Base, policy Policy, text string, now time.Time) Reply {
	d := newDecider(kb, policy, &Conversation{}, now)
	d.oneShot = true
	d.step(Message{Channel: "ask", Text: text})
	FillCase(&d.reply, "-")
	d.reply.Why = d.why
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

// FillCase puts the case id into the reply's {case} placeholders.
func FillCase(r *Reply, id string) {
	for i := range r.Blocks {
		r.Blocks[i].Text = strings.ReplaceAll(r.Blocks[i].Text, "{case}", id)
	}
}
