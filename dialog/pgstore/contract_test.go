package pgstore_test

import (
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/dialog/storetest"
)

// The PostgreSQL store passes the contract every store must.
func TestContract(t *testing.T) {
	t.Parallel()
	srv := needServer(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return openStore(t, srv.NewDatabase(t, false))
	})
}
