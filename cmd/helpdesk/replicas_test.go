package main

// The multi-replica test: three `helpdesk serve` processes (the real binary, built once by the
// test) on one PostgreSQL database, behind a round-robin proxy, under signed LINE webhooks with
// redeliveries, while one replica is killed and another paused past its outbox lease.
//
//	HELPDESK_REQUIRE_POSTGRES=1 go test -race -count=1 -run TestReplicas -v ./cmd/helpdesk
//	HELPDESK_REPLICAS_REPORT=replicas.txt ...   also writes the figures to that file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

const (
	replicaCount = 3
	// replicaLease is the outbox's claim lease (dialog's claimLease): the paused replica stays
	// stopped longer than this, so that its claims lapse and another replica takes them over.
	replicaLease = 15 * time.Second
	// webhookTimeout is how long the test, as LINE, waits for a webhook's answer before it
	// counts the delivery as failed and redelivers it.
	webhookTimeout = 3 * time.Second
)

// replicaReportEnv names a file the figures are also written to.
const replicaReportEnv = "HELPDESK_REPLICAS_REPORT"

// TestReplicas runs three replicas of `helpdesk serve` on one PostgreSQL database behind a
// round-robin reverse proxy, with the fake LINE API as the platform. Sixty users send signed
// webhooks, each user's in order (the next once the previous was acknowledged), in bursts of
// two; a fifth of the events are redelivered while the first delivery is still in flight, and
// some after it was acknowledged; a webhook answered 5xx or not within 3 s is redelivered, as
// LINE does, through the proxy (so to another replica). Meanwhile one replica is killed
// (SIGKILL) while one of its deliveries is in flight, and started again; another is stopped
// (SIGSTOP) while one of its deliveries is in flight, for longer than the outbox lease, and then
// continued. From what LINE received, the test checks that every acknowledged event was
// answered, exactly once, and each user's replies in the order of their events.
//
// It does not run in parallel with the other tests: three servers under load would take the
// cores from the tests that time their webhooks (TestServeLINELoad).
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("three replicas, a 17 s pause: about 30 s")
	}
	started := time.Now()
	dbURL := pgtest.Lazy(t).NewDatabase(t, false)
	exe := buildHelpdesk(t)
	script := testScript(t)

	fake := linetest.New(lineTestToken)
	fake.SkipMessageCheck = true
	t.Cleanup(fake.Close)
	sfake := slacktest.New(slackTestToken)
	sfake.SkipBlockCheck = true
	t.Cleanup(sfake.Close)
	slackTrack := load.TrackSlack(sfake, nil)
	calls := &lineCalls{}
	rs := &replicaSet{t: t, exe: exe, calls: calls}
	for i := range replicaCount {
		api, err := calls.serve(i, fake.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(api.Close)
		rs.vars = append(rs.vars, map[string]string{
			"LINE_CHANNEL_SECRET":   lineTestSecret,
			"LINE_CHANNEL_TOKEN":    lineTestToken,
			"LINE_API_BASE":         api.URL,
			"HELPDESK_DATABASE_URL": dbURL,
			"HELPDESK_LOG_LEVEL":    "info",
			"SLACK_BOT_TOKEN":       slackTestToken,
			"SLACK_SIGNING_SECRET":  slackTestSecret,
			"SLACK_API_URL":         sfake.APIURL(),
		})
	}
	for i := range replicaCount {
		rs.start(i)
	}
	lb := newBalancer(rs)
	t.Cleanup(func() { close(lb.done); lb.Close() })

	const users, perUser = 60, 8
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lt := &loadTrack{events: make([][]linetest.Event, users), acked: make([][]bool, users)}
	killAt, stopAt := users*perUser*2/5, users*perUser/4

	// The faults are set off by the API calls of the replica they hit, so that each catches its
	// replica holding at least one claimed delivery: the call in flight never reaches LINE (the
	// killed process gets no answer; the paused one, once continued, a 502, as from a network
	// that lost it). The replica that takes the paused one's delivery over, once its lease has
	// ended, is held at LINE's door until 2.5 s after the paused one continued: the paused one
	// then records the failure of its stale attempt while the other still delivers, which the
	// claim's epoch must refuse; otherwise the entry would be offered again and answered twice.
	calls.trigger(0, func() bool { return lt.acks.Load() >= int64(killAt) }, func(token string) (forward bool) {
		calls.interrupt(token, lt.userOf(token))
		rs.kill(0)
		go func() {
			time.Sleep(time.Second)
			rs.start(0)
			rs.calls.event("replica 0 started again", 0, "start")
		}()
		return false
	})
	calls.trigger(1, func() bool { return lt.acks.Load() >= int64(stopAt) }, func(token string) (forward bool) {
		calls.interrupt(token, lt.userOf(token))
		rs.pause(1, replicaLease+2*time.Second)
		calls.holdTakeover(token, lt.userOf(token), func() {
			rs.waitResumed()
			time.Sleep(2500 * time.Millisecond)
		})
		rs.waitResumed()
		return false
	})

	loadStart := time.Now()
	var wg sync.WaitGroup
	for u := range users {
		lt.events[u], lt.acked[u] = make([]linetest.Event, perUser), make([]bool, perUser)
		wg.Go(func() {
			// Users start spread over the first 2 s; each writes two messages in a row, then
			// waits about 5 s: 480 events over about 20 s.
			time.Sleep(time.Duration(u) * 2 * time.Second / users)
			user := linetest.UserID(9000 + u)
			for k := range perUser {
				ev := load.LINEEvent(script, user, u+k)
				lt.set(u, k, ev)
				n := u*perUser + k
				var inFlight sync.WaitGroup
				if n%5 == 0 { // the same webhook again, while the first is in flight
					inFlight.Go(func() {
						time.Sleep(time.Millisecond)
						if lb.post(ctx, ev.Redelivered()) {
							lt.ack(u, k)
						}
						lt.redeliveredInFlight.Add(1)
					})
				}
				for attempt := 0; !lb.post(ctx, redeliveredIf(ev, attempt > 0)); attempt++ {
					lt.failed.Add(1)
					if ctx.Err() != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
				lt.ack(u, k)
				inFlight.Wait()
				if n%7 == 3 { // and, now and then, again after it was acknowledged
					lb.post(ctx, ev.Redelivered())
					lt.redeliveredAfter.Add(1)
				}
				if k%2 == 1 {
					time.Sleep(5 * time.Second)
				}
			}
		})
	}
	sl := &slackLoad{users: 20, perUser: 6, track: slackTrack}
	sl.run(ctx, &wg, lb, script)
	wg.Wait()
	loadEnd := time.Now()
	if ctx.Err() != nil {
		t.Fatalf("the load did not finish: %v", ctx.Err())
	}
	if !calls.fired(0) || !calls.fired(1) {
		t.Fatalf("the faults did not all happen during the load (kill %v, pause %v)", calls.fired(0), calls.fired(1))
	}
	rs.waitResumed()

	// Every event was acknowledged in the end (the load redelivers until a 200): each must be
	// answered once. Wait for the last replies, then a little longer for any second one.
	answered := func() bool {
		got := calls.byToken()
		for u := range users {
			n := calls.pushesTo(lt.events[u][0].Source.UserID)
			for k := range perUser {
				if len(got[lt.events[u][k].ReplyToken]) > 0 {
					n++
				}
			}
			if n < perUser {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(replicaLease + 30*time.Second)
	for !(answered() && sl.answered()) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if err := load.DrainOutbox(ctx, rs.url(2), 30*time.Second); err != nil {
		t.Errorf("after the load: %v", err)
	}
	time.Sleep(2 * time.Second)

	f := tally(t, calls, lt, users, perUser)
	calls.mu.Lock()
	faults := slices.Clone(calls.events)
	calls.mu.Unlock()
	sf := sl.tally(t, faults)
	slackReport := sf.String()
	t.Log(slackReport)
	f.Kills, f.Stops, f.Wall = 1, 1, time.Since(started)
	f.Load = loadEnd.Sub(loadStart)
	calls.mu.Lock()
	for _, e := range calls.events {
		f.Timeline = append(f.Timeline, fmt.Sprintf("%s at %.1f s", e.what, e.at.Sub(loadStart).Seconds()))
	}
	calls.mu.Unlock()
	st := fake.Stats()
	if accepted := calls.accepted(); st.Replies+st.Pushes != accepted {
		t.Errorf("LINE accepted %d replies and %d pushes, the replicas' API proxies saw %d accepted", st.Replies, st.Pushes, accepted)
	}
	f.Replies, f.Pushes, f.RefusedTokens, f.RepeatedKeys = st.Replies, st.Pushes, st.InvalidTokens, st.Conflicts
	report := f.String()
	t.Log(report)
	if path := os.Getenv(replicaReportEnv); path != "" {
		if err := os.WriteFile(path, []byte(report+"\n"+slackReport+"\n"), 0o644); err != nil {
			t.Errorf("%s=%s: %v", replicaReportEnv, path, err)
		}
	}
	if f.Lost != 0 || f.Duplicates != 0 || f.OrderViolations != 0 {
		t.Errorf("LINE: lost %d, answered twice %d, out of order %d; want none", f.Lost, f.Duplicates, f.OrderViolations)
	}
	if sf.Lost != 0 || sf.Duplicates != 0 || sf.OrderViolations != 0 {
		t.Errorf("Slack: lost %d, answered twice %d, out of order %d; want none", sf.Lost, sf.Duplicates, sf.OrderViolations)
	}
	for i := range replicaCount {
		if code, err := rs.stop(i); code != 0 || err != nil {
			t.Errorf("replica %d did not stop cleanly on SIGTERM: exit %d, %v\n%s", i, code, err, rs.logs(i))
		}
	}
	if t.Failed() {
		for i := range replicaCount {
			t.Logf("replica %d log (last lines):\n%s", i, rs.logs(i))
		}
	}
}

func redeliveredIf(ev linetest.Event, again bool) linetest.Event {
	if again {
		return ev.Redelivered()
	}
	return ev
}

// ---- the binary

// buildHelpdesk builds cmd/helpdesk into a temporary folder, once, the way this test binary was
// built (with -race when it was, so that go reuses what it compiled for the tests).
func buildHelpdesk(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH to build helpdesk")
	}
	exe := filepath.Join(t.TempDir(), "helpdesk")
	args := []string{"build", "-o", exe}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	start := time.Now()
	out, err := exec.Command(goTool, append(args, "github.com/helpdesk-bot/helpdesk/cmd/helpdesk")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/helpdesk: %v\n%s", err, out)
	}
	t.Logf("built helpdesk (%s) in %v", strings.Join(args[3:], " "), time.Since(start).Round(time.Millisecond))
	return exe
}

// ---- the replicas

// replicaSet is the replicas, each a `helpdesk serve` process, and what was done to them.
type replicaSet struct {
	t     *testing.T
	exe   string
	vars  []map[string]string
	calls *lineCalls

	mu      sync.Mutex
	procs   [replicaCount]*load.Server
	logBufs [replicaCount]*lockedBuffer
	resumed chan struct{} // closed when the paused replica was continued
}

func (rs *replicaSet) start(i int) {
	rs.mu.Lock()
	if rs.logBufs[i] == nil {
		rs.logBufs[i] = &lockedBuffer{}
	}
	logs := rs.logBufs[i]
	rs.mu.Unlock()
	srv, err := load.StartProcess(context.Background(), rs.exe, rs.vars[i], logs)
	if err != nil {
		rs.t.Errorf("replica %d: %v", i, err)
		return
	}
	rs.t.Cleanup(func() { srv.Kill() })
	rs.mu.Lock()
	rs.procs[i] = srv
	rs.mu.Unlock()
}

func (rs *replicaSet) proc(i int) *load.Server {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.procs[i]
}

// url is replica i's base URL, or "" while it is down.
func (rs *replicaSet) url(i int) string {
	p := rs.proc(i)
	if p == nil {
		return ""
	}
	select {
	case <-p.Exited():
		return ""
	default:
		return p.URL
	}
}

func (rs *replicaSet) kill(i int) {
	p := rs.proc(i)
	rs.calls.event(fmt.Sprintf("replica %d killed", i), i, "kill")
	p.Kill()
}

// pause stops replica i (SIGSTOP) and continues it (SIGCONT) after d.
func (rs *replicaSet) pause(i int, d time.Duration) {
	p := rs.proc(i)
	rs.mu.Lock()
	rs.resumed = make(chan struct{})
	resumed := rs.resumed
	rs.mu.Unlock()
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		rs.t.Errorf("SIGSTOP replica %d: %v", i, err)
	}
	rs.calls.event(fmt.Sprintf("replica %d stopped", i), i, "stop")
	time.AfterFunc(d, func() {
		rs.calls.event(fmt.Sprintf("replica %d continued", i), i, "cont")
		if err := p.Signal(syscall.SIGCONT); err != nil {
			rs.t.Errorf("SIGCONT replica %d: %v", i, err)
		}
		close(resumed)
	})
}

// waitResumed returns once the paused replica was continued.
func (rs *replicaSet) waitResumed() {
	rs.mu.Lock()
	ch := rs.resumed
	rs.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

func (rs *replicaSet) stop(i int) (int, error) {
	p := rs.proc(i)
	if p == nil {
		return -1, errors.New("not running")
	}
	return p.Stop()
}

func (rs *replicaSet) logs(i int) string {
	rs.mu.Lock()
	b := rs.logBufs[i]
	rs.mu.Unlock()
	if b == nil {
		return ""
	}
	return lastLines(b.String(), 30)
}

// ---- the load balancer

// balancer is the round-robin reverse proxy in front of the replicas, as a load balancer: it
// asks each replica's /healthz every 200 ms and sends nothing to one that did not answer the
// last check within 300 ms, unless none did. Until it notices, a replica that is down answers
// 502 through it, one that is stopped does not answer, and the platform's redelivery goes to
// the next.
type balancer struct {
	*http.Server
	url     string
	next    atomic.Uint64
	healthy [replicaCount]atomic.Bool
	done    chan struct{}
}

// pick returns the base URL of the next replica in turn, skipping those that failed their last
// health check.
func (b *balancer) pick(rs *replicaSet) string {
	for range replicaCount {
		i := int(b.next.Add(1) % replicaCount)
		if b.healthy[i].Load() {
			if u := rs.url(i); u != "" {
				return u
			}
		}
	}
	return rs.url(int(b.next.Add(1) % replicaCount))
}

// check asks every replica's /healthz until b is closed.
func (b *balancer) check(rs *replicaSet) {
	client := &http.Client{Timeout: 300 * time.Millisecond}
	for {
		for i := range replicaCount {
			ok := false
			if u := rs.url(i); u != "" {
				if res, err := client.Get(u + "/healthz"); err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					ok = res.StatusCode == http.StatusOK
				}
			}
			b.healthy[i].Store(ok)
		}
		select {
		case <-b.done:
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func newBalancer(rs *replicaSet) *balancer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		rs.t.Fatal(err)
	}
	b := &balancer{url: "http://" + ln.Addr().String(), done: make(chan struct{})}
	for i := range replicaCount {
		b.healthy[i].Store(true)
	}
	go b.check(rs)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			base := b.pick(rs)
			if base == "" {
				base = "http://127.0.0.1:1" // down: the proxy answers 502
			}
			u, _ := url.Parse(base)
			pr.SetURL(u)
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) },
		ErrorLog:     nil,
	}
	b.Server = &http.Server{Handler: proxy, ReadHeaderTimeout: 5 * time.Second, ErrorLog: discardLog()}
	go b.Serve(ln)
	return b
}

// post sends one webhook through the balancer and says whether it was acknowledged (200).
func (b *balancer) post(ctx context.Context, ev linetest.Event) bool {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	status, err := linetest.Post(ctx, b.url+"/line/webhook", lineTestSecret, ev)
	return err == nil && status == http.StatusOK
}

// ---- what LINE received, and from which replica

// lineCall is one reply or push request a replica made, as its API proxy forwarded it to LINE.
type lineCall struct {
	replica  int
	api      string    // "reply" or "push"
	token    string    // reply: the event's reply token
	to       string    // push: the user
	retryKey string    // push
	status   int       // LINE's answer
	messages string    // the messages, as sent
	sent     time.Time // when the replica made the request (it reached the proxy)
	at       time.Time // when LINE answered it
}

// lineCalls records, through one proxy per replica in front of the fake LINE API, every reply
// and push request, which replica made it and what LINE answered; and when each replica was
// killed, stopped and continued.
type lineCalls struct {
	mu       sync.Mutex
	list     []lineCall
	events   []faultEvent
	triggers [replicaCount]*trigger
	held     string // the reply token of the delivery the paused replica was making
	heldUser string // and its user
	// interrupted are the deliveries the faults caught in flight, by the reply token of the
	// request the fault stopped (none when it was a push) and its user
	interrupted []interruption
	takeover    func() // holds the next call with that token, or the next push to that user
}

// interruption is a delivery a fault caught in flight: the reply token of the request it stopped
// and the user, and when.
type interruption struct {
	token, user string
	at          time.Time
}

// interrupt records that a fault stops the delivery of the event of reply token token to user.
func (c *lineCalls) interrupt(token, user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if token != "" {
		c.interrupted = append(c.interrupted, interruption{token, user, time.Now()})
	}
}

// holdTakeover makes the next call that delivers the entry of reply token token to user wait for
// hold first: a reply with that token, or a push to user (an entry taken over after its lease
// expired is pushed; the user's later entries wait behind it).
func (c *lineCalls) holdTakeover(token, user string, hold func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held, c.heldUser, c.takeover = token, user, hold
}

type faultEvent struct {
	what    string
	replica int
	kind    string // "kill", "start", "stop", "cont", "takeover"
	at      time.Time
}

func (e faultEvent) String() string { return e.what + " at " + e.at.Format("15:04:05.000") }

// trigger sets off a fault at the first reply or push request of a replica once when says so;
// do gets the request's reply token and says whether the request is then forwarded.
type trigger struct {
	when  func() bool
	do    func(token string) (forward bool)
	fired atomic.Bool
}

func (c *lineCalls) trigger(replica int, when func() bool, do func(token string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.triggers[replica] = &trigger{when: when, do: do}
}

func (c *lineCalls) fired(replica int) bool {
	c.mu.Lock()
	tr := c.triggers[replica]
	c.mu.Unlock()
	return tr != nil && tr.fired.Load()
}

func (c *lineCalls) event(what string, replica int, kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, faultEvent{what, replica, kind, time.Now()})
}

var apiClient = &http.Client{Timeout: 30 * time.Second}

// serve starts replica's proxy to the LINE API at target.
func (c *lineCalls) serve(replica int, target string) (*apiProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &apiProxy{URL: "http://" + ln.Addr().String()}
	p.srv = &http.Server{ErrorLog: discardLog(), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent := time.Now()
		body, _ := io.ReadAll(r.Body)
		api := ""
		switch r.URL.Path {
		case "/v2/bot/message/reply":
			api = "reply"
		case "/v2/bot/message/push":
			api = "push"
		}
		var m struct {
			ReplyToken string          `json:"replyToken"`
			To         string          `json:"to"`
			Messages   json.RawMessage `json:"messages"`
		}
		json.Unmarshal(body, &m)
		if api != "" {
			c.mu.Lock()
			tr := c.triggers[replica]
			var hold func()
			if c.takeover != nil && (m.ReplyToken == c.held || api == "push" && m.To == c.heldUser) {
				hold, c.takeover = c.takeover, nil
			}
			c.mu.Unlock()
			if hold != nil {
				c.event(fmt.Sprintf("replica %d took over the paused replica's delivery", replica), replica, "takeover")
				hold()
			}
			if tr != nil && !tr.fired.Load() && tr.when() && tr.fired.CompareAndSwap(false, true) {
				if !tr.do(m.ReplyToken) {
					// LINE never gets the request; a process still there gets a 502
					w.WriteHeader(http.StatusBadGateway)
					return
				}
			}
		}
		// The request goes on to LINE even when the replica stops waiting for the answer (it was
		// killed or its attempt timed out): LINE would have received it.
		req, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		res, err := apiClient.Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		resBody, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if api != "" {
			c.mu.Lock()
			c.list = append(c.list, lineCall{replica: replica, api: api, token: m.ReplyToken, to: m.To,
				retryKey: r.Header.Get("X-Line-Retry-Key"), status: res.StatusCode, messages: string(m.Messages), sent: sent, at: time.Now()})
			c.mu.Unlock()
		}
		maps.Copy(w.Header(), res.Header)
		w.WriteHeader(res.StatusCode)
		w.Write(resBody)
	})}
	go p.srv.Serve(ln)
	return p, nil
}

type apiProxy struct {
	URL string
	srv *http.Server
}

func (p *apiProxy) Close() { p.srv.Close() }

// accepted returns how many requests LINE accepted.
func (c *lineCalls) accepted() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, call := range c.list {
		if call.status == http.StatusOK {
			n++
		}
	}
	return n
}

// byToken returns the accepted replies by reply token.
func (c *lineCalls) byToken() map[string][]lineCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]lineCall{}
	for _, call := range c.list {
		if call.api == "reply" && call.status == http.StatusOK {
			out[call.token] = append(out[call.token], call)
		}
	}
	return out
}

// pushesTo returns how many pushes to user LINE accepted.
func (c *lineCalls) pushesTo(user string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, call := range c.list {
		if call.api == "push" && call.status == http.StatusOK && call.to == user {
			n++
		}
	}
	return n
}

// ---- the load's record and the tally

type eventRef struct{ user, k int }

type loadTrack struct {
	mu     sync.Mutex
	events [][]linetest.Event
	acked  [][]bool

	failed              atomic.Int64 // deliveries answered 5xx or not at all, redelivered
	redeliveredInFlight atomic.Int64
	redeliveredAfter    atomic.Int64
	acks                atomic.Int64
}

func (lt *loadTrack) set(u, k int, ev linetest.Event) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.events[u][k] = ev
}

// userOf returns the user of the event with reply token token.
func (lt *loadTrack) userOf(token string) string {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	for _, evs := range lt.events {
		for _, ev := range evs {
			if ev.ReplyToken == token {
				return ev.Source.UserID
			}
		}
	}
	return ""
}

func (lt *loadTrack) ack(u, k int) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if !lt.acked[u][k] {
		lt.acked[u][k] = true
		lt.acks.Add(1)
	}
}

// replicaFigures is what the test measured.
type replicaFigures struct {
	Events, Acknowledged                     int
	Failed, RedeliveredInFlight, Redelivered int64
	Kills, Stops                             int
	Lost, Duplicates, OrderViolations        int
	Window                                   int // second answers in the crash window SECURITY.md names
	Replies, Pushes, RefusedTokens           int
	RepeatedKeys                             int
	Wall, Load                               time.Duration
	Timeline                                 []string // the faults, from the start of the load
}

func (f replicaFigures) String() string {
	return fmt.Sprintf("replicas %d (PostgreSQL), events %d, acknowledged %d, deliveries failed and redelivered %d, "+
		"redelivered while in flight %d, redelivered after the ack %d, kills %d, stops %d, "+
		"lost %d, duplicates %d (in the documented crash window %d), order violations %d; "+
		"LINE accepted %d replies and %d pushes, refused %d used reply tokens and %d repeated retry keys; %s; load %v, test %v",
		replicaCount, f.Events, f.Acknowledged, f.Failed, f.RedeliveredInFlight, f.Redelivered, f.Kills, f.Stops,
		f.Lost, f.Duplicates, f.Window, f.OrderViolations,
		f.Replies, f.Pushes, f.RefusedTokens, f.RepeatedKeys, strings.Join(f.Timeline, ", "), f.Load.Round(100*time.Millisecond), f.Wall.Round(100*time.Millisecond))
}

// tally matches what LINE accepted to the events. A reply names its event by reply token. A push
// names only the user: it answers the user's earliest event not answered yet, unless it repeats,
// message for message, the answer an event of the user already got (a second answer). Each user's
// events must be answered in order, each once.
func tally(t *testing.T, calls *lineCalls, lt *loadTrack, users, perUser int) replicaFigures {
	t.Helper()
	calls.mu.Lock()
	list := slices.Clone(calls.list)
	faults := slices.Clone(calls.events)
	interrupted := slices.Clone(calls.interrupted)
	calls.mu.Unlock()
	slices.SortStableFunc(list, func(a, b lineCall) int { return a.at.Compare(b.at) })

	f := replicaFigures{Events: users * perUser, Acknowledged: int(lt.acks.Load()), Failed: lt.failed.Load(),
		RedeliveredInFlight: lt.redeliveredInFlight.Load(), Redelivered: lt.redeliveredAfter.Load()}
	byToken := map[string]eventRef{}
	userOf := map[string]int{}
	for u := range users {
		userOf[lt.events[u][0].Source.UserID] = u
		for k := range perUser {
			byToken[lt.events[u][k].ReplyToken] = eventRef{u, k}
		}
	}
	answers := make([][][]lineCall, users)
	for u := range answers {
		answers[u] = make([][]lineCall, perUser)
	}
	next := make([]int, users) // per user: the earliest event not answered yet
	for _, c := range list {
		if c.status != http.StatusOK {
			continue
		}
		var ref eventRef
		switch c.api {
		case "reply":
			r, ok := byToken[c.token]
			if !ok {
				t.Errorf("a reply with a reply token of no event of the load")
				continue
			}
			ref = r
		case "push":
			// The first push to the user of a delivery a fault caught in flight, once it was
			// caught, is that delivery while its event is unanswered: the entry is reclaimed after
			// its lease and pushed, the user's later entries waiting behind it, the earlier ones
			// answered. A push names no event, and its messages may be word for word another
			// event's answer (the same question asked again).
			if x := slices.IndexFunc(interrupted, func(x interruption) bool {
				r, ok := byToken[x.token]
				return ok && c.to == x.user && !c.sent.Before(x.at) && len(answers[r.user][r.k]) == 0
			}); x >= 0 {
				ref = byToken[interrupted[x].token]
				interrupted = slices.Delete(interrupted, x, x+1)
				if same := slices.IndexFunc(answers[ref.user], func(as []lineCall) bool { return len(as) > 0 && as[0].messages == c.messages }); same >= 0 {
					t.Logf("user %d event %d: the delivery caught in flight, pushed by replica %d, word for word the answer to event %d", ref.user, ref.k, c.replica, same)
				}
				break
			}
			u, ok := userOf[c.to]
			if !ok {
				t.Errorf("a push to a user of no event of the load")
				continue
			}
			ref = eventRef{u, -1}
			for k := range perUser {
				if len(answers[u][k]) > 0 && answers[u][k][0].messages == c.messages {
					ref.k = k // the same answer again
					break
				}
			}
			if ref.k < 0 {
				for ref.k = next[u]; ref.k < perUser && len(answers[u][ref.k]) > 0; ref.k++ {
				}
				if ref.k == perUser {
					t.Errorf("user %d: a push with no event left to answer", u)
					continue
				}
			}
		}
		u, k := ref.user, ref.k
		if len(answers[u][k]) == 0 && k != next[u] {
			f.OrderViolations++
			t.Errorf("user %d: event %d answered (by replica %d) before event %d", u, k, c.replica, next[u])
		}
		answers[u][k] = append(answers[u][k], c)
		for next[u] < perUser && len(answers[u][next[u]]) > 0 {
			next[u]++
		}
	}
	for u := range users {
		for k := range perUser {
			as := answers[u][k]
			switch {
			case len(as) == 0:
				f.Lost++
				t.Errorf("user %d event %d: never answered", u, k)
			case len(as) > 1:
				if inCrashWindow(as, faults) {
					f.Window++
					t.Logf("user %d event %d: answered %d times, the first by replica %d as it was killed or stopped (the crash window)", u, k, len(as), as[0].replica)
					continue
				}
				f.Duplicates++
				var who []string
				for _, a := range as {
					who = append(who, fmt.Sprintf("%s by replica %d at %s", a.api, a.replica, a.at.Format("15:04:05.000")))
				}
				t.Errorf("user %d event %d: answered %d times: %s (faults: %v)", u, k, len(as), strings.Join(who, ", "), faults)
			}
		}
	}
	return f
}

// inCrashWindow says whether an event answered more than once falls in the window SECURITY.md
// names for LINE: LINE accepted the first answer, which the replica had sent within the second
// before it was killed or stopped, so it could not record it; the replica that took the entry
// over pushed the answer again. A request the proxy saw after the fault, but before the replica
// was started again or continued, was sent by the process before the fault (under load the
// proxy takes a request up a few hundred milliseconds after it was written).
func inCrashWindow(as []lineCall, faults []faultEvent) bool {
	first := as[0]
	for i, f := range faults {
		if f.replica != first.replica || f.kind != "kill" && f.kind != "stop" {
			continue
		}
		until := time.Now()
		for _, g := range faults[i+1:] {
			if g.replica == f.replica && (g.kind == "start" || g.kind == "cont") {
				until = g.at
				break
			}
		}
		if first.sent.Before(until) && f.at.Sub(first.sent) < time.Second {
			for _, a := range as[1:] {
				if a.api != "push" {
					return false
				}
			}
			return true
		}
	}
	return false
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// ---- Slack beside LINE

// slackLoad is Slack users writing to the bot in direct messages through the balancer (the
// Events API), beside the LINE users. Each message comes from a direct message channel of its
// own, so that the channel of a post names the event it answers (the conversation is still the
// user's: the engine keys a direct message by user), and Slack's pace of one post a second per
// channel does not set the load's.
type slackLoad struct {
	users, perUser int
	track          *load.Tracker

	mu       sync.Mutex
	keys     [][]string // the channel of each event
	arrivals [][]<-chan time.Time
	acks     atomic.Int64
	failed   atomic.Int64
	again    atomic.Int64
}

// run starts the users on wg: each sends its messages in order, the next once the previous was
// acknowledged, redelivering (with X-Slack-Retry-Num) what was answered 5xx or not within 3 s;
// every fourth message is also retried while the first delivery is in flight.
func (sl *slackLoad) run(ctx context.Context, wg *sync.WaitGroup, lb *balancer, script []load.Step) {
	sl.keys = make([][]string, sl.users)
	sl.arrivals = make([][]<-chan time.Time, sl.users)
	for u := range sl.users {
		sl.keys[u] = make([]string, sl.perUser)
		sl.arrivals[u] = make([]<-chan time.Time, sl.perUser)
		wg.Go(func() {
			time.Sleep(time.Duration(u) * 2 * time.Second / time.Duration(sl.users))
			user := fmt.Sprintf("U0R%08d", u)
			k := 0
			for n := 0; k < sl.perUser; n++ {
				st := script[(u+n)%len(script)]
				if st.Text == "" {
					continue // taps are interactions, which Slack does not retry: texts only
				}
				channel := fmt.Sprintf("D0R%08dM%04d", u, k)
				body := slacktest.Callback(slacktest.Event{Channel: channel, ChannelType: "im", User: user, Text: st.Text})
				sl.mu.Lock()
				sl.keys[u][k] = channel
				sl.arrivals[u][k] = sl.track.Expect(channel)
				sl.mu.Unlock()
				var inFlight sync.WaitGroup
				if k%4 == 1 {
					inFlight.Go(func() {
						time.Sleep(time.Millisecond)
						lb.postSlack(ctx, body, 1)
						sl.again.Add(1)
					})
				}
				for attempt := 0; !lb.postSlack(ctx, body, attempt); attempt++ {
					sl.failed.Add(1)
					if ctx.Err() != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
				sl.acks.Add(1)
				inFlight.Wait()
				if k%2 == 1 {
					time.Sleep(6 * time.Second)
				}
				k++
			}
		})
	}
}

// answered says whether every event got a post.
func (sl *slackLoad) answered() bool {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	for _, keys := range sl.keys {
		for _, key := range keys {
			if key == "" || sl.track.Replies(key) == 0 {
				return false
			}
		}
	}
	return true
}

// postSlack sends one Events API request through the balancer, as Slack's retry number retry
// when above 0, and says whether it was acknowledged (200).
func (b *balancer) postSlack(ctx context.Context, body slacktest.Body, retry int) bool {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := slacktest.NewRequest(ctx, b.url+"/slack/events", slackTestSecret, body)
	if err != nil {
		return false
	}
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", fmt.Sprint(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// slackFigures is what the Slack users saw.
type slackFigures struct {
	Events, Acknowledged, Failed, Again int64
	Lost, Duplicates, Window            int
	OrderViolations                     int
}

func (f slackFigures) String() string {
	return fmt.Sprintf("Slack beside it: events %d, acknowledged %d, deliveries failed and redelivered %d, retried while in flight %d, "+
		"lost %d, duplicates %d (in the crash window SECURITY.md names %d), order violations %d",
		f.Events, f.Acknowledged, f.Failed, f.Again, f.Lost, f.Duplicates, f.Window, f.OrderViolations)
}

// tally counts, from the posts Slack accepted, the events answered never, more than once (a
// second post repeating the first) and out of their user's order. Slack's Web API has no
// idempotency key: a second post is in the window SECURITY.md names when the first came within
// the second before a replica was killed or stopped (which replica posted is not known here).
func (sl *slackLoad) tally(t *testing.T, faults []faultEvent) slackFigures {
	t.Helper()
	f := slackFigures{Events: int64(sl.users * sl.perUser), Acknowledged: sl.acks.Load(), Failed: sl.failed.Load(), Again: sl.again.Load()}
	for u := range sl.users {
		var last time.Time
		for k := range sl.perUser {
			key := sl.keys[u][k]
			var at time.Time
			select {
			case at = <-sl.arrivals[u][k]:
			default:
				f.Lost++
				t.Errorf("Slack user %d event %d: never answered", u, k)
				continue
			}
			if at.Before(last) {
				f.OrderViolations++
				t.Errorf("Slack user %d event %d: answered before event %d", u, k, k-1)
			}
			last = at
			if n := sl.track.Replies(key); n > 1 {
				window := false
				for _, e := range faults {
					// at is when Slack accepted the post; under load that can be a little after
					// its replica, which sent it before, was killed
					if (e.kind == "kill" || e.kind == "stop") && !at.After(e.at.Add(500*time.Millisecond)) && e.at.Sub(at) < time.Second {
						window = true
					}
				}
				if window {
					f.Window++
					t.Logf("Slack user %d event %d: posted %d times, the first just before a replica was killed or stopped (the crash window)", u, k, n)
					continue
				}
				f.Duplicates++
				t.Errorf("Slack user %d event %d: posted %d times", u, k, n)
			}
		}
	}
	return f
}
