package main

// End-to-end tests of the LINE channel: the real `helpdesk serve` (in this process, or re-executed
// as a child process for the crash test) with LINE_API_BASE pointed at linetest on loopback.
//
//	go test -race -run 'TestServeLINE' ./cmd/helpdesk                          # what CI runs
//	HELPDESK_LINE_LOAD=200x20 go test -race -run TestServeLINELoad -v ./cmd/helpdesk  # the full load
//	go test -run '^$' -bench LINEWebhook -benchtime 1x ./cmd/helpdesk          # the server alone

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

const (
	lineTestSecret = "e2e-channel-secret"
	lineTestToken  = "e2e-channel-token"
	// lineChildEnv makes the test binary run `helpdesk serve` instead of the tests (crash test).
	lineChildEnv = "HELPDESK_LINE_TEST_CHILD"
)

// TestMain lets the crash test re-execute this binary as the server: with lineChildEnv set, the
// process is `helpdesk` with the arguments it was given.
func TestMain(m *testing.M) {
	if os.Getenv(lineChildEnv) == "serve" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, append([]string{"helpdesk"}, os.Args[1:]...), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	code := m.Run()
	pgtest.StopLazy() // the PostgreSQL server of the tests that asked for one
	os.Exit(code)
}

func lineVars(fake *linetest.Server, db string) map[string]string {
	return map[string]string{
		"LINE_CHANNEL_SECRET": lineTestSecret,
		"LINE_CHANNEL_TOKEN":  lineTestToken,
		"LINE_API_BASE":       fake.URL,
		"HELPDESK_DB":         db,
	}
}

// startLineServe runs `helpdesk serve` with LINE on fake in this process, on a new database,
// and stops it at the end of the test.
func startLineServe(t testing.TB, fake *linetest.Server) *testServer {
	t.Helper()
	return startServe(t, lineVars(fake, filepath.Join(t.TempDir(), "helpdesk.db")))
}

// metric reads the sum of a metric's samples from the server's /metrics.
func metric(t testing.TB, base, name string) float64 {
	t.Helper()
	m, err := load.Metrics(context.Background(), base)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	return m[name]
}

// waitOutboxEmpty waits until the server has delivered everything it queued.
func waitOutboxEmpty(t testing.TB, base string, within time.Duration) {
	t.Helper()
	if err := load.DrainOutbox(context.Background(), base, within); err != nil {
		t.Fatal(err)
	}
}

// TestServeLINE runs the whole program once with LINE on, posts webhooks built from LINE's
// documented payloads, and checks what the fake Messaging API received.
func TestServeLINE(t *testing.T) {
	t.Parallel()
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	srv := startLineServe(t, fake)
	hook := srv.url + "/line/webhook"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	post := func(events ...linetest.Event) {
		t.Helper()
		if status, err := linetest.Post(ctx, hook, lineTestSecret, events...); err != nil || status != http.StatusOK {
			t.Fatalf("webhook answered %d, %v; want 200", status, err)
		}
	}
	waitFor := func(n int) []linetest.Request {
		t.Helper()
		err := fake.WaitUntil(ctx, func() bool { return len(fake.Requests()) >= n })
		if err != nil {
			t.Fatalf("LINE got %d requests, want %d: %v", len(fake.Requests()), n, err)
		}
		return fake.Requests()
	}

	// A wrongly signed webhook changes nothing.
	user := linetest.UserID(1)
	body := linetest.Body(linetest.Text(user, "ランサムウェアに感染したかも"))
	if status, _ := linetest.PostBody(ctx, hook, linetest.Sign("wrong-secret", body), body); status != http.StatusBadRequest {
		t.Errorf("wrongly signed webhook answered %d, want 400", status)
	}
	if status, _ := linetest.PostBody(ctx, hook, "", body); status != http.StatusBadRequest {
		t.Errorf("unsigned webhook answered %d, want 400", status)
	}

	// Follow: the greeting, with the menu as quick replies.
	post(linetest.Follow(user))
	reqs := waitFor(1)
	greeting := reqs[0].Messages[len(reqs[0].Messages)-1]
	if reqs[0].API != "reply" || reqs[0].To != user || len(greeting.QuickReply) == 0 {
		t.Fatalf("follow got %+v, want a reply to %s with the menu as quick replies", reqs[0], user)
	}
	if !slices.ContainsFunc(greeting.QuickReply, func(q linetest.QuickReplyItem) bool { return q.Data == "m:emergency" }) {
		t.Errorf("the greeting offers %+v, want the emergency menu entry (m:emergency)", greeting.QuickReply)
	}

	// An emergency: the first message says what to do now, and a contact can be called with one tap.
	ev := linetest.Text(user, "ランサムウェアに感染したかも")
	post(ev)
	reqs = waitFor(2)
	answer := reqs[1]
	if answer.API != "reply" || answer.ReplyToken != ev.ReplyToken {
		t.Fatalf("the answer went by %s, want the event's reply token", answer.API)
	}
	if first := answer.Messages[0].Text; !strings.Contains(first, "いますぐやること") || !strings.Contains(first, "1. ") {
		t.Errorf("the first message is %q, want the first-aid steps", first)
	}
	var flex string
	for _, m := range answer.Messages {
		flex += string(m.Contents)
	}
	if !strings.Contains(flex, `"uri":"tel:0359787509"`) { // IPA 情報セキュリティ安心相談窓口, seeds/contacts.yaml
		t.Errorf("the answer has no tap-to-call button for IPA's 03-5978-7509: %s", flex)
	}
	if strings.Contains(flex, `"flex":0`) {
		t.Errorf("the answer's Flex carries \"flex\":0")
	}
	// (The loading animation shows only when a reply is late: bot/line's tests cover it.)

	// The same event redelivered: no second reply. The next event's reply comes after anything
	// the redelivery could have queued (one user's replies go out in order).
	post(ev.Redelivered())
	next := linetest.Postback(user, "a:other")
	post(next)
	reqs = waitFor(3)
	if reqs[2].ReplyToken != next.ReplyToken {
		t.Fatalf("after a redelivery LINE got a request for token %q, want only the next event's reply", reqs[2].ReplyToken)
	}

	// A sticker asks for text; a group gets the explanation and is left; an unfollow sends nothing.
	post(linetest.Sticker(user))
	group := linetest.GroupID(1)
	post(linetest.Join(group))
	post(linetest.Unfollow(user), linetest.Unsend(user, "1"), linetest.Unknown(user))
	reqs = waitFor(5)
	var sticker, joined linetest.Request
	for _, r := range reqs[3:] {
		switch r.To {
		case user:
			sticker = r
		case group:
			joined = r
		}
	}
	if len(sticker.Messages) == 0 || !strings.Contains(sticker.Messages[0].Text, "スタンプ") {
		t.Errorf("a sticker got %+v, want the please-type message", sticker.Messages)
	}
	if len(joined.Messages) == 0 {
		t.Errorf("the group got no explanation")
	}
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.Leaves()) == 1 }); err != nil {
		t.Fatalf("the bot did not leave the group: %v", err)
	}
	if l := fake.Leaves()[0]; l.Chat != group || l.Seq < joined.Seq {
		t.Errorf("leave %+v, want %s left after the explanation", l, group)
	}
	waitOutboxEmpty(t, srv.url, 10*time.Second)
	if n := len(fake.Requests()); n != 5 {
		t.Errorf("LINE got %d message requests, want 5", n)
	}
	if got := metric(t, srv.url, "helpdesk_duplicate_events_total"); got != 1 {
		t.Errorf("helpdesk_duplicate_events_total = %v, want 1", got)
	}
	if got := metric(t, srv.url, "helpdesk_rejected_requests_total"); got != 2 {
		t.Errorf("helpdesk_rejected_requests_total = %v, want the 2 badly signed webhooks", got)
	}

	srv.stopCleanly(t, "ランサムウェアに感染", user, lineTestToken, lineTestSecret)
}

// loadSize reads HELPDESK_LINE_LOAD ("200x20"), defaulting to a size CI can afford under -race.
func loadSize(t *testing.T) (users, perUser int) {
	users, perUser = 50, 10
	if testing.Short() {
		users, perUser = 20, 5
	}
	if v := os.Getenv("HELPDESK_LINE_LOAD"); v != "" {
		if _, err := fmt.Sscanf(v, "%dx%d", &users, &perUser); err != nil {
			t.Fatalf("HELPDESK_LINE_LOAD=%s: want USERSxMESSAGES, e.g. 200x20", v)
		}
	}
	return users, perUser
}

// TestServeLINELoad: many users at once, a tenth of the events redelivered; every event gets
// exactly one reply and no reply is sent twice. CI runs 50 users × 10 messages; the full size
// (about 20 s under -race, 4 s without) is
//
//	HELPDESK_LINE_LOAD=200x20 go test -race -run TestServeLINELoad -v ./cmd/helpdesk
//
// It does not run in parallel with the package's other tests: it measures the slowest webhook
// answer against LINE's 2 s, and under -race beside the replica tests' servers on two cores that
// measures the neighbours.
func TestServeLINELoad(t *testing.T) {
	users, perUser := loadSize(t)
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	lineLoad := load.LINE(fake, lineTestSecret, testScript(t))
	srv := startLineServe(t, fake)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	res := load.Drive(ctx, lineLoad, srv.url, load.Spec{Users: users, PerUser: perUser, Redeliver: 0.1})
	for _, e := range res.Errs {
		t.Error(e)
	}
	if t.Failed() {
		t.FailNow()
	}
	waitOutboxEmpty(t, srv.url, 30*time.Second)
	answered := len(res.Latency)
	if want := users * perUser; answered != want {
		t.Errorf("%d events got their reply, want %d", answered, want)
	}
	if once, missing, twice := res.Tally(lineLoad.Tracker); missing != 0 || twice != 0 {
		t.Errorf("of %d events, %d were answered once, %d never and %d more than once; want all once", res.Sent, once, missing, twice)
	}
	st := fake.Stats()
	if st.InvalidTokens != 0 || st.Conflicts != 0 {
		t.Errorf("LINE saw %d reused reply tokens and %d repeated retry keys, want none (nothing sent twice)", st.InvalidTokens, st.Conflicts)
	}
	if st.Replies != answered {
		t.Errorf("LINE accepted %d replies for %d events", st.Replies, answered)
	}
	if want := users * perUser / 10; res.Redelivered != want {
		t.Errorf("%d events were redelivered, want a tenth: %d", res.Redelivered, want)
	}
	if got := metric(t, srv.url, "helpdesk_duplicate_events_total"); int(got) != res.Redelivered {
		t.Errorf("the server dropped %v events as duplicates, want the %d redeliveries", got, res.Redelivered)
	}
	slowest := load.Percentile(res.Acks, 1)
	if slowest > 2*time.Second {
		t.Errorf("the slowest webhook answer took %v, want well within LINE's 2 s", slowest)
	}
	t.Logf("%d users × %d messages (%d redelivered): %.0f events/s, webhook→reply p50 %v p99 %v, slowest webhook %v, %d pushes",
		users, perUser, res.Redelivered, res.EventsPerSec(),
		load.Percentile(res.Latency, 0.5).Round(time.Millisecond), load.Percentile(res.Latency, 0.99).Round(time.Millisecond),
		slowest.Round(time.Millisecond), st.Pushes)
}

// faultRig is a server and a fake LINE for one outage.
type faultRig struct {
	fake    *linetest.Server
	tracker *load.Tracker
	srv     *testServer
	ctx     context.Context

	mu      sync.Mutex
	slowest time.Duration // the slowest webhook answer
	tokens  []string
	users   int
}

func newFaultRig(t *testing.T) *faultRig {
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	r := &faultRig{fake: fake, tracker: load.TrackLINE(fake, nil), srv: startLineServe(t, fake)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	r.ctx = ctx
	return r
}

// send posts one event from a new user; it returns when the webhook answered.
func (r *faultRig) send(t *testing.T) <-chan time.Time {
	t.Helper()
	r.mu.Lock()
	r.users++
	user := linetest.UserID(r.users)
	r.mu.Unlock()
	ev := load.LINEEvent(testScript(t), user, 0)
	arrived := r.tracker.Expect(ev.ReplyToken)
	start := time.Now()
	status, err := linetest.Post(r.ctx, r.srv.url+"/line/webhook", lineTestSecret, ev)
	took := time.Since(start)
	if err != nil || status != http.StatusOK {
		t.Fatalf("webhook answered %d, %v during a LINE outage; want 200", status, err)
	}
	r.mu.Lock()
	r.slowest, r.tokens = max(r.slowest, took), append(r.tokens, ev.ReplyToken)
	r.mu.Unlock()
	return arrived
}

// await returns when each reply reached LINE, with the times they did.
func (r *faultRig) await(t *testing.T, what string, chs ...<-chan time.Time) []time.Time {
	t.Helper()
	var at []time.Time
	for _, ch := range chs {
		select {
		case a := <-ch:
			at = append(at, a)
		case <-r.ctx.Done():
			t.Fatalf("%s: a reply never arrived", what)
		}
	}
	return at
}

// check waits until the outbox is empty and checks that every event was answered once and
// every webhook answered fast.
func (r *faultRig) check(t *testing.T, settle time.Duration) {
	t.Helper()
	waitOutboxEmpty(t, r.srv.url, 30*time.Second)
	time.Sleep(settle)
	for _, tok := range r.tokens {
		if n := r.tracker.Replies(tok); n != 1 {
			t.Errorf("an event was answered %d times, want once", n)
		}
	}
	if r.slowest > 2*time.Second {
		t.Errorf("the slowest webhook took %v during the outage, want well under LINE's 2 s", r.slowest)
	}
	t.Logf("slowest webhook during the outage: %v; LINE stats %+v", r.slowest.Round(time.Millisecond), r.fake.Stats())
}

// TestServeLINEFaults: LINE answering 500, 429 with Retry-After, or hanging past the client's
// timeout. The webhook stays fast meanwhile, and every reply arrives, once, when LINE recovers.
func TestServeLINEFaults(t *testing.T) {
	t.Parallel()
	t.Run("500_for_a_while", func(t *testing.T) {
		t.Parallel()
		r := newFaultRig(t)
		r.fake.Fail(6, http.StatusInternalServerError)
		var chs []<-chan time.Time
		for range 3 {
			chs = append(chs, r.send(t))
		}
		r.await(t, "after 500s", chs...)
		if st := r.fake.Stats(); st.Injected != 6 {
			t.Errorf("LINE answered %d requests with 500, want 6", st.Injected)
		}
		r.check(t, 0)
	})
	t.Run("429_with_retry_after", func(t *testing.T) {
		t.Parallel()
		r := newFaultRig(t)
		r.fake.RateLimit(1, 2*time.Second)
		limited := time.Now()
		at := r.await(t, "after a 429", r.send(t))
		if waited := at[0].Sub(limited); waited < 1900*time.Millisecond {
			t.Errorf("the reply came %v after a 429 with Retry-After: 2, want at least 2 s", waited)
		}
		r.check(t, 0)
	})
	t.Run("hang_past_the_client_timeout", func(t *testing.T) {
		t.Parallel()
		r := newFaultRig(t)
		r.fake.Hang(2, 11*time.Second) // the client gives up after 10 s
		hung := []<-chan time.Time{r.send(t), r.send(t)}
		time.Sleep(200 * time.Millisecond) // both are stuck at LINE now
		var others []<-chan time.Time
		for range 5 {
			others = append(others, r.send(t))
		}
		start := time.Now()
		served := 0
		for _, at := range r.await(t, "while two requests hang", others...) {
			if at.Sub(start) < 5*time.Second {
				served++
			}
		}
		// Only the hung requests' own users wait for them; every other user is answered.
		if served < 5 {
			t.Errorf("%d of 5 other users were answered within 5 s while two requests hung, want all", served)
		}
		r.await(t, "after hanging", hung...)
		// The hung originals reach the fake's handler only now, and must not be sent twice.
		r.check(t, 1500*time.Millisecond)
	})
}

// lineChild is `helpdesk serve` with LINE on a fake, in a child process: this test binary,
// re-executed (TestMain).
type lineChild struct {
	*load.Server
	logs *lockedBuffer // everything it logged
}

func startLineChild(t *testing.T, fake *linetest.Server, db string) *lineChild {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	vars := lineVars(fake, db)
	vars[lineChildEnv] = "serve"
	c := &lineChild{logs: &lockedBuffer{}}
	if c.Server, err = load.StartProcess(context.Background(), exe, vars, c.logs); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Kill() })
	return c
}

// TestServeLINECrashRecovery kills the server (SIGKILL) in the middle of a load and starts it
// again on the same database: every acknowledged event gets its reply, none twice.
func TestServeLINECrashRecovery(t *testing.T) {
	t.Parallel()
	users, perUser := 24, 10
	if testing.Short() {
		users, perUser = 10, 6
	}
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	// Every answer here must come as a reply, so that it is counted by its event's token. Under
	// -race on a loaded machine the redelivered events can wait more than LINE's minute, and an
	// expired token is answered by push (TestDeliverReplyTokenOrPush in bot/line), which this test
	// would not count.
	fake.SetTokenTTL(10 * time.Minute)
	tracker := load.TrackLINE(fake, nil)
	script := testScript(t)
	db := filepath.Join(t.TempDir(), "helpdesk.db")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first := startLineChild(t, fake, db)
	var (
		mu         sync.Mutex
		events     = make([][]linetest.Event, users)
		acked      = make([][]bool, users)
		nAcked     atomic.Int32
		killed     atomic.Bool
		killAt     = int32(users * perUser * 2 / 5)
		wg         sync.WaitGroup
		stopped    = make(chan struct{})
		killedWith = make(chan error, 1)
	)
	for u := range users {
		events[u], acked[u] = make([]linetest.Event, perUser), make([]bool, perUser)
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := linetest.UserID(u)
			for i := range perUser {
				if killed.Load() {
					return
				}
				ev := load.LINEEvent(script, user, u+i)
				mu.Lock()
				events[u][i] = ev
				mu.Unlock()
				status, err := linetest.Post(ctx, first.URL+"/line/webhook", lineTestSecret, ev)
				if err != nil || status != http.StatusOK {
					return // the server is gone: LINE would redeliver this event
				}
				mu.Lock()
				acked[u][i] = true
				mu.Unlock()
				if nAcked.Add(1) == killAt && killed.CompareAndSwap(false, true) {
					go func() { killedWith <- first.Kill() }()
					close(stopped)
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-stopped:
	default:
		t.Fatalf("the load ended before the kill (%d acknowledged)", nAcked.Load())
	}
	if err := <-killedWith; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the first server ended with %v, want killed", err)
	}
	repliedBeforeRestart := fake.Stats().Replies

	second := startLineChild(t, fake, db)
	hook := second.URL + "/line/webhook"
	post := func(ev linetest.Event) {
		for attempt := 0; ; attempt++ {
			status, err := linetest.Post(ctx, hook, lineTestSecret, ev)
			if err == nil && status == http.StatusOK {
				return
			}
			if attempt == 5 {
				t.Fatalf("webhook after the restart answered %d, %v", status, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	var unacked, redelivered int
	for u := range users {
		for i := range perUser {
			ev := events[u][i]
			switch {
			case ev.WebhookEventID == "": // never sent: the user goes on talking
				ev = load.LINEEvent(script, linetest.UserID(u), u+i)
				events[u][i] = ev
				post(ev)
			case !acked[u][i]: // LINE redelivers what was not acknowledged
				unacked++
				post(ev.Redelivered())
			case (u+i)%10 == 0: // and, now and then, what was
				redelivered++
				post(ev.Redelivered())
			}
		}
	}
	err := fake.WaitUntil(ctx, func() bool {
		for u := range users {
			for i := range perUser {
				if tracker.Replies(events[u][i].ReplyToken) == 0 {
					return false
				}
			}
		}
		return true
	})
	if err != nil {
		var missing []string
		for u := range users {
			for i := range perUser {
				if tracker.Replies(events[u][i].ReplyToken) == 0 {
					missing = append(missing, fmt.Sprintf("user %d message %d (acknowledged before the kill: %t)", u, i, acked[u][i]))
				}
			}
		}
		st := fake.Stats()
		t.Fatalf("not every event got its reply after the restart: %v\nwithout a reply: %s\nfake: %d replies, %d pushes, %d refused tokens\nfirst server:\n%s\nsecond server:\n%s",
			err, strings.Join(missing, "; "), st.Replies, st.Pushes, st.InvalidTokens, first.logs.String(), second.logs.String())
	}
	waitOutboxEmpty(t, second.URL, 30*time.Second)
	time.Sleep(200 * time.Millisecond)
	for u := range users {
		for i := range perUser {
			if n := tracker.Replies(events[u][i].ReplyToken); n != 1 {
				t.Errorf("user %d message %d was answered %d times, want once", u, i, n)
			}
		}
	}
	st := fake.Stats()
	t.Logf("killed after %d acknowledged events (%d replies sent); after the restart %d unacknowledged events redelivered, %d acknowledged ones too; %d replies refused as already sent, %d pushes, %d retry keys repeated",
		killAt, repliedBeforeRestart, unacked, redelivered, st.InvalidTokens, st.Pushes, st.Conflicts)
	if code, err := second.Stop(); code != 0 || err != nil {
		t.Errorf("the restarted server did not stop cleanly on SIGTERM: exit %d, %v", code, err)
	}
}

// BenchmarkLINEWebhook measures the real server in this process under the load of the load
// tool (cmd/helpdesk-bench): several rounds of users talking at once, each round on a new server
// and database, reporting the medians of events/s and of the webhook-to-reply p99. b.N is not
// used: run it with -benchtime 1x. In this process the server can be profiled alone:
//
//	go test -run '^$' -bench LINEWebhook -benchtime 1x -cpuprofile cpu.out ./cmd/helpdesk
//
// HELPDESK_LINE_BENCH=ROUNDSxUSERSxMESSAGES changes the size (default 5x50x20). The load tool
// measures the same beside the bare SDK handlers.
func BenchmarkLINEWebhook(b *testing.B) {
	rounds, users, perUser := 5, 50, 20
	if v := os.Getenv("HELPDESK_LINE_BENCH"); v != "" {
		if _, err := fmt.Sscanf(v, "%dx%dx%d", &rounds, &users, &perUser); err != nil {
			b.Fatalf("HELPDESK_LINE_BENCH=%s: want ROUNDSxUSERSxMESSAGES", v)
		}
	}
	benchServe(b, rounds, load.Spec{Users: users, PerUser: perUser}, func() (*load.Channel, map[string]string, func()) {
		fake := linetest.New(lineTestToken)
		fake.SkipMessageCheck, fake.Forget = true, true
		return load.LINE(fake, lineTestSecret, testScript(b)), lineVars(fake, filepath.Join(b.TempDir(), "helpdesk.db")), fake.Close
	})
}

// benchServe runs rounds loads of spec, each on a new server with the settings and channel
// that platform returns, and reports the medians of events/s and p99 as the benchmark's metrics.
func benchServe(b *testing.B, rounds int, spec load.Spec, platform func() (*load.Channel, map[string]string, func())) {
	var rates, p99s []float64
	for round := range rounds {
		ch, vars, closeFake := platform()
		vars["HELPDESK_USER_RATE"] = "off"
		srv := startServe(b, vars)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		res := load.Drive(ctx, ch, srv.url, spec)
		cancel()
		if len(res.Errs) > 0 {
			b.Fatalf("round %d: %d problems, the first: %s", round+1, res.Problems, res.Errs[0])
		}
		waitOutboxEmpty(b, srv.url, 30*time.Second)
		if once, missing, twice := res.Tally(ch.Tracker); missing != 0 || twice != 0 {
			b.Fatalf("round %d: of %d events, %d were answered once, %d never and %d more than once", round+1, res.Sent, once, missing, twice)
		}
		srv.stop()
		closeFake()
		rates = append(rates, res.EventsPerSec())
		p99s = append(p99s, float64(load.Percentile(res.Latency, 0.99))/float64(time.Millisecond))
		b.Logf("round %d: %.0f events/s, p99 %.1f ms", round+1, rates[round], p99s[round])
	}
	median := func(xs []float64) float64 {
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	b.ReportMetric(median(rates), "server-events/s")
	b.ReportMetric(median(p99s), "server-p99-ms")
}

// seedScript is the load's script made from the embedded seeds, once for all tests.
var seedScript = sync.OnceValues(func() ([]load.Step, error) { return load.Script(seeds.FS, "embedded seeds") })

// testScript is the load's script of simulated messages.
func testScript(t testing.TB) []load.Step {
	t.Helper()
	script, err := seedScript()
	if err != nil {
		t.Fatal(err)
	}
	return script
}
