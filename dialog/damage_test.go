package dialog_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// bbolt's page layout, as far as these tests damage it: pages of 4 KiB, each starting with a
// 16-byte header whose flags (at byte 8) say what the page holds.
const (
	pageSize      = 4096
	pageHeader    = 16
	branchOrLeaf  = 0x01 | 0x02
	metaBodyBytes = 64 // magic, version, page size, flags, root, freelist, pgid, txid, checksum
)

// populated writes a database of 200 conversations and returns its bytes.
func populated(t *testing.T) []byte {
	t.Helper()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "source.db")
	e, err := dialog.Open(path, lib, discard, dialog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := e.Respond(context.Background(), dialog.Message{Channel: "line", UserID: fmt.Sprintf("U%05d", i), Text: "フィッシングのSMSが来た"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// treePages returns the offsets of the pages that hold keys (branch and leaf pages), in use or
// freed: the first one of a new database is in use.
func treePages(b []byte) []int {
	var out []int
	for off := 2 * pageSize; off+pageSize <= len(b); off += pageSize {
		if binary.LittleEndian.Uint16(b[off+8:])&branchOrLeaf != 0 {
			out = append(out, off)
		}
	}
	return out
}

// scramble overwrites the bodies of the pages at offsets with random bytes.
func scramble(b []byte, seed int64, offsets ...int) []byte {
	b = append([]byte(nil), b...)
	r := rand.New(rand.NewSource(seed))
	for _, off := range offsets {
		r.Read(b[off+pageHeader : off+pageSize])
	}
	return b
}

// TestDamagedDatabaseIsRefused: Open refuses a database file that is empty, cut short, has
// random bytes in a page or unreadable headers, with an error that names the file and says how
// to put a backup in its place, and never panics.
func TestDamagedDatabaseIsRefused(t *testing.T) {
	good := populated(t)
	tree := treePages(good)
	if len(tree) < 2 {
		t.Fatalf("the source database has %d branch or leaf pages, want at least 2", len(tree))
	}
	flipHeaders := func(b []byte, pages ...int) []byte {
		b = append([]byte(nil), b...)
		for _, p := range pages {
			for i := p*pageSize + pageHeader; i < p*pageSize+pageHeader+metaBodyBytes; i++ {
				b[i] ^= 0xff
			}
		}
		return b
	}
	tests := []struct {
		name   string
		damage func([]byte) []byte
		want   string // in the error; "" for a file that must open
	}{
		{name: "empty", damage: func([]byte) []byte { return nil }, want: "empty (0 bytes)"},
		{name: "truncated_to_half", damage: func(b []byte) []byte { return b[:len(b)/2] }, want: "damaged"},
		{name: "truncated_to_a_few_bytes", damage: func(b []byte) []byte { return b[:100] }, want: "damaged"},
		{name: "random_bytes_in_the_first_tree_page", damage: func(b []byte) []byte { return scramble(b, 1, tree[0]) }, want: "damaged"},
		{name: "random_bytes_in_every_tree_page", damage: func(b []byte) []byte { return scramble(b, 3, tree...) }, want: "damaged"},
		{name: "both_headers_corrupted", damage: func(b []byte) []byte { return flipHeaders(b, 0, 1) }, want: "header"},
		{name: "headers_random", damage: func(b []byte) []byte { return scramble(b, 4, 0, pageSize) }, want: "header"},
		// bbolt keeps two headers so that one torn write loses nothing: the second one serves.
		{name: "first_header_corrupted", damage: func(b []byte) []byte { return flipHeaders(b, 0) }},
		{name: "intact", damage: func(b []byte) []byte { return b }},
	}
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "helpdesk.db")
			if err := os.WriteFile(path, tt.damage(good), 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := dialog.Open(path, lib, discard, dialog.Options{})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Open(%s) = %v, want it to open", tt.name, err)
				}
				defer e.Close()
				if _, err := e.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U00001", Text: "ありがとう"}); err != nil {
					t.Errorf("Respond after opening %s: %v", tt.name, err)
				}
				return
			}
			if err == nil {
				e.Close()
				t.Fatalf("Open(%s) succeeded, want it refused", tt.name)
			}
			msg := err.Error()
			if !errors.Is(err, dialog.ErrDamaged) || !strings.Contains(msg, tt.want) || !strings.Contains(msg, path) || !strings.Contains(msg, "helpdesk backup") {
				t.Errorf("Open(%s) = %q (is ErrDamaged: %v), want an ErrDamaged naming %s, saying %q and how to restore a backup",
					tt.name, msg, errors.Is(err, dialog.ErrDamaged), path, tt.want)
			}
			if strings.Contains(msg, "U0000") {
				t.Errorf("Open(%s) quotes a user id: %q", tt.name, msg)
			}
		})
	}
}

// TestDamageWhileServingIsAnError: pages damaged under a running engine make its calls fail
// with an error (the webhook answers 5xx) instead of a panic, and Ping fails from then on, so
// /readyz answers 503.
func TestDamageWhileServingIsAnError(t *testing.T) {
	good := populated(t)
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "helpdesk.db")
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := dialog.Open(path, lib, discard, dialog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Ping(); err != nil {
		t.Fatalf("Ping before the damage: %v", err)
	}
	// bbolt reads the file through a shared memory map: writing the file changes what it reads.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	bad := scramble(good, 5, treePages(good)...)
	for _, off := range treePages(good) {
		if _, err := f.WriteAt(bad[off:off+pageSize], int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	for i := range 3 {
		_, err := e.Respond(context.Background(), dialog.Message{Channel: "line", UserID: fmt.Sprintf("U%05d", i), Text: "フィッシング"})
		if !errors.Is(err, dialog.ErrDamaged) {
			t.Errorf("Respond on a damaged file = %v, want an error wrapping ErrDamaged", err)
		}
	}
	if err := e.Ping(); !errors.Is(err, dialog.ErrDamaged) {
		t.Errorf("Ping after the damage = %v, want an error wrapping ErrDamaged", err)
	}
}

// TestTruncatedWhileServingFailsPing: a file cut shorter than its pages under a running engine
// makes Ping fail.
func TestTruncatedWhileServingFailsPing(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	for i := range 50 {
		te.say(t, fmt.Sprintf("U%d", i), "フィッシングのSMSが来た")
	}
	if err := te.Ping(); err != nil {
		t.Fatalf("Ping before: %v", err)
	}
	if err := os.Truncate(te.path, pageSize*2); err != nil {
		t.Fatal(err)
	}
	if err := te.Ping(); !errors.Is(err, dialog.ErrDamaged) {
		t.Errorf("Ping on a truncated file = %v, want an error wrapping ErrDamaged", err)
	}
}
