package main

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// TestShutdownFlushesTheOutbox stops the bot (as SIGTERM does: the run context ends) right after
// a burst of webhooks: every acknowledged event has been answered by the time serve returns, and
// the database is closed (a second open succeeds at once).
func TestShutdownFlushesTheOutbox(t *testing.T) {
	fake := linetest.New(lineTestToken)
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
			user := linetest.UserID(i)
			if code, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, linetest.Text(user, "ウイルスに感染したかも")); err == nil && code == http.StatusOK {
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

// TestShutdownWithAHangingPlatformIsQuick: when the platform does not answer, a stop with
// replies waiting still ends within 5 s (systemd's and Kubernetes' patience is spent on
// nothing), and the replies not sent stay in the outbox for the next start.
func TestShutdownWithAHangingPlatformIsQuick(t *testing.T) {
	tests := []struct {
		name  string
		users int
		hang  time.Duration
	}{
		{"every_request_hangs_for_a_minute", 20, time.Minute},
		{"requests_slower_than_the_drain", 80, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := linetest.New(lineTestToken)
			defer fake.Close()
			db := filepath.Join(t.TempDir(), "h.db")
			vars := lineVars(fake, db)
			vars["HELPDESK_USER_RATE"] = "off"
			srv := startServe(t, vars)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			fake.Hang(tt.users*2, tt.hang)
			var wg sync.WaitGroup
			for i := 0; i < tt.users; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, linetest.Text(linetest.UserID(i), "ウイルスに感染したかも"))
				}(i)
			}
			wg.Wait()
			start := time.Now()
			code := srv.stop()
			took := time.Since(start)
			t.Logf("stop with %d replies waiting on a platform hanging %v: %v", tt.users, tt.hang, took)
			if code != 0 {
				t.Fatalf("serve exit %d:\n%s", code, srv.logs.String())
			}
			if took >= 5*time.Second {
				t.Errorf("stopping took %v, want under 5 s\n%s", took, srv.logs.String())
			}
			e, err := dialog.Open(db, nil, slog.New(slog.DiscardHandler), dialog.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if depth, _, err := e.Outbox().Stats(); err != nil || depth+fake.Stats().Replies+fake.Stats().Pushes < tt.users {
				t.Errorf("after the stop %d replies wait in the outbox and %d were sent (%v), want all %d kept or sent", depth, fake.Stats().Replies+fake.Stats().Pushes, err, tt.users)
			}
		})
	}
}
