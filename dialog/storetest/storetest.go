// Package storetest is the contract every implementation of store.Store must pass: Run it from
// the implementation's tests with a function that opens a new, empty store. It checks what the
// engine relies on: an event id is handled once however many deliveries race (dedupe), a step
// is stored only over the conversation it was decided from (revisions), the outbox hands out
// one entry per recipient in queue order, a claim that expires is taken over and fenced off,
// and erasure and retention leave nothing readable behind.
//
// It imports package store, package decide (the conversation value) and the standard library.
// Only tests import it.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// Run runs the contract suite on the stores open returns. open is called once per subtest and
// must return a new, empty store; Run closes it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"dedupe", testDedupe},
		{"conversation_revision", testConversationRevision},
		{"recipient_order", testRecipientOrder},
		{"lease_expiry", testLeaseExpiry},
		{"encoded", testEncoded},
		{"erase", testErase},
		{"purge", testPurge},
		{"closed", testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			if tt.name != "closed" {
				t.Cleanup(func() { s.Close() })
			}
			tt.run(t, s)
		})
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
)

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// Two concurrent deliveries of one event: exactly one finds it unseen and marks it.
func testDedupe(t *testing.T, s store.Store) {
	const racers = 8
	for round := range 20 {
		id := fmt.Sprint("ev-", round)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins int
		)
		for range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				won := false
				err := s.Update(ctx, func(tx store.Tx) error {
					won = false // the function may run again
					if tx.Seen("line", id) {
						return nil
					}
					won = true
					return tx.MarkSeen("line", id, t0)
				})
				if err != nil {
					t.Error(err)
				}
				if won {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("event %s: %d of %d concurrent deliveries handled it, want exactly 1", id, wins, racers)
		}
	}
}

// A conversation's revision changes whenever it is stored or deleted, and only then: the
// engine stores a step decided from a snapshot only if the revision is still the snapshot's.
func testConversationRevision(t *testing.T, s store.Store) {
	key := store.ConvKey("line", "U1")
	rev := func() store.Rev {
		var r store.Rev
		s.View(ctx, func(tx store.Tx) error { r = tx.ConversationRev(key); return nil })
		return r
	}
	if r := rev(); r != 0 {
		t.Fatalf("revision of no conversation = %v, want 0", r)
	}
	update(t, s, func(tx store.Tx) error {
		return tx.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Step: 1, Topic: "phishing"})
	})
	var (
		snap    *decide.Conversation
		snapRev store.Rev
	)
	s.View(ctx, func(tx store.Tx) error { snap, snapRev = tx.Conversation(key); return nil })
	if snapRev == 0 || snap.Step != 1 || snap.Topic != "phishing" {
		t.Fatalf("stored conversation reads as %+v at revision %v", snap, snapRev)
	}
	snap.Step = 99 // the caller owns what it read
	if r := rev(); r != snapRev {
		t.Fatalf("revision moved from %v to %v without a write", snapRev, r)
	}
	if c, _ := conversation(s, key); c.Step != 1 {
		t.Fatalf("changing a conversation read from the store changed the stored one: step %d", c.Step)
	}
	// Another writer stores a step in between: the snapshot's revision no longer matches, and
	// a compare-and-swap on it fails; exactly one of two racing steps wins.
	var wg sync.WaitGroup
	wins := make(chan int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			won := false
			err := s.Update(ctx, func(tx store.Tx) error {
				won = false
				if tx.ConversationRev(key) != snapRev {
					return nil
				}
				won = true
				return tx.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Step: 2 + i})
			})
			if err != nil {
				t.Error(err)
			}
			if won {
				wins <- i
			}
		}()
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Fatalf("%d of 2 steps decided from one revision were stored, want 1", n)
	}
	if r := rev(); r == snapRev || r == 0 {
		t.Errorf("revision after a write = %v, want a new one (was %v)", r, snapRev)
	}
	update(t, s, func(tx store.Tx) error { return tx.DeleteConversation(key) })
	if r := rev(); r != 0 {
		t.Errorf("revision after delete = %v, want 0", r)
	}
}

func conversation(s store.Store, key string) (*decide.Conversation, store.Rev) {
	var (
		c *decide.Conversation
		r store.Rev
	)
	s.View(ctx, func(tx store.Tx) error { c, r = tx.Conversation(key); return nil })
	return c, r
}

func enqueue(t *testing.T, s store.Store, recipients ...string) []uint64 {
	t.Helper()
	var ids []uint64
	update(t, s, func(tx store.Tx) error {
		ids = ids[:0]
		for _, r := range recipients {
			d := &store.Delivery{Kind: store.KindReply, Channel: "line", Address: "a", Recipient: r, Created: t0, Key: store.NewKey()}
			if err := tx.Enqueue(d); err != nil {
				return err
			}
			ids = append(ids, d.ID)
		}
		return nil
	})
	return ids
}

func claimIDs(cs []store.Claim) []uint64 {
	var ids []uint64
	for _, c := range cs {
		ids = append(ids, c.Delivery.ID)
	}
	return ids
}

func claim(t *testing.T, s store.Store, now time.Time) []store.Claim {
	t.Helper()
	cs, err := s.Claim(now, 10, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Entries of one recipient are handed out one at a time, in the order they were queued; other
// recipients are not held up.
func testRecipientOrder(t *testing.T, s store.Store) {
	ids := enqueue(t, s, "line/U1", "line/U2", "line/U1", "line/U1")
	cs := claim(t, s, t0)
	if got := claimIDs(cs); len(got) != 2 || got[0] != ids[0] || got[1] != ids[1] {
		t.Fatalf("first claim = %v, want the first entry of each recipient %v", got, ids[:2])
	}
	if got := claimIDs(claim(t, s, t0)); len(got) != 0 {
		t.Fatalf("claim while both recipients' entries are leased = %v, want none", got)
	}
	if d := s.Due(t0); d != 4 {
		t.Errorf("Due = %d, want 4", d)
	}
	for _, want := range ids[2:] {
		var prev store.Claim
		for _, c := range cs {
			if c.Delivery.Recipient == "line/U1" {
				prev = c
			}
		}
		update(t, s, func(tx store.Tx) error { _, err := tx.Delivered(prev.Delivery.ID, prev.Epoch); return err })
		cs = claim(t, s, t0)
		if got := claimIDs(cs); len(got) != 1 || got[0] != want {
			t.Fatalf("after delivering %d: claim = %v, want %d", prev.Delivery.ID, got, want)
		}
	}
	// An entry waiting for a later attempt holds its recipient's later entries back.
	later := enqueue(t, s, "line/U3", "line/U3")
	c3 := claim(t, s, t0)
	for _, c := range c3 {
		if c.Delivery.ID == later[0] {
			update(t, s, func(tx store.Tx) error {
				return tx.Reschedule(c.Delivery.ID, c.Epoch, func(d *store.Delivery) { d.NextAttempt = t0.Add(time.Hour) })
			})
			if err := s.Renew(c.Delivery.ID, c.Epoch, t0.Add(time.Hour)); !errors.Is(err, store.ErrStaleEpoch) {
				t.Errorf("renewing a claim after its entry was rescheduled: %v, want ErrStaleEpoch", err)
			}
		}
	}
	of := func(cs []store.Claim, recipient string) []uint64 {
		var ids []uint64
		for _, c := range cs {
			if c.Delivery.Recipient == recipient {
				ids = append(ids, c.Delivery.ID)
			}
		}
		return ids
	}
	if got := of(claim(t, s, t0.Add(time.Minute)), "line/U3"); len(got) != 0 {
		t.Fatalf("claim while U3's first entry waits = %v, want none of U3's", got)
	}
	if got := of(claim(t, s, t0.Add(2*time.Hour)), "line/U3"); len(got) != 1 || got[0] != later[0] {
		t.Fatalf("claim after the wait = %v, want %d", got, later[0])
	}
	if n := s.Depth(); n != 4 {
		t.Errorf("Depth = %d, want 4", n)
	}
}

// A claim that is not renewed expires: another claimer takes the entry with a higher epoch,
// and the first claimer's renewals and marks then fail with ErrStaleEpoch.
func testLeaseExpiry(t *testing.T, s store.Store) {
	ids := enqueue(t, s, "line/U1", "line/U1")
	a, err := s.Claim(t0, 1, time.Minute, nil)
	if err != nil || len(a) != 1 || a[0].Delivery.ID != ids[0] || a[0].Epoch == 0 || a[0].Reclaimed {
		t.Fatalf("claim A = %+v, %v; want entry %d with an epoch, not reclaimed", a, err, ids[0])
	}
	if err := s.Renew(ids[0], a[0].Epoch, t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("A renews its own claim: %v", err)
	}
	if got, _ := s.Claim(t0.Add(90*time.Second), 1, time.Minute, nil); len(got) != 0 {
		t.Fatalf("claim B within A's renewed lease = %v, want none", claimIDs(got))
	}
	b, err := s.Claim(t0.Add(3*time.Minute), 1, time.Minute, nil)
	if err != nil || len(b) != 1 || b[0].Delivery.ID != ids[0] || b[0].Epoch <= a[0].Epoch || !b[0].Reclaimed {
		t.Fatalf("claim B after A's lease expired = %+v, %v; want entry %d with an epoch above %d, reclaimed", b, err, ids[0], a[0].Epoch)
	}
	if err := s.Renew(ids[0], a[0].Epoch, t0.Add(time.Hour)); !errors.Is(err, store.ErrStaleEpoch) {
		t.Errorf("A renews after B took over: %v, want ErrStaleEpoch", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error { _, err := tx.Delivered(ids[0], a[0].Epoch); return err })
	if !errors.Is(err, store.ErrStaleEpoch) {
		t.Errorf("A marks delivered after B took over: %v, want ErrStaleEpoch", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.Reschedule(ids[0], a[0].Epoch, func(d *store.Delivery) { d.Attempts++ })
	})
	if !errors.Is(err, store.ErrStaleEpoch) {
		t.Errorf("A reschedules after B took over: %v, want ErrStaleEpoch", err)
	}
	update(t, s, func(tx store.Tx) error { _, err := tx.Delivered(ids[0], b[0].Epoch); return err })
	next, err := s.Claim(t0.Add(3*time.Minute), 1, time.Minute, nil)
	if err != nil || len(next) != 1 || next[0].Delivery.ID != ids[1] {
		t.Fatalf("claim after B delivered = %v, %v; want entry %d", claimIDs(next), err, ids[1])
	}
	if next[0].Delivery.Attempts != 0 {
		t.Errorf("A's stale reschedule changed the entry: %d attempts", next[0].Delivery.Attempts)
	}
	// A claim that ended with a recorded attempt (Reschedule) leaves no doubt: not reclaimed.
	update(t, s, func(tx store.Tx) error {
		return tx.Reschedule(ids[1], next[0].Epoch, func(d *store.Delivery) { d.Attempts++ })
	})
	again, err := s.Claim(t0.Add(3*time.Minute), 1, time.Minute, nil)
	if err != nil || len(again) != 1 || again[0].Delivery.ID != ids[1] || again[0].Reclaimed {
		t.Errorf("claim after a reschedule = %+v, %v; want entry %d, not reclaimed", again, err, ids[1])
	}
}

// A step encoded ahead of its transaction is stored as PutConversation and Enqueue store it.
func testEncoded(t *testing.T, s store.Store) {
	key := store.ConvKey("line", "U1")
	c := &decide.Conversation{Schema: decide.SchemaVersion, Step: 3, Topic: "phishing", Updated: t0}
	d := &store.Delivery{Kind: store.KindReply, Channel: "line", Address: "a", Recipient: key, Created: t0, Key: store.NewKey(),
		Reply: decide.Reply{Blocks: []decide.Block{{Kind: decide.TextBlock, Text: "本文"}}}}
	enc, err := s.Encode(c, d)
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx store.Tx) error { return tx.PutEncoded(key, enc) })
	if got, rev := conversation(s, key); rev == 0 || got.Step != 3 || got.Topic != "phishing" {
		t.Errorf("encoded conversation reads as %+v", got)
	}
	cs := claim(t, s, t0)
	if len(cs) != 1 || cs[0].Delivery.ID == 0 || cs[0].Delivery.ID != d.ID || cs[0].Delivery.Reply.Blocks[0].Text != "本文" {
		t.Fatalf("encoded delivery claimed as %+v (queued with ID %d)", cs, d.ID)
	}
	var stored *store.Delivery
	s.View(ctx, func(tx store.Tx) error { stored, err = tx.Delivery(d.ID); return err })
	if stored == nil || stored.ID != d.ID || stored.Key != d.Key {
		t.Errorf("encoded delivery reads back as %+v, want ID %d", stored, d.ID)
	}
	enc2, err := s.Encode(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx store.Tx) error { return tx.PutEncoded(key, enc2) })
	if n := s.Depth(); n != 1 {
		t.Errorf("a conversation encoded without a reply queued something: depth %d, want 1", n)
	}
}

// Forgetting a person leaves nothing of theirs readable: conversations, cases with their
// thread links, unanswered texts, and the deliveries queued for them.
func testErase(t *testing.T, s store.Store) {
	mine, theirs := store.ConvKey("line", "U1"), store.ConvKey("line", "U2")
	var caseID string
	update(t, s, func(tx store.Tx) error {
		for _, k := range []string{mine, theirs} {
			c := &decide.Conversation{Schema: decide.SchemaVersion, Step: 1, Updated: t0,
				Turns: []decide.Turn{{From: "user", Text: "secret of " + k, At: t0}}}
			if err := tx.PutConversation(k, c); err != nil {
				return err
			}
		}
		id, err := tx.NextCaseID(t0)
		if err != nil {
			return err
		}
		caseID = id
		c := &store.Case{ID: id, Channel: "line", User: "U1", Status: store.CaseOpen, Created: t0, Thread: "T1",
			Turns: []decide.Turn{{From: "user", Text: "secret", At: t0}}}
		if err := tx.PutCase(c); err != nil {
			return err
		}
		if err := tx.PutCaseThread("T1", id); err != nil {
			return err
		}
		for _, who := range []string{"U1", "U2"} {
			u := &decide.Unanswered{Text: "text of " + who, Outcome: decide.Fallback, At: t0, Channel: "line"}
			if err := tx.AddUnanswered(u, who); err != nil {
				return err
			}
		}
		return nil
	})
	enqueue(t, s, mine, theirs, store.StaffRecipient(caseID))
	var open *store.Case
	s.View(ctx, func(tx store.Tx) error { open, _ = tx.OpenCaseOf("line", "U1"); return nil })
	if open == nil || open.ID != caseID {
		t.Fatalf("OpenCaseOf(U1) = %+v, want case %s", open, caseID)
	}
	var convs []string
	var cases []*store.Case
	var texts, deliveries int
	update(t, s, func(tx store.Tx) error {
		var err error
		if convs, err = tx.ForgetConversations("", "U1"); err != nil {
			return err
		}
		if cases, err = tx.ForgetCases("", "U1"); err != nil {
			return err
		}
		if texts, err = tx.ForgetUnanswered([][2]string{{"", "U1"}}); err != nil {
			return err
		}
		deliveries, err = tx.DeleteDeliveries(func(d *store.Delivery) bool {
			return d.Recipient == mine || d.Recipient == store.StaffRecipient(caseID)
		})
		return err
	})
	if len(convs) != 1 || convs[0] != mine || len(cases) != 1 || texts != 1 || deliveries != 2 {
		t.Fatalf("forget U1 = conversations %v, %d cases, %d texts, %d deliveries; want [%s], 1, 1, 2", convs, len(cases), texts, deliveries, mine)
	}
	s.View(ctx, func(tx store.Tx) error {
		if c, rev := tx.Conversation(mine); rev != 0 || len(c.Turns) != 0 {
			t.Errorf("U1's conversation still reads as %+v", c)
		}
		if c, _ := tx.Case(caseID); c != nil {
			t.Errorf("U1's case still reads as %+v", c)
		}
		if id := tx.CaseByThread("T1"); id != "" {
			t.Errorf("the thread of U1's case still leads to %q", id)
		}
		if c, _ := tx.OpenCaseOf("line", "U1"); c != nil {
			t.Errorf("U1 still has an open case: %+v", c)
		}
		var left []string
		tx.EachUnanswered(func(u *decide.Unanswered) error { left = append(left, u.Text); return nil })
		if len(left) != 1 || left[0] != "text of U2" {
			t.Errorf("unanswered texts left: %q, want only U2's", left)
		}
		var recipients []string
		tx.EachDelivery(func(d *store.Delivery) bool { recipients = append(recipients, d.Recipient); return true })
		if len(recipients) != 1 || recipients[0] != theirs {
			t.Errorf("deliveries left for %v, want only %s", recipients, theirs)
		}
		if c, rev := tx.Conversation(theirs); rev == 0 || len(c.Turns) != 1 {
			t.Errorf("U2's conversation was touched: %+v", c)
		}
		return nil
	})
	if _, err := s.Scrub(); err != nil {
		t.Errorf("Scrub: %v", err)
	}
}

// Retention deletes what is older than the cutoff and keeps the rest, and a conversation that
// waits on an open case however old it is.
func testPurge(t *testing.T, s store.Store) {
	old, recent, waiting := t0.AddDate(0, 0, -100), t0.Add(-time.Hour), t0.AddDate(0, 0, -100)
	update(t, s, func(tx store.Tx) error {
		put := func(user string, at time.Time, c *decide.Conversation) error {
			c.Schema, c.Updated = decide.SchemaVersion, at
			return tx.PutConversation(store.ConvKey("line", user), c)
		}
		if err := put("old", old, &decide.Conversation{}); err != nil {
			return err
		}
		if err := put("recent", recent, &decide.Conversation{}); err != nil {
			return err
		}
		id, err := tx.NextCaseID(t0)
		if err != nil {
			return err
		}
		if err := tx.PutCase(&store.Case{ID: id, Channel: "line", User: "waiting", Status: store.CaseOpen, Created: waiting}); err != nil {
			return err
		}
		if err := put("waiting", waiting, &decide.Conversation{Mode: decide.ModeHandoff, CaseID: id}); err != nil {
			return err
		}
		for _, at := range []time.Time{old, recent} {
			if err := tx.AddUnanswered(&decide.Unanswered{Text: "x", At: at, Channel: "line"}, "someone"); err != nil {
				return err
			}
		}
		if err := tx.MarkSeen("line", "old-event", old); err != nil {
			return err
		}
		return tx.MarkSeen("line", "new-event", recent)
	})
	cutoff := t0.AddDate(0, 0, -30)
	if n, err := s.PurgeConversations(ctx, cutoff); err != nil || n != 1 {
		t.Errorf("PurgeConversations = %d, %v; want 1", n, err)
	}
	if n, err := s.PurgeUnanswered(ctx, cutoff); err != nil || n != 1 {
		t.Errorf("PurgeUnanswered = %d, %v; want 1", n, err)
	}
	if n, err := s.PurgeSeen(ctx, cutoff); err != nil || n != 1 {
		t.Errorf("PurgeSeen = %d, %v; want 1", n, err)
	}
	s.View(ctx, func(tx store.Tx) error {
		for user, want := range map[string]bool{"old": false, "recent": true, "waiting": true} {
			if _, rev := tx.Conversation(store.ConvKey("line", user)); (rev != 0) != want {
				t.Errorf("conversation %s kept: %v, want %v", user, rev != 0, want)
			}
		}
		n := 0
		tx.EachUnanswered(func(u *decide.Unanswered) error {
			n++
			if u.At.Before(cutoff) {
				t.Errorf("an unanswered text of %v survived", u.At)
			}
			return nil
		})
		if n != 1 {
			t.Errorf("%d unanswered texts left, want 1", n)
		}
		if tx.Seen("line", "old-event") || !tx.Seen("line", "new-event") {
			t.Errorf("seen after purge: old %v, new %v; want false, true", tx.Seen("line", "old-event"), tx.Seen("line", "new-event"))
		}
		return nil
	})
	// Cases are walked for the engine's retention, which may change them.
	seen := 0
	n, err := s.RetainCases(ctx, func(tx store.Tx, c *store.Case) (bool, error) {
		seen++
		c.Turns = nil
		return true, tx.PutCase(c)
	})
	if err != nil || n != 1 || seen != 1 {
		t.Errorf("RetainCases = %d, %v after %d calls; want 1 case", n, err, seen)
	}
}

// After Close, transactions fail with ErrClosed.
func testClosed(t *testing.T, s store.Store) {
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx store.Tx) error { return tx.MarkSeen("line", "e", t0) })
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
}
