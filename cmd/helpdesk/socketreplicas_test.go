package main

// The Socket Mode replica test: three `helpdesk serve` processes (the real binary) on one
// PostgreSQL database, each with its own Socket Mode connection to one fake Slack, which sends
// each envelope to one of them in turn, redelivers some on another connection, and drops one
// connection halfway.
//
//	HELPDESK_REQUIRE_POSTGRES=1 go test -race -count=1 -run TestSocketModeReplicas -v ./cmd/helpdesk

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/cmd/internal/load"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
)

// TestSocketModeReplicas runs three replicas of `helpdesk serve` in Socket Mode on one
// PostgreSQL database against one fake Slack, which keeps their three connections open and
// sends each envelope to one of them, round-robin. Twenty users write direct messages, each
// user's in order: the next once the previous was acknowledged (a burst) or, every other one,
// once the previous was answered. A third of the envelopes are redelivered (retry_attempt 1) on
// another connection while the first delivery is in flight, and some again after they were
// acknowledged. Halfway, the network drops one replica's connection: the envelopes sent there
// and not acknowledged are sent again on the other two (the replica may have taken one in and
// answered it, its ack lost), and the replica reconnects. From the posts Slack accepted, the
// test checks that every event was answered, exactly once, each user's answers in the order of
// their events, and that each of the three first connections carried envelopes.
func TestSocketModeReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("three replicas under load: about 15 s")
	}
	started := time.Now()
	dbURL := pgtest.Lazy(t).NewDatabase(t, false)
	exe := buildHelpdesk(t)
	script := testScript(t)

	fake := slacktest.New(slackTestToken)
	fake.SkipBlockCheck = true
	t.Cleanup(fake.Close)
	track := load.TrackSlack(fake, nil)
	vars := map[string]string{
		"SLACK_BOT_TOKEN":       slackTestToken,
		"SLACK_APP_TOKEN":       slackTestApp,
		"SLACK_API_URL":         fake.APIURL(),
		"HELPDESK_DATABASE_URL": dbURL,
		"HELPDESK_LOG_LEVEL":    "info",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var procs []*load.Server
	var logs []*lockedBuffer
	for i := range replicaCount {
		buf := &lockedBuffer{}
		srv, err := load.StartProcess(ctx, exe, vars, buf)
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { srv.Kill() })
		procs, logs = append(procs, srv), append(logs, buf)
		// one at a time, so that connection i+1 is replica i's
		if err := fake.WaitOpen(ctx, i+1); err != nil {
			t.Fatalf("replica %d opened no Socket Mode connection: %v\n%s", i, err, buf.String())
		}
	}
	if open := fake.OpenConnections(); len(open) != replicaCount {
		t.Fatalf("open connections %v, want %d", open, replicaCount)
	}

	const users, perUser = 20, 6
	keys := make([][]string, users)
	arrivals := make([][]<-chan time.Time, users)
	answeredAt := make([][]time.Time, users) // when the load waited for an answer
	var again, after, acked atomic.Int64
	loadStart := time.Now()
	var wg sync.WaitGroup
	// Halfway, the network drops replica 2's connection (the third): Slack sends what it had
	// sent there and was not acknowledged again on the other connections, and the replica opens
	// a new one. A replica may have taken an envelope in (and answered it) whose ack was lost.
	var dropped, dropRedelivered atomic.Int64
	dropDone, loadDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(dropDone)
		for acked.Load() < users*perUser/2 {
			select {
			case <-loadDone:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		if err := fake.DropConnection(replicaCount); err != nil {
			t.Error(err)
			return
		}
		dropped.Store(time.Since(loadStart).Milliseconds())
		for _, e := range fake.Envelopes() {
			if e.Conn == replicaCount && !e.Acked {
				if _, err := fake.Redeliver(e.ID); err != nil {
					t.Error(err)
				}
				dropRedelivered.Add(1)
			}
		}
	}()
	for u := range users {
		keys[u], arrivals[u], answeredAt[u] = make([]string, perUser), make([]<-chan time.Time, perUser), make([]time.Time, perUser)
		wg.Go(func() {
			time.Sleep(time.Duration(u) * time.Second / users)
			user := fmt.Sprintf("U0S%08d", u)
			k := 0
			for n := 0; k < perUser; n++ {
				st := script[(u+n)%len(script)]
				if st.Text == "" {
					continue // taps are interactions, which Slack does not retry: texts only
				}
				// a channel of its own for each message, so that a post's channel names the
				// event it answers (the engine keys a direct message by user)
				channel := fmt.Sprintf("D0S%08dM%04d", u, k)
				keys[u][k], arrivals[u][k] = channel, track.Expect(channel)
				id := fake.Push(slacktest.Callback(slacktest.Event{Channel: channel, ChannelType: "im", User: user, Text: st.Text}))
				if (u*perUser+k)%3 == 0 { // Slack's retry, on another connection, while in flight
					if _, err := fake.Redeliver(id); err != nil {
						t.Error(err)
						return
					}
					again.Add(1)
				}
				if _, err := fake.WaitAck(ctx, id); err != nil {
					t.Errorf("user %d event %d: %v", u, k, err)
					return
				}
				acked.Add(1)
				if k%2 == 1 { // the next once this one was answered; otherwise a burst
					select {
					case answeredAt[u][k] = <-arrivals[u][k]:
					case <-ctx.Done():
						t.Errorf("user %d event %d: never answered", u, k)
						return
					}
				}
				if (u*perUser+k)%7 == 4 { // and now and then again after it was acknowledged
					if _, err := fake.Redeliver(id); err != nil {
						t.Error(err)
						return
					}
					after.Add(1)
				}
				k++
			}
		})
	}
	wg.Wait()
	close(loadDone)
	<-dropDone
	loadEnd := time.Now()
	if dropped.Load() == 0 && !t.Failed() {
		t.Fatal("the connection was not dropped during the load")
	}
	if t.Failed() {
		for i := range replicaCount {
			t.Logf("replica %d log (last lines):\n%s", i, lastLines(logs[i].String(), 30))
		}
		t.FailNow()
	}

	// every event was acknowledged: wait for its answer, then a little longer for a second one
	answered := func() bool {
		for u := range users {
			for _, key := range keys[u] {
				if track.Replies(key) == 0 {
					return false
				}
			}
		}
		return true
	}
	for !answered() && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	if err := load.DrainOutbox(ctx, procs[0].URL, 20*time.Second); err != nil {
		t.Errorf("after the load: %v", err)
	}
	time.Sleep(time.Second)

	lost, twice, disorder := 0, 0, 0
	for u := range users {
		var last time.Time
		for k, key := range keys[u] {
			at := answeredAt[u][k]
			select {
			case at = <-arrivals[u][k]:
			default:
				if !at.IsZero() {
					break
				}
				lost++
				t.Errorf("user %d event %d: never answered", u, k)
				continue
			}
			if at.Before(last) {
				disorder++
				t.Errorf("user %d event %d: answered before event %d", u, k, k-1)
			}
			last = at
			if n := track.Replies(key); n > 1 {
				twice++
				t.Errorf("user %d event %d: answered %d times", u, k, n)
			}
		}
	}
	envs := fake.Envelopes()
	retried := 0
	for _, e := range envs {
		if e.Attempt > 0 {
			retried++
		}
	}
	delivered := fake.Delivered()
	var shares []string
	for _, c := range slices.Sorted(maps.Keys(delivered)) {
		shares = append(shares, fmt.Sprintf("%d: %d", c, delivered[c]))
	}
	t.Logf("Socket Mode replicas: %d replicas, connections accepted %d (connection %d dropped at %.1f s, %d unacknowledged envelopes sent again on the others); "+
		"%d users, %d events (%d envelopes, %d of them redelivered on another connection: %d times in flight, %d times after the ack); "+
		"envelopes sent per connection {%s}; lost %d, answered twice %d, out of order %d; load %.1f s, wall %.1f s",
		replicaCount, fake.Connections(), replicaCount, float64(dropped.Load())/1000, dropRedelivered.Load(),
		users, users*perUser, len(envs), retried, again.Load(), after.Load(),
		strings.Join(shares, ", "), lost, twice, disorder, loadEnd.Sub(loadStart).Seconds(), time.Since(started).Seconds())
	if err := fake.WaitOpen(ctx, replicaCount); err != nil {
		t.Errorf("replica 2 did not reconnect after its connection dropped: %v (open %v)", err, fake.OpenConnections())
	}
	for c := 1; c <= replicaCount; c++ {
		if delivered[c] == 0 {
			t.Errorf("connection %d carried no envelope: the load was not shared (%v)", c, delivered)
		}
	}
	if len(fake.Rejected()) > 0 {
		t.Errorf("Slack refused posts: %q", fake.Rejected())
	}
	for i, p := range procs {
		if code, err := p.Stop(); code != 0 || err != nil {
			t.Errorf("replica %d did not stop cleanly on SIGTERM: exit %d, %v\n%s", i, code, err, lastLines(logs[i].String(), 30))
		}
	}
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
