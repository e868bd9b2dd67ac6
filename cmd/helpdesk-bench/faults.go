package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
)

// faultSpec is one run of `helpdesk-bench --faults`.
type faultSpec struct {
	helpdesk string        // the helpdesk binary whose serve is tested
	users    int           // users sending one message each during a fault, per platform
	window   time.Duration // how long each fault lasts
	hung     int           // LINE calls hanging at once in the isolation scenario
}

// faultResult is what one scenario measured.
type faultResult struct {
	Name string `json:"name"`
	// Recovery is the time from the platforms answering again to the last reply held during
	// the fault reaching them.
	Recovery time.Duration `json:"recovery"`
	// CrossDelay is, while one platform is down, the slowest reply on the other.
	CrossDelay time.Duration `json:"cross_delay,omitempty"`
	Answered   int           `json:"answered"` // events answered exactly once
	Events     int           `json:"events"`
	Dropped    float64       `json:"dropped"` // helpdesk_deliveries_dropped_total
	ReadyDown  bool          `json:"ready_down"`
}

// benchFaults runs the fault scenarios against serve (spec.helpdesk, in a child process) with
// LINE and Slack on fakes in this process: a credentials window (LINE answers 401 for a while,
// then accepts the token), both platforms down at once (LINE hanging, Slack answering 503), and
// LINE hanging while Slack users talk. It writes one line per scenario to w.
func benchFaults(ctx context.Context, spec faultSpec, w io.Writer) ([]faultResult, error) {
	var out []faultResult
	for _, sc := range []func(context.Context, faultSpec) (faultResult, error){faultCredentials, faultBoth, faultIsolation} {
		r, err := sc(ctx, spec)
		if err != nil {
			return out, err
		}
		out = append(out, r)
		fmt.Fprintf(w, "%-22s events %3d answered once %3d  dropped %g  recovery %v  cross-platform delay %v  /readyz down %v\n",
			r.Name, r.Events, r.Answered, r.Dropped, r.Recovery.Round(time.Millisecond), r.CrossDelay.Round(time.Millisecond), r.ReadyDown)
	}
	return out, nil
}

// faultRigs is serve with both platforms on fakes, and trackers of their replies.
type faultRigs struct {
	lf    *linetest.Server
	sf    *slacktest.Server
	srv   *load.Server
	lines *load.Tracker
	slack *load.Tracker
	dir   string
	keys  []struct {
		rt  *load.Tracker
		key string
	}
	secret                string // the LINE channel secret and ...
	token                 string // ... access token of this run
	slackSecret, slackTok string
}

// once counts the events sent that were answered exactly once.
func (r *faultRigs) once() int {
	n := 0
	for _, k := range r.keys {
		if k.rt.Replies(k.key) == 1 {
			n++
		}
	}
	return n
}

func newFaultRigs(ctx context.Context, helpdesk string) (*faultRigs, error) {
	// Every credential is made up for this run, as in the load bench.
	r := &faultRigs{secret: randomToken(), token: randomToken(), slackSecret: randomToken(), slackTok: "xoxb-" + randomToken()}
	r.lf, r.sf = linetest.New(r.token), slacktest.New(r.slackTok)
	r.lf.SkipMessageCheck = true
	r.lines, r.slack = load.TrackLINE(r.lf, nil), load.TrackSlack(r.sf, nil)
	dir, err := os.MkdirTemp("", "helpdesk-faults-")
	if err != nil {
		r.close()
		return nil, err
	}
	r.dir = dir
	vars := map[string]string{
		"LINE_CHANNEL_SECRET": r.secret, "LINE_CHANNEL_TOKEN": r.token, "LINE_API_BASE": r.lf.URL,
		"SLACK_BOT_TOKEN": r.slackTok, "SLACK_SIGNING_SECRET": r.slackSecret, "SLACK_API_URL": r.sf.APIURL(),
		"HELPDESK_DB": filepath.Join(dir, "helpdesk.db"), "HELPDESK_USER_RATE": "off",
	}
	if r.srv, err = load.StartProcess(ctx, helpdesk, vars, nil); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

func (r *faultRigs) close() {
	r.lf.Heal()
	r.sf.Heal()
	if r.srv != nil {
		r.srv.Stop()
	}
	r.lf.Close()
	r.sf.Close()
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
}

// sendLINE posts one event of a new LINE user and returns when its reply reaches the fake.
func (r *faultRigs) sendLINE(ctx context.Context, n int) (<-chan time.Time, error) {
	ev := linetest.Text(linetest.UserID(n), "こんにちは")
	arrived := r.lines.Expect(ev.ReplyToken)
	r.keys = append(r.keys, struct {
		rt  *load.Tracker
		key string
	}{r.lines, ev.ReplyToken})
	status, err := linetest.Post(ctx, r.srv.URL+"/line/webhook", r.secret, ev)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("LINE webhook answered %d", status)
	}
	return arrived, err
}

// sendSlack posts one direct message of a new Slack user.
func (r *faultRigs) sendSlack(ctx context.Context, n int) (<-chan time.Time, error) {
	user := fmt.Sprintf("U0F%07d", n)
	arrived := r.slack.Expect("D" + user)
	r.keys = append(r.keys, struct {
		rt  *load.Tracker
		key string
	}{r.slack, "D" + user})
	req, err := slacktest.NewRequest(ctx, r.srv.URL+"/slack/events", r.slackSecret, slacktest.IM(fmt.Sprintf("EvF%07d", n), user, "こんにちは"))
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("Slack event answered %d", res.StatusCode)
	}
	return arrived, nil
}

// awaitAll waits for every reply and returns the latest arrival.
func awaitAll(ctx context.Context, chs []<-chan time.Time) (time.Time, int) {
	var last time.Time
	n := 0
	for _, ch := range chs {
		select {
		case at := <-ch:
			n++
			if at.After(last) {
				last = at
			}
		case <-ctx.Done():
			return last, n
		}
	}
	return last, n
}

func (r *faultRigs) readyDown() bool {
	res, err := http.Get(r.srv.URL + "/readyz")
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusServiceUnavailable
}

func (r *faultRigs) dropped(ctx context.Context) float64 {
	m, _ := load.Metrics(ctx, r.srv.URL)
	return m["helpdesk_deliveries_dropped_total"]
}

// faultCredentials: LINE refuses the token (401) for the window while users write, then
// accepts it again.
func faultCredentials(ctx context.Context, spec faultSpec) (faultResult, error) {
	res := faultResult{Name: "credentials_window"}
	r, err := newFaultRigs(ctx, spec.helpdesk)
	if err != nil {
		return res, err
	}
	defer r.close()
	r.lf.SetToken("revoked")
	var chs []<-chan time.Time
	for i := range spec.users {
		ch, err := r.sendLINE(ctx, i)
		if err != nil {
			return res, err
		}
		chs = append(chs, ch)
		time.Sleep(spec.window / time.Duration(spec.users))
	}
	res.ReadyDown = r.readyDown()
	r.lf.SetToken(r.token)
	return r.recovered(ctx, res, chs, time.Now())
}

// recovered waits for every event of chs to be answered and fills in res: the time from back
// (when the platform answered again) to the last answer, and what the rigs counted.
func (r *faultRigs) recovered(ctx context.Context, res faultResult, chs []<-chan time.Time, back time.Time) (faultResult, error) {
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	last, _ := awaitAll(wctx, chs)
	res.Recovery, res.Events = last.Sub(back), len(chs)
	time.Sleep(200 * time.Millisecond)
	res.Answered = r.once()
	res.Dropped = r.dropped(ctx)
	return res, nil
}

// faultBoth: LINE hangs and Slack answers 503 for the window, then both answer again.
func faultBoth(ctx context.Context, spec faultSpec) (faultResult, error) {
	res := faultResult{Name: "two_platform_outage"}
	r, err := newFaultRigs(ctx, spec.helpdesk)
	if err != nil {
		return res, err
	}
	defer r.close()
	r.lf.Outage(0, spec.window)
	r.sf.Fail(1<<30, http.StatusServiceUnavailable)
	var chs []<-chan time.Time
	for i := range spec.users {
		for _, send := range []func(context.Context, int) (<-chan time.Time, error){r.sendLINE, r.sendSlack} {
			ch, err := send(ctx, i)
			if err != nil {
				return res, err
			}
			chs = append(chs, ch)
		}
		time.Sleep(spec.window / time.Duration(spec.users))
	}
	r.lf.Heal()
	r.sf.Heal()
	return r.recovered(ctx, res, chs, time.Now())
}

// faultIsolation: LINE calls hang (spec.hung users waiting) while Slack users write: the
// slowest Slack reply is the cross-platform delay.
func faultIsolation(ctx context.Context, spec faultSpec) (faultResult, error) {
	res := faultResult{Name: "line_hangs_slack_talks"}
	r, err := newFaultRigs(ctx, spec.helpdesk)
	if err != nil {
		return res, err
	}
	defer r.close()
	r.lf.Outage(0, spec.window)
	var lineChs []<-chan time.Time
	for i := range spec.hung {
		ch, err := r.sendLINE(ctx, i)
		if err != nil {
			return res, err
		}
		lineChs = append(lineChs, ch)
	}
	var mu sync.Mutex
	for i := range spec.users {
		start := time.Now()
		ch, err := r.sendSlack(ctx, i)
		if err != nil {
			return res, err
		}
		select {
		case at := <-ch:
			mu.Lock()
			res.CrossDelay = max(res.CrossDelay, at.Sub(start))
			mu.Unlock()
		case <-time.After(spec.window + 10*time.Second):
		}
	}
	r.lf.Heal()
	back := time.Now()
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	last, _ := awaitAll(wctx, lineChs)
	if last.After(back) {
		res.Recovery = last.Sub(back)
	}
	time.Sleep(200 * time.Millisecond)
	res.Events, res.Answered = spec.users+spec.hung, r.once()
	res.Dropped = r.dropped(ctx)
	return res, nil
}
