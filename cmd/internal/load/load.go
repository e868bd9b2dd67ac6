package load

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Step is one thing a simulated user does: write a text, or tap a button (a choice id).
type Step struct{ Text, Choice string }

// Script builds what the simulated users send, each starting at a different step: the first
// example message of a topic (texts as employees write them, and no Japanese in Go source), and
// taps on the buttons the bot offers (menu, topics, actions). It reads them from the knowledge in
// fsys (named name, for messages), the one the server under load answers from, so that every
// text and button exists there.
func Script(fsys fs.FS, name string) ([]Step, error) {
	kb, err := knowledge.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("the knowledge (%s) does not load: %w", name, err)
	}
	var missing []string
	text := func(topic string) Step {
		t := kb.Topic(topic)
		if t == nil || len(t.Examples) == 0 {
			missing = append(missing, topic)
			return Step{}
		}
		return Step{Text: t.Examples[0]}
	}
	tap := func(choice string) Step { return Step{Choice: choice} }
	script := []Step{
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

// LINEEvent builds LINE message n of user from script, now (so its reply token is fresh).
func LINEEvent(script []Step, user string, n int) linetest.Event {
	s := script[n%len(script)]
	if s.Choice != "" {
		return linetest.Postback(user, s.Choice)
	}
	return linetest.Text(user, s.Text)
}

// ---- counting replies

// Tracker counts, at a fake platform API, the answers each event got, by the key that ties
// a reply to its event: the reply token on LINE, the conversation's channel on Slack. Its
// methods are safe for concurrent use.
type Tracker struct {
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

func newTracker() *Tracker {
	return &Tracker{got: map[string]*arrival{}, wait: map[string]chan time.Time{}}
}

// TrackLINE counts the replies at fake by reply token. A reply token is single-use at the fake,
// so a second answer to an event shows in fake.Stats().InvalidTokens rather than here. It takes
// the fake's OnRequest hook: one tracker per fake.
func TrackLINE(fake *linetest.Server, log *ReplyLog) *Tracker {
	rt := newTracker()
	fake.OnRequest(func(r linetest.Request) {
		if r.API == "reply" {
			rt.seen(r.ReplyToken, r.At, 0)
			log.addLINE(r.Messages)
		}
	})
	return rt
}

// TrackSlack counts the posts at fake by channel. A reply too large for one Slack message comes
// as several posts; only a post that repeats the first one counts as a second answer. It takes
// the fake's OnPost hook: one tracker per fake.
func TrackSlack(fake *slacktest.Server, log *ReplyLog) *Tracker {
	rt := newTracker()
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

// ReplyLog keeps, while it is on, the replies a fake platform received: the server's, for the
// bare handler that sends the same replies. It keeps what the fake decoded anyway, by reference,
// so that recording costs the measured server next to nothing, and at most replyLogMax replies.
// A reply is one request: LINE's reply requests (not pushes, which the report counts) and each
// Slack post, so where the server needed two calls for one event the bare handler makes one, and
// its ceiling is, if anything, higher. A nil log keeps nothing. Its methods are safe for
// concurrent use.
type ReplyLog struct {
	mu    sync.Mutex
	on    bool
	every int // keep one reply in every
	seen  int
	line  [][]json.RawMessage // the messages of each LINE reply request
	slack []slacktest.Post
}

// replyLogMax is enough replies to cover every step of the script many times, and few enough
// not to weigh on the load tool's memory.
const replyLogMax = 250

// Record starts a new recording of a load of events events, or stops it (events 0). It keeps
// replies spread over the whole load: late steps of a conversation answer differently.
func (l *ReplyLog) Record(events int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if events > 0 {
		l.line, l.slack, l.seen = nil, nil, 0
		l.every = max(1, events/replyLogMax)
	}
	l.on = events > 0
}

// keep says whether to keep the next reply; l.mu is held.
func (l *ReplyLog) keep() bool {
	l.seen++
	return l.on && (l.seen-1)%l.every == 0 && len(l.line)+len(l.slack) < replyLogMax
}

// Take returns what was recorded and forgets it: the messages of each LINE reply request, and
// the Slack posts.
func (l *ReplyLog) Take() (line [][]json.RawMessage, slack []slacktest.Post) {
	l.mu.Lock()
	defer l.mu.Unlock()
	line, slack = l.line, l.slack
	l.line, l.slack = nil, nil
	return line, slack
}

func (l *ReplyLog) addLINE(msgs []linetest.Message) {
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

func (l *ReplyLog) addSlack(p slacktest.Post) {
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
func (rt *Tracker) seen(key string, at time.Time, sum uint64) {
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

// Expect returns a channel that receives the time the first answer to key reaches the fake.
// Call it before sending the event.
func (rt *Tracker) Expect(key string) <-chan time.Time {
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

// Replies returns how many times key was answered so far.
func (rt *Tracker) Replies(key string) int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if a := rt.got[key]; a != nil {
		return a.answers
	}
	return 0
}

// Forget drops what was counted for keys, once they are tallied.
func (rt *Tracker) Forget(keys []string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, k := range keys {
		delete(rt.got, k)
		delete(rt.wait, k)
	}
}

// ---- the load

// event is one event of a load, built just before it is sent.
type event struct {
	key       string // what its reply is counted by
	retryable bool   // whether the platform redelivers it (Slack never retries a button press)
	// send posts the event to the server at base, signed; redelivery sends it as the platform's
	// redelivery of it. It returns the HTTP status of the answer.
	send func(ctx context.Context, base string, redelivery bool) (int, error)
}

// Channel is how a load speaks one platform.
type Channel struct {
	Name    string // "line" or "slack"
	Tracker *Tracker
	Log     *ReplyLog               // what the server answered, for the bare handler that answers the same
	event   func(user, n int) event // message n of user number user
}

// LINE speaks LINE: postbacks and texts from user linetest.UserID(user), signed with
// secret, and redelivered with the same webhookEventId and isRedelivery set. It tracks the
// replies at fake.
func LINE(fake *linetest.Server, secret string, script []Step) *Channel {
	replies := &ReplyLog{}
	return &Channel{Name: "line", Tracker: TrackLINE(fake, replies), Log: replies, event: func(user, n int) event {
		ev := LINEEvent(script, linetest.UserID(user), user+n)
		return event{key: ev.ReplyToken, retryable: true, send: func(ctx context.Context, base string, redelivery bool) (int, error) {
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

// Slack speaks Slack: the same script as LINE, texts as direct messages (message.im to
// the Events API, redelivered with the same event_id and X-Slack-Retry-Num) and taps as button
// presses (block_actions to /slack/interactions). It tracks the replies at fake.
//
// Slack allows about one post a second per channel, and the server paces its posts to keep to
// it; users who answer in milliseconds would measure that pace, not the server. So each message
// of a user comes from a direct message channel of its own ("D…M<n>"): the conversation is still
// the user's (the engine keys a direct message by user), its reply goes to that channel, and the
// channel names the event the reply answers.
func Slack(fake *slacktest.Server, secret string, script []Step) *Channel {
	replies := &ReplyLog{}
	return &Channel{Name: "slack", Tracker: TrackSlack(fake, replies), Log: replies, event: func(user, n int) event {
		uid := slackUserID(user)
		channel := fmt.Sprintf("D0L%08dM%04d", user, n)
		st := script[(user+n)%len(script)]
		var body slacktest.Body
		route := "/slack/events"
		if st.Choice != "" {
			route = "/slack/interactions"
			body = slacktest.BlockActions(slacktest.Click{User: uid, Channel: channel, MessageTS: slacktest.NewTS(), Value: st.Choice})
		} else {
			body = slacktest.Callback(slacktest.Event{Channel: channel, ChannelType: "im", User: uid, Text: st.Text})
		}
		return event{key: channel, retryable: st.Choice == "", send: func(ctx context.Context, base string, redelivery bool) (int, error) {
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

// Spec is the shape of one load.
type Spec struct {
	Users, PerUser int
	UserBase       int     // user numbers start here, so that loads on one server use new users
	Clients        int     // webhook requests in flight at most; 0: one per user
	Redeliver      float64 // the fraction of redeliverable events that are sent twice
	Rate           float64 // events a second, open loop; 0: closed loop
}

// replyTimeout is how long a load waits for the answer to one event before counting it missing.
const replyTimeout = 2 * time.Minute

// InFlight is how many webhook requests are in flight at most: clients, else one per user.
func (s Spec) InFlight() int {
	if s.Clients > 0 {
		return s.Clients
	}
	return s.Users
}

// Result is what one load measured.
type Result struct {
	Sent        int             // events whose webhook was answered 200
	Redelivered int             // events also sent a second time
	Keys        []string        // the reply key of every event sent
	Latency     []time.Duration // webhook sent → first answer at the fake, per answered event
	Acks        []time.Duration // how long the server took to answer each first delivery
	Lag         []time.Duration // open loop: how late each send started after its due time
	Wall        time.Duration   // first send → last first answer
	Problems    int             // webhooks not answered 200, answers that never came
	Errs        []string        // the first 20 problems, described
}

// EventsPerSec is the answered events over the load's duration.
func (r Result) EventsPerSec() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(len(r.Latency)) / r.Wall.Seconds()
}

// Tally counts, once the server has settled, how many events were answered once, not at all,
// and more than once.
func (r Result) Tally(rt *Tracker) (once, missing, twice int) {
	for _, k := range r.Keys {
		switch n := rt.Replies(k); {
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

// Drive has spec.Users users talk to the server at base at once, spec.PerUser messages
// each, and waits for every answer. Closed loop (rate 0): each user sends a message when the
// answer to the previous one arrived, as people do, as fast as the server answers. Open loop:
// messages go out at spec.Rate a second whatever the answers, round robin over the users, and
// latency counts from the time each message was due, so that a server falling behind cannot
// hide it by slowing the load. A picked fraction of the events the platform would redeliver is
// sent a second time right after the first.
func Drive(ctx context.Context, ch *Channel, base string, spec Spec) Result {
	timeout := replyTimeout
	clients := spec.InFlight()
	var (
		mu        sync.Mutex
		res       Result
		last      time.Time
		sem       = make(chan struct{}, max(clients, 1))
		retryable atomic.Int64
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		res.Problems++
		if len(res.Errs) < 20 {
			res.Errs = append(res.Errs, fmt.Sprintf(format, args...))
		}
	}
	answered := func(at time.Time, from time.Time) {
		mu.Lock()
		defer mu.Unlock()
		res.Latency = append(res.Latency, at.Sub(from))
		if at.After(last) {
			last = at
		}
	}
	// pick says whether the n-th redeliverable event is redelivered: evenly spread, and exactly
	// the fraction asked for.
	pick := func() bool {
		if spec.Redeliver <= 0 {
			return false
		}
		n := float64(retryable.Add(1) - 1)
		return math.Floor((n+1)*spec.Redeliver) > math.Floor(n*spec.Redeliver)
	}
	type pending struct {
		arrived <-chan time.Time
		from    time.Time
		u, n    int // user and message, named only when something fails
	}
	// one sends message n of user u, due at due (zero: now), and its redelivery when picked.
	one := func(u, n int, due time.Time) (pending, bool) {
		ev := ch.event(spec.UserBase+u, n)
		p := pending{arrived: ch.Tracker.Expect(ev.key), u: u, n: n}
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
		res.Sent++
		res.Keys = append(res.Keys, ev.key)
		res.Acks = append(res.Acks, took)
		if redelivered {
			res.Redelivered++
		}
		if !due.IsZero() {
			res.Lag = append(res.Lag, t0.Sub(due))
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
	if spec.Rate <= 0 {
		for u := range spec.Users {
			wg.Go(func() {
				for n := range spec.PerUser {
					p, ok := one(u, n, time.Time{})
					if !ok || !await(p, time.After(timeout)) {
						return
					}
				}
			})
		}
		wg.Wait()
	} else {
		total := spec.Users * spec.PerUser
		jobs := make(chan int, total)
		due := make([]time.Time, total)
		go func() {
			defer close(jobs)
			for k := range total {
				due[k] = start.Add(time.Duration(float64(k) / spec.Rate * float64(time.Second)))
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
					if p, ok := one(k%spec.Users, k/spec.Users, due[k]); ok {
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
		res.Wall = last.Sub(start)
	}
	return res
}

// Percentile returns the p-quantile of ds (nearest rank), 0 for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(float64(len(s))*p)) - 1
	return s[min(max(i, 0), len(s)-1)]
}
