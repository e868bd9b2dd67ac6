package knowledge

import (
	"regexp"
	"testing"
	"testing/fstest"
	"time"
)

// TestLibraryVersion: the Version names the knowledge served. Reloading the same files keeps the
// hash and moves the load time; a changed file changes the hash; a failed reload changes neither.
func TestLibraryVersion(t *testing.T) {
	fsys := seedFolder(t, nil)
	lib, err := NewLibrary(func() (*Base, error) { return Load(fsys) })
	if err != nil {
		t.Fatal(err)
	}
	first := lib.Version()
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(first.Hash) || first.Loaded.IsZero() {
		t.Fatalf("Version() = %+v, want a 12-digit hex hash and a load time", first)
	}
	time.Sleep(2 * time.Millisecond)
	if _, _, err := lib.Reload(); err != nil {
		t.Fatal(err)
	}
	same := lib.Version()
	if same.Hash != first.Hash || !same.Loaded.After(first.Loaded) {
		t.Errorf("after reloading the same files: %+v, was %+v; want the same hash, a later time", same, first)
	}

	fsys["contacts.yaml"] = &fstest.MapFile{Data: []byte("- id: [\n")}
	if _, _, err := lib.Reload(); err == nil {
		t.Fatal("reload of a broken contacts.yaml succeeded")
	}
	if got := lib.Version(); got != same {
		t.Errorf("after a failed reload: %+v, want %+v unchanged", got, same)
	}

	fsys = seedFolder(t, nil)
	fsys["holidays.yaml"].Data = append(fsys["holidays.yaml"].Data, "# edited\n"...)
	if _, _, err := lib.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := lib.Version(); got.Hash == same.Hash {
		t.Errorf("after editing a file the hash is still %s", got.Hash)
	}
}
