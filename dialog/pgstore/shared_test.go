package pgstore_test

import (
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// What one process keeps in memory with bbolt holds across replicas here: two engines, each
// on its own store, on one database, are two replicas.

// clockAt is a clock tests move.
type clockAt struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clockAt) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clockAt) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// engines returns n engines, each on a store of its own, on one new database.
func engines(t *testing.T, n int, opts dialog.Options) ([]*dialog.Engine, []*pgstore.Store) {
	t.Helper()
	rs := replicas(t, n)
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	var es []*dialog.Engine
	for _, s := range rs {
		es = append(es, dialog.New(s, lib, slog.New(slog.DiscardHandler), opts))
	}
	return es, rs
}

// TestRateLimitAcrossReplicas: a flood from one person, split across two replicas and sent
// all at once, is limited as one: the burst is answered, the rest not, whichever replica
// each message reached; another person is answered as usual.
func TestRateLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	c := &clockAt{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	const burst, flood = 5, 40
	es, _ := engines(t, 2, dialog.Options{Now: c.Now, RateLimit: dialog.RateLimit{Burst: burst, Every: time.Hour}})
	var answered, noticed atomic.Int32
	var wg sync.WaitGroup
	for i := range flood {
		wg.Go(func() {
			r, err := es[i%2].Respond(ctx, dialog.Message{Channel: "slack", UserID: fmt.Sprintf("C0GENERAL/1700000000.%06d", i),
				Person: "U0FLOOD", EventID: fmt.Sprint("f", i), Text: "ウイルスに感染した"})
			switch {
			case err != nil:
				t.Error(err)
			case r.Topic == "malware":
				answered.Add(1)
			case len(r.Blocks) > 0:
				noticed.Add(1)
			}
		})
	}
	wg.Wait()
	if answered.Load() != burst || noticed.Load() != 1 {
		t.Errorf("%d messages of one person over two replicas: %d answered, %d told about the limit; want %d (the burst) and 1",
			flood, answered.Load(), noticed.Load(), burst)
	}
	r, err := es[1].Respond(ctx, dialog.Message{Channel: "slack", UserID: "C0GENERAL/1700000001.000000", Person: "U0OTHER", EventID: "o1", Text: "ウイルスに感染した"})
	if err != nil || r.Topic != "malware" {
		t.Errorf("another person is affected by the flood: %v %q", err, r.PlainText())
	}
	// The bucket refills as time passes, on either replica.
	c.set(c.Now().Add(2 * time.Hour))
	r, err = es[0].Respond(ctx, dialog.Message{Channel: "slack", UserID: "C0GENERAL/1700000002.000000", Person: "U0FLOOD", EventID: "later", Text: "ウイルスに感染した"})
	if err != nil || r.Topic != "malware" {
		t.Errorf("two hours later: %v %q; want an answer", err, r.PlainText())
	}
}

// TestOneOpenCaseAcrossReplicas: people who ask for staff from two Slack threads at the same
// moment, each thread reaching another replica, get one case each, which both threads join.
func TestOneOpenCaseAcrossReplicas(t *testing.T) {
	t.Parallel()
	es, rs := engines(t, 2, dialog.Options{Policy: dialog.Policy{Staffed: true}})
	const people = 12
	ids := make([][2]string, people)
	var wg sync.WaitGroup
	for p := range people {
		for i := range 2 {
			wg.Go(func() {
				r, err := es[i].Respond(ctx, dialog.Message{Channel: "slack", UserID: fmt.Sprintf("C0GENERAL/17000%02d.00000%d", p, i),
					Person: fmt.Sprintf("U0P%02d", p), EventID: fmt.Sprintf("e%d-%d", p, i), Text: "ランサムウェアの件で担当者と話したい", Address: "addr"})
				if err != nil || r.Handoff == nil {
					t.Errorf("escalation of U0P%02d on replica %d: %v, %+v", p, i, err, r.Handoff)
					return
				}
				ids[p][i] = r.Handoff.CaseID
			})
		}
	}
	wg.Wait()
	for p, pair := range ids {
		if pair[0] != pair[1] {
			t.Errorf("U0P%02d asked for staff from two threads on two replicas: cases %v, want one", p, pair)
		}
	}
	n := 0
	rs[0].View(ctx, func(tx store.Tx) error { return tx.EachCaseStatus(func(store.CaseStatus) { n++ }) })
	if n != people {
		t.Errorf("%d cases stored for %d people, want one each", n, people)
	}
}

// TestRetentionOnceAcrossReplicas: while one replica runs the retention sweep, another's
// returns at once having done nothing; once the first is done, the other sweeps as usual.
func TestRetentionOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	c := &clockAt{t: time.Date(2026, 8, 1, 10, 0, 0, 0, knowledge.Tokyo)}
	es, rs := engines(t, 2, dialog.Options{Now: c.Now})
	for i := range 3 {
		if _, err := es[0].Respond(ctx, dialog.Message{Channel: "line", UserID: fmt.Sprint("U", i), EventID: fmt.Sprint("old", i), Text: "ウイルスに感染した"}); err != nil {
			t.Fatal(err)
		}
	}
	c.set(time.Date(2026, 11, 24, 10, 0, 0, 0, knowledge.Tokyo))
	cutoff := c.Now().Add(-90 * 24 * time.Hour)
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		ran, err := rs[0].Exclusive(ctx, "retention", func() error {
			close(held)
			<-release
			return nil
		})
		if !ran && err == nil {
			err = fmt.Errorf("the first sweep did not run")
		}
		done <- err
	}()
	<-held
	p, err := es[1].Admin().Purge(cutoff, cutoff)
	if err != nil || p != (dialog.Purged{}) {
		t.Errorf("a sweep while another replica sweeps: %+v, %v; want nothing done", p, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p, err = es[1].Admin().Purge(cutoff, cutoff)
	if err != nil || p.Conversations != 3 {
		t.Errorf("the sweep after the other one ended: %+v, %v; want the 3 old conversations purged", p, err)
	}
}

// TestStatsSameOnReplicas: the figures, the open cases and the cases read the same on every
// replica, whichever one handled the conversations: they are read from the database.
func TestStatsSameOnReplicas(t *testing.T) {
	t.Parallel()
	c := &clockAt{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	es, _ := engines(t, 2, dialog.Options{Now: c.Now, Policy: dialog.Policy{Staffed: true}})
	texts := []string{"ウイルス", "ほげほげ", "担当者と話したい", "フィッシングサイトにパスワードを入れてしまった"}
	for i, text := range texts {
		for u := range 3 {
			if _, err := es[(i+u)%2].Respond(ctx, dialog.Message{Channel: "line", UserID: fmt.Sprint("U", u), EventID: fmt.Sprint(i, "-", u), Text: text, Address: "a"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var stats [2]dialog.Stats
	var open [2]int
	var cases [2][]dialog.Case
	for i, e := range es {
		var err error
		if stats[i], err = e.Admin().Stats(time.Time{}); err != nil {
			t.Fatal(err)
		}
		if open[i], err = e.Admin().OpenCases(); err != nil {
			t.Fatal(err)
		}
		if cases[i], err = e.Admin().Cases(time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(stats[0], stats[1]) {
		t.Errorf("the replicas' figures differ:\n%+v\n%+v", stats[0], stats[1])
	}
	if open[0] != open[1] || open[0] == 0 || !reflect.DeepEqual(cases[0], cases[1]) {
		t.Errorf("the replicas' cases differ: %d open / %d open, %d / %d cases", open[0], open[1], len(cases[0]), len(cases[1]))
	}
}

// TestReclaimedAfterExpiredLease: an outbox entry handed out again after its claim expired
// unmarked (a replica paused or died while sending it) says so (Reclaimed), so that the LINE
// deliverer pushes it with its retry key instead of using a reply token the first claimer may
// have used; an entry claimed for the first time, or after a failed attempt was recorded, does
// not.
func TestReclaimedAfterExpiredLease(t *testing.T) {
	t.Parallel()
	c := &clockAt{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	es, _ := engines(t, 2, dialog.Options{Now: c.Now})
	if _, err := es[0].Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "e1", Text: "ウイルスに感染した", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	now := c.Now()
	first, err := es[0].Outbox().Pending(now, 10, nil)
	if err != nil || len(first) != 1 || first[0].Reclaimed {
		t.Fatalf("first claim: %+v, %v; want one entry, not reclaimed", first, err)
	}
	// Replica 0 pauses past its lease; replica 1 takes the entry over.
	later := now.Add(10 * time.Minute)
	again, err := es[1].Outbox().Pending(later, 10, nil)
	if err != nil || len(again) != 1 || !again[0].Reclaimed {
		t.Fatalf("claim after the lease expired: %+v, %v; want the entry, reclaimed", again, err)
	}
	if err := es[1].Outbox().Defer(again[0].ID, later, 0); err != nil {
		t.Fatal(err)
	}
	after, err := es[0].Outbox().Pending(later, 10, nil)
	if err != nil || len(after) != 1 || after[0].Reclaimed {
		t.Fatalf("claim after a recorded attempt: %+v, %v; want the entry, not reclaimed", after, err)
	}
}

// TestPurgeInChunks: the retention sweep deletes in transactions of a bounded size, each
// committed before the next begins: while another replica holds one conversation of the last
// chunk, the chunks before it are already deleted for everyone, and the sweep finishes once
// that replica lets go.
func TestPurgeInChunks(t *testing.T) {
	t.Parallel()
	es, rs := engines(t, 2, dialog.Options{})
	old := time.Date(2026, 1, 5, 10, 0, 0, 0, knowledge.Tokyo)
	const n = 2500 // purgeChunk is 1000: three transactions
	err := rs[0].Update(ctx, func(tx store.Tx) error {
		for i := range n {
			if err := tx.PutConversation(fmt.Sprintf("line/U%04d", i), &decide.Conversation{Updated: old}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		c := 0
		rs[1].View(ctx, func(tx store.Tx) error {
			return tx.(store.ExportTx).EachConversation(func(string, *decide.Conversation) error { c++; return nil })
		})
		return c
	}
	// Replica 1 holds a conversation of the last chunk in an open transaction.
	held, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error)
	go func() {
		holder <- rs[1].Update(ctx, func(tx store.Tx) error {
			if err := tx.PutConversation("line/U2400", &decide.Conversation{Updated: old}); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	purged := make(chan dialog.Purged)
	go func() {
		p, err := es[0].Admin().Purge(old.AddDate(0, 1, 0), old.AddDate(0, 1, 0))
		if err != nil {
			t.Error(err)
		}
		purged <- p
	}()
	deadline := time.Now().Add(20 * time.Second)
	for count() > n-2000 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if c := count(); c != n-2000 {
		t.Errorf("while the sweep waits for the last chunk, %d conversations are left; want %d: the first two chunks committed", c, n-2000)
	}
	select {
	case p := <-purged:
		t.Errorf("the sweep ended (%+v) while a conversation it must delete was held", p)
	default:
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if p := <-purged; p.Conversations != n {
		t.Errorf("the sweep purged %d conversations, want %d", p.Conversations, n)
	}
}
