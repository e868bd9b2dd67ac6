package pgstore_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// Counts from two replicas at once add up, across the rows a counter is split over.
func TestCounters(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := rs[i%2].Update(ctx, func(tx store.Tx) error {
				if err := tx.Count("2026-11-24", "phishing", "answer"); err != nil {
					return err
				}
				if i%4 == 0 {
					return tx.Count("2026-11-24", "", "fallback")
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := map[string]uint64{}
	rs[0].View(ctx, func(tx store.Tx) error {
		return tx.EachCounter(func(day, topic, name string, n uint64) error {
			got[day+"/"+topic+"/"+name] = n
			return nil
		})
	})
	want := map[string]uint64{"2026-11-24/phishing/answer": 40, "2026-11-24//fallback": 10}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counters = %v, want %v", got, want)
	}
}

// The outbox and the cases are walked in order past a page of rows; Hasten and
// DeleteDeliveries change what they say; entries read back with their ids.
func TestOutboxAndCaseWalks(t *testing.T) {
	t.Parallel()
	s := replicas(t, 1)[0]
	const n = 1100
	var recipients []string
	for i := range n {
		recipients = append(recipients, fmt.Sprint("line/U", i%7))
	}
	ids := enqueue(t, s, recipients...)
	err := s.Update(ctx, func(tx store.Tx) error {
		for i := range n {
			id, err := tx.NextCaseID(t0)
			if err != nil {
				return err
			}
			c := &store.Case{ID: id, Channel: "line", User: fmt.Sprint("U", i), Status: store.CaseResolved, Created: t0}
			if i%2 == 0 {
				c.Status = store.CaseOpen
			}
			if err := tx.PutCase(c); err != nil {
				return err
			}
		}
		return tx.PutCaseThread("T1", "2026-0001")
	})
	if err != nil {
		t.Fatal(err)
	}
	s.View(ctx, func(tx store.Tx) error {
		var got []uint64
		tx.EachDelivery(func(d *store.Delivery) bool { got = append(got, d.ID); return true })
		if len(got) != n || got[0] != ids[0] || got[n-1] != ids[n-1] {
			t.Errorf("EachDelivery walked %d entries (%v ... ), want %d from %d to %d", len(got), got[:min(3, len(got))], n, ids[0], ids[n-1])
		}
		stopped := 0
		tx.EachDelivery(func(d *store.Delivery) bool { stopped++; return stopped < 3 })
		if stopped != 3 {
			t.Errorf("EachDelivery went on for %d entries after fn returned false at the 3rd", stopped)
		}
		if d, err := tx.Delivery(ids[5]); err != nil || d == nil || d.ID != ids[5] || d.Recipient != recipients[5] {
			t.Errorf("Delivery(%d) = %+v, %v", ids[5], d, err)
		}
		cases, open := 0, 0
		tx.EachCase(func(c *store.Case) error { cases++; return nil })
		tx.EachCaseStatus(func(st store.CaseStatus) {
			if st == store.CaseOpen {
				open++
			}
		})
		if cases != n || open != n/2 {
			t.Errorf("EachCase walked %d cases, %d open; want %d, %d", cases, open, n, n/2)
		}
		if id := tx.CaseByThread("T1"); id != "2026-0001" {
			t.Errorf("CaseByThread(T1) = %q", id)
		}
		return nil
	})
	later := t0.Add(time.Hour)
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.Reschedule(ids[0], 0, func(d *store.Delivery) { d.NextAttempt, d.Attempts = later, 3 })
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Due(t0); d != n-1 {
		t.Errorf("Due with one entry rescheduled = %d, want %d", d, n-1)
	}
	var hastened, deleted int
	err = s.Update(ctx, func(tx store.Tx) error {
		var err error
		if hastened, err = tx.Hasten("line", t0); err != nil {
			return err
		}
		deleted, err = tx.DeleteDeliveries(func(d *store.Delivery) bool { return d.Recipient == "line/U0" })
		return err
	})
	if err != nil || hastened != 1 || deleted != (n+6)/7 {
		t.Errorf("Hasten = %d, DeleteDeliveries = %d, %v; want 1, %d", hastened, deleted, err, (n+6)/7)
	}
	if d, depth := s.Due(t0), s.Depth(); d != n-deleted || depth != n-deleted {
		t.Errorf("Due, Depth = %d, %d; want %d", d, depth, n-deleted)
	}
}

// Two transactions that lock a case and a conversation in opposite orders (a staff action and
// a user's message on one case) deadlock; PostgreSQL aborts one, and Update runs it again:
// both commit.
func TestDeadlockRunsAgain(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	key := store.ConvKey("line", "U1")
	err := rs[0].Update(ctx, func(tx store.Tx) error {
		if err := tx.PutCase(&store.Case{ID: "2026-0001", Channel: "line", User: "U1", Status: store.CaseOpen, Created: t0}); err != nil {
			return err
		}
		return tx.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Step: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		ready sync.WaitGroup
		runs  [2]atomic.Int32
	)
	ready.Add(2)
	orders := [2][2]func(tx store.Tx){
		{func(tx store.Tx) { tx.Case("2026-0001") }, func(tx store.Tx) { tx.Conversation(key) }},
		{func(tx store.Tx) { tx.Conversation(key) }, func(tx store.Tx) { tx.Case("2026-0001") }},
	}
	for i, order := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := rs[i].Update(ctx, func(tx store.Tx) error {
				order[0](tx)
				if runs[i].Add(1) == 1 {
					ready.Done()
					ready.Wait() // both hold their first lock
				}
				order[1](tx)
				return tx.Count("2026-11-24", "", fmt.Sprint("tx", i))
			})
			if err != nil {
				t.Errorf("transaction %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if runs[0].Load()+runs[1].Load() < 3 {
		t.Errorf("runs %d and %d: want one transaction run again after the deadlock", runs[0].Load(), runs[1].Load())
	}
	n := 0
	rs[0].View(ctx, func(tx store.Tx) error {
		return tx.EachCounter(func(_, _, _ string, _ uint64) error { n++; return nil })
	})
	if n != 2 {
		t.Errorf("%d of 2 transactions committed", n)
	}
}

// A user's text may hold any character, NUL included: what they wrote is stored and read back
// as written, in conversations, cases, unanswered texts and the outbox.
func TestTextWithNUL(t *testing.T) {
	t.Parallel()
	s := replicas(t, 1)[0]
	const text = "before\x00after \u202e ✓"
	key := store.ConvKey("line", "U1")
	var id uint64
	err := s.Update(ctx, func(tx store.Tx) error {
		turns := []decide.Turn{{From: "user", Text: text, At: t0}}
		if err := tx.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Turns: turns}); err != nil {
			return err
		}
		if err := tx.PutCase(&store.Case{ID: "2026-0001", Channel: "line", User: "U1", Status: store.CaseOpen, Turns: turns}); err != nil {
			return err
		}
		if err := tx.AddUnanswered(&decide.Unanswered{Text: text, At: t0, Channel: "line"}, "U1"); err != nil {
			return err
		}
		d := &store.Delivery{Kind: store.KindStaff, Channel: "staff", Recipient: "staff/2026-0001", Text: text, Key: store.NewKey()}
		err := tx.Enqueue(d)
		id = d.ID
		return err
	})
	if err != nil {
		t.Fatalf("storing a text with NUL: %v", err)
	}
	s.View(ctx, func(tx store.Tx) error {
		if c, _ := tx.Conversation(key); len(c.Turns) != 1 || c.Turns[0].Text != text {
			t.Errorf("conversation turns read back as %+v", c.Turns)
		}
		if c, err := tx.Case("2026-0001"); err != nil || len(c.Turns) != 1 || c.Turns[0].Text != text {
			t.Errorf("case reads back as %+v, %v", c, err)
		}
		tx.EachUnanswered(func(u *decide.Unanswered) error {
			if u.Text != text {
				t.Errorf("unanswered text reads back as %q", u.Text)
			}
			return nil
		})
		if d, err := tx.Delivery(id); err != nil || d.Text != text {
			t.Errorf("delivery reads back as %+v, %v", d, err)
		}
		return nil
	})
}

// A function that panics inside Update gives its connection back: more panics than the pool
// has connections leave the store serving.
func TestPanicInUpdate(t *testing.T) {
	t.Parallel()
	s := replicas(t, 1)[0]
	for range 12 {
		func() {
			defer func() { recover() }()
			s.Update(ctx, func(tx store.Tx) error {
				tx.MarkSeen("line", "e", t0)
				panic("the caller's bug")
			})
		}()
	}
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx store.Tx) error { return tx.MarkSeen("line", "e2", t0) })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Update after 12 panics did not get a connection within 10 s")
	}
	s.View(ctx, func(tx store.Tx) error {
		if tx.Seen("line", "e") {
			t.Error("a panicking transaction's mark was committed")
		}
		return nil
	})
}
