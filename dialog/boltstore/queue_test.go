package boltstore

import (
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// TestQueueWaitsForEarlierCommits: bbolt may run the commit hook of entry 2 before that of entry
// 1 (hooks run after the write lock is released); entry 2 must not be offered before entry 1 is
// known, or one recipient could get messages out of order.
func TestQueueWaitsForEarlierCommits(t *testing.T) {
	q := newQueueIndex()
	now := time.Now()
	q.put(2, &store.Delivery{ID: 2, Recipient: "line/U1"})
	if got := q.claim(now, 10, 0, nil); len(got) != 0 {
		t.Fatalf("entry 2 offered before entry 1 was committed: %v", got)
	}
	q.put(1, &store.Delivery{ID: 1, Recipient: "line/U1"})
	got := q.claim(now, 10, 0, nil)
	if len(got) != 1 || got[0].id != 1 {
		t.Fatalf("after entry 1: %v, want entry 1 first", got)
	}
	q.remove(1)
	if got := q.claim(now, 10, 0, nil); len(got) != 1 || got[0].id != 2 {
		t.Fatalf("after entry 1 was delivered: %v, want entry 2", got)
	}
}
