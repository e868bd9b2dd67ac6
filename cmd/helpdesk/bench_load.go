package main

// The load that `helpdesk bench` drives, and that the end-to-end tests and benchmarks of
// serve_line_test.go and serve_slack_test.go drive too: simulated users sending signed webhooks,
// a tracker that counts the replies each event got at the fake platform API, and the helpers
// that run `helpdesk serve` in this process and read its /metrics.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// step is one thing a simulated user does: write a text, or tap a button (a choice id).
type step struct{ text, choice string }

// loadScript builds what the simulated users send, each starting at a different step: the first
// example message of a topic (texts as employees write them, and no Japanese in Go source), and
// taps on the buttons the bot offers (menu, topics, actions). It reads them from the knowledge in
// fsys (named name, for messages), the one the server under load answers from, so that every
// text and button exists there.
func loadScript(fsys fs.FS, name string) ([]step, error) {
	kb, err := knowledge.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("the knowledge (%s) does not load: %w", name, err)
	}
	var missing []string
	text := func(topic string) step {
		t := kb.Topic(topic)
		if t == nil || len(t.Examples) == 0 {
			missing = append(missing, topic)
			return step{}
		}
		return step{text: t.Examples[0]}
	}
	tap := func(choice string) step { return step{choice: choice} }
	script := []step{
		text("ransomware"), tap("a:other"), text("phishing"), tap("m:emergency"), tap("t:phishing"),
		text("support-scam"), tap("a:restart"), tap("m:prevention"), text("telework"), tap("a:other"),
		text("bec"), tap("m:contacts"), text("emotet"), tap("a:resolved"), text("fake-ec-site"),
		tap("t:ransomware"), text("unauthorized-access"), tap("a:restart"), text("spam"), text("prevention"),
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the knowledge (%s) has no example message for topics %v", name, missing)
	}
	return script, nil
}

// scriptEvent builds LINE message n of user from script, now (so its reply token is fresh).
func scriptEvent(script []step, user string, n int) linetest.Event {
	s := script[n%len(script)]
	if s.choice != "" {
		return linetest.Postback(user, s.choice)
	}
	return linetest.Text(user, s.text)
}

// ---- counting replies

// replyTracker counts, at a fake platform API, the answers each event got, by the key that ties
// a reply to its event: the reply token on LINE, the conversation's channel on Slack. Its
// methods are safe for concurrent use.
type replyTracker struct {
	mu   sync.Mutex
	got  map[string]*arrival
	wait map[string]chan time.Time
}

// arrival is what reached the platform for one key.
type arrival struct {
	at      time.Time // when the first message arrived
	sum     uint64    // what the first message said, to tell a second answer from the rest of the first
	answers int
}

func newReplyTracker() *replyTracker {
	return &replyTracker{got: map[string]*arrival{}, wait: map[string]chan time.Time{}}
}

// trackLINE counts the replies at fake by reply token. A reply token is single-use at the fake,
// so a second answer to an event shows in fake.Stats().InvalidTokens rather than here. It takes
// the fake's OnRequest hook: one tracker per fake.
func trackLINE(fake *linetest.Server, log *replyLog) *replyTracker {
	rt := newReplyTracker()
	fake.OnRequest(func(r linetest.Request) {
		if r.API == "reply" {
			rt.seen(r.ReplyToken, r.At, 0)
			log.addLINE(r.Messages)
		}
	})
	return rt
}

// trackSlack counts the posts at fake by channel. A reply too large for one Slack message comes
// as several posts; only a post that repeats the first one counts as a second answer. It takes
// the fake's OnPost hook: one tracker per fake.
func trackSlack(fake *slacktest.Server, log *replyLog) *replyTracker {
	rt := newReplyTracker()
	fake.OnPost(func(p slacktest.Post) {
		log.addSlack(p)
		h := fnv.New64a()
		io.WriteString(h, p.ThreadTS)
		io.WriteString(h, "\x00"+p.Text+"\x00")
		h.Write(p.Raw)
		rt.seen(p.Channel, p.At, h.Sum64())
	})
	return rt
}

// replyLog keeps, while it is on, the replies a fake platform received: the server's, for the
// bare handler that sends the same replies. It keeps what the fake decoded anyway, by reference,
// so that recording costs the measured server next to nothing, and at most replyLogMax replies.
// A reply is one request: LINE's reply requests (not pushes, which the report counts) and each
// Slack post, so where the server needed two calls for one event the bare handler makes one, and
// its ceiling is, if anything, higher. A nil log keeps nothing. Its methods are safe for
// concurrent use.
type replyLog struct {
	mu    sync.Mutex
	on    bool
	every int // keep one reply in every
	seen  int
	line  [][]json.RawMessage // the messages of each LINE reply request
	slack []slacktest.Post
}

// replyLogMax is enough replies to cover every step of the script many times, and few enough
// not to weigh on the bench process's memory, which is the server's in process.
const replyLogMax = 250

// record starts a new recording of a load of events events, or stops it (events 0). It keeps
// replies spread over the whole load: late steps of a conversation answer differently.
func (l *replyLog) record(events int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if events > 0 {
		l.line, l.slack, l.seen = nil, nil, 0
		l.every = max(1, events/replyLogMax)
	}
	l.on = events > 0
}

// keep says whether to keep the next reply; l.mu is held.
func (l *replyLog) keep() bool {
	l.seen++
	return l.on && (l.seen-1)%l.every == 0 && len(l.line)+len(l.slack) < replyLogMax
}

func (l *replyLog) addLINE(msgs []linetest.Message) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.keep() {
		return
	}
	raw := make([]json.RawMessage, len(msgs))
	for i, m := range msgs {
		raw[i] = m.Raw
	}
	l.line = append(l.line, raw)
}

func (l *replyLog) addSlack(p slacktest.Post) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keep() {
		l.slack = append(l.slack, p)
	}
}

// seen records a message answering key, arrived at at, whose content hashes to sum.
func (rt *replyTracker) seen(key string, at time.Time, sum uint64) {
	rt.mu.Lock()
	a := rt.got[key]
	if a == nil {
		a = &arrival{at: at, sum: sum}
		// A key parsed from a request may share the memory of the whole body (url.QueryUnescape
		// returns its input when nothing is escaped): keep a copy, not the body.
		rt.got[strings.Clone(key)] = a
	}
	if sum == a.sum {
		a.answers++
	}
	ch := rt.wait[key]
	delete(rt.wait, key)
	rt.mu.Unlock()
	if ch != nil {
		ch <- at
	}
}

// expect returns a channel that receives the time the first answer to key reaches the fake.
// Call it before sending the event.
func (rt *replyTracker) expect(key string) <-chan time.Time {
	ch := make(chan time.Time, 1)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if a := rt.got[key]; a != nil {
		ch <- a.at
		return ch
	}
	rt.wait[key] = ch
	return ch
}

// replies returns how many times key was answered so far.
func (rt *replyTracker) replies(key string) int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if a := rt.got[key]; a != nil {
		return a.answers
	}
	return 0
}

// forget drops what was counted for keys, once they are tallied.
func (rt *replyTracker) forget(keys []string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, k := range keys {
		delete(rt.got, k)
		delete(rt.wait, k)
	}
}

// ---- the load

// loadEvent is one event of a load, built just before it is sent.
type loadEvent struct {
	key       string // what its reply is counted by
	retryable bool   // whether the platform redelivers it (Slack never retries a button press)
	// send posts the event to the server at base, signed; redelivery sends it as the platform's
	// redelivery of it. It returns the HTTP status of the answer.
	send func(ctx context.Context, base string, redelivery bool) (int, error)
}

// loadChannel is how a load speaks one platform.
type loadChannel struct {
	name    string // "line" or "slack"
	tracker *replyTracker
	replies *replyLog                   // what the server answered, for the bare handler that answers the same
	event   func(user, n int) loadEvent // message n of user number user
}

// lineLoad speaks LINE: postbacks and texts from user linetest.UserID(user), signed with
// secret, and redelivered with the same webhookEventId and isRedelivery set. It tracks the
// replies at fake.
func lineLoad(fake *linetest.Server, secret string, script []step) *loadChannel {
	replies := &replyLog{}
	return &loadChannel{name: "line", tracker: trackLINE(fake, replies), replies: replies, event: func(user, n int) loadEvent {
		ev := scriptEvent(script, linetest.UserID(user), user+n)
		return loadEvent{key: ev.ReplyToken, retryable: true, send: func(ctx context.Context, base string, redelivery bool) (int, error) {
			if redelivery {
				return linetest.Post(ctx, base+"/line/webhook", secret, ev.Redelivered())
			}
			return linetest.Post(ctx, base+"/line/webhook", secret, ev)
		}}
	}}
}

// slackClient posts Slack requests; many at once, so it keeps many connections.
var slackClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
	MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: 30 * time.Second}}

// slackUserID is the Slack user id of load user n.
func slackUserID(n int) string { return fmt.Sprintf("U0L%08d", n) }

// slackLoad speaks Slack: the same script as lineLoad, texts as direct messages (message.im to
// the Events API, redelivered with the same event_id and X-Slack-Retry-Num) and taps as button
// presses (block_actions to /slack/interactions). It tracks the replies at fake.
//
// Slack allows about one post a second per channel, and the server paces its posts to keep to
// it; users who answer in milliseconds would measure that pace, not the server. So each message
// of a user comes from a direct message channel of its own ("D…M<n>"): the conversation is still
// the user's (the engine keys a direct message by user), its reply goes to that channel, and the
// channel names the event the reply answers.
func slackLoad(fake *slacktest.Server, secret string, script []step) *loadChannel {
	replies := &replyLog{}
	return &loadChannel{name: "slack", tracker: trackSlack(fake, replies), replies: replies, event: func(user, n int) loadEvent {
		uid := slackUserID(user)
		channel := fmt.Sprintf("D0L%08dM%04d", user, n)
		step := script[(user+n)%len(script)]
		var body slacktest.Body
		route := "/slack/events"
		if step.choice != "" {
			route = "/slack/interactions"
			body = slacktest.BlockActions(slacktest.Click{User: uid, Channel: channel, MessageTS: slacktest.NewTS(), Value: step.choice})
		} else {
			body = slacktest.Callback(slacktest.Event{Channel: channel, ChannelType: "im", User: uid, Text: step.text})
		}
		return loadEvent{key: channel, retryable: step.choice == "", send: func(ctx context.Context, base string, redelivery bool) (int, error) {
			req, err := slacktest.NewRequest(ctx, base+route, secret, body)
			if err != nil {
				return 0, err
			}
			if redelivery {
				req.Header.Set("X-Slack-Retry-Num", "1")
				req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
			}
			res, err := slackClient.Do(req)
			if err != nil {
				return 0, err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode, nil
		}}
	}}
}

// loadSpec is the shape of one load.
type loadSpec struct {
	users, perUser int
	userBase       int     // user numbers start here, so that loads on one server use new users
	clients        int     // webhook requests in flight at most; 0: one per user
	redeliver      float64 // the fraction of redeliverable events that are sent twice
	rate           float64 // events a second, open loop; 0: closed loop
}

// replyTimeout is how long a load waits for the answer to one event before counting it missing.
const replyTimeout = 2 * time.Minute

// inFlight is how many webhook requests are in flight at most: clients, else one per user.
func (s loadSpec) inFlight() int {
	if s.clients > 0 {
		return s.clients
	}
	return s.users
}

// loadResult is what one load measured.
type loadResult struct {
	sent        int             // events whose webhook was answered 200
	redelivered int             // events also sent a second time
	keys        []string        // the reply key of every event sent
	latency     []time.Duration // webhook sent → first answer at the fake, per answered event
	acks        []time.Duration // how long the server took to answer each first delivery
	lag         []time.Duration // open loop: how late each send started after its due time
	wall        time.Duration   // first send → last first answer
	problems    int             // webhooks not answered 200, answers that never came
	errs        []string        // the first 20 problems, described
}

// eventsPerSec is the answered events over the load's duration.
func (r loadResult) eventsPerSec() float64 {
	if r.wall <= 0 {
		return 0
	}
	return float64(len(r.latency)) / r.wall.Seconds()
}

// tally counts, once the server has settled, how many events were answered once, not at all,
// and more than once.
func (r loadResult) tally(rt *replyTracker) (once, missing, twice int) {
	for _, k := range r.keys {
		switch n := rt.replies(k); {
		case n == 0:
			missing++
		case n == 1:
			once++
		default:
			twice++
		}
	}
	return once, missing, twice
}

// driveLoad has spec.users users talk to the server at base at once, spec.perUser messages
// each, and waits for every answer. Closed loop (rate 0): each user sends a message when the
// answer to the previous one arrived, as people do, as fast as the server answers. Open loop:
// messages go out at spec.rate a second whatever the answers, round robin over the users, and
// latency counts from the time each message was due, so that a server falling behind cannot
// hide it by slowing the load. A picked fraction of the events the platform would redeliver is
// sent a second time right after the first.
func driveLoad(ctx context.Context, ch *loadChannel, base string, spec loadSpec) loadResult {
	timeout := replyTimeout
	clients := spec.inFlight()
	var (
		mu        sync.Mutex
		res       loadResult
		last      time.Time
		sem       = make(chan struct{}, max(clients, 1))
		retryable atomic.Int64
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		res.problems++
		if len(res.errs) < 20 {
			res.errs = append(res.errs, fmt.Sprintf(format, args...))
		}
	}
	answered := func(at time.Time, from time.Time) {
		mu.Lock()
		defer mu.Unlock()
		res.latency = append(res.latency, at.Sub(from))
		if at.After(last) {
			last = at
		}
	}
	// pick says whether the n-th redeliverable event is redelivered: evenly spread, and exactly
	// the fraction asked for.
	pick := func() bool {
		if spec.redeliver <= 0 {
			return false
		}
		n := float64(retryable.Add(1) - 1)
		return math.Floor((n+1)*spec.redeliver) > math.Floor(n*spec.redeliver)
	}
	type pending struct {
		arrived <-chan time.Time
		from    time.Time
		u, n    int // user and message, named only when something fails
	}
	// one sends message n of user u, due at due (zero: now), and its redelivery when picked.
	one := func(u, n int, due time.Time) (pending, bool) {
		ev := ch.event(spec.userBase+u, n)
		p := pending{arrived: ch.tracker.expect(ev.key), u: u, n: n}
		sem <- struct{}{}
		t0 := time.Now()
		p.from = t0
		if !due.IsZero() {
			p.from = due
		}
		status, err := ev.send(ctx, base, false)
		took := time.Since(t0)
		redelivered := false
		if err == nil && status == http.StatusOK && ev.retryable && pick() {
			redelivered = true
			if status, err := ev.send(ctx, base, true); err != nil || status != http.StatusOK {
				<-sem
				fail("user %d message %d: the redelivery was answered %d, %v", p.u, p.n, status, err)
				return p, false
			}
		}
		<-sem
		if err != nil || status != http.StatusOK {
			fail("user %d message %d: the webhook was answered %d, %v", p.u, p.n, status, err)
			return p, false
		}
		mu.Lock()
		res.sent++
		res.keys = append(res.keys, ev.key)
		res.acks = append(res.acks, took)
		if redelivered {
			res.redelivered++
		}
		if !due.IsZero() {
			res.lag = append(res.lag, t0.Sub(due))
		}
		mu.Unlock()
		return p, true
	}
	await := func(p pending, deadline <-chan time.Time) bool {
		select {
		case at := <-p.arrived:
			answered(at, p.from)
			return true
		case <-deadline:
			fail("user %d message %d: no answer within %v", p.u, p.n, timeout)
		case <-ctx.Done():
			fail("user %d message %d: %v", p.u, p.n, ctx.Err())
		}
		return false
	}

	start := time.Now()
	var wg sync.WaitGroup
	if spec.rate <= 0 {
		for u := range spec.users {
			wg.Go(func() {
				for n := range spec.perUser {
					p, ok := one(u, n, time.Time{})
					if !ok || !await(p, time.After(timeout)) {
						return
					}
				}
			})
		}
		wg.Wait()
	} else {
		total := spec.users * spec.perUser
		jobs := make(chan int, total)
		due := make([]time.Time, total)
		go func() {
			defer close(jobs)
			for k := range total {
				due[k] = start.Add(time.Duration(float64(k) / spec.rate * float64(time.Second)))
				if d := time.Until(due[k]); d > 0 {
					select {
					case <-time.After(d):
					case <-ctx.Done():
						return
					}
				}
				jobs <- k
			}
		}()
		var (
			pmu   sync.Mutex
			waits []pending
		)
		for range max(clients, 1) {
			wg.Go(func() {
				for k := range jobs {
					if p, ok := one(k%spec.users, k/spec.users, due[k]); ok {
						pmu.Lock()
						waits = append(waits, p)
						pmu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		deadline := make(chan time.Time)
		timer := time.AfterFunc(timeout, func() { close(deadline) })
		defer timer.Stop()
		for _, p := range waits {
			await(p, deadline)
		}
	}
	if !last.IsZero() {
		res.wall = last.Sub(start)
	}
	return res
}

// percentile returns the p-quantile of ds (nearest rank), 0 for none.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(float64(len(s))*p)) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// ---- the server in this process

// serveRun is a running `helpdesk serve`: in this process, or in a child process.
type serveRun struct {
	url     string        // http://127.0.0.1:port
	startup time.Duration // from calling run (or starting the process) to the "listening" log line
	log     *serveLog
	stop    func() (int, error) // ends the server and returns its exit code once it has drained
	// kill, for a server in a child process (startProcess), kills it at once (SIGKILL) and
	// returns how it ended; nil in process.
	kill func() error
}

// startInProcess calls run(…, "serve", "--addr", "127.0.0.1:0") with the settings vars and
// waits until the server logs that it listens; its whole log also goes to tee, unless nil. Call
// stop to end it.
func startInProcess(ctx context.Context, vars map[string]string, tee io.Writer) (*serveRun, error) {
	ctx, cancel := context.WithCancel(ctx)
	s := &serveRun{log: newServeLog(tee)}
	done := make(chan int, 1)
	start := time.Now()
	go func() {
		done <- run(ctx, []string{"helpdesk", "serve", "--addr", "127.0.0.1:0"},
			func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, s.log)
	}()
	var once sync.Once
	var code int
	var err error
	s.stop = func() (int, error) {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				code, err = -1, errors.New("serve did not stop within 30 s of its context ending")
			}
		})
		return code, err
	}
	select {
	case <-s.log.listening:
		s.url, s.startup = "http://"+s.log.addr, s.log.at.Sub(start)
		return s, nil
	case code := <-done:
		cancel()
		return nil, fmt.Errorf("serve exited with %d before listening:\n%s", code, s.log.tail())
	case <-time.After(30 * time.Second):
		cancel()
		return nil, fmt.Errorf("serve did not listen within 30 s:\n%s", s.log.tail())
	}
}

// startProcess runs `helpdesk serve --addr 127.0.0.1:0` as a child process of this binary, with
// the settings vars in place of any LINE_, SLACK_ and HELPDESK_ variables of this process, and
// waits until it logs that it listens; its whole log also goes to tee, unless nil. stop sends
// SIGTERM and waits for it to drain.
func startProcess(ctx context.Context, vars map[string]string, tee io.Writer) (*serveRun, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program to run serve: %v", err)
	}
	cmd := exec.Command(exe, "serve", "--addr", "127.0.0.1:0")
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "LINE_") && !strings.HasPrefix(k, "SLACK_") && !strings.HasPrefix(k, "HELPDESK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	s := &serveRun{log: newServeLog(tee)}
	cmd.Stdout, cmd.Stderr = io.Discard, s.log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	s.kill = func() error {
		cmd.Process.Kill()
		<-exited
		return waitErr
	}
	var once sync.Once
	var stopErr error
	s.stop = func() (int, error) {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-exited
				stopErr = errors.New("serve did not stop within 30 s of SIGTERM")
			}
		})
		return cmd.ProcessState.ExitCode(), stopErr
	}
	select {
	case <-s.log.listening:
		s.url, s.startup = "http://"+s.log.addr, s.log.at.Sub(start)
		return s, nil
	case <-exited:
		return nil, fmt.Errorf("serve exited with %d before listening:\n%s", cmd.ProcessState.ExitCode(), s.log.tail())
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("serve did not listen within 30 s:\n%s", s.log.tail())
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// serveLog is where the server writes its JSON log: it notes the "listening" line and keeps the
// last lines for when something goes wrong.
type serveLog struct {
	listening chan struct{} // closed at the "listening" line
	addr      string        // from the "listening" line
	at        time.Time     // when it was written
	tee       io.Writer     // also gets everything written; nil: nothing else does

	mu       sync.Mutex
	partial  []byte
	last     [][]byte // the last lines, at most keepLines
	warnings int      // lines logged at WARN or ERROR
}

const keepLines = 40

// newServeLog returns a log that also writes everything to tee, unless tee is nil (tests read
// the whole log; the bench keeps only the last lines).
func newServeLog(tee io.Writer) *serveLog {
	return &serveLog{listening: make(chan struct{}), tee: tee}
}

func (l *serveLog) Write(p []byte) (int, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tee != nil {
		l.tee.Write(p)
	}
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := bytes.Clone(l.partial[:i])
		l.partial = l.partial[i+1:]
		var rec struct{ Msg, Addr, Level string }
		if json.Unmarshal(line, &rec) != nil {
			continue
		}
		if rec.Msg == "listening" && l.addr == "" {
			l.addr, l.at = rec.Addr, now
			close(l.listening)
		}
		if rec.Level == "WARN" || rec.Level == "ERROR" {
			l.warnings++
		}
		if len(l.last) == keepLines {
			l.last = l.last[1:]
		}
		l.last = append(l.last, line)
	}
	return len(p), nil
}

// warningCount returns how many lines were logged at WARN or ERROR so far.
func (l *serveLog) warningCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.warnings
}

// tail returns the last lines logged.
func (l *serveLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(bytes.Join(l.last, []byte("\n")))
}

// ---- the server's /metrics and admin API

// metricsClient reads /metrics and calls the admin API, apart from the load's connections.
var metricsClient = &http.Client{Timeout: 10 * time.Second}

// scrapeMetrics reads the server's /metrics and sums the samples of each metric by name.
func scrapeMetrics(ctx context.Context, base string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	res, err := metricsClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", res.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name := line[:strings.IndexAny(line+" ", "{ ")]
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			out[name] += v
		}
	}
	return out, sc.Err()
}

// drainOutbox waits until the server at base has delivered everything it queued.
func drainOutbox(ctx context.Context, base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		m, err := scrapeMetrics(ctx, base)
		if err != nil {
			return err
		}
		depth := m["helpdesk_outbox_depth"]
		if depth == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the outbox still holds %v entries after %v", depth, within)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// timeReload asks the server at base to reload its knowledge (POST /admin/reload) and returns
// how long the request took.
func timeReload(ctx context.Context, base, token string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/admin/reload", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := metricsClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	took := time.Since(start)
	if res.StatusCode != http.StatusOK {
		return took, fmt.Errorf("POST /admin/reload: %s", res.Status)
	}
	return took, nil
}
