package dialog

import (
	"fmt"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

const (
	maxUnansweredText = 200
	maxSimilarText    = 300
)

// openCase records an escalation in the same transaction as the step that asked for it and,
// when staff are reachable, queues the case for the staff channel.
//
// A person has one open case at a time: when they already have one on this channel (from
// another conversation, e.g. a second Slack thread), the request joins it instead. Staff get
// the new words in the case's thread, not a second post, so that one person asking many times
// cannot push other people's cases down the staff channel; firstAid (a topic id, or "") is the
// first action the request was answered with, which staff are told of there.
func (e *Engine) openCase(t store.Tx, kb *knowledge.Base, m Message, conv *Conversation, reply *Reply, firstAid string, prior *Case, now time.Time) error {
	if prior != nil {
		conv.CaseID = prior.ID
		return e.relayToStaff(t, kb, conv, decide.Truncate(m.Text, decide.MaxTurnText), firstAid, Message{}, now)
	}
	id, err := t.NextCaseID(now.In(knowledge.Tokyo))
	if err != nil {
		return err
	}
	if reply.Handoff != nil && reply.Handoff.CaseID != id {
		// the step was decided with another id: the caller decides with PeekCaseID in the
		// same transaction, so this is a bug
		return fmt.Errorf("open case: decided for case %s, opening %s", reply.Handoff.CaseID, id)
	}
	c := &Case{ID: id, Channel: m.Channel, User: m.UserID, Address: m.Address, Topic: reply.Topic,
		Urgent: reply.Urgent, Summary: decide.IntakeSummary(kb, conv, now), Turns: append([]Turn(nil), conv.Turns...),
		People: append([]string(nil), conv.People...), Status: CaseRequested, Created: now, Lang: conv.Lang}
	if tp := kb.Topic(c.Topic); tp != nil {
		c.Title = tp.Title
	}
	said, told := decide.TurnsFrom(conv.Turns, "user"), decide.TurnsFrom(conv.Turns, "bot")
	if n := len(told); n >= 2 {
		// what the bot said before this step (the last line is the escalation reply itself)
		c.Told = told[n-2]
	}
	for _, s := range kb.Similar(strings.Join(said, "\n"), 3) {
		c.Similar = append(c.Similar, SimilarCase{No: s.Case.No, Subject: s.Case.Subject,
			Handling: decide.Truncate(s.Case.Handling, maxSimilarText), Topic: s.Case.Topic})
	}
	if reply.Handoff != nil && reply.Handoff.Staffed {
		c.Status = CaseOpen
		conv.CaseID = id
		if err := t.Enqueue(&Delivery{Kind: KindStaff, Channel: ChannelStaff, Recipient: store.StaffRecipient(id),
			Case: c, Reply: staffCaseReply(kb, c), Created: now, Event: now, Key: store.NewKey()}); err != nil {
			return err
		}
	}
	return t.PutCase(c)
}

// relayToStaff passes a user's message on an open case to the staff thread, with a line saying
// so when the bot answered it with firstAid's first action (a topic id; "" when it did not).
func (e *Engine) relayToStaff(t store.Tx, kb *knowledge.Base, conv *Conversation, text, firstAid string, m Message, now time.Time) error {
	c, err := t.Case(conv.CaseID)
	if err != nil {
		return err
	}
	if !c.IsOpen() {
		// The case is gone or closed: the conversation is the bot's again.
		conv.Mode, conv.CaseID = decide.ModeMenu, ""
		return nil
	}
	if m.Address != "" {
		c.Address = m.Address
	}
	c.Turns = append(c.Turns, Turn{From: "user", Text: decide.Truncate(text, decide.MaxTurnText), At: now})
	if len(c.Turns) > 50 {
		c.Turns = c.Turns[len(c.Turns)-50:]
	}
	if err := t.PutCase(c); err != nil {
		return err
	}
	line := kb.Message("staff_user_message") + text
	if topic := kb.Topic(firstAid); topic != nil {
		// the bot answered this message with the topic's first action while the case waits
		line += "\n" + strings.ReplaceAll(kb.Message("staff_bot_first_aid"), "{topic}", topic.Title)
	}
	return t.Enqueue(threadLine(c, text, line, false, now))
}

// leaveCase ends an open case from the user's side (they went back to the bot) and tells staff.
func (e *Engine) leaveCase(t store.Tx, kb *knowledge.Base, caseID string, now time.Time) error {
	c, err := t.Case(caseID)
	if err != nil || !c.IsOpen() {
		return err
	}
	c.Status, c.Closed = CaseReturned, now
	if err := t.PutCase(c); err != nil {
		return err
	}
	line := kb.Message("staff_user_left")
	d := threadLine(c, line, line, true, now)
	d.Post = &CasePost{Status: neutralize(line), Reply: staffCaseReply(kb, c)}
	return t.Enqueue(d)
}

func (e *Engine) setCaseThread(t store.Tx, caseID, ref string) error {
	c, err := t.Case(caseID)
	if err != nil || c == nil {
		return err
	}
	c.Thread = ref
	if err := t.PutCase(c); err != nil {
		return err
	}
	return t.PutCaseThread(ref, caseID)
}

// unpostedCase handles a case whose post to the staff channel failed for good: the user must not
// wait for a reply nobody will write.
func (e *Engine) unpostedCase(t store.Tx, kb *knowledge.Base, id string, now time.Time) error {
	c, err := t.Case(id)
	if err != nil || !c.IsOpen() {
		return err
	}
	c.Status = CaseRequested
	if err := t.PutCase(c); err != nil {
		return err
	}
	if err := e.releaseConversation(t, c); err != nil {
		return err
	}
	// the user's messages queued for the case's thread have nowhere to go
	thread := store.StaffRecipient(c.ID)
	if _, err := t.DeleteDeliveries(func(d *Delivery) bool { return d.Recipient == thread }); err != nil {
		return err
	}
	return t.Enqueue(relayToUser(c, decide.Directly(kb, c.Topic, now), now))
}

// personOf is the platform id of whoever wrote m.
func personOf(m Message) string {
	if m.Person != "" {
		return m.Person
	}
	return m.UserID
}
