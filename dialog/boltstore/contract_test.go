package boltstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/boltstore"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/dialog/storetest"
)

// The bbolt store passes the contract every store must.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := boltstore.Open(filepath.Join(t.TempDir(), "helpdesk.db"), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
