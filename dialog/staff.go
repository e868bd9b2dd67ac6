package dialog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// StaffAction is what a staff member did in the staff channel.
type StaffAction string

// The staff actions. Claim, resolve and hand-back are the buttons of a case; message is a reply
// in the case's thread.
const (
	StaffMessage  StaffAction = "message"
	StaffClaim    StaffAction = "claim"
	StaffResolve  StaffAction = "resolve"
	StaffHandback StaffAction = "handback"
)

// StaffEvent is one thing a staff member did.
type StaffEvent struct {
	EventID string // the platform's id; a repeated id is handled once
	// Thread is the staff thread the event came from, as the staff deliverer returned it when it
	// posted the case (e.g. "C0STAFF/1700000000.000100"). Only a case's own thread reaches its
	// user: an event whose thread is not a case's does nothing.
	Thread string
	Case   string // the case a button names; must be the thread's case
	Staff  string // who, as the staff channel shows them (e.g. "<@U123>")
	Action StaffAction
	Text   string // the message, or the resolution note
	Topic  string // for resolve: the topic staff chose
}

// ErrCasePending is returned by Staff for an event in a thread that is not (yet) a case's while
// a case post may be on its way to the staff channel: the adapter answers with an error so the
// platform redelivers the event, by when the thread is known.
//
// Only posts that are due count: never tried, being sent now, or due for their retry. Between
// the platform accepting such a post and Delivered recording its thread, staff can already
// reply in that thread, and refusing the reply for a moment is what keeps it. A post waiting
// in backoff (Postpone, Defer) is not being sent, so no thread of it can exist yet: a post
// whose answer was lost is sent again and opens a new thread, and the old one is never
// recorded. Counting such posts would refuse every staff reply in every unrelated thread for as
// long as one post keeps failing (up to the sender's give-up). The thread reference is the
// staff adapter's own encoding and the channel a post lands in is only known once it is
// delivered, so dialog cannot narrow this further to the thread's channel.
var ErrCasePending = errors.New("a case post is being recorded: try again")

// StaffResult says what a staff event did.
type StaffResult struct {
	Case    string
	Status  CaseStatus
	Relayed bool   // a message was queued for the user
	Ignored string // why nothing happened, e.g. "not a case thread"
}

// Choice ids of the staff buttons: s:<action>:<case>.
func staffChoice(a StaffAction, caseID string) string { return "s:" + string(a) + ":" + caseID }

// ParseStaffChoice reads a staff button's id; ok is false for anything else.
func ParseStaffChoice(id string) (action StaffAction, caseID string, ok bool) {
	rest, found := strings.CutPrefix(id, "s:")
	if !found {
		return "", "", false
	}
	a, c, found := strings.Cut(rest, ":")
	switch StaffAction(a) {
	case StaffClaim, StaffResolve, StaffHandback:
		return StaffAction(a), c, found && c != ""
	}
	return "", "", false
}

// Staff applies a staff event: relays a message to the user, or claims, resolves or hands back
// the case, telling the user and the staff thread. Like Respond, it runs in one transaction and
// queues what must be sent in the outbox.
func (e *Engine) Staff(ctx context.Context, ev StaffEvent) (StaffResult, error) {
	if err := ctx.Err(); err != nil {
		return StaffResult{}, err
	}
	kb := e.lib.Base()
	now := e.now()
	var res StaffResult
	err := e.store.Update(ctx, func(t store.Tx) error {
		res = StaffResult{}
		if ev.EventID != "" && t.Seen(ChannelStaff, ev.EventID) {
			res.Ignored = "duplicate"
			return nil
		}
		if ev.EventID != "" {
			if err := t.MarkSeen(ChannelStaff, ev.EventID, now); err != nil {
				return err
			}
		}
		id := t.CaseByThread(ev.Thread)
		if id == "" && e.store.CasePostsDue(now) {
			// A case may have just been posted and its thread not be recorded yet: this may be
			// a reply in it. Fail, so the platform redelivers once the thread is known.
			return ErrCasePending
		}
		if id == "" || (ev.Case != "" && ev.Case != id) {
			res.Ignored = "not a case thread"
			return nil
		}
		c, err := t.Case(id)
		if err != nil || c == nil {
			res.Ignored = "not a case thread"
			return err
		}
		res.Case = c.ID
		return e.applyStaff(t, kb, c, ev, now, &res)
	})
	if err != nil {
		return StaffResult{}, fmt.Errorf("staff event: %w", err)
	}
	return res, nil
}

func (e *Engine) applyStaff(t store.Tx, kb *knowledge.Base, c *Case, ev StaffEvent, now time.Time, res *StaffResult) error {
	msg := kb.Message
	// what the user reads is in the user's language; staff notices stay Japanese
	userMsg := func(key string) string { return kb.MessageIn(c.Lang, key) }
	fill := func(s string) string {
		return strings.NewReplacer("{staff}", ev.Staff, "{note}", ev.Text, "{case}", c.ID).Replace(s)
	}
	closed := !c.IsOpen()
	status, claimer := c.Status, c.Claimer
	var toUser []Block
	var notice string
	switch ev.Action {
	case StaffMessage:
		if closed {
			res.Ignored = "case closed"
			return e.staffNotice(t, c, msg("staff_closed_case"), now)
		}
		text := decide.Truncate(decide.CleanText(ev.Text), 4000)
		if strings.TrimSpace(text) == "" {
			res.Ignored = "empty message"
			return nil
		}
		if c.Status == CaseOpen {
			// the first reply is a person joining: say so before it
			c.Status, c.Claimer, c.Claimed = CaseClaimed, ev.Staff, now
			toUser = append(toUser, Block{Kind: TextBlock, Text: userMsg("staff_joined")})
		}
		toUser = append(toUser, Block{Kind: TextBlock, Text: text})
		c.Turns = append(c.Turns, Turn{From: "staff", Text: decide.Truncate(text, decide.MaxTurnText), At: now})
	case StaffClaim:
		if closed || c.Status == CaseClaimed && c.Claimer == ev.Staff {
			res.Ignored = "nothing to claim"
			return nil
		}
		if c.Status == CaseOpen {
			toUser = append(toUser, Block{Kind: TextBlock, Text: userMsg("staff_joined")})
		}
		c.Status, c.Claimer, c.Claimed = CaseClaimed, ev.Staff, now
		notice = fill(msg("staff_claimed"))
	case StaffResolve, StaffHandback:
		if closed {
			res.Ignored = "case closed"
			return nil
		}
		c.Closed = now
		if ev.Action == StaffResolve {
			c.Status, c.Note = CaseResolved, decide.Truncate(decide.CleanText(ev.Text), 500)
			if kb.Topic(ev.Topic) != nil {
				c.Resolved = ev.Topic
			}
			toUser = append(toUser, Block{Kind: TextBlock, Text: userMsg("case_closed")})
			notice = fill(msg("staff_resolved"))
		} else {
			c.Status = CaseReturned
			toUser = append(toUser, Block{Kind: TextBlock, Text: userMsg("handed_back")})
			notice = fill(msg("staff_returned"))
		}
		if err := e.releaseConversation(t, c); err != nil {
			return err
		}
	default:
		res.Ignored = "unknown action"
		return nil
	}
	res.Status = c.Status
	if err := t.PutCase(c); err != nil {
		return err
	}
	if len(toUser) > 0 {
		reply := Reply{Blocks: toUser}
		if c.Status == CaseResolved || c.Status == CaseReturned {
			reply.Choices = decide.MenuChoices(kb, c.Lang)
		}
		if err := t.Enqueue(relayToUser(c, reply, now)); err != nil {
			return err
		}
		res.Relayed = ev.Action == StaffMessage
	}
	var post *CasePost
	if c.Status != status || c.Claimer != claimer {
		// the case changed hands: its post in the staff channel says so
		line := notice
		if line == "" {
			line = fill(msg("staff_claimed"))
		}
		post = &CasePost{Status: neutralize(line), Reply: staffCaseReply(kb, c)}
	}
	switch {
	case notice != "":
		d := threadLine(c, notice, notice, true, now)
		d.Post = post
		return t.Enqueue(d)
	case post != nil:
		return t.Enqueue(&Delivery{Kind: KindStaff, Channel: ChannelStaff, Recipient: store.StaffRecipient(c.ID),
			Case: &Case{ID: c.ID, Thread: c.Thread}, Post: post, Created: now, Event: now, Key: store.NewKey()})
	}
	return nil
}

// releaseConversation gives the user's conversation back to the bot.
func (e *Engine) releaseConversation(t store.Tx, c *Case) error {
	key := store.ConvKey(c.Channel, c.User)
	conv, _ := t.Conversation(key)
	if conv.CaseID != c.ID {
		return nil
	}
	conv.Mode, conv.CaseID, conv.Back = decide.ModeMenu, "", nil
	conv.Choices = nil
	return t.PutConversation(key, conv)
}

// staffNotice queues a line for the case's staff thread.
func (e *Engine) staffNotice(t store.Tx, c *Case, text string, now time.Time) error {
	return t.Enqueue(threadLine(c, text, text, true, now))
}

// threadLine is a line for case c's staff thread: line as posted, and text as the user (or, for
// a notice, the engine) wrote it.
// Both are neutralized: what a user wrote reaches staff only that way.
func threadLine(c *Case, text, line string, notice bool, now time.Time) *Delivery {
	return &Delivery{Kind: KindStaff, Channel: ChannelStaff, Recipient: store.StaffRecipient(c.ID),
		Case: &Case{ID: c.ID, Thread: c.Thread}, Text: neutralize(text), Notice: notice,
		Reply: Reply{Blocks: []Block{{Kind: TextBlock, Text: neutralize(line)}}}, Created: now, Event: now, Key: store.NewKey()}
}

// relayToUser is reply, from staff or about the case, for case c's user at the address of their
// last message. It has no event time: there is no reply token to use. Its texts are neutralized,
// like everything staff write to a user.
func relayToUser(c *Case, reply Reply, now time.Time) *Delivery {
	return &Delivery{Kind: KindRelay, Channel: c.Channel, Address: c.Address,
		Recipient: store.ConvKey(c.Channel, c.User), Reply: neutralizeReply(reply), Created: now, Key: store.NewKey()}
}

// staffCaseReply is the message that opens a case in the staff channel: what staff need to
// take over without asking the user again. It is neutralized: it quotes what the user wrote.
func staffCaseReply(kb *knowledge.Base, c *Case) Reply { return neutralizeReply(caseReply(kb, c)) }

func caseReply(kb *knowledge.Base, c *Case) Reply {
	msg := kb.Message
	title := c.Title
	if title == "" {
		title = "-"
	}
	urgent := ""
	if c.Urgent {
		urgent = msg("staff_urgent")
	}
	if c.Lang == "en" {
		urgent += msg("staff_english") // staff reply in Japanese; the user reads English
	}
	r := Reply{Topic: c.Topic, Urgent: c.Urgent}
	r.Blocks = append(r.Blocks, Block{Kind: TextBlock,
		Text: strings.NewReplacer("{case}", c.ID, "{topic}", title, "{urgent}", urgent).Replace(msg("staff_new_case"))})
	if len(c.Summary) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: SummaryBlock, Title: msg("staff_summary"), Items: c.Summary})
	}
	if said := decide.TurnsFrom(c.Turns, "user"); len(said) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: SummaryBlock, Title: msg("staff_said"), Items: said})
	}
	if c.Told != "" {
		r.Blocks = append(r.Blocks, Block{Kind: TextBlock, Title: msg("staff_told"), Text: c.Told})
	}
	var similar []string
	for _, s := range c.Similar {
		similar = append(similar, s.No+" "+s.Subject+" → "+s.Handling)
	}
	if len(similar) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: SummaryBlock, Title: msg("staff_similar"), Items: similar})
	}
	if !c.IsOpen() {
		return r // a closed case has nothing left to press
	}
	r.Choices = []Choice{
		{ID: staffChoice(StaffClaim, c.ID), Label: msg("label_claim")},
		{ID: staffChoice(StaffResolve, c.ID), Label: msg("label_resolve")},
		{ID: staffChoice(StaffHandback, c.ID), Label: msg("label_handback")},
	}
	return r
}
