package dialog

import (
	"context"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// The outbox holds every message the bot owes someone, written in the same transaction as the
// conversation step that produced it. A sender (bot.Sender) delivers the entries and marks them
// delivered; what a crash interrupts is delivered after the restart.
//
// The engine claims the entries it hands out (store.Store.Claim) and marks them with the epoch
// of that claim, so that a claim that expired while its sender was stuck cannot overwrite what
// a newer claimer did: the mark fails with store.ErrStaleEpoch instead.

// claimLease is how long a claim holds an entry before another claimer may take it. Pending
// renews the claims of the entries its caller says are still busy, and the sender calls it at
// least every second (bot.Sender.Poll), so a live sender never loses a claim it holds; what a
// replica that died or froze had claimed is taken over by another after this long. It is longer
// than one delivery attempt (bot.Sender.Timeout, 10 s), so an attempt that a paused process
// resumes after its lease ended has timed out by then and cannot send.
const claimLease = 15 * time.Second

// claims remembers the epoch of every entry this engine claimed and has not marked yet, and
// until when its lease was last extended.
type claims struct {
	mu      sync.Mutex
	epochs  map[uint64]uint64
	renewed map[uint64]time.Time // lease end of the last claim or renewal, by entry
}

func (c *claims) put(id, epoch uint64, until time.Time) {
	c.mu.Lock()
	c.epochs[id] = epoch
	if c.renewed == nil {
		c.renewed = map[uint64]time.Time{}
	}
	c.renewed[id] = until
	c.mu.Unlock()
}

// take returns the epoch of the claim of id and forgets it: the caller is about to mark the
// entry, which ends the claim, and hold must not renew it meanwhile.
func (c *claims) take(id uint64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	epoch := c.epochs[id]
	delete(c.epochs, id)
	delete(c.renewed, id)
	return epoch
}

// hold renews the claims of the entries in busy and ends the others: the caller of Pending
// holds only what it says is busy, and what it let go may be offered again. A claim is renewed
// only once a third of its lease has passed: the sender calls Pending after every delivery, and
// on PostgreSQL each renewal is a statement. The store is called outside the lock, so that
// deliveries being marked (take) do not wait for the renewals; a renewal that comes after the
// mark changes nothing (the epoch has moved on, or the entry is gone).
func (c *claims) hold(s store.Store, now time.Time, busy map[uint64]bool) {
	type renewal struct {
		id, epoch uint64
		until     time.Time
	}
	var due []renewal
	c.mu.Lock()
	for id, epoch := range c.epochs {
		if !busy[id] {
			delete(c.epochs, id)
			delete(c.renewed, id)
			due = append(due, renewal{id, epoch, now})
			continue
		}
		if c.renewed[id].Sub(now) > claimLease*2/3 {
			continue
		}
		c.renewed[id] = now.Add(claimLease)
		due = append(due, renewal{id, epoch, now.Add(claimLease)})
	}
	c.mu.Unlock()
	for _, r := range due {
		_ = s.Renew(r.id, r.epoch, r.until) // a stale claim fails at its mark
	}
}

// Outbox is the outbox as a sender sees it (bot.Sender): what is due, and what became of each
// delivery. It holds nothing but the engine: any number of them share the engine's claims.
type Outbox struct{ e *Engine }

// Outbox returns the engine's outbox, for the sender that delivers it and for the gauges that
// watch it.
func (e *Engine) Outbox() *Outbox { return &Outbox{e: e} }

// Wake returns a channel that receives a value whenever a commit adds entries to the outbox.
// It is buffered by one: a sender that was busy still sees the latest signal.
func (o *Outbox) Wake() <-chan struct{} { return o.e.store.Wake() }

// Pending returns up to limit deliveries that are due at now, in queue order, at most one per
// recipient: an entry waits while an earlier one for the same recipient is undelivered, so a
// user reads the bot's and staff's messages in the order they were written. Entries whose ids
// are in busy (being delivered right now) are skipped, and block their recipient too; their
// claims are renewed, and the claims of entries returned before and not busy now end.
func (o *Outbox) Pending(now time.Time, limit int, busy map[uint64]bool) ([]Delivery, error) {
	o.e.claims.hold(o.e.store, now, busy)
	cs, err := o.e.store.Claim(now, limit, claimLease, busy)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	out := make([]Delivery, 0, len(cs))
	var waiting []int // staff entries whose thread must be looked up (awaitsThread)
	for _, c := range cs {
		o.e.claims.put(c.Delivery.ID, c.Epoch, now.Add(claimLease))
		if awaitsThread(&c.Delivery) {
			waiting = append(waiting, len(out))
		}
		c.Delivery.Reclaimed = c.Reclaimed
		out = append(out, c.Delivery)
	}
	if len(waiting) == 0 {
		return out, nil
	}
	err = o.e.store.View(context.Background(), func(t store.Tx) error {
		for _, i := range waiting {
			// queued before the case was posted: the thread is known now
			d := &out[i]
			if c, err := t.Case(d.Case.ID); err == nil && c != nil {
				cp := *d.Case // the claimed copy may be shared with the store's
				cp.Thread = c.Thread
				d.Case = &cp
			}
		}
		return nil
	})
	return out, err
}

// awaitsThread reports whether d goes into a case's staff thread that was not known when d was
// queued: the stored case has it, once the case's post went out.
func awaitsThread(d *Delivery) bool {
	return d.Kind == KindStaff && d.Case != nil && d.Case.Thread == "" && (d.Text != "" || d.Post != nil)
}

// Delivered removes a delivered entry. ref is what the platform returned that later messages
// need (the staff thread of a new case), or "".
func (o *Outbox) Delivered(id uint64, ref string) error {
	epoch := o.e.claims.take(id)
	return o.e.store.Update(context.Background(), func(t store.Tx) error {
		root, err := t.Delivered(id, epoch)
		if err != nil || root == "" || ref == "" {
			return err
		}
		return o.e.setCaseThread(t, root, ref)
	})
}

// Defer moves an entry to a later time without counting an attempt: nothing failed, the
// channel's own pacing asked for it.
func (o *Outbox) Defer(id uint64, next time.Time, progress int) error {
	return o.e.reschedule(id, func(d *Delivery) { d.NextAttempt, d.Progress = next, progress })
}

// Dropped removes an entry that can never be delivered (the platform refused it for good, or it
// failed for a day). When it was the post that opens a case in the staff channel, nobody will
// see the case: the case is marked requested, the conversation returns to the bot, and the user
// is told, as when no staff channel is configured, how to reach the helpdesk directly.
func (o *Outbox) Dropped(id uint64) error {
	kb := o.e.lib.Base()
	now := o.e.now()
	epoch := o.e.claims.take(id)
	return o.e.store.Update(context.Background(), func(t store.Tx) error {
		root, err := t.Dropped(id, epoch)
		if err != nil || root == "" {
			return err
		}
		return o.e.unpostedCase(t, kb, root, now)
	})
}

// Postpone records a failed attempt: the entry is tried again at next, resuming after progress
// messages. reason is kept for operators (no user text).
func (o *Outbox) Postpone(id uint64, next time.Time, progress int, reason string) error {
	return o.e.reschedule(id, func(d *Delivery) {
		d.Attempts++
		d.NextAttempt, d.Progress, d.LastError = next, progress, reason
	})
}

// reschedule changes an entry that stays in the outbox and ends this engine's claim of it.
func (e *Engine) reschedule(id uint64, change func(*Delivery)) error {
	epoch := e.claims.take(id)
	return e.store.Update(context.Background(), func(t store.Tx) error { return t.Reschedule(id, epoch, change) })
}

// Hasten makes every entry of channel that waits for a later attempt due at now, with its
// backoff started over: the channel answered again, so what waited for it need not wait out
// the rest of a backoff grown during the outage. Order per recipient is unchanged (the queue
// keeps it). It returns how many entries it brought forward.
func (o *Outbox) Hasten(channel Channel, now time.Time) (int, error) {
	n := 0
	err := o.e.store.Update(context.Background(), func(t store.Tx) error {
		var err error
		n, err = t.Hasten(channel, now)
		return err
	})
	return n, err
}

// Due returns how many outbox entries are due at now or being delivered: what a shutdown still
// waits for.
func (o *Outbox) Due(now time.Time) int { return o.e.store.Due(now) }

// Stats returns how many entries wait and when the oldest was queued (zero if none).
func (o *Outbox) Stats() (depth int, oldest time.Time, err error) {
	depth = o.e.store.Depth()
	if depth == 0 {
		return 0, time.Time{}, nil
	}
	err = o.e.store.View(context.Background(), func(t store.Tx) error {
		// the first entry in queue order is the oldest
		return t.EachDelivery(func(d *Delivery) bool {
			oldest = d.Created
			return false
		})
	})
	return depth, oldest, err
}
