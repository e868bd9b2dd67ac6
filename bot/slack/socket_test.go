package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

func TestSocketMode(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(token)
	defer fake.Close()
	d := &desk{}
	admin := func(_ context.Context, user string, args []string) (string, error) {
		return "ok <" + args[0] + ">", nil
	}
	b, err := slack.New(slog.New(slog.DiscardHandler), slack.Config{BotToken: token, AppToken: "xapp-1-A0-test",
		APIURL: fake.APIURL(), StaffChannel: staffC, Phrases: phrases, Topics: topics, Admin: admin}, d)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	mustAck := func(what, id string) slacktest.Ack {
		t.Helper()
		a, err := fake.WaitAck(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return a
	}

	// a direct message: acknowledged once the engine has it
	mustAck("message.im", fake.Push(slacktest.IM("Ev1", "U1", "こんにちは")))
	if msgs, _ := d.got(); len(msgs) != 1 || msgs[0].UserID != "U1" || msgs[0].Address != "DU1" || msgs[0].EventID != "Ev1" {
		t.Fatalf("engine got %+v", msgs)
	}

	// the network drops: slack-go reconnects, and an envelope sent meanwhile is handled
	fake.Disconnect()
	id := fake.Push(slacktest.IM("Ev2", "U2", "まだいますか"))
	if err := fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	mustAck("message after reconnect", id)
	// Slack asks for a refresh: another reconnection
	fake.RequestReconnect()
	if err := fake.WaitConnections(ctx, 3); err != nil {
		t.Fatal(err)
	}
	mustAck("message after refresh", fake.Push(slacktest.IM("Ev3", "U3", "もしもし")))
	if msgs, _ := d.got(); len(msgs) != 3 || msgs[1].UserID != "U2" || msgs[2].UserID != "U3" {
		t.Fatalf("engine got %+v", msgs)
	}
	if n := fake.Calls("apps.connections.open"); n != 3 {
		t.Errorf("apps.connections.open called %d times, want 3", n)
	}

	// a type slack-go does not know is acknowledged all the same, and changes nothing
	unknown := slacktest.IM("Ev4", "U1", "x")
	frame, _ := json.Marshal(map[string]any{"envelope_id": "env-unknown", "type": "events_api",
		"payload": json.RawMessage(bytes.Replace(unknown.Payload(), []byte(`"type":"message"`), []byte(`"type":"brand_new_event"`), 1))})
	fake.PushRaw(frame)
	mustAck("unknown event", "env-unknown")
	fake.PushRaw([]byte(`{"envelope_id":"env-weird","type":"brand_new_envelope","payload":{}}`))
	mustAck("unknown envelope type", "env-weird")

	// a button and the slash command
	mustAck("button", fake.Push(slacktest.BlockActions(slacktest.Click{User: "U1", Channel: "DU1", MessageTS: "1.1", Value: "a:intake"})))
	mustAck("slash command", fake.Push(slacktest.Command("U1", "C1", "")))
	msgs, _ := d.got()
	if len(msgs) != 5 || msgs[3].Choice != "a:intake" || msgs[4].Event != dialog.EventMenu || msgs[4].Address != "@U1" {
		t.Fatalf("engine got %+v", msgs)
	}
	a := mustAck("admin command", fake.Push(slacktest.Command("U1", "C1", "stats")))
	var payload map[string]string
	if json.Unmarshal(a.Payload, &payload); payload["text"] != "ok &lt;stats&gt;" {
		t.Errorf("admin command acked with %s", a.Payload)
	}

	// a staff reply in a case thread
	mustAck("staff reply", fake.Push(slacktest.ThreadReply("Ev5", staffC, "U9", "担当します", "1.1")))
	if _, staff := d.got(); len(staff) != 1 || staff[0].Thread != staffC+"/1.1" {
		t.Errorf("staff events %+v", staff)
	}

	// the engine fails: no ack, so that Slack redelivers
	d.mu.Lock()
	d.err = errors.New("database not open")
	d.mu.Unlock()
	failed := fake.Push(slacktest.IM("Ev6", "U1", "x"))
	for m, _ := d.got(); len(m) < 6; m, _ = d.got() {
		if ctx.Err() != nil {
			t.Fatal("the engine never got the message")
		}
		time.Sleep(10 * time.Millisecond)
	}
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if _, err := fake.WaitAck(short, failed); err == nil {
		t.Error("an envelope the engine did not commit was acknowledged")
	}
	if posts := fake.PostsIn("DU1"); len(posts) != 0 {
		t.Errorf("apologised on the first attempt: %+v", posts)
	}
	// Slack's last redelivery of it fails too: the user gets the apology instead of silence
	fake.PushRetry(slacktest.IM("Ev6", "U1", "x"), 3)
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.PostsIn("DU1")) == 1 }); err != nil {
		t.Fatalf("no apology after the last redelivery failed: %v", err)
	}

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after ctx is done", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx was done")
	}
}

// TestSocketModeRejectedToken: a bot token Slack refuses at start does not stop Socket Mode:
// events still come in (their replies wait for the token), and the connection is reported.
func TestSocketModeRejectedToken(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(token)
	defer fake.Close()
	d := &desk{}
	connected := make(chan struct{}, 10)
	b, err := slack.New(slog.New(slog.DiscardHandler), slack.Config{BotToken: "xoxb-wrong", AppToken: "xapp-1-A0-test",
		APIURL: fake.APIURL(), Connection: func(err error) {
			if err == nil {
				connected <- struct{}{}
			}
		}}, d)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case <-connected:
	case err := <-done:
		t.Fatalf("Run with a refused bot token = %v before connecting, want it to go on", err)
	case <-ctx.Done():
		t.Fatal("socket mode never connected with a refused bot token")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after ctx is done, want nil", err)
	}
}

// TestSocketModeRefusedAppToken: an app-level token Slack refuses is reported, not taken for a
// connection, and Run connects by itself once Slack accepts the token again.
func TestSocketModeRefusedAppToken(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(token)
	defer fake.Close()
	fake.RefuseAppTokens(true)
	d := &desk{}
	states := make(chan error, 100)
	b, err := slack.New(slog.New(slog.DiscardHandler), slack.Config{BotToken: token, AppToken: "xapp-1-A0-test",
		APIURL: fake.APIURL(), Connection: func(err error) { states <- err }}, d)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case err := <-states:
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Fatalf("first connection state = %v, want the refusal (invalid_auth)", err)
		}
	case err := <-done:
		t.Fatalf("Run = %v with a refused app-level token, want it to keep trying", err)
	case <-ctx.Done():
		t.Fatal("the refused app-level token was never reported")
	}
	fake.RefuseAppTokens(false)
	for {
		select {
		case err := <-states:
			if err == nil {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("Run = %v after ctx is done, want nil", err)
				}
				return
			}
		case <-ctx.Done():
			t.Fatal("socket mode did not connect once the app-level token was accepted again")
		}
	}
}
