package dialog

import (
	"hash/maphash"
	"sync"
)

// convCacheSize bounds the conversations kept decoded: more than a small company has going at
// once, a few kilobytes each.
const convCacheSize = 1024

// convCache keeps the conversations Respond stored last, decoded, so that the next message of a
// conversation does not decode it again (with its recent turns, a few kilobytes of JSON: as much
// work as deciding). An entry is used only when the conversation stored now hashes to what the
// entry was stored as, so whatever else changed it (staff, another process's restore) makes
// Respond decode it. Entries are put and dropped inside write transactions (storeTx), so an
// erased or expired conversation leaves the cache in the transaction that deletes it. Entries are
// copies, never changed: get hands out another. It is safe for concurrent use.
type convCache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	entries map[string]convEntry
}

type convEntry struct {
	sum  uint64 // of the stored JSON
	size int
	conv *Conversation
}

func newConvCache() *convCache {
	return &convCache{seed: maphash.MakeSeed(), entries: map[string]convEntry{}}
}

// get returns a copy of the conversation stored under key as stored, or nil when the cache does
// not have that very conversation.
func (c *convCache) get(key, stored []byte) *Conversation {
	if stored == nil {
		return nil
	}
	c.mu.Lock()
	e, ok := c.entries[string(key)]
	c.mu.Unlock()
	if !ok || e.size != len(stored) || e.sum != maphash.Bytes(c.seed, stored) {
		return nil
	}
	return e.conv.Clone()
}

// put records that conv was stored under key as stored. It keeps a copy, without the clock's
// monotonic readings, so that a hit decides exactly as a decoded conversation would.
func (c *convCache) put(key, stored []byte, conv *Conversation) {
	cp := conv.Clone()
	cp.Updated = cp.Updated.Round(0)
	cp.First.At = cp.First.At.Round(0)
	for i := range cp.Turns {
		cp.Turns[i].At = cp.Turns[i].At.Round(0)
	}
	e := convEntry{sum: maphash.Bytes(c.seed, stored), size: len(stored), conv: cp}
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
