package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
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
	cached  int             // entries with a decoded copy
	roots   map[uint64]bool // entries that open a case in the staff channel
	// visible is the highest id up to which every committed entry is in the index. bbolt runs
	// commit hooks after it releases the write lock, so the hook of entry 11 can run before
	// that of 10; ids come from the bucket's sequence, which a rolled-back transaction gives
	// back, so committed ids have no gaps and entries above the first missing one wait.
	visible uint64
	ahead   map[uint64]bool // ids put above visible+1
	blocked map[string]bool // claim's scratch: recipients with an earlier entry
	epoch   uint64          // the last epoch given to a claim
}

type queued struct {
	recipient string
	next      time.Time
	rootCase  string          // for the post that opens a case: its id (Delivered records the thread)
	cached    *store.Delivery // the entry itself while the cache has room; nil means read it from bbolt
	epoch     uint64          // of the entry's last claim (0: never claimed)
	leased    time.Time       // the last claim holds the entry until then
}

// cacheLimit bounds how many outbox entries are also kept decoded in memory: normally all of
// them (the outbox drains in milliseconds), during a platform outage only the first ones.
const cacheLimit = 2000

func newQueueIndex() *queueIndex {
	return &queueIndex{entries: map[uint64]queued{}, ahead: map[uint64]bool{}, roots: map[uint64]bool{}}
}

func loadQueueIndex(db *bolt.DB) (*queueIndex, error) {
	q := newQueueIndex()
	err := db.View(func(tx *bolt.Tx) error {
		q.visible = tx.Bucket(bucketOutbox).Sequence()
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			d := &store.Delivery{}
			if err := json.Unmarshal(v, d); err != nil {
				return err
			}
			id := binary.BigEndian.Uint64(k)
			e := queued{recipient: d.Recipient, next: d.NextAttempt, rootCase: store.RootCase(d)}
			if q.cached < cacheLimit { // decoded already: Pending need not decode it again
				e.cached = d
				q.cached++
			}
			q.entries[id] = e
			if e.rootCase != "" {
				q.roots[id] = true
			}
			q.order = append(q.order, id)
			return nil
		})
	})
	return q, err
}

// put records a committed entry (new or changed), with a decoded copy if the cache has room.
func (q *queueIndex) put(id uint64, d *store.Delivery) {
	e := queued{recipient: d.Recipient, next: d.NextAttempt, rootCase: store.RootCase(d)}
	q.mu.Lock()
	defer q.mu.Unlock()
	old, ok := q.entries[id]
	if old.cached != nil {
		q.cached--
	}
	e.epoch, e.leased = old.epoch, old.leased
	if e.rootCase != "" {
		q.roots[id] = true
	}
	if !ok && id > q.visible {
		q.ahead[id] = true
		for q.ahead[q.visible+1] {
			delete(q.ahead, q.visible+1)
			q.visible++
		}
	}
	if q.cached < cacheLimit {
		cp := *d
		e.cached = &cp
		q.cached++
	}
	if !ok {
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
	e, ok := q.entries[id]
	if !ok {
		return
	}
	if e.cached != nil {
		q.cached--
	}
	delete(q.roots, id)
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

// claim leases up to limit entries due at now, in queue order, at most one per recipient and
// none for a recipient that has an earlier entry still waiting, leased or in skip.
func (q *queueIndex) claim(now time.Time, limit int, lease time.Duration, skip map[uint64]bool) []picked {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.blocked == nil {
		q.blocked = map[string]bool{}
	}
	blocked := q.blocked
	defer clear(blocked)
	var out []picked
	for _, id := range q.order {
		if id > q.visible {
			break // an earlier entry's commit is not in the index yet
		}
		e, ok := q.entries[id]
		if !ok || blocked[e.recipient] {
			continue
		}
		blocked[e.recipient] = true
		if skip[id] || e.leased.After(now) || e.next.After(now) {
			continue
		}
		reclaimed := !e.leased.IsZero() // an expired lease: release and the marks end a lease
		q.epoch++
		e.epoch, e.leased = q.epoch, now.Add(lease)
		q.entries[id] = e
		out = append(out, picked{id, e.cached, e.epoch, reclaimed})
		if len(out) == limit {
			break
		}
	}
	return out
}

// picked is an entry claimed for delivery, with its decoded copy when cached (read-only).
type picked struct {
	id        uint64
	d         *store.Delivery
	epoch     uint64
	reclaimed bool // see store.Claim
}

// fence checks that a mark of entry id carries its current epoch (0: an unfenced mark).
func (q *queueIndex) fence(id, epoch uint64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.entries[id]
	if ok && epoch != 0 && e.epoch != epoch {
		return store.ErrStaleEpoch
	}
	return nil
}

// renew extends the lease of entry id, claimed with epoch, to until.
func (q *queueIndex) renew(id, epoch uint64, until time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.entries[id]
	if !ok || e.epoch != epoch {
		return store.ErrStaleEpoch
	}
	e.leased = until
	q.entries[id] = e
	return nil
}

// release ends the claim of entry id, if epoch still holds it: the lease ends, and the epoch
// moves on, so that the claim's later renewals and marks fail.
func (q *queueIndex) release(id, epoch uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if e, ok := q.entries[id]; ok && (e.epoch == epoch || epoch == 0) {
		q.epoch++
		e.epoch, e.leased = q.epoch, time.Time{}
		q.entries[id] = e
	}
}

// due counts the entries whose time has come.
func (q *queueIndex) due(now time.Time) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, e := range q.entries {
		if !e.next.After(now) {
			n++
		}
	}
	return n
}

// rootsDue reports whether a case post may be on its way to the staff channel at now: due, so
// never tried, being sent, or about to be retried. A post waiting for a later attempt (after a
// failure or the channel's pacing) is not being sent, so no thread of it can appear before
// then.
func (q *queueIndex) rootsDue(now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for id := range q.roots {
		if !q.entries[id].next.After(now) {
			return true
		}
	}
	return false
}

// rootCaseOf returns the case whose thread a delivered entry opens, or "".
func (q *queueIndex) rootCaseOf(id uint64) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.entries[id].rootCase
}

// size returns how many entries wait.
func (q *queueIndex) size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.entries)
}
