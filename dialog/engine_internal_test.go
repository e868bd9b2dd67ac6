package dialog

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func cacheTestEngine(t *testing.T) *Engine {
	t.Helper()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Open(filepath.Join(t.TempDir(), "helpdesk.db"), lib, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestLimiterLimitedTakesNoToken(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	l := newLimiter(RateLimit{Burst: 2, Every: 10 * time.Second})
	for i, tc := range []struct {
		after   time.Duration
		take    bool
		limited bool
	}{
		{0, false, false}, // unknown user
		{0, true, false},  // one token left
		{0, true, true},   // none left
		{5 * time.Second, false, true},
		{10 * time.Second, false, false}, // one refilled
		{10 * time.Second, false, false}, // asking again took nothing
	} {
		if tc.take {
			l.allow("k", at.Add(tc.after))
		}
		if got := l.limited("k", at.Add(tc.after)); got != tc.limited {
			t.Errorf("step %d: limited = %v, want %v", i, got, tc.limited)
		}
	}
	var none *limiter
	if none.limited("k", at) {
		t.Error("no limiter limited a message")
	}
}

// AfterErase runs after an erasure, and after a retention sweep that deleted something.
func TestAfterErase(t *testing.T) {
	e := cacheTestEngine(t)
	erased := 0
	e.AfterErase(func() { erased++ })
	now := time.Now()
	if _, err := e.Respond(context.Background(), Message{Channel: "line", UserID: "U1", Text: "ウイルス", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Admin().Purge(now.Add(-time.Hour), now.Add(-time.Hour)); err != nil || erased != 0 {
		t.Fatalf("a sweep that deleted nothing: %d calls, %v; want none", erased, err)
	}
	if f, err := e.Admin().Forget("line", "U1"); err != nil || f.Conversations != 1 || erased != 1 {
		t.Fatalf("Forget = %+v, %v with %d calls; want the conversation erased and one call", f, err, erased)
	}
	if _, err := e.Respond(context.Background(), Message{Channel: "line", UserID: "U2", Text: "ウイルス", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	if p, err := e.Admin().Purge(now.Add(time.Hour), now.Add(time.Hour)); err != nil || p.Conversations != 1 || erased != 2 {
		t.Errorf("a sweep that deleted %+v, %v: %d calls, want 2", p, err, erased)
	}
}
