package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
)

// TestServeOutageIsolation: with 150 LINE calls hanging, Slack users are answered as fast as
// ever: each channel has workers of its own, so LINE's outage holds up only LINE.
func TestServeOutageIsolation(t *testing.T) {
	t.Parallel()
	lf := linetest.New(lineTestToken)
	defer lf.Close()
	lf.SkipMessageCheck = true
	sf := slacktest.New(slackTestToken)
	defer sf.Close()
	srv := startServe(t, bothVars(lf, sf, filepath.Join(t.TempDir(), "helpdesk.db"), "HELPDESK_USER_RATE", "off"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	lf.Outage(0, 6*time.Second) // every LINE call hangs 6 s (the client waits 10 s)
	script := testScript(t)
	for u := range 150 {
		ev := load.LINEEvent(script, linetest.UserID(u), 0)
		if status, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, ev); err != nil || status != http.StatusOK {
			t.Fatalf("LINE webhook answered %d, %v", status, err)
		}
	}
	if err := lf.WaitUntil(ctx, func() bool { return lf.Stats().Hung >= 64 }); err != nil {
		t.Fatalf("LINE calls never hung: %+v", lf.Stats())
	}
	start := time.Now()
	const users = 10
	for u := range users {
		if code := srv.send(t, slacktest.IM(fmt.Sprintf("EvIso%d", u), fmt.Sprintf("U0ISO%d", u), "こんにちは")); code != http.StatusOK {
			t.Fatalf("Slack event answered %d", code)
		}
	}
	err := sf.WaitUntil(ctx, func() bool {
		for u := range users {
			if len(sf.PostsIn(fmt.Sprintf("DU0ISO%d", u))) == 0 {
				return false
			}
		}
		return true
	})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("Slack users were not answered while LINE hung: %v", err)
	}
	t.Logf("%d Slack users answered in %v while %d LINE calls hung", users, took.Round(time.Millisecond), lf.Stats().Hung)
	if took > 2*time.Second {
		t.Errorf("Slack users were answered in %v while LINE hung, want within 2 s", took.Round(time.Millisecond))
	}
	lf.Heal()
}
