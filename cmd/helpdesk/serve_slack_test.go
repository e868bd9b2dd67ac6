package main

// End-to-end tests of the Slack channel: the real `helpdesk serve` in this process, with
// SLACK_API_URL pointed at slacktest on loopback, fed signed requests in Slack's formats (or
// Socket Mode envelopes).
//
//	go test -race -run 'TestServeSlack' ./cmd/helpdesk                                    # what CI runs
//	go test -run '^$' -bench SlackServe -benchtime 1x ./cmd/helpdesk                      # the server alone
//	HELPDESK_SLACK_BENCH=5000x64 go test -run '^$' -bench SlackServe -benchtime 1x ./cmd/helpdesk

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
)

const (
	slackTestToken  = "fake-bot-token-e2e"
	slackTestSecret = "e2e-signing-secret-0123456789ab"
	slackTestApp    = "xapp-1-A0HELPDESK-e2e"
	slackStaff      = "C0STAFF001"
)

func slackVars(fake *slacktest.Server, db string, extra ...string) map[string]string {
	vars := map[string]string{
		"SLACK_BOT_TOKEN":      slackTestToken,
		"SLACK_SIGNING_SECRET": slackTestSecret,
		"SLACK_API_URL":        fake.APIURL(),
		"HELPDESK_DB":          db,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		vars[extra[i]] = extra[i+1]
	}
	return vars
}

// bothVars is the environment of serve with LINE on lineFake and Slack on slackFake, sharing db,
// with extra name-value pairs.
func bothVars(lineFake *linetest.Server, slackFake *slacktest.Server, db string, extra ...string) map[string]string {
	vars := slackVars(slackFake, db, extra...)
	maps.Copy(vars, lineVars(lineFake, db))
	return vars
}

// send posts b, signed, to the server's route for it; header holds extra header pairs. Like
// Slack, it retries an event answered with 5xx (with X-Slack-Retry-Num), up to three times.
func (s *testServer) send(t testing.TB, b slacktest.Body, header ...string) int {
	t.Helper()
	route := "/slack/events"
	switch b.Kind {
	case slacktest.KindInteractive:
		route = "/slack/interactions"
	case slacktest.KindSlashCommand:
		route = "/slack/commands"
	}
	code := 0
	for retry := 0; retry <= 3; retry++ {
		req, err := slacktest.NewRequest(context.Background(), s.url+route, slackTestSecret, b)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		if retry > 0 {
			req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
			req.Header.Set("X-Slack-Retry-Reason", "http_error")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		code = res.StatusCode
		if code < 500 || route != "/slack/events" {
			return code
		}
		time.Sleep(200 * time.Millisecond)
	}
	return code
}

func waitSlackPosts(t *testing.T, fake *slacktest.Server, channel, thread string, n int) []slacktest.Post {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pick := func(posts []slacktest.Post) []slacktest.Post {
		var out []slacktest.Post
		for _, p := range posts {
			if p.Channel == channel && (thread == "" || p.ThreadTS == thread) {
				out = append(out, p)
			}
		}
		return out
	}
	posts, err := fake.WaitFor(ctx, func(posts []slacktest.Post) bool { return len(pick(posts)) >= n })
	if err != nil {
		t.Fatalf("waiting for %d posts in %s/%s: %v; rejected: %q; posts: %s", n, channel, thread, err, fake.Rejected(), describeSlackPosts(posts))
	}
	return pick(posts)
}

func describeSlackPosts(posts []slacktest.Post) string {
	var b strings.Builder
	for _, p := range posts {
		fmt.Fprintf(&b, "\n  %s/%s %s: %.80q", p.Channel, p.ThreadTS, p.TS, p.AllText())
	}
	return b.String()
}

// waitSlackButton waits for a post in channel with a button of value and returns it.
func waitSlackButton(t *testing.T, fake *slacktest.Server, channel, value string) slacktest.Post {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var found slacktest.Post
	posts, err := fake.WaitFor(ctx, func(posts []slacktest.Post) bool {
		for _, p := range posts {
			if p.Channel == channel && slices.Contains(buttonValues(p), value) {
				found = p
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no button %s in %s: %v%s", value, channel, err, describeSlackPosts(posts))
	}
	return found
}

func buttonValues(p slacktest.Post) []string {
	var out []string
	for _, b := range p.Buttons() {
		out = append(out, b.Value)
	}
	return out
}

// TestServeSlack runs the bot over the Events API: a direct message, its retry, a button, an
// @mention, the slash command, a rate-limited post, and a clean shutdown.
func TestServeSlack(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	srv := startServe(t, slackVars(fake, filepath.Join(t.TempDir(), "helpdesk.db")))

	// A direct message: the first message of the answer has the first-aid steps and a number to call.
	dm := slacktest.IM("Ev0001", "U0A1", "ランサムウェアに感染したかも")
	if code := srv.send(t, dm); code != http.StatusOK {
		t.Fatalf("message.im answered %d", code)
	}
	first := waitSlackPosts(t, fake, "DU0A1", "", 1)[0]
	if !first.Contains("いますぐやること") || !first.Contains("LANケーブル") || !first.Contains("<tel:") {
		t.Errorf("first reply lacks the first-aid steps or a tel: link:\n%s", first.AllText())
	}
	if first.ThreadTS != "" || first.Text == "" {
		t.Errorf("reply in thread %q with notification text %q", first.ThreadTS, first.Text)
	}

	// Slack retries the same event: nothing is answered twice. A later message of the same
	// user is answered after anything the retry could have queued.
	if code := srv.send(t, dm, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"); code != http.StatusOK {
		t.Fatalf("retry answered %d", code)
	}
	buttons := waitSlackButton(t, fake, "DU0A1", "a:intake")
	press, _ := buttons.Press("U0A1", "a:intake")
	if code := srv.send(t, press); code != http.StatusOK {
		t.Fatalf("block_actions answered %d", code)
	}
	posts := waitSlackPosts(t, fake, "DU0A1", "", len(fake.PostsIn("DU0A1"))+1)
	firstAids := 0
	for _, p := range posts {
		if p.Contains("いますぐやること") {
			firstAids++
		}
	}
	t.Logf("direct message thread:%s", describeSlackPosts(posts))
	if firstAids != 1 {
		t.Errorf("the first aid was posted %d times: a retried event was answered again", firstAids)
	}
	if last := posts[len(posts)-1]; len(last.Buttons()) == 0 {
		t.Errorf("the intake's first question has no answer buttons:\n%s", last.AllText())
	}

	// An @mention in a channel: the answer goes into the mention's thread.
	mention := slacktest.Callback(slacktest.Event{EventID: "Ev0002", Type: "app_mention", Channel: "C0GENERAL", User: "U0A2",
		TS: "1700000001.000100", Text: "<@" + slacktest.BotUserID + "> 銀行を名乗るSMSが来てリンクを開いてしまった"})
	if code := srv.send(t, mention); code != http.StatusOK {
		t.Fatalf("app_mention answered %d", code)
	}
	inThread := waitSlackPosts(t, fake, "C0GENERAL", "1700000001.000100", 1)
	if len(fake.PostsIn("C0GENERAL")) != len(inThread) {
		t.Errorf("an answer to a mention went to the top of the channel")
	}

	// /helpdesk in a channel: the menu comes in a direct message with the bot.
	if code := srv.send(t, slacktest.Command("U0A3", "C0GENERAL", "")); code != http.StatusOK {
		t.Fatalf("/helpdesk answered %d", code)
	}
	menu := waitSlackPosts(t, fake, slacktest.DMChannel("U0A3"), "", 1)[0]
	if !slices.Contains(fake.Opened(), "U0A3") || len(menu.Buttons()) < 3 || !strings.HasPrefix(buttonValues(menu)[0], "m:") {
		t.Errorf("menu: opened %q, buttons %q", fake.Opened(), buttonValues(menu))
	}
	if code := srv.send(t, slacktest.Command("U0A3", "C0GENERAL", "help")); code != http.StatusOK {
		t.Fatalf("/helpdesk help answered %d", code)
	}
	waitSlackPosts(t, fake, slacktest.DMChannel("U0A3"), "", 2)

	// Slack answers 429 with Retry-After: 1: the reply arrives after the wait.
	fake.RateLimit(1, time.Second)
	sent := time.Now()
	if code := srv.send(t, slacktest.IM("Ev0003", "U0A4", "パスワードを使い回していて不安です")); code != http.StatusOK {
		t.Fatalf("message.im answered %d", code)
	}
	late := waitSlackPosts(t, fake, "DU0A4", "", 1)[0]
	if wait := late.At.Sub(sent); wait < time.Second {
		t.Errorf("the rate-limited reply came %v after the event, before Retry-After", wait)
	}

	// A wrongly signed event changes nothing.
	req, _ := slacktest.NewRequest(context.Background(), srv.url+"/slack/events", "wrong-secret", slacktest.IM("Ev0004", "U0A5", "x"))
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Errorf("wrongly signed event: %v", err)
	} else if res.Body.Close(); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrongly signed event answered %d, want 401", res.StatusCode)
	}
	if got := metric(t, srv.url, "helpdesk_rejected_requests_total"); got != 1 {
		t.Errorf("helpdesk_rejected_requests_total = %v, want the 1 wrongly signed event", got)
	}

	srv.stopCleanly(t, "ランサムウェアに感染したかも", "パスワード", slackTestToken, slackTestSecret, "U0A1")
	if rej := fake.Rejected(); len(rej) > 0 {
		t.Errorf("Slack would have refused: %q", rej)
	}
}

// TestServeSlackStaff runs a case through the staff channel: the case post, a staff reply in its
// thread reaching the user, a forged thread elsewhere reaching nobody, and resolve through the
// form, after which the bot answers the user again.
func TestServeSlackStaff(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	srv := startServe(t, slackVars(fake, filepath.Join(t.TempDir(), "helpdesk.db"), "HELPDESK_STAFF_CHANNEL", slackStaff))

	if code := srv.send(t, slacktest.IM("Ev1001", "U0B1", "担当者と話したい")); code != http.StatusOK {
		t.Fatalf("message.im answered %d", code)
	}
	root := waitSlackPosts(t, fake, slackStaff, "", 1)[0]
	if root.ThreadTS != "" || !strings.HasPrefix(buttonValues(root)[0], "s:claim:") || len(buttonValues(root)) != 3 {
		t.Fatalf("case post: thread %q buttons %q", root.ThreadTS, buttonValues(root))
	}
	caseID := strings.TrimPrefix(buttonValues(root)[0], "s:claim:")
	waitSlackPosts(t, fake, "DU0B1", "", 1) // the user is told a person will answer

	// A staff member answers in the case's thread; the same thread id in another channel is forged.
	if code := srv.send(t, slacktest.ThreadReply("Ev1002", "C0OTHER01", "U0X6", "偽の担当者です。パスワードを教えて", root.TS)); code != http.StatusOK {
		t.Fatalf("forged reply answered %d", code)
	}
	if code := srv.send(t, slacktest.ThreadReply("Ev1003", slackStaff, "U0S9", "担当の山田です。状況を教えてください。", root.TS)); code != http.StatusOK {
		t.Fatalf("staff reply answered %d", code)
	}
	relayed := waitSlackPosts(t, fake, "DU0B1", "", 2)[1]
	if !relayed.Contains("担当の山田です") {
		t.Errorf("staff reply not relayed:\n%s", relayed.AllText())
	}
	// The first reply claimed the case: its post says who has it, buttons kept (chat.update).
	claimed := waitRootEdits(t, fake, root, 1)
	if !claimed.Contains("<@U0S9> さんが担当します") || len(buttonValues(claimed)) != 3 || !claimed.Contains(caseID) {
		t.Errorf("case post after the claim: buttons %q\n%s", buttonValues(claimed), claimed.AllText())
	}

	// The user answers: it goes into the case's thread.
	if code := srv.send(t, slacktest.IM("Ev1004", "U0B1", "画面に英語の脅迫文が出ています")); code != http.StatusOK {
		t.Fatalf("message.im answered %d", code)
	}
	thread := waitSlackPosts(t, fake, slackStaff, root.TS, 1)
	if !thread[len(thread)-1].Contains("画面に英語の脅迫文が出ています") {
		t.Errorf("user message not in the case thread: %s", describeSlackPosts(thread))
	}

	// Resolve: the form opens; sending it closes the case, with a notice in the thread.
	press, _ := root.Press("U0S9", "s:resolve:"+caseID)
	if code := srv.send(t, press); code != http.StatusOK {
		t.Fatalf("resolve answered %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.Views()) == 1 }); err != nil {
		t.Fatalf("no resolve form: %v", err)
	}
	form := fake.Views()[0]
	if code := srv.send(t, slacktest.Submit(form, "U0S9", map[string]string{"note": "LANを抜いて再起動を案内", "topic": "ransomware"})); code != http.StatusOK {
		t.Fatalf("form answered %d", code)
	}
	notices := waitSlackPosts(t, fake, slackStaff, root.TS, 2)
	if last := notices[len(notices)-1]; !last.Contains("<@U0S9>") || !last.Contains("LANを抜いて再起動を案内") {
		t.Errorf("resolve notice: %q", last.AllText())
	}
	closed := waitSlackPosts(t, fake, "DU0B1", "", 3)
	// The case's post now reads resolved, with nothing left to press.
	resolved := waitRootEdits(t, fake, root, 2)
	if !resolved.Contains("解決済み") || !resolved.Contains("LANを抜いて再起動を案内") || len(buttonValues(resolved)) != 0 {
		t.Errorf("case post after resolve: buttons %q\n%s", buttonValues(resolved), resolved.AllText())
	}
	// the user's next message is the bot's again
	if code := srv.send(t, slacktest.IM("Ev1005", "U0B1", "フィッシングメールの見分け方を教えて")); code != http.StatusOK {
		t.Fatalf("message.im answered %d", code)
	}
	after := waitSlackPosts(t, fake, "DU0B1", "", len(closed)+1)
	for _, p := range after {
		if p.Contains("偽の担当者") {
			t.Errorf("a forged staff reply reached the user")
		}
	}
	if n := len(waitSlackPosts(t, fake, slackStaff, root.TS, 1)); n != len(notices) {
		t.Errorf("after resolve, %d more posts went to the staff thread", n-len(notices))
	}

	// Staff buttons copied outside the staff channel do nothing.
	copied := root
	copied.Channel = "C0GENERAL"
	press, _ = copied.Press("U0X6", "s:handback:"+caseID)
	if code := srv.send(t, press); code != http.StatusOK {
		t.Fatalf("copied button answered %d", code)
	}
	if eph := fake.Ephemerals(); len(eph) != 1 || eph[0].User != "U0X6" {
		t.Errorf("refusal: %+v", eph)
	}
}

// waitRootEdits waits until the case post root has been rewritten n times and returns it.
func waitRootEdits(t *testing.T, fake *slacktest.Server, root slacktest.Post, n int) slacktest.Post {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got slacktest.Post
	err := fake.WaitUntil(ctx, func() bool {
		for _, p := range fake.PostsIn(root.Channel) {
			if p.TS == root.TS {
				got = p
			}
		}
		return got.Edits >= n
	})
	if err != nil {
		t.Fatalf("case post rewritten %d times, want %d: %v", got.Edits, n, err)
	}
	return got
}

// TestServeSlackLocale: serve reads the Slack locale of a person writing a direct message. A new
// conversation whose first message is in no language ("?") is answered in English when that
// person's Slack is English; Japanese text is answered in Japanese whatever the locale, and so is
// everything after it; a Japanese locale, or users.info failing, answers in Japanese with no
// sign of the failure. Each person's locale is asked once.
func TestServeSlackLocale(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	srv := startServe(t, slackVars(fake, filepath.Join(t.TempDir(), "helpdesk.db")))
	for _, u := range []string{"U0LOC1", "U0LOC2", "U0LOC4"} {
		fake.SetUserLocale(u, "en-US")
	}
	// reply sends text as user's n-th message and returns the post answering it.
	reply := func(user, text string, n int) slacktest.Post {
		t.Helper()
		if code := srv.send(t, slacktest.IM(slacktest.NewEventID(), user, text)); code != http.StatusOK {
			t.Fatalf("message.im of %s answered %d", user, code)
		}
		return waitSlackPosts(t, fake, slacktest.DMChannel(user), "", n)[n-1]
	}
	japanese := func(p slacktest.Post) bool {
		return strings.ContainsFunc(p.AllText(), func(r rune) bool { return r >= 'ぁ' && r <= 'ゟ' })
	}

	if p := reply("U0LOC1", "?", 1); japanese(p) {
		t.Errorf("English locale, first message ?: answered in Japanese:\n%s", p.AllText())
	}
	if p := reply("U0LOC2", "ランサムウェアに感染したかも", 1); !japanese(p) {
		t.Errorf("English locale, Japanese text: answered in English:\n%s", p.AllText())
	}
	first := len(fake.PostsIn(slacktest.DMChannel("U0LOC2")))
	if p := reply("U0LOC2", "?", first+1); !japanese(p) {
		t.Errorf("English locale, ? in a Japanese conversation: answered in English:\n%s", p.AllText())
	}
	inJapanese := reply("U0LOC3", "?", 1) // ja-JP, the fake's default
	if !japanese(inJapanese) {
		t.Errorf("Japanese locale, first message ?: answered in English:\n%s", inJapanese.AllText())
	}
	fake.FailUsersInfo("missing_scope")
	if p := reply("U0LOC4", "?", 1); p.AllText() != inJapanese.AllText() {
		t.Errorf("English locale, users.info failing: answered\n%s\nwant what a Japanese locale gets:\n%s", p.AllText(), inJapanese.AllText())
	}
	if n := fake.Calls("users.info"); n != 4 {
		t.Errorf("%d users.info calls for 4 people, one of whom wrote twice, want 4", n)
	}
	srv.stopCleanly(t, "ランサムウェア", slackTestToken, slackTestSecret, "U0LOC")
}

// TestServeSlackSocketMode runs the bot over Socket Mode: no HTTP routes, an envelope acked and
// answered, a dropped connection reconnected, and the next envelope still handled.
func TestServeSlackSocketMode(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	vars := slackVars(fake, filepath.Join(t.TempDir(), "helpdesk.db"), "SLACK_APP_TOKEN", slackTestApp)
	delete(vars, "SLACK_SIGNING_SECRET")
	srv := startServe(t, vars)
	if code := srv.send(t, slacktest.IM("Ev2000", "U0C1", "x")); code != http.StatusNotFound {
		t.Errorf("POST /slack/events in Socket Mode = %d, want 404", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	id := fake.Push(slacktest.IM("Ev2001", "U0C1", "ランサムウェアに感染したかも"))
	if _, err := fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	if p := waitSlackPosts(t, fake, "DU0C1", "", 1)[0]; !p.Contains("いますぐやること") {
		t.Errorf("socket mode reply: %q", p.AllText())
	}
	fake.Disconnect()
	id = fake.Push(slacktest.IM("Ev2002", "U0C2", "フィッシングメールが届いた"))
	if err := fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	waitSlackPosts(t, fake, "DU0C2", "", 1)
	if code := srv.stop(); code != 0 {
		t.Errorf("serve exited with %d", code)
	}
	logs := srv.logs.String()
	for _, want := range []string{"slack socket mode connected", "slack socket mode connection lost, reconnecting"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(logs, slackTestApp) || strings.Contains(logs, "ticket=") {
		t.Errorf("log shows the app token or a connection ticket")
	}
}

// ---- benchmark

// BenchmarkSlackServe measures events/s and event-to-reply latency of `helpdesk serve` (bbolt
// commit per event, outbox, sender) in this process under the load of the load tool
// (cmd/helpdesk-bench), three rounds, medians reported; the load tool measures the same beside
// the bare slack-go handler. b.N is not used: run it with -benchtime 1x.
// HELPDESK_SLACK_BENCH=EVENTSxCLIENTS sets the load (default 1000x32); each event comes from its
// own user, one message each.
func BenchmarkSlackServe(b *testing.B) {
	events, conc := 1000, 32
	if v := os.Getenv("HELPDESK_SLACK_BENCH"); v != "" {
		e, c, _ := strings.Cut(v, "x")
		events, _ = strconv.Atoi(e)
		conc, _ = strconv.Atoi(c)
		if events <= 0 || conc <= 0 {
			b.Fatalf("HELPDESK_SLACK_BENCH=%s: want EVENTSxCLIENTS such as 1000x32", v)
		}
	}
	benchServe(b, 3, load.Spec{Users: events, PerUser: 1, Clients: conc}, func() (*load.Channel, map[string]string, func()) {
		fake := slacktest.New(slackTestToken)
		fake.SkipBlockCheck, fake.Forget = true, true
		return load.Slack(fake, slackTestSecret, testScript(b)), slackVars(fake, filepath.Join(b.TempDir(), "helpdesk.db")), fake.Close
	})
}

// TestServeRefusesPublicStaffChannel: staff are whoever is in the staff channel, so serve asks
// Slack whether it is private and refuses to start on a public one, unless
// HELPDESK_STAFF_CHANNEL_PUBLIC=1 says it is meant to be.
func TestServeRefusesPublicStaffChannel(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	fake.SetPublic(slackStaff)
	vars := slackVars(fake, filepath.Join(t.TempDir(), "helpdesk.db"), "HELPDESK_STAFF_CHANNEL", slackStaff, "HELPDESK_ADDR", "127.0.0.1:0")
	res := runCmd(t, vars, "", "serve")
	if res.code != exitFail || !strings.Contains(res.stderr, "HELPDESK_STAFF_CHANNEL_PUBLIC=1") || !strings.Contains(res.stderr, "public") {
		t.Errorf("serve with a public staff channel: exit %d, stderr %q; want a refusal naming HELPDESK_STAFF_CHANNEL_PUBLIC=1", res.code, res.stderr)
	}
	vars["HELPDESK_STAFF_CHANNEL_PUBLIC"] = "1"
	srv := startServe(t, vars)
	if code := srv.stop(); code != 0 {
		t.Errorf("serve with a public staff channel allowed: exit %d\n%s", code, srv.logs.String())
	}
	if !strings.Contains(srv.logs.String(), "staff channel is public") {
		t.Errorf("an allowed public staff channel is not logged:\n%s", srv.logs.String())
	}
}
