package main

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linefake"
)

// TestShutdownFlushesTheOutbox stops the bot (as SIGTERM does: the run context ends) right after
// a burst of webhooks: every acknowledged event has been answered by the time serve returns, and
// the database is closed (a second open succeeds at once).
func TestShutdownFlushesTheOutbox(t *testing.T) {
	fake := linefake.New(lineTestToken)
	defer fake.Close()
	db := filepath.Join(t.TempDir(), "h.db")
	vars := lineVars(fake, db)
	vars["HELPDESK_USER_RATE"] = "off"
	srv := startServe(t, vars)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const users = 60
	// LINE answers slowly, so replies are still in the outbox when the stop comes
	fake.Hang(users, 500*time.Millisecond)
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < users; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			user := linefake.UserID(i)
			if code, err := linefake.Post(ctx, srv.url+"/line/webhook", lineTestSecret, linefake.Text(user, "ウイルスに感染したかも")); err == nil && code == http.StatusOK {
				mu.Lock()
				acked[user] = true
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if fake.Stats().Replies+fake.Stats().Pushes == users {
		t.Fatal("every reply was delivered before the stop: the test proves nothing")
	}
	if code := srv.stop(); code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, srv.logs.String())
	}
	for user := range acked {
		if len(fake.MessagesTo(user)) == 0 {
			t.Errorf("%s was acknowledged but not answered before the bot stopped", user)
		}
	}
	if len(acked) != users {
		t.Errorf("%d of %d webhooks acknowledged", len(acked), users)
	}
	res := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "stats", "--json")
	if res.code != 0 {
		t.Errorf("the database was not released at shutdown: %s", res.stderr)
	}
}
