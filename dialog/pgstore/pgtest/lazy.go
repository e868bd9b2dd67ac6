package pgtest

import (
	"os"
	"sync"
	"testing"
)

// lazy is the server of Lazy, started by the first test that asks for it.
var lazy struct {
	once sync.Once
	srv  *Server
	err  error
}

// Lazy returns a server shared by the tests of a binary whose TestMain does not call Main: the
// first call starts it, and StopLazy, called by TestMain after m.Run, stops it. Without a server
// it skips t saying why, or fails it when RequireEnv=1.
func Lazy(t testing.TB) *Server {
	t.Helper()
	lazy.once.Do(func() { lazy.srv, lazy.err = Start() })
	if lazy.err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s=1 but no PostgreSQL server: %v", RequireEnv, lazy.err)
		}
		t.Skip("no PostgreSQL server for the tests: " + lazy.err.Error())
	}
	return lazy.srv
}

// StopLazy stops the server Lazy started, if any.
func StopLazy() {
	if lazy.srv != nil {
		lazy.srv.Stop()
	}
}
