package boltstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/boltstore"
	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// tenThousand opens an engine whose database holds 10,000 users' conversations (half of them
// idle for 100 days), their unanswered queries and a year of daily counters, written directly
// in one transaction so the test spends its time on what it measures.
func tenThousand(tb testing.TB) (engine, time.Time) {
	tb.Helper()
	return populated(tb, 10000)
}

// populated is tenThousand with users users.
// engine is an engine with its store at hand.
type engine struct {
	*dialog.Engine
	s *boltstore.Store
}

func populated(tb testing.TB, users int) (engine, time.Time) {
	tb.Helper()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, knowledge.Tokyo)
	s, err := boltstore.Open(filepath.Join(tb.TempDir(), "h.db"), time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	e := dialog.New(s, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), dialog.Options{Now: func() time.Time { return now }})
	tb.Cleanup(func() { e.Close() })
	err = s.Update(context.Background(), func(t store.Tx) error {
		for i := 0; i < users; i++ {
			updated := now.Add(-time.Hour)
			if i%2 == 1 {
				updated = now.AddDate(0, 0, -100)
			}
			c := &decide.Conversation{Schema: decide.SchemaVersion, Step: 3, Mode: decide.ModeAnswered, Topic: "phishing", Updated: updated,
				Turns: []decide.Turn{{From: "user", Text: "フィッシングサイトにパスワードを入れてしまった", At: updated}, {From: "bot", Text: "ほかにお手伝いできることはありますか？", At: updated}}}
			if err := t.PutConversation(store.ConvKey("line", fmt.Sprintf("U%06d", i)), c); err != nil {
				return err
			}
			u := &decide.Unanswered{Text: fmt.Sprintf("分からない質問 %d", i%300), Outcome: decide.Fallback, At: updated, Channel: "line"}
			if err := t.AddUnanswered(u, fmt.Sprintf("U%06d", i)); err != nil {
				return err
			}
		}
		for d := 0; d < 365; d++ {
			day := now.AddDate(0, 0, -d).Format(time.DateOnly)
			for _, topic := range knowledge.TopicIDs {
				for _, name := range []string{"consultation", "answer", "escalate"} {
					if err := t.Count(day, topic, name); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return engine{e, s}, now
}

// TestTenThousandUsers: with 10,000 users stored, the figures are right and retention removes
// exactly the idle half. (The time it takes is measured by BenchmarkTenThousandUsers.)
func TestTenThousandUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	e, now := tenThousand(t)
	st, err := e.Admin().Stats(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unanswered) != 300 {
		t.Errorf("unanswered: %d distinct texts, want 300", len(st.Unanswered))
	} else if st.Unanswered[0].Count < 33 {
		t.Errorf("unanswered: the most frequent text was sent %d times, want at least 33", st.Unanswered[0].Count)
	}
	if len(st.Topics) != len(knowledge.TopicIDs) {
		t.Errorf("topics: %d, want %d", len(st.Topics), len(knowledge.TopicIDs))
	} else if st.Topics[0].Consultations != 365 {
		t.Errorf("topics: first %+v, want 365 consultations", st.Topics[0])
	}
	p, err := e.Admin().Purge(now.AddDate(0, 0, -90), now.Add(-72*time.Hour))
	if err != nil || p.Conversations != 5000 || p.Unanswered != 5000 {
		t.Errorf("Purge = %+v, %v; want the 5,000 idle conversations and their queries", p, err)
	}
	if p, _ := e.Admin().Purge(now.AddDate(0, 0, -90), now.Add(-72*time.Hour)); p != (dialog.Purged{}) {
		t.Errorf("a second purge removed %+v", p)
	}
}

// BenchmarkTenThousandUsers times the admin work that scans everything, on 10,000 users.
func BenchmarkTenThousandUsers(b *testing.B) {
	e, now := tenThousand(b)
	b.Run("stats", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := e.Admin().Stats(time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("purge-nothing-to-do", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := e.Admin().Purge(now.AddDate(-2, 0, 0), now.AddDate(-2, 0, 0)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("forget-one-user", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := e.Admin().Forget("line", fmt.Sprintf("U%06d", i%10000)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpenTenThousandUsers times opening a database of 10,000 users: bbolt's open alone,
// and Open with the reading of every key and the consistency check it runs first.
func BenchmarkOpenTenThousandUsers(b *testing.B) {
	e, _ := tenThousand(b)
	path := e.s.Path()
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(path); err == nil {
		b.Logf("database of %d bytes", fi.Size())
	}
	b.Run("bbolt-open", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("open-checked", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, err := boltstore.Open(path, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}

// BenchmarkForget times Forget of one person among 10,000 and 100,000 users (each op a new
// person, with a conversation and an unanswered query), and apart from it the scrub that
// follows an erasure (zeroing the pages one forget freed, then fsync).
func BenchmarkForget(b *testing.B) {
	for _, users := range []int{10000, 100000} {
		e, _ := populated(b, users)
		if fi, err := os.Stat(e.s.Path()); err == nil {
			b.Logf("%d users: database of %d bytes", users, fi.Size())
		}
		next := 0 // each person is forgotten once, across the benchmark's runs
		b.Run(fmt.Sprintf("users=%d/forget", users), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				next++
				f, err := e.Admin().Forget("line", fmt.Sprintf("U%06d", (2*next)%users))
				if err != nil || f.Conversations != 1 {
					b.Fatal(f, err)
				}
			}
		})
		b.Run(fmt.Sprintf("users=%d/scrub", users), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				err := e.s.Update(context.Background(), func(t store.Tx) error {
					next++
					return t.DeleteConversation(store.ConvKey("line", fmt.Sprintf("U%06d", (2*next+1)%users)))
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := e.s.Scrub(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestForgetReadsOnlyThePerson: Forget of one person reads that person's records, not every
// record of the database (measured in allocations, which reading and decoding a record cost),
// and a file written before the by-person index existed is indexed when opened.
func TestForgetReadsOnlyThePerson(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	e, _ := populated(t, 5000)
	n := 0
	allocs := testing.AllocsPerRun(5, func() {
		n++
		user := fmt.Sprintf("U%06d", n)
		var convs []string
		var texts int
		err := e.s.Update(context.Background(), func(t store.Tx) error {
			var err error
			if convs, err = t.ForgetConversations("line", user); err != nil {
				return err
			}
			texts, err = t.ForgetUnanswered([][2]string{{"line", user}})
			return err
		})
		if err != nil || len(convs) != 1 || texts != 1 {
			t.Fatalf("deleting %s: %d conversations, %d unanswered, %v; want 1 and 1", user, len(convs), texts, err)
		}
	})
	t.Logf("%.0f allocations", allocs)
	if allocs > 1000 {
		t.Errorf("deleting one person among 5,000 made %.0f allocations, want at most 1,000", allocs)
	}

	// Back to a file of layout 1: no index, and the layout says so.
	path := e.s.Path()
	err := boltstore.RawUpdate(e.s, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(boltstore.BucketByPerson); err != nil {
			return err
		}
		return tx.Bucket(boltstore.BucketMeta).Put(boltstore.KeySchema, boltstore.U64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := dialog.Open(path, lib, slog.New(slog.DiscardHandler), dialog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if f, err := e2.Admin().Forget("", "U000100"); err != nil || f.Conversations != 1 || f.Unanswered != 1 {
		t.Errorf("after opening a file of layout 1, Forget = %+v, %v; want its conversation and its unanswered query", f, err)
	}
}
