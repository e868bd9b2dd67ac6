package line

import (
	"encoding/json"
	"hash/maphash"
	"reflect"
	"sync"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// renderCacheSize bounds the replies kept rendered: the standard answers, menus and questions
// a busy day repeats, at a few kilobytes each.
const renderCacheSize = 256

// renderCache keeps the requests of recently sent replies, rendered and encoded. Most replies
// are the same standard answers, and drawing them plus the SDK's encoding of multi-kB Flex
// carousels is most of the sender's work. An entry is used only for a reply whose blocks and
// choices, all that render reads, are deeply equal to those it was made from: a hash collision
// costs a render, never a wrong message. It is safe for concurrent use.
type renderCache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	entries map[uint64]*rendered
}

type rendered struct {
	blocks   []dialog.Block
	choices  []dialog.Choice
	requests [][]messaging_api.MessageInterface // of encodedMessage: shared, never changed
}

func newRenderCache() *renderCache {
	return &renderCache{seed: maphash.MakeSeed(), entries: map[uint64]*rendered{}}
}

// render is the package's render, through the cache. The requests it returns are shared with
// other calls: they must not be changed.
func (c *renderCache) render(r dialog.Reply) ([][]messaging_api.MessageInterface, error) {
	key := c.key(r)
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e != nil && reflect.DeepEqual(e.blocks, r.Blocks) && reflect.DeepEqual(e.choices, r.Choices) {
		return e.requests, nil
	}
	requests, err := render(r)
	if err != nil {
		return nil, err
	}
	if requests, err = encodeRequests(requests); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= renderCacheSize {
		for k := range c.entries { // any one: the map's order is random enough
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = &rendered{blocks: r.Blocks, choices: r.Choices, requests: requests}
	return requests, nil
}

// key hashes the texts of r that render reads; equality is checked on a hit, so the hash only
// has to tell most replies apart.
func (c *renderCache) key(r dialog.Reply) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
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

// encodeRequests encodes every message with the SDK's own MarshalJSON, once. The SDK writes
// into its message structs while encoding them (it fills in an empty Type), so shared requests
// hold the encoded form, which nothing writes.
func encodeRequests(requests [][]messaging_api.MessageInterface) ([][]messaging_api.MessageInterface, error) {
	out := make([][]messaging_api.MessageInterface, len(requests))
	for i, msgs := range requests {
		out[i] = make([]messaging_api.MessageInterface, len(msgs))
		for j, m := range msgs {
			v, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			out[i][j] = encodedMessage{typ: m.GetType(), json: v}
		}
	}
	return out, nil
}

// encodedMessage is a message the SDK already encoded. The SDK's type switches pass a type
// they do not know through unchanged, and encoding/json writes what MarshalJSON returns.
type encodedMessage struct {
	typ  string
	json []byte
}

// GetType returns the message's type ("text", "flex").
func (m encodedMessage) GetType() string { return m.typ }

// MarshalJSON returns the encoding made by the SDK.
func (m encodedMessage) MarshalJSON() ([]byte, error) { return m.json, nil }
