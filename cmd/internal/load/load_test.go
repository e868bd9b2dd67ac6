package load

import (
	"testing"
	"time"
)

// TestTrackerSlack: a reply split over several posts counts once; its first post repeated
// counts twice.
func TestTrackerSlack(t *testing.T) {
	rt := newTracker()
	arrived := rt.Expect("D1")
	now := time.Now()
	rt.seen("D1", now, 1)
	rt.seen("D1", now.Add(time.Second), 2) // the rest of the same reply
	if got := <-arrived; !got.Equal(now) {
		t.Errorf("first answer at %v, want %v", got, now)
	}
	if n := rt.Replies("D1"); n != 1 {
		t.Errorf("a reply in two posts counted %d times, want 1", n)
	}
	rt.seen("D1", now.Add(2*time.Second), 1)
	if n := rt.Replies("D1"); n != 2 {
		t.Errorf("a repeated first post counted %d answers, want 2", n)
	}
	res := Result{Keys: []string{"D1", "D2"}}
	rt.seen("D2", now, 7)
	if once, missing, twice := res.Tally(rt); once != 1 || missing != 0 || twice != 1 {
		t.Errorf("tally = %d once, %d missing, %d twice; want 1, 0, 1", once, missing, twice)
	}
	rt.Forget(res.Keys)
	if n := rt.Replies("D1"); n != 0 {
		t.Errorf("after forget, %d answers counted, want 0", n)
	}
}
