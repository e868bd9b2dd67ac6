package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// TestEscalationLINEToSlackStaff is the escalation end to end, with both platforms faked on
// loopback: a LINE user asks for a person; the case reaches the Slack staff channel; a staff
// reply in its thread reaches the user as a LINE push; a message with the thread's id in another
// channel reaches nobody; the relay survives a LINE outage, a Slack outage and a restart of the
// bot, delivering every message once and in order; resolve closes the case and the bot answers
// the user's next message again.
func TestEscalationLINEToSlackStaff(t *testing.T) {
	line := linetest.New(lineTestToken)
	defer line.Close()
	slack := slacktest.New(slackTestToken)
	defer slack.Close()
	const staff = "C0STAFF0E2E"
	db := filepath.Join(t.TempDir(), "helpdesk.db")
	vars := bothVars(line, slack, db, "HELPDESK_STAFF_CHANNEL", staff, "HELPDESK_USER_RATE", "off")
	srv := startServe(t, vars)
	user := linetest.UserID(4242)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	lineSay := func(text string) {
		t.Helper()
		code, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, linetest.Text(user, text))
		if err != nil || code != http.StatusOK {
			t.Fatalf("LINE webhook = %d, %v", code, err)
		}
	}
	// lineGot waits until the user's LINE messages contain every want, and returns them.
	lineGot := func(what string, want ...string) []string {
		t.Helper()
		var texts []string
		err := line.WaitUntil(ctx, func() bool {
			texts = texts[:0]
			for _, m := range line.MessagesTo(user) {
				texts = append(texts, m.Text+m.AltText)
			}
			all := strings.Join(texts, "\n")
			for _, w := range want {
				if !strings.Contains(all, w) {
					return false
				}
			}
			return true
		})
		if err != nil {
			t.Fatalf("%s: the LINE user never got %q; got:\n%s", what, want, strings.Join(texts, "\n---\n"))
		}
		return texts
	}

	// 1. The LINE user asks for a person.
	lineSay("ランサムウェアの件で担当者と話したい")
	lineGot("escalation reply", "受付番号 2026-0001")
	root := waitSlackPosts(t, slack, staff, "", 1)[0]
	if !root.Contains("2026-0001") || len(buttonValues(root)) != 3 {
		t.Fatalf("case post: %s", root.AllText())
	}

	// 2. A staff reply in the case thread reaches the LINE user; a forged one does not.
	srv.send(t, slacktest.ThreadReply(slacktest.NewEventID(), "C0OTHER0E2E", "U0EVIL", "偽の担当者です。暗証番号を教えて", root.TS))
	srv.send(t, slacktest.ThreadReply(slacktest.NewEventID(), staff, "U0STAFF", "担当の佐藤です。パソコンはネットワークから外しましたか？", root.TS))
	lineGot("staff reply", "担当者が対応を始めました", "担当の佐藤です")

	// 3. The user's reply goes into the thread.
	lineSay("はい、LANケーブルを抜きました")
	waitFor(t, ctx, "user reply in the staff thread", func() bool {
		return threadContains(slack, staff, root.TS, "はい、LANケーブルを抜きました")
	})

	// 4. LINE is down: staff messages wait in the outbox. The bot is restarted meanwhile.
	line.Fail(1000, http.StatusInternalServerError)
	for _, m := range []string{"【1】再起動はまだしないでください", "【2】画面の写真を撮ってください", "【3】IPAへの届出を案内します"} {
		srv.send(t, slacktest.ThreadReply(slacktest.NewEventID(), staff, "U0STAFF", m, root.TS))
	}
	waitFor(t, ctx, "failed LINE attempts", func() bool { return line.Stats().Injected >= 1 })
	if code := srv.stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	srv = startServe(t, vars)
	// Slack goes down too: the user's messages wait for the staff thread.
	slack.Fail(1000, http.StatusInternalServerError)
	calls := slack.Calls("chat.postMessage")
	lineSay("【A】写真を撮りました")
	lineSay("【B】届出の方法を教えてください")
	waitFor(t, ctx, "failed Slack attempts", func() bool { return slack.Calls("chat.postMessage") > calls })
	if line.Stats().Injected == 0 {
		t.Fatal("the LINE outage was never hit: the test proves nothing")
	}
	line.Heal()
	slack.Heal()
	texts := lineGot("after the LINE outage and the restart", "【1】", "【2】", "【3】")
	assertOnceInOrder(t, "LINE user", strings.Join(texts, "\n"), "担当の佐藤です", "【1】", "【2】", "【3】")
	waitFor(t, ctx, "user messages after the Slack outage", func() bool {
		return threadContains(slack, staff, root.TS, "【B】")
	})
	var thread []string
	for _, p := range slack.Posts() {
		if p.Channel == staff && p.ThreadTS == root.TS {
			thread = append(thread, p.AllText())
		}
	}
	assertOnceInOrder(t, "staff thread", strings.Join(thread, "\n"), "はい、LANケーブルを抜きました", "【A】", "【B】")
	if slack.Calls("chat.postMessage") <= len(slack.Posts()) {
		t.Error("the Slack outage was never hit: the test proves nothing")
	}
	if strings.Contains(strings.Join(texts, "\n"), "偽の担当者") {
		t.Error("a message from another channel reached the LINE user")
	}

	// 5. Resolve: the user is told, and the bot answers the next message again.
	caseID := strings.TrimPrefix(buttonValues(root)[0], "s:claim:")
	press, _ := root.Press("U0STAFF", "s:resolve:"+caseID)
	srv.send(t, press)
	waitFor(t, ctx, "the resolve form", func() bool { return len(slack.Views()) == 1 })
	srv.send(t, slacktest.Submit(slack.Views()[0], "U0STAFF", map[string]string{"note": "届出方法を案内", "topic": "ransomware"}))
	lineGot("case closed", "担当者との相談を終了しました")
	lineSay("フィッシングサイトにパスワードを入れてしまった")
	lineGot("the bot again", "入力したIDやカード番号があれば")
}

func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func threadContains(fake *slacktest.Server, channel, thread, text string) bool {
	for _, p := range fake.Posts() {
		if p.Channel == channel && p.ThreadTS == thread && p.Contains(text) {
			return true
		}
	}
	return false
}

// assertOnceInOrder checks that each of parts occurs exactly once in text, in the given order.
func assertOnceInOrder(t *testing.T, who, text string, parts ...string) {
	t.Helper()
	last := -1
	for _, p := range parts {
		if n := strings.Count(text, p); n != 1 {
			t.Errorf("%s got %q %d times, want once:\n%s", who, p, n, text)
			continue
		}
		i := strings.Index(text, p)
		if i < last {
			t.Errorf("%s got %q out of order:\n%s", who, p, text)
		}
		last = i
	}
}
