package dialog

import (
	"encoding/binary"
	"encoding/json"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// queueIndex mirrors, in memory, what the sender needs to pick the next deliveries: each
// outbox entry's recipient and due time, in queue order. The outbox itself stays in bbolt; the
// index is rebuilt from it at open and kept current by the transactions' commit hooks, so
// picking work never decodes the whole outbox (which grows under load exactly when speed
// matters).
type queueIndex struct {
	mu      sync.Mutex
	entries map[uint64]queued
	order   []uint64 // ascending; may hold ids already removed (skipped, compacted now and then)
	removed int
}

type queued struct {
	recipient string
	next      time.Time
}

func loadQueueIndex(db *bolt.DB) (*queueIndex, error) {
	q := &queueIndex{entries: map[uint64]queued{}}
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var head struct {
				Recipient   string    `json:"recipient"`
				NextAttempt time.Time `json:"next"`
			}
			if err := json.Unmarshal(v, &head); err != nil {
				return err
			}
			id := binary.BigEndian.Uint64(k)
			q.entries[id] = queued{head.Recipient, head.NextAttempt}
			q.order = append(q.order, id)
			return nil
		})
	})
	return q, err
}

func (q *queueIndex) put(id uint64, e queued) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.entries[id]; !ok {
		if n := len(q.order); n > 0 && q.order[n-1] > id {
			// ids come from a bbolt sequence, so this only happens when batched commits land
			// out of order: keep the slice sorted
			i := sort.Search(n, func(i int) bool { return q.order[i] > id })
			q.order = append(q.order, 0)
			copy(q.order[i+1:], q.order[i:])
			q.order[i] = id
		} else {
			q.order = append(q.order, id)
		}
	}
	q.entries[id] = e
}

func (q *queueIndex) remove(id uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.entries[id]; !ok {
		return
	}
	delete(q.entries, id)
	q.removed++
	if q.removed > 1024 && q.removed > len(q.entries) {
		kept := q.order[:0]
		for _, id := range q.order {
			if _, ok := q.entries[id]; ok {
				kept = append(kept, id)
			}
		}
		q.order, q.removed = kept, 0
	}
}

// pick returns up to limit ids due at now, in queue order, at most one per recipient and none
// for a recipient that has an earlier entry still waiting or busy.
func (q *queueIndex) pick(now time.Time, limit int, busy map[uint64]bool) []uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	blocked := map[string]bool{}
	var out []uint64
	for _, id := range q.order {
		e, ok := q.entries[id]
		if !ok || blocked[e.recipient] {
			continue
		}
		blocked[e.recipient] = true
		if busy[id] || e.next.After(now) {
			continue
		}
		out = append(out, id)
		if len(out) == limit {
			break
		}
	}
	return out
}

// stats returns how many entries wait.
func (q *queueIndex) size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.entries)
}
