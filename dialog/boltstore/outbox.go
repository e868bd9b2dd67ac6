package boltstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// The outbox's entries are in bbolt; what claimers need to pick the next ones (recipient, due
// time, lease and epoch) is in memory, in the queue index. bbolt is held by one process at a
// time, so the index is the only claimer's view there is, and epochs need not outlive it: a
// restart voids every lease together with every claimer.

// Claim leases up to limit entries due at now: see store.Store. Entries the index keeps
// decoded are handed out without a read; the others are read in one transaction.
func (s *Store) Claim(now time.Time, limit int, lease time.Duration, skip map[uint64]bool) ([]store.Claim, error) {
	picks := s.queue.claim(now, limit, lease, skip)
	if len(picks) == 0 {
		return nil, nil
	}
	out := make([]store.Claim, 0, len(picks))
	var missing []picked
	for _, p := range picks {
		if p.d == nil {
			missing = append(missing, p)
			continue
		}
		out = append(out, store.Claim{Delivery: *p.d, Epoch: p.epoch, Reclaimed: p.reclaimed})
	}
	if len(missing) == 0 {
		return out, nil
	}
	err := s.view(func(t txn) error {
		for _, p := range missing {
			d, err := t.Delivery(p.id)
			if err != nil {
				return err
			}
			if d != nil { // else delivered meanwhile
				out = append(out, store.Claim{Delivery: *d, Epoch: p.epoch, Reclaimed: p.reclaimed})
			}
		}
		return nil
	})
	sortClaims(out)
	return out, err
}

func sortClaims(cs []store.Claim) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Delivery.ID < cs[j-1].Delivery.ID; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Renew extends the lease of a claimed entry.
func (s *Store) Renew(id, epoch uint64, until time.Time) error {
	return s.queue.renew(id, epoch, until)
}

// Due counts the entries due at now or being delivered.
func (s *Store) Due(now time.Time) int { return s.queue.due(now) }

// Depth counts the entries.
func (s *Store) Depth() int { return s.queue.size() }

// CasePostsDue reports whether a post that opens a case may be on its way to the staff channel.
func (s *Store) CasePostsDue(now time.Time) bool { return s.queue.rootsDue(now) }

// Wake returns the channel signalled after a commit that queued a delivery.
func (s *Store) Wake() <-chan struct{} { return s.notify }

// Delivered removes a delivered entry claimed with epoch.
func (t txn) Delivered(id, epoch uint64) (string, error) {
	if err := t.s.queue.fence(id, epoch); err != nil {
		return "", err
	}
	return t.s.queue.rootCaseOf(id), t.deleteDelivery(id)
}

// Dropped removes an entry that will never be delivered.
func (t txn) Dropped(id, epoch uint64) (string, error) { return t.Delivered(id, epoch) }

// Reschedule changes an entry that stays in the outbox, and ends its lease.
func (t txn) Reschedule(id, epoch uint64, change func(*store.Delivery)) error {
	if err := t.s.queue.fence(id, epoch); err != nil {
		return err
	}
	d, err := t.Delivery(id)
	if err != nil || d == nil {
		return err
	}
	change(d)
	t.tx.OnCommit(func() { t.s.queue.release(id, epoch) })
	return t.putDelivery(d)
}

// Hasten makes every entry of channel that waits for a later attempt due at now.
func (t txn) Hasten(channel decide.Channel, now time.Time) (int, error) {
	var later []*store.Delivery
	if err := t.EachDelivery(func(d *store.Delivery) bool {
		if d.Channel == channel && d.NextAttempt.After(now) {
			later = append(later, d)
		}
		return true
	}); err != nil {
		return 0, err
	}
	for _, d := range later {
		d.NextAttempt, d.Attempts = now, 0
		if err := t.putDelivery(d); err != nil {
			return 0, err
		}
	}
	return len(later), nil
}

// RetainCases walks the cases in transactions of purgeChunk cases.
func (s *Store) RetainCases(ctx context.Context, fn func(t store.Tx, c *store.Case) (bool, error)) (int, error) {
	return s.chunked(bucketCases, func(t txn, k, v []byte) (bool, error) {
		c := &store.Case{}
		if err := json.Unmarshal(v, c); err != nil {
			return false, nil
		}
		return fn(t, c)
	})
}

// PurgeConversations deletes the conversations idle since before cutoff.
func (s *Store) PurgeConversations(ctx context.Context, cutoff time.Time) (int, error) {
	return s.chunked(bucketConversations, func(t txn, k, v []byte) (bool, error) { return t.purgeConversation(k, v, cutoff) })
}

// PurgeUnanswered deletes the unanswered texts kept since before cutoff.
func (s *Store) PurgeUnanswered(ctx context.Context, cutoff time.Time) (int, error) {
	return s.chunked(bucketUnanswered, func(t txn, k, v []byte) (bool, error) { return t.purgeUnansweredEntry(k, v, cutoff) })
}

// PurgeSeen forgets the event ids first seen before cutoff, purgeChunk in a transaction.
func (s *Store) PurgeSeen(ctx context.Context, cutoff time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := s.update(func(t txn) error {
			var err error
			n, err = t.expireSeen(cutoff, purgeChunk)
			return err
		})
		total += n
		if err != nil || n < purgeChunk {
			return total, err
		}
	}
}

var (
	_ store.Store = (*Store)(nil)
	_ store.Tx    = txn{}
)
