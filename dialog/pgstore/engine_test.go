package pgstore_test

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// The engine on two replicas sharing one database: people talk and escalate while every
// webhook reaches both replicas at once. Each event is handled once, each person gets one
// case, case ids have no gaps, and the replicas' senders deliver every reply once.
func TestEngineOnReplicas(t *testing.T) {
	t.Parallel()
	rs := replicas(t, 2)
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	opts := dialog.Options{Policy: dialog.Policy{Staffed: true}}
	engines := []*dialog.Engine{dialog.New(rs[0], lib, logger, opts), dialog.New(rs[1], lib, logger, opts)}
	texts := []string{"こんにちは", "担当者と話したい", "まだですか", "よろしくお願いします"}
	const people = 12
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		handled = map[string]int{}
	)
	for p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, text := range texts {
				m := dialog.Message{Channel: "line", UserID: fmt.Sprint("U", p), EventID: fmt.Sprintf("ev-%d-%d", p, i), Text: text, Address: "a"}
				var inner sync.WaitGroup
				for _, e := range engines {
					inner.Add(1)
					go func() {
						defer inner.Done()
						r, err := e.Respond(ctx, m)
						if err != nil {
							t.Errorf("Respond(%q) of %s: %v", text, m.UserID, err)
							return
						}
						if !r.Duplicate {
							mu.Lock()
							handled[m.EventID]++
							mu.Unlock()
						}
					}()
				}
				inner.Wait()
			}
		}()
	}
	wg.Wait()
	for p := range people {
		for i := range texts {
			if id := fmt.Sprintf("ev-%d-%d", p, i); handled[id] != 1 {
				t.Errorf("event %s handled %d times by two replicas, want 1", id, handled[id])
			}
		}
	}
	var ids []string
	owners := map[string]int{}
	rs[0].View(ctx, func(tx store.Tx) error {
		return tx.EachCase(func(c *store.Case) error {
			ids = append(ids, c.ID)
			owners[c.User]++
			return nil
		})
	})
	sort.Strings(ids)
	if len(ids) != people || len(owners) != people {
		t.Fatalf("%d cases for %d people (%v), want one each", len(ids), len(owners), owners)
	}
	year := time.Now().In(knowledge.Tokyo).Year()
	for i, id := range ids {
		if want := fmt.Sprintf("%d-%04d", year, i+1); id != want {
			t.Fatalf("case ids %v: want %s at %d", ids, want, i)
		}
	}
	// Both replicas' senders drain the outbox together.
	queued := rs[0].Depth()
	var sent sync.Map
	var dup int
	for _, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idle := 0; idle < 20; {
				ds, err := e.Outbox().Pending(time.Now().Add(time.Hour), 5, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					idle++
					time.Sleep(2 * time.Millisecond)
					continue
				}
				for _, d := range ds {
					if _, loaded := sent.LoadOrStore(d.ID, true); loaded {
						mu.Lock()
						dup++
						mu.Unlock()
					}
					if err := e.Outbox().Delivered(d.ID, "thread-"+fmt.Sprint(d.ID)); err != nil {
						t.Errorf("Delivered(%d): %v", d.ID, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := rs[1].Depth(); n != 0 || dup != 0 || queued == 0 {
		t.Errorf("after both senders drained %d entries: %d left, %d handed out twice", queued, n, dup)
	}
}
