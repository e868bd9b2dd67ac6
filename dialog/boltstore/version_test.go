package boltstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/boltstore"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// Downgrade: a file written by a version with a newer layout is refused at start, saying so;
// within one layout, an older or newer version's outbox entries (fields this build does not
// know, or lacks) are read and delivered.
func TestDatabaseAcrossVersions(t *testing.T) {
	t.Parallel()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	path := filepath.Join(t.TempDir(), "helpdesk.db")
	s, err := boltstore.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e := dialog.New(s, lib, logger, dialog.Options{})
	if _, err := e.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "こんにちは", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	// Another version of the same layout wrote a field this build does not know.
	err = boltstore.RawUpdate(s, func(tx *bolt.Tx) error {
		b := tx.Bucket(boltstore.BucketOutbox)
		k, v := b.Cursor().First()
		return b.Put(bytes.Clone(k), append(bytes.TrimSuffix(bytes.Clone(v), []byte("}")), []byte(`,"from_a_later_version":{"x":1}}`)...))
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()

	s, err = boltstore.Open(path, time.Second)
	if err != nil {
		t.Fatalf("reopening after another version's entry: %v", err)
	}
	e = dialog.New(s, lib, logger, dialog.Options{})
	p, err := e.Outbox().Pending(time.Now().Add(1e12), 10, nil)
	if err != nil || len(p) != 1 || p[0].Kind != dialog.KindReply || len(p[0].Reply.Blocks) == 0 {
		t.Fatalf("the other version's entry reads as %+v, %v", p, err)
	}
	if err := e.Outbox().Delivered(p[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	// A later version with a new layout marked the file.
	err = boltstore.RawUpdate(s, func(tx *bolt.Tx) error {
		return tx.Bucket(boltstore.BucketMeta).Put(boltstore.KeySchema, boltstore.U64(uint64(boltstore.StoreLayout)+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if _, err := dialog.Open(path, lib, logger, dialog.Options{}); err == nil || !strings.Contains(err.Error(), "written by a newer version") {
		t.Errorf("Open of a newer layout's file = %v, want a refusal saying so", err)
	}
}
