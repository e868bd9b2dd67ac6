package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
)

// readyz returns /readyz's status and body.
func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// waitReady waits until /readyz answers want, and returns its body then.
func waitReady(t *testing.T, base string, want int, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		code, body := readyz(t, base)
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still answers %d %q after %v, want %d", code, body, within, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeLINECredentials: a channel access token revoked while serving stops LINE's
// deliveries without losing them: /readyz names the channel, helpdesk_channel_up says 0, one
// error line is logged however many replies wait, nothing is dropped; once LINE accepts the
// token again the waiting replies go out by themselves, once each.
func TestServeLINECredentials(t *testing.T) {
	t.Parallel()
	r := newFaultRig(t)
	r.await(t, "before the revocation", r.send(t))
	if code, _ := readyz(t, r.srv.url); code != http.StatusOK {
		t.Fatalf("/readyz = %d with an accepted token, want 200", code)
	}

	r.fake.SetToken("reissued")
	var waiting []<-chan time.Time
	for range 3 {
		waiting = append(waiting, r.send(t))
	}
	body := waitReady(t, r.srv.url, http.StatusServiceUnavailable, 10*time.Second)
	if !strings.Contains(body, "line") || !strings.Contains(body, "401") || strings.Contains(body, lineTestToken) {
		t.Errorf("/readyz body %q, want the channel (line) and LINE's answer (401), never the token", body)
	}
	if up := metric(t, r.srv.url, "helpdesk_channel_up"); up != 0 {
		t.Errorf("helpdesk_channel_up = %v while LINE refuses the token, want 0", up)
	}
	for range 2 {
		waiting = append(waiting, r.send(t))
	}
	time.Sleep(1500 * time.Millisecond) // deliveries and probes meet the refusal meanwhile
	if n := metric(t, r.srv.url, "helpdesk_deliveries_dropped_total"); n != 0 {
		t.Errorf("helpdesk_deliveries_dropped_total = %v while the token is refused, want 0: nothing is given up", n)
	}
	if n := strings.Count(r.srv.logs.String(), `"msg":"channel down`); n != 1 {
		t.Errorf("%d 'channel down' lines logged for 5 waiting replies, want 1:\n%s", n, r.srv.logs.String())
	}

	r.fake.SetToken(lineTestToken)
	back := time.Now()
	at := r.await(t, "once the token is accepted again", waiting...)
	var last time.Duration
	for _, a := range at {
		last = max(last, a.Sub(back))
	}
	t.Logf("the last waiting reply went out %v after LINE accepted the token again", last.Round(time.Millisecond))
	waitReady(t, r.srv.url, http.StatusOK, 5*time.Second)
	if up := metric(t, r.srv.url, "helpdesk_channel_up"); up != 1 {
		t.Errorf("helpdesk_channel_up = %v once LINE accepts the token, want 1", up)
	}
	r.check(t, 0)
	r.srv.stopCleanly(t, lineTestToken)
}

// TestServeLINEBadTokenAtStart: serve starts with a token LINE refuses, says so in /readyz,
// takes webhooks and keeps their replies; a restart with the token accepted delivers them.
func TestServeLINEBadTokenAtStart(t *testing.T) {
	t.Parallel()
	fake := linetest.New("the-real-token")
	t.Cleanup(fake.Close)
	db := filepath.Join(t.TempDir(), "helpdesk.db")
	srv := startServe(t, lineVars(fake, db))
	body := waitReady(t, srv.url, http.StatusServiceUnavailable, 5*time.Second)
	if !strings.Contains(body, "channel line down") {
		t.Errorf("/readyz body %q, want it to name the line channel", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ev := load.LINEEvent(testScript(t), linetest.UserID(1), 0)
	if status, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, ev); err != nil || status != http.StatusOK {
		t.Fatalf("webhook answered %d, %v with the token refused; want 200 (the reply waits in the outbox)", status, err)
	}
	time.Sleep(500 * time.Millisecond)
	srv.stopCleanly(t, lineTestToken)
	if n := len(fake.Messages()); n != 0 {
		t.Fatalf("LINE received %d messages with a refused token", n)
	}

	fake.SetToken(lineTestToken) // the operator fixed LINE_CHANNEL_TOKEN and restarted
	again := startServe(t, lineVars(fake, db))
	if _, err := fake.Wait(ctx, 1); err != nil {
		t.Fatalf("the reply kept from before the restart never went out: %v", err)
	}
	waitReady(t, again.url, http.StatusOK, 5*time.Second)
	again.stopCleanly(t, lineTestToken)
}

// TestServeSlackCredentialsReload: a Slack token revoked while serving holds Slack's replies
// (the workspace's answer in /readyz); once the token is fixed, a reload probes at once instead
// of waiting for the probes' backoff, and the held reply goes out.
func TestServeSlackCredentialsReload(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	srv := startServe(t, slackVars(fake, filepath.Join(t.TempDir(), "helpdesk.db"), "HELPDESK_ADMIN_TOKEN", adminTestToken))
	waitReady(t, srv.url, http.StatusOK, 5*time.Second)

	fake.SetToken("xoxb-rotated")
	if code := srv.send(t, slacktest.IM("EvCred1", "U0CRED", "こんにちは")); code != http.StatusOK {
		t.Fatalf("message.im answered %d with the token revoked, want 200", code)
	}
	body := waitReady(t, srv.url, http.StatusServiceUnavailable, 10*time.Second)
	if !strings.Contains(body, "channel slack down") || !strings.Contains(body, "invalid_auth") {
		t.Errorf("/readyz body %q, want the slack channel and Slack's invalid_auth", body)
	}
	time.Sleep(6 * time.Second) // the probes back off meanwhile (to 4-8 s)
	if n := len(fake.PostsIn("DU0CRED")); n != 0 {
		t.Fatalf("%d posts with a revoked token", n)
	}
	if n := metric(t, srv.url, "helpdesk_deliveries_dropped_total"); n != 0 {
		t.Errorf("helpdesk_deliveries_dropped_total = %v, want 0", n)
	}

	fake.SetToken(slackTestToken)
	probes := fake.Calls("auth.test")
	reloaded := time.Now()
	if code, _ := adminRequest(t, "POST", srv.url+"/admin/reload", adminTestToken); code != http.StatusOK {
		t.Fatalf("POST /admin/reload answered %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if err := fake.WaitUntil(short, func() bool { return fake.Calls("auth.test") > probes }); err != nil {
		t.Errorf("no auth.test within 300 ms of the reload's answer (%v after asking): a reload must probe the channels down at once",
			time.Since(reloaded).Round(time.Millisecond))
	}
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.PostsIn("DU0CRED")) > 0 }); err != nil {
		t.Fatalf("the held reply never went out after the reload: %v", err)
	}
	t.Logf("the held reply went out %v after the reload was asked for", time.Since(reloaded).Round(time.Millisecond))
	waitReady(t, srv.url, http.StatusOK, 5*time.Second)
	srv.stopCleanly(t, slackTestToken)
}
