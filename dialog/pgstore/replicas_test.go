package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
)

// replicas opens n stores on one new database, as n processes of the bot would.
func replicas(t *testing.T, n int) []*pgstore.Store {
	t.Helper()
	url := needServer(t).NewDatabase(t, false)
	var out []*pgstore.Store
	for range n {
		s := openStore(t, url)
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

func enqueue(t *testing.T, s store.Store, recipients ...string) []uint64 {
	t.Helper()
	var ids []uint64
	err := s.Update(ctx, func(tx store.Tx) error {
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
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// Two replicas claim from one outbox at once, each delivering what it claimed: no entry is
// ever held by both, every entry is delivered once, and each recipient's entries are claimed
// in queue order.
func TestReplicasClaimConcurrently(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	const recipients, each = 40, 6
	var all []string
	for i := range each * recipients {
		all = append(all, fmt.Sprintf("line/U%d", i%recipients))
	}
	ids := enqueue(t, rs[0], all...)
	var (
		mu        sync.Mutex
		held      = map[uint64]int{} // entry -> the replica holding it
		delivered = map[uint64]int{}
		order     = map[string][]uint64{}
		wg        sync.WaitGroup
	)
	for r, s := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idle := 0; idle < 50; {
				cs, err := s.Claim(t0, 7, time.Hour, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if len(cs) == 0 {
					idle++
					time.Sleep(time.Millisecond)
					continue
				}
				idle = 0
				mu.Lock()
				for _, c := range cs {
					if other, ok := held[c.Delivery.ID]; ok {
						t.Errorf("entry %d claimed by replica %d while replica %d holds it", c.Delivery.ID, r, other)
					}
					held[c.Delivery.ID] = r
					order[c.Delivery.Recipient] = append(order[c.Delivery.Recipient], c.Delivery.ID)
				}
				mu.Unlock()
				for _, c := range cs {
					err := s.Update(ctx, func(tx store.Tx) error { _, err := tx.Delivered(c.Delivery.ID, c.Epoch); return err })
					if err != nil {
						t.Errorf("replica %d marks entry %d delivered: %v", r, c.Delivery.ID, err)
					}
					mu.Lock()
					delete(held, c.Delivery.ID)
					delivered[c.Delivery.ID]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if delivered[id] != 1 {
			t.Errorf("entry %d delivered %d times, want 1", id, delivered[id])
		}
	}
	for r, got := range order {
		if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i] < got[j] }) || len(got) != each {
			t.Errorf("entries of %s claimed in the order %v, want %d in queue order", r, got, each)
		}
	}
	if n := rs[1].Depth(); n != 0 {
		t.Errorf("Depth after delivering everything = %d", n)
	}
}

// A replica whose lease expired has lost the entry: another replica claims it with a higher
// epoch, and the first one's renewals and marks fail with ErrStaleEpoch.
func TestExpiredClaimerCannotMark(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	a, b := rs[0], rs[1]
	ids := enqueue(t, a, "line/U1")
	ca, err := a.Claim(t0, 1, time.Minute, nil)
	if err != nil || len(ca) != 1 {
		t.Fatalf("replica A claims: %v, %v", ca, err)
	}
	if cb, _ := b.Claim(t0.Add(30*time.Second), 1, time.Minute, nil); len(cb) != 0 {
		t.Fatalf("replica B claimed entry %d inside A's lease", cb[0].Delivery.ID)
	}
	cb, err := b.Claim(t0.Add(2*time.Minute), 1, time.Minute, nil)
	if err != nil || len(cb) != 1 || cb[0].Delivery.ID != ids[0] || cb[0].Epoch <= ca[0].Epoch {
		t.Fatalf("replica B claims after A's lease = %+v, %v; want entry %d with an epoch above %d", cb, err, ids[0], ca[0].Epoch)
	}
	if err := a.Renew(ids[0], ca[0].Epoch, t0.Add(time.Hour)); !errors.Is(err, store.ErrStaleEpoch) {
		t.Errorf("A renews after B took over: %v, want ErrStaleEpoch", err)
	}
	for name, mark := range map[string]func(tx store.Tx) error{
		"delivered": func(tx store.Tx) error { _, err := tx.Delivered(ids[0], ca[0].Epoch); return err },
		"dropped":   func(tx store.Tx) error { _, err := tx.Dropped(ids[0], ca[0].Epoch); return err },
		"reschedule": func(tx store.Tx) error {
			return tx.Reschedule(ids[0], ca[0].Epoch, func(d *store.Delivery) { d.Attempts++ })
		},
	} {
		if err := a.Update(ctx, mark); !errors.Is(err, store.ErrStaleEpoch) {
			t.Errorf("A marks %s after B took over: %v, want ErrStaleEpoch", name, err)
		}
	}
	if err := b.Update(ctx, func(tx store.Tx) error { _, err := tx.Delivered(ids[0], cb[0].Epoch); return err }); err != nil {
		t.Errorf("B marks delivered: %v", err)
	}
}

// A delivery queued through one replica wakes the claimers of another (LISTEN/NOTIFY).
func TestWakeAcrossReplicas(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	select { // B's listener wakes once when it starts listening
	case <-rs[1].Wake():
	case <-time.After(5 * time.Second):
		t.Fatal("replica B's listener did not start within 5 s")
	}
	enqueue(t, rs[0], "line/U1")
	select {
	case <-rs[1].Wake():
	case <-time.After(5 * time.Second):
		t.Fatal("replica B was not woken within 5 s of a delivery queued through replica A")
	}
}

// Case ids stay gapless per year when replicas take them at once and some transactions roll
// back.
func TestCaseIDsGapless(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	errRollback := errors.New("rolled back")
	var (
		mu    sync.Mutex
		taken []string
		wg    sync.WaitGroup
	)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var id string
			err := rs[i%2].Update(ctx, func(tx store.Tx) error {
				peek := tx.PeekCaseID(t0)
				var err error
				if id, err = tx.NextCaseID(t0); err != nil {
					return err
				}
				if id != peek {
					return fmt.Errorf("PeekCaseID said %s, NextCaseID took %s", peek, id)
				}
				if i%3 == 0 {
					return errRollback
				}
				return tx.PutCase(&store.Case{ID: id, Channel: "line", User: fmt.Sprint("U", i), Status: store.CaseOpen, Created: t0})
			})
			if errors.Is(err, errRollback) {
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			taken = append(taken, id)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Strings(taken)
	for i, id := range taken {
		if want := fmt.Sprintf("2026-%04d", i+1); id != want {
			t.Fatalf("committed case ids %v: the %dth is %s, want %s", taken, i+1, id, want)
		}
	}
}

// What the bbolt store keeps only as keyed hashes (who wrote an unanswered text, and the
// person index, here the owners columns) holds no platform user id in clear.
func TestNoUserIDsInTags(t *testing.T) {
	t.Parallel()
	srv := needServer(t)
	url := srv.NewDatabase(t, false)
	s := openStore(t, url)
	defer s.Close()
	const id = "Uplatformid0123456789"
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.AddUnanswered(&decide.Unanswered{Text: "x", At: t0, Channel: "line"}, id); err != nil {
			return err
		}
		if err := tx.PutConversation(store.ConvKey("slack", "C1/1700.1"), &decide.Conversation{Schema: decide.SchemaVersion, People: []string{id}}); err != nil {
			return err
		}
		return tx.PutCase(&store.Case{ID: "2026-0001", Channel: "line", User: id, Status: store.CaseOpen, Created: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"SELECT who::text || body::text FROM unanswered",
		"SELECT owners::text FROM conversations",
		"SELECT owners::text FROM cases",
	} {
		var got string
		if err := conn.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if strings.Contains(got, id) || strings.Contains(got, "C1") {
			t.Errorf("%s = %s: holds a platform id in clear", q, got)
		}
	}
	var who []string
	s.View(ctx, func(tx store.Tx) error {
		return tx.EachUnanswered(func(u *decide.Unanswered) error { who = u.Who; return nil })
	})
	if len(who) != 1 || who[0] == id {
		t.Errorf("an unanswered text's authors read as %q, want one tag", who)
	}
}

// Two steps decided from one revision of a conversation, by two replicas, with the second
// arriving while the first has read the revision but not written yet: exactly one is stored.
// (The contract's race rarely lands in that gap; here it is forced.)
func TestConversationStepsInterleaved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stored bool // the conversation exists before the steps
	}{
		{"existing", true},
		{"new", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := replicas(t, 2)
			key := store.ConvKey("line", "U1")
			if tt.stored {
				err := rs[0].Update(ctx, func(tx store.Tx) error {
					return tx.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Step: 1})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			var snap store.Rev
			rs[0].View(ctx, func(tx store.Tx) error { snap = tx.ConversationRev(key); return nil })
			var (
				aRead, bDone = make(chan struct{}), make(chan struct{})
				once         sync.Once
				wonA, wonB   bool
				wg           sync.WaitGroup
			)
			step := func(s store.Store, won *bool, step int, between func()) {
				defer wg.Done()
				err := s.Update(ctx, func(tx store.Tx) error {
					*won = false
					if tx.ConversationRev(key) != snap {
						return nil
					}
					between()
					*won = true
					return tx.PutConversation(key, &decide.Conversation{Schema: decide.SchemaVersion, Step: step})
				})
				if err != nil {
					t.Error(err)
				}
			}
			wg.Add(2)
			go step(rs[0], &wonA, 2, func() {
				once.Do(func() { close(aRead) })
				select { // B runs meanwhile, or waits for this transaction
				case <-bDone:
				case <-time.After(300 * time.Millisecond):
				}
			})
			go func() {
				<-aRead
				step(rs[1], &wonB, 3, func() {})
				close(bDone)
			}()
			wg.Wait()
			if wonA == wonB {
				t.Errorf("steps stored from one revision: A %v, B %v; want exactly one", wonA, wonB)
			}
		})
	}
}

// When the listening connection is lost, the claimers are woken every second while it is
// down, and the listener connects again: a delivery queued by another replica wakes them again.
func TestWakeAfterListenerLost(t *testing.T) {
	t.Parallel()
	url := needServer(t).NewDatabase(t, false)
	a, b := openStore(t, url), openStore(t, url)
	t.Cleanup(func() { a.Close(); b.Close() })
	for _, s := range []*pgstore.Store{a, b} {
		select {
		case <-s.Wake():
		case <-time.After(5 * time.Second):
			t.Fatal("a listener did not start within 5 s")
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	listeners := func() int {
		var n int
		conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'").Scan(&n)
		return n
	}
	if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case <-b.Wake():
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("first wake after losing the listener took %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no wake within 5 s of losing the listening connection")
	}
	deadline := time.Now().Add(15 * time.Second)
	for listeners() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the listeners did not connect again within 15 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the wake the listener sends once it listens again
	for len(b.Wake()) > 0 {
		<-b.Wake()
	}
	enqueue(t, a, "line/U1")
	select {
	case <-b.Wake():
	case <-time.After(5 * time.Second):
		t.Fatal("replica B was not woken by a delivery queued after its listener came back")
	}
}
