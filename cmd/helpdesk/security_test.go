package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// TestNoSecretOrUserTextInLogs runs the bot with every channel on and sends it real and hostile
// traffic — consultations, a bad signature, a signed body that is not JSON, an oversize body,
// wrong admin tokens, an escalation — then checks the whole log: no token, secret or signature,
// and nothing the users wrote, and no user id at the default level.
func TestNoSecretOrUserTextInLogs(t *testing.T) {
	line := linetest.New(lineTestToken)
	defer line.Close()
	slack := slacktest.New(slackTestToken)
	defer slack.Close()
	db := filepath.Join(t.TempDir(), "h.db")
	vars := bothVars(line, slack, db, "HELPDESK_STAFF_CHANNEL", "C0STAFFSEC1", "HELPDESK_ADMIN_TOKEN", adminTestToken)
	srv := startServe(t, vars)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const secretText = "社長の口座番号は1234567で暗証番号は9876です"
	lineUser := linetest.UserID(777)
	post := func(ev ...linetest.Event) int {
		code, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, ev...)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	post(linetest.Text(lineUser, "ビジネスメール詐欺かも。"+secretText))
	post(linetest.Text(lineUser, "担当者と話したい。"+secretText))
	// a bad signature, and a signed body that is not JSON but carries the user's words
	body := linetest.Body(linetest.Text(lineUser, secretText))
	linetest.PostBody(ctx, srv.url+"/line/webhook", "bm90LWEtc2lnbmF0dXJl", body)
	broken := append([]byte(`{"events":[{"type":"message","message":{"type":"text","text":"`+secretText+`"`), 0xff)
	linetest.PostBody(ctx, srv.url+"/line/webhook", linetest.Sign(lineTestSecret, broken), broken)
	linetest.PostBody(ctx, srv.url+"/line/webhook", "x", bytes.Repeat([]byte("a"), 2<<20))
	srv.send(t, slacktest.IM(slacktest.NewEventID(), "U0SECRET1", secretText))
	srv.send(t, slacktest.IM(slacktest.NewEventID(), "U0SECRET1", "担当者と話したい"))
	slashCommand(t, srv.url, "U0SECRET2", secretText) // a consultation typed after /helpdesk
	slashCommand(t, srv.url, "U0SECRET2", "reload")   // an admin verb from someone who is not one
	for _, tok := range []string{"", "wrong", slackTestToken} {
		adminRequest(t, "POST", srv.url+"/admin/reload", tok)
	}
	waitSlackPosts(t, slack, "C0STAFFSEC1", "", 2)
	line.WaitUntil(ctx, func() bool { return len(line.MessagesTo(lineUser)) >= 2 })
	srv.stop()

	logs := srv.logs.String()
	if !strings.Contains(logs, "listening") || !strings.Contains(logs, "admin request refused") || !strings.Contains(logs, "admin command refused") {
		t.Fatalf("the log is not the server's:\n%.2000s", logs)
	}
	for name, secret := range map[string]string{
		"LINE channel secret": lineTestSecret, "LINE channel token": lineTestToken,
		"Slack bot token": slackTestToken, "Slack signing secret": slackTestSecret, "admin token": adminTestToken,
		"the user's words": secretText, "the user's account number": "1234567",
		"the LINE user id": lineUser, "the Slack user id": "U0SECRET1", "another Slack user id": "U0SECRET2",
	} {
		if strings.Contains(logs, secret) {
			i := strings.Index(logs, secret)
			t.Errorf("the log contains %s: ...%s...", name, logs[max(0, i-200):min(len(logs), i+100)])
		}
	}
}

// TestUsersCannotReachEachOther: a button copied from one user's conversation does nothing in
// another's, and nothing one user wrote appears in another's replies.
func TestUsersCannotReachEachOther(t *testing.T) {
	line := linetest.New(lineTestToken)
	defer line.Close()
	srv := startServe(t, lineVars(line, filepath.Join(t.TempDir(), "h.db")))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	alice, bob := linetest.UserID(1), linetest.UserID(2)
	say := func(ev linetest.Event) {
		if code, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, ev); err != nil || code != http.StatusOK {
			t.Fatalf("webhook: %d %v", code, err)
		}
	}
	wait := func(user string, n int) []linetest.Message {
		if err := line.WaitUntil(ctx, func() bool { return len(line.MessagesTo(user)) >= n }); err != nil {
			t.Fatalf("%s got %d messages, want %d", user, len(line.MessagesTo(user)), n)
		}
		return line.MessagesTo(user)
	}
	say(linetest.Text(alice, "ランサムウェアに感染したかも"))
	msgs := wait(alice, 1)
	var intake string
	for _, q := range msgs[len(msgs)-1].QuickReply {
		if q.Label == "状況を整理する" {
			intake = q.Data
		}
	}
	say(linetest.Postback(alice, intake))
	msgs = wait(alice, len(msgs)+1)
	var yes string
	for _, q := range msgs[len(msgs)-1].QuickReply {
		if q.Label == "はい" {
			yes = q.Data
		}
	}
	say(linetest.Postback(alice, yes))
	say(linetest.Text(alice, "アリスの取引先アルファ社から連絡"))
	wait(alice, len(msgs)+2)

	// Bob presses Alice's intake answer, as if the postback data leaked.
	say(linetest.Postback(bob, yes))
	got := wait(bob, 1)
	var all strings.Builder
	for _, m := range got {
		all.WriteString(m.Text + m.AltText + string(m.Contents))
	}
	if !strings.Contains(all.String(), "そのボタンは古い") {
		t.Errorf("Alice's button in Bob's chat: %q, want the stale-button restart", all.String())
	}
	if strings.Contains(all.String(), "アルファ社") || strings.Contains(all.String(), "ランサムウェア感染") {
		t.Errorf("Bob's replies show Alice's conversation: %q", all.String())
	}
}
