// Package replycache keeps replies as a platform adapter drew them, so that the standard answers
// most users get are not drawn and encoded again for each of them: for multi-kB cards that is
// most of a sender's work.
package replycache

import (
	"hash/maphash"
	"reflect"
	"sync"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// Cache maps a reply's blocks and choices to what an adapter drew from them. A value is used only
// for a reply whose blocks and choices are deeply equal to those it was drawn from, so a hash
// collision costs a drawing, never a wrong message. It is safe for concurrent use.
type Cache[T any] struct {
	seed    maphash.Seed
	size    int
	mu      sync.Mutex
	entries map[uint64]*entry[T]
}

type entry[T any] struct {
	lang    string
	blocks  []dialog.Block
	choices []dialog.Choice
	value   T
}

// New returns a cache of at most size replies (at least 1).
func New[T any](size int) *Cache[T] {
	return &Cache[T]{seed: maphash.MakeSeed(), size: max(size, 1), entries: map[uint64]*entry[T]{}}
}

// Get returns what draw made of a reply with r's language, blocks and choices, calling draw for r
// when the cache has none. draw must depend on nothing else of r. Values are shared between
// callers and must not be changed; errors are not kept. The cache keeps r's blocks and choices,
// which the caller must not change afterwards either. A nil Cache draws every time.
func (c *Cache[T]) Get(r dialog.Reply, draw func(dialog.Reply) (T, error)) (T, error) {
	if c == nil {
		return draw(r)
	}
	key := c.key(r)
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e != nil && e.lang == r.Lang && reflect.DeepEqual(e.blocks, r.Blocks) && reflect.DeepEqual(e.choices, r.Choices) {
		return e.value, nil
	}
	v, err := draw(r)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.size {
		for k := range c.entries { // any one: the map's order is random enough
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = &entry[T]{lang: r.Lang, blocks: r.Blocks, choices: r.Choices, value: v}
	return v, nil
}

// Delivery returns what draw makes of an outbox entry's reply: through the cache for the bot's own
// replies (dialog.KindReply), drawn afresh for anything else, so that what staff write to a user
// is never kept.
func (c *Cache[T]) Delivery(d dialog.Delivery, draw func(dialog.Reply) (T, error)) (T, error) {
	if d.Kind != dialog.KindReply {
		return draw(d.Reply)
	}
	return c.Get(d.Reply, draw)
}

// Clear empties the cache: after an erasure or a retention sweep, nothing drawn from what was
// deleted stays in memory. A nil Cache has nothing to clear.
func (c *Cache[T]) Clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// key hashes the texts of r that tell most replies apart; equality is checked on a hit.
func (c *Cache[T]) key(r dialog.Reply) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(r.Lang)
	for _, b := range r.Blocks {
		h.WriteString(string(b.Kind))
		h.WriteString(b.Title)
		h.WriteString(b.Text)
		for _, item := range b.Items {
			h.WriteString(item)
		}
		for _, card := range b.Contacts {
			h.WriteString(card.Name)
			h.WriteString(card.OpenLabel)
		}
		h.WriteByte(0)
	}
	for _, ch := range r.Choices {
		h.WriteString(ch.ID)
		h.WriteByte(0)
	}
	return h.Sum64()
}
