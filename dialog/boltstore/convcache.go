package boltstore

import (
	"hash/maphash"
	"sync"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// convCacheSize bounds the conversations kept decoded: more than a small company has going at
// once, a few kilobytes each.
const convCacheSize = 1024

// convCache keeps the conversations stored last, decoded, so that the next message of a
// conversation does not decode it again (with its recent turns, a few kilobytes of JSON: as much
// work as deciding). An entry is used only when the conversation stored now has the revision
// (hash) the entry was stored with, so whatever else changed it (staff, another process's
// restore) makes the store decode it. Entries are put and dropped inside write transactions, so an
// erased or expired conversation leaves the cache in the transaction that deletes it. Entries are
// copies, never changed: get hands out another. It is safe for concurrent use.
type convCache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	entries map[string]convEntry
}

type convEntry struct {
	rev  store.Rev // of the stored JSON
	conv *decide.Conversation
}

func newConvCache() *convCache {
	return &convCache{seed: maphash.MakeSeed(), entries: map[string]convEntry{}}
}

// rev is the revision of a stored conversation: a hash of its encoding (never 0), or 0 for
// none. Two encodings that differ have different revisions but for a chance of 2^-64.
func (c *convCache) rev(stored []byte) store.Rev {
	if stored == nil {
		return 0
	}
	h := maphash.Bytes(c.seed, stored) ^ uint64(len(stored))
	if h == 0 {
		h = 1
	}
	return store.Rev(h)
}

// get returns a copy of the conversation stored under key at rev, or nil when the cache does
// not have that very version.
func (c *convCache) get(key []byte, rev store.Rev) *decide.Conversation {
	if rev == 0 {
		return nil
	}
	c.mu.Lock()
	e, ok := c.entries[string(key)]
	c.mu.Unlock()
	if !ok || e.rev != rev {
		return nil
	}
	return e.conv.Clone()
}

// put records that conv was stored under key at rev. It keeps a copy, without the clock's
// monotonic readings, so that a hit decides exactly as a decoded conversation would.
func (c *convCache) put(key []byte, rev store.Rev, conv *decide.Conversation) {
	cp := conv.Clone()
	cp.Updated = cp.Updated.Round(0)
	cp.First.At = cp.First.At.Round(0)
	for i := range cp.Turns {
		cp.Turns[i].At = cp.Turns[i].At.Round(0)
	}
	e := convEntry{rev: rev, conv: cp}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[string(key)]; !ok && len(c.entries) >= convCacheSize {
		for k := range c.entries { // any one: the map's order is random enough
			delete(c.entries, k)
			break
		}
	}
	c.entries[string(key)] = e
}

// drop forgets the conversations of keys.
func (c *convCache) drop(keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		delete(c.entries, k)
	}
}
