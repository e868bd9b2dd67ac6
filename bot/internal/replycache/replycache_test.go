package replycache

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

func testReply() dialog.Reply {
	return dialog.Reply{
		Blocks: []dialog.Block{
			{Kind: dialog.StepsBlock, Title: "まずすること", Items: []string{"ネットワークから切り離す"}},
			{Kind: dialog.ContactsBlock, Title: "相談先", Contacts: []dialog.Contact{{Name: "相談窓口A",
				URL: "https://example.org/a"}}},
		},
		Choices: []dialog.Choice{{ID: "a:person", Label: "担当者に相談"}},
	}
}

// draw stands for an adapter's renderer; drawn counts its calls.
type drawer struct {
	mu    sync.Mutex
	drawn int
}

func (d *drawer) draw(r dialog.Reply) (string, error) {
	d.mu.Lock()
	d.drawn++
	d.mu.Unlock()
	var b strings.Builder
	b.WriteString(r.Lang)
	for _, blk := range r.Blocks {
		b.WriteString(blk.Title)
		for _, c := range blk.Contacts {
			b.WriteString(" " + c.URL)
		}
	}
	for _, c := range r.Choices {
		b.WriteString(" " + c.Label)
	}
	return b.String(), nil
}

func TestCache(t *testing.T) {
	changed := func(edit func(*dialog.Reply)) dialog.Reply {
		r := testReply()
		edit(&r)
		return r
	}
	for _, tc := range []struct {
		name      string
		next      dialog.Reply
		sameKey   bool // the hash does not see the change: only the equality check does
		wantDrawn int
	}{
		{"equal reply", testReply(), true, 1},
		{"other ranking and topic", changed(func(r *dialog.Reply) { r.Topic, r.Ranked = "t", []dialog.TopicScore{{ID: "t"}} }), true, 1},
		{"other URL", changed(func(r *dialog.Reply) { r.Blocks[1].Contacts[0].URL = "https://example.org/b" }), true, 2},
		{"other label", changed(func(r *dialog.Reply) { r.Choices[0].Label = "別の相談" }), true, 2},
		{"other text", changed(func(r *dialog.Reply) { r.Blocks[0].Title = "次にすること" }), false, 2},
		{"other language", changed(func(r *dialog.Reply) { r.Lang = "en" }), false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, d := New[string](8), &drawer{}
			first := testReply()
			if _, err := c.Get(first, d.draw); err != nil {
				t.Fatal(err)
			}
			if got := c.key(tc.next) == c.key(first); got != tc.sameKey {
				t.Fatalf("same key = %v, the case assumes %v", got, tc.sameKey)
			}
			got, err := c.Get(tc.next, d.draw)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := (&drawer{}).draw(tc.next); got != want {
				t.Errorf("Get = %q, want %q", got, want)
			}
			if d.drawn != tc.wantDrawn {
				t.Errorf("drawn %d times, want %d", d.drawn, tc.wantDrawn)
			}
		})
	}
}

func TestCacheKeepsNoErrorAndStaysWithinItsSize(t *testing.T) {
	c := New[string](2)
	fail := func(dialog.Reply) (string, error) { return "", errors.New("cannot draw") }
	if _, err := c.Get(testReply(), fail); err == nil {
		t.Fatal("the error of draw was lost")
	}
	d := &drawer{}
	if _, err := c.Get(testReply(), d.draw); err != nil || d.drawn != 1 {
		t.Fatalf("after a failed drawing: drawn %d, %v; want a new drawing", d.drawn, err)
	}
	for _, title := range []string{"a", "b", "c", "d"} {
		r := testReply()
		r.Blocks[0].Title = title
		c.Get(r, d.draw)
	}
	if n := len(c.entries); n > 2 {
		t.Errorf("%d entries in a cache of 2", n)
	}
	c.Clear()
	if n := len(c.entries); n != 0 {
		t.Errorf("%d entries after Clear", n)
	}
	var none *Cache[string]
	if got, err := none.Get(testReply(), d.draw); err != nil || got == "" {
		t.Errorf("a nil cache: %q, %v; want a drawing", got, err)
	}
	none.Clear()
}

func TestCacheIsSafeForConcurrentUse(t *testing.T) {
	c, d := New[string](4), &drawer{}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			r := testReply()
			r.Blocks[0].Title = string(rune('a' + i%6))
			if _, err := c.Get(r, d.draw); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// Only the bot's own replies are kept; a relay of what staff wrote is drawn every time.
func TestCacheDeliveryKeepsOnlyTheBotsReplies(t *testing.T) {
	c, d := New[string](8), &drawer{}
	for _, kind := range []dialog.DeliveryKind{dialog.KindRelay, dialog.KindRelay, dialog.KindReply, dialog.KindReply} {
		if _, err := c.Delivery(dialog.Delivery{Kind: kind, Reply: testReply()}, d.draw); err != nil {
			t.Fatal(err)
		}
	}
	if d.drawn != 3 || len(c.entries) != 1 {
		t.Errorf("drawn %d times with %d entries kept, want 3 (two relays, one reply) and 1", d.drawn, len(c.entries))
	}
}
