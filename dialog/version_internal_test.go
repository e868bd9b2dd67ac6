package dialog

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
	bolt "go.etcd.io/bbolt"
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
	e, err := Open(path, lib, logger, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Respond(context.Background(), Message{Channel: "line", UserID: "U1", EventID: "1", Text: "こんにちは", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	// Another version of the same layout wrote a field this build does not know.
	err = e.store.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		k, v := b.Cursor().First()
		return b.Put(bytes.Clone(k), append(bytes.TrimSuffix(bytes.Clone(v), []byte("}")), []byte(`,"from_a_later_version":{"x":1}}`)...))
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()

	e, err = Open(path, lib, logger, Options{})
	if err != nil {
		t.Fatalf("reopening after another version's entry: %v", err)
	}
	p, err := e.Pending(e.now().Add(1e12), 10, nil)
	if err != nil || len(p) != 1 || p[0].Kind != KindReply || len(p[0].Reply.Blocks) == 0 {
		t.Fatalf("the other version's entry reads as %+v, %v", p, err)
	}
	if err := e.Delivered(p[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	// A later version with a new layout marked the file.
	err = e.store.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(storeLayout+1)) })
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if _, err := Open(path, lib, logger, Options{}); err == nil || !strings.Contains(err.Error(), "written by a newer version") {
		t.Errorf("Open of a newer layout's file = %v, want a refusal saying so", err)
	}
}
