package dialog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
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

// A conversation changed behind Respond's back (here, by a direct write) is decoded again,
// not taken from the cache; an erased one leaves the cache.
func TestConvCacheFollowsTheDatabase(t *testing.T) {
	e := cacheTestEngine(t)
	say := func(id string) Reply {
		t.Helper()
		r, err := e.Respond(context.Background(), Message{Channel: "line", UserID: "u", EventID: id, Text: "ウイルス", Address: "a"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	step := func(r Reply) string {
		for _, c := range r.Choices {
			if rest, ok := strings.CutPrefix(c.ID, "o:"); ok {
				s, _, _ := strings.Cut(rest, ":")
				return s
			}
		}
		return ""
	}
	key := convKey("line", "u")
	say("1")
	if _, ok := e.store.convs.entries[string(key)]; !ok {
		t.Fatal("the stored conversation is not in the cache")
	}
	if got := step(say("2")); got != "2" {
		t.Fatalf("second reply carries step %q, want 2", got)
	}
	err := e.store.update(func(tx storeTx) error { // behind the cache's back, as another writer might
		c := tx.conversation(key)
		c.Step = 40
		v, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return tx.tx.Bucket(bucketConversations).Put(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := step(say("3")); got != "41" {
		t.Errorf("after the conversation changed in the database, the reply carries step %q, want 41 (a stale cached copy?)", got)
	}
	if _, err := e.Forget("line", "u"); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.store.convs.entries[string(key)]; ok {
		t.Error("an erased conversation stayed in the cache")
	}
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
	if _, err := e.Purge(now.Add(-time.Hour), now.Add(-time.Hour)); err != nil || erased != 0 {
		t.Fatalf("a sweep that deleted nothing: %d calls, %v; want none", erased, err)
	}
	if f, err := e.Forget("line", "U1"); err != nil || f.Conversations != 1 || erased != 1 {
		t.Fatalf("Forget = %+v, %v with %d calls; want the conversation erased and one call", f, err, erased)
	}
	if _, err := e.Respond(context.Background(), Message{Channel: "line", UserID: "U2", Text: "ウイルス", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	if p, err := e.Purge(now.Add(time.Hour), now.Add(time.Hour)); err != nil || p.Conversations != 1 || erased != 2 {
		t.Errorf("a sweep that deleted %+v, %v: %d calls, want 2", p, err, erased)
	}
}

// A cache hit is what decoding the stored conversation gives (times compared as instants), at
// every step of a form with answers, a back, and a topic: nil where JSON leaves things out.
func TestConvCacheHitIsADecode(t *testing.T) {
	e := cacheTestEngine(t)
	key := convKey("line", "u")
	inUTC := func(c *Conversation) *Conversation { // changes nothing else, nil-ness included
		cp := *c
		cp.Updated = c.Updated.UTC()
		cp.First.At = c.First.At.UTC()
		if c.Turns != nil {
			cp.Turns = make([]Turn, len(c.Turns))
			for i, turn := range c.Turns {
				turn.At = turn.At.UTC()
				cp.Turns[i] = turn
			}
		}
		return &cp
	}
	for i, m := range []Message{{Text: "ウイルス"}, {Choice: "a:intake"}, {Text: "はい"}, {Text: "わからない"},
		{Text: "戻る"}, {Text: "パソコンが動かない"}, {Choice: "a:restart"}} {
		m.Channel, m.UserID, m.Address, m.EventID = "line", "u", "a", fmt.Sprint(i)
		if _, err := e.Respond(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		var stored []byte
		e.store.view(func(tx storeTx) error { stored = bytes.Clone(tx.conversationBytes(key)); return nil })
		hit := e.store.convs.get(key, stored)
		if hit == nil {
			t.Fatalf("step %d: no cache hit for the conversation just stored", i)
		}
		if got, want := inUTC(hit), inUTC(decodeConversation(stored)); !reflect.DeepEqual(got, want) {
			t.Errorf("step %d: the cache gives\n%+v\ndecoding gives\n%+v", i, got, want)
		}
	}
}
