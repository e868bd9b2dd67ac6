package dialog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Backup writes a consistent copy of the whole database to w while the engine keeps serving.
func (a *Admin) Backup(w io.Writer) (int64, error) {
	return a.e.store.Backup(w)
}

// Forgotten counts what Forget deleted.
type Forgotten struct {
	Conversations, Cases, Deliveries int
	Unanswered                       int // the person's texts kept for the report of unanswered queries
}

// Forget deletes everything stored about one person: their conversations, their cases (and the
// case-thread links), their texts kept for the report of unanswered queries, and what the outbox
// still holds for either: replies and staff messages waiting for them, and the posts and relayed
// messages of their cases waiting for the staff channel. user is the platform user id; channel limits it to one channel ("line", "slack")
// when set. The daily figures, which hold no user data, are kept.
//
// The records are found through the by-person index, so Forget costs what the person's data
// costs, not what the database holds. Once they are deleted, the pages of the file that hold no
// live data are overwritten with zeros (see boltstore.Store.Scrub): what was deleted cannot be read back
// from the file, nor from a backup made afterwards. An error after the deletion says so; calling
// Forget again scrubs again.
func (a *Admin) Forget(channel Channel, user string) (Forgotten, error) {
	if user == "" {
		return Forgotten{}, errors.New("forget: no user given")
	}
	var f Forgotten
	err := a.e.store.Update(context.Background(), func(t store.Tx) error {
		f = Forgotten{}
		convs, err := t.ForgetConversations(channel, user)
		if err != nil {
			return err
		}
		cases, err := t.ForgetCases(channel, user)
		if err != nil {
			return err
		}
		f.Conversations, f.Cases = len(convs), len(cases)
		// Unanswered texts are found by the person, and by the conversations and cases deleted
		// above (a Slack thread's texts are its conversation's).
		authors := [][2]string{{string(channel), user}}
		for _, k := range convs {
			kc, ku := store.SplitConvKey(k)
			authors = append(authors, [2]string{string(kc), ku})
		}
		for _, c := range cases {
			authors = append(authors, [2]string{string(c.Channel), c.User})
		}
		if f.Unanswered, err = t.ForgetUnanswered(authors); err != nil {
			return err
		}
		// A recipient is a conversation key, or a case's staff thread. A conversation keyed by
		// a Slack thread is the person's only through its People, which are gone with it: so
		// the keys deleted above are matched as well as the person's own.
		doomed := map[string]bool{}
		for _, k := range convs {
			doomed[k] = true
		}
		for _, c := range cases {
			doomed[store.ConvKey(c.Channel, c.User)] = true
			doomed[store.StaffRecipient(c.ID)] = true
		}
		f.Deliveries, err = t.DeleteDeliveries(func(d *Delivery) bool {
			if doomed[d.Recipient] {
				return true
			}
			kc, ku := store.SplitConvKey(d.Recipient)
			return d.Kind != KindStaff && store.Owns(kc, ku, nil, channel, user)
		})
		return err
	})
	if err == nil {
		a.e.erased()
		err = a.e.scrub("forget")
	}
	return f, err
}

// scrub zeroes the pages an erasure freed (see boltstore.Store.Scrub), so that nothing erased can be read
// back from the file or from a backup made afterwards.
func (e *Engine) scrub(what string) error {
	if _, err := e.store.Scrub(); err != nil {
		return fmt.Errorf("%s: deleted, but the freed pages of the file were not overwritten (the data can still be read from the file until they are): %w", what, err)
	}
	return nil
}

// Purged counts what Purge removed.
type Purged struct {
	Conversations, CaseTexts, Unanswered, SeenEvents int
}

// Purge applies the retention policy: conversations idle since before cutoff are deleted, the
// texts and platform ids of cases closed before cutoff are cleared (their figures stay), open
// or claimed cases nobody touched since cutoff are closed (CaseExpired, staff told in the
// thread) and cleared too, kept unanswered queries older than cutoff are deleted, and event
// ids seen before seenCutoff are forgotten. It works in
// many short transactions, so webhooks are never held up for long, whatever the database's size.
// When it removed anything, the freed pages of the file are then overwritten with zeros, as
// after Forget.
//
// On a store shared by several processes (store.Exclusive), one process sweeps at a time: a
// Purge that finds another one sweeping returns at once, having done nothing (that one does
// it).
func (a *Admin) Purge(cutoff, seenCutoff time.Time) (Purged, error) {
	var p Purged
	sweep := func() error {
		var err error
		p, err = a.e.purge(cutoff, seenCutoff)
		if p.Conversations > 0 || p.CaseTexts > 0 {
			a.e.erased()
		}
		if p != (Purged{}) {
			if serr := a.e.scrub("purge"); err == nil {
				err = serr
			}
		}
		return err
	}
	x, shared := a.e.store.(store.Exclusive)
	if !shared {
		return p, sweep()
	}
	ran, err := x.Exclusive(context.Background(), "retention", sweep)
	if !ran && err == nil {
		a.e.logger.Debug("retention purge left to the replica running it")
	}
	return p, err
}

func (e *Engine) purge(cutoff, seenCutoff time.Time) (Purged, error) {
	ctx := context.Background()
	var p Purged
	kb, now := e.lib.Base(), e.now()
	var err error
	// Cases first: closing one that nobody touched gives its conversation back to the bot, and
	// the conversations' sweep then deletes it if it is as old.
	p.CaseTexts, err = e.store.RetainCases(ctx, func(t store.Tx, c *Case) (bool, error) { return e.retainCase(t, kb, c, cutoff, now) })
	if err != nil {
		return p, err
	}
	if p.Conversations, err = e.store.PurgeConversations(ctx, cutoff); err != nil {
		return p, err
	}
	if p.Unanswered, err = e.store.PurgeUnanswered(ctx, cutoff); err != nil {
		return p, err
	}
	p.SeenEvents, err = e.store.PurgeSeen(ctx, seenCutoff)
	return p, err
}

// retainCase applies the retention policy to one stored case. A case closed before cutoff loses
// what users and staff wrote and the platform ids of the people in it; its id, topic, status and
// times stay for the figures. An open or claimed case nobody touched since cutoff is closed
// first (CaseExpired): its staff thread is told, through the outbox like every staff notice,
// the user's conversation goes back to the bot, and what still waited to be sent for it is
// dropped; then it is cleared the same way. Without that, a case staff forgot to close would
// keep its texts for ever.
func (e *Engine) retainCase(t store.Tx, kb *knowledge.Base, c *Case, cutoff, now time.Time) (bool, error) {
	switch {
	case c.IsOpen():
		if !c.LastActivity().Before(cutoff) {
			return false, nil
		}
		if err := e.expireCase(t, kb, c, now.Sub(cutoff), now); err != nil {
			return false, err
		}
	case c.Status == CaseResolved || c.Status == CaseReturned || c.Status == CaseRequested || c.Status == CaseExpired:
		when := c.Closed
		if when.IsZero() {
			when = c.Created
		}
		if !when.Before(cutoff) {
			return false, nil
		}
	default:
		return false, nil
	}
	if len(c.Turns) == 0 && len(c.Summary) == 0 && c.Told == "" && c.Address == "" && c.Note == "" &&
		len(c.Similar) == 0 && len(c.People) == 0 && c.User == "" && c.Claimer == "" {
		return false, nil
	}
	c.Turns, c.Summary, c.Told, c.Address, c.Note, c.Similar, c.People = nil, nil, "", "", "", nil, nil
	c.User, c.Claimer = "", ""
	return true, t.PutCase(c)
}

// expireCase closes the open case c, untouched for retention.
func (e *Engine) expireCase(t store.Tx, kb *knowledge.Base, c *Case, retention time.Duration, now time.Time) error {
	c.Status, c.Closed = CaseExpired, now
	if err := e.releaseConversation(t, c); err != nil {
		return err
	}
	thread, user := store.StaffRecipient(c.ID), store.ConvKey(c.Channel, c.User)
	_, err := t.DeleteDeliveries(func(d *Delivery) bool {
		return d.Recipient == thread || d.Kind == KindRelay && d.Recipient == user
	})
	if err != nil || c.Thread == "" {
		// never posted: there is no thread to tell
		return err
	}
	days := strconv.Itoa(int(retention / (24 * time.Hour)))
	line := strings.ReplaceAll(kb.Message("staff_case_expired"), "{days}", days)
	d := threadLine(c, line, line, true, now)
	// the post loses what the user said too, as the case's record does
	erased := *c
	erased.Turns, erased.Summary, erased.Told, erased.Similar = nil, nil, "", nil
	d.Post = &CasePost{Status: neutralize(line), Reply: staffCaseReply(kb, &erased)}
	return t.Enqueue(d)
}
