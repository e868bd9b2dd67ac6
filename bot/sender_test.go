package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// fakeOutbox records what the sender does with entries, and offers the ones in due.
type fakeOutbox struct {
	mu    sync.Mutex
	due   []dialog.Delivery
	calls []string // "delivered", "dropped", "postpone", "defer"
	next  time.Time
	prog  int
	wake  chan struct{}
}

func (o *fakeOutbox) record(call string, next time.Time, progress int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, call)
	o.next, o.prog = next, progress
}

func (o *fakeOutbox) settled(id uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, d := range o.due {
		if d.ID == id {
			o.due = append(o.due[:i], o.due[i+1:]...)
			return
		}
	}
}

func (o *fakeOutbox) Pending(_ time.Time, _ int, busy map[uint64]bool) ([]dialog.Delivery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []dialog.Delivery
	for _, d := range o.due {
		if !busy[d.ID] {
			out = append(out, d)
		}
	}
	return out, nil
}

func (o *fakeOutbox) Delivered(id uint64, _ string) error {
	o.record("delivered", time.Time{}, 0)
	o.settled(id)
	return nil
}

func (o *fakeOutbox) Dropped(id uint64) error {
	o.record("dropped", time.Time{}, 0)
	o.settled(id)
	return nil
}

func (o *fakeOutbox) Postpone(id uint64, next time.Time, progress int, _ string) error {
	o.record("postpone", next, progress)
	o.settled(id)
	return nil
}

func (o *fakeOutbox) Defer(id uint64, next time.Time, progress int) error {
	o.record("defer", next, progress)
	o.settled(id)
	return nil
}

func (o *fakeOutbox) Wake() <-chan struct{}                         { return o.wake }
func (o *fakeOutbox) Hasten(dialog.Channel, time.Time) (int, error) { return 0, nil }

func (o *fakeOutbox) Due(time.Time) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.due)
}

// deliverFunc is a Deliverer.
type deliverFunc func(context.Context, dialog.Delivery) (string, error)

func (f deliverFunc) Deliver(ctx context.Context, d dialog.Delivery) (string, error) {
	return f(ctx, d)
}

// probedDeliverer is a Deliverer that can be probed.
type probedDeliverer struct{ deliverFunc }

func (probedDeliverer) Probe(context.Context) error { return nil }

func quietSlog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestSenderReadsFailures: what a deliverer's *dialog.Failure says decides what becomes of the
// entry, and its Progress is kept for the next attempt.
func TestSenderReadsFailures(t *testing.T) {
	cause := errors.New("platform said no")
	tests := []struct {
		name      string
		err       error
		probed    bool
		wantCall  string
		wantAfter time.Duration // at least this far ahead (0: not checked)
		wantProg  int
		wantDown  bool
	}{
		{name: "permanent", err: &dialog.Failure{Err: cause, Kind: dialog.Permanent}, wantCall: "dropped"},
		{name: "transient_retry_after", err: &dialog.Failure{Err: cause, RetryAfter: time.Hour, Progress: 2}, wantCall: "postpone", wantAfter: 59 * time.Minute, wantProg: 2},
		{name: "paced", err: &dialog.Failure{Err: cause, Kind: dialog.Paced, RetryAfter: 30 * time.Minute, Progress: 1}, wantCall: "defer", wantAfter: 29 * time.Minute, wantProg: 1},
		{name: "refused_probed", err: &dialog.Failure{Err: cause, Kind: dialog.Refused}, probed: true, wantCall: "defer", wantAfter: 59 * time.Minute, wantDown: true},
		{name: "refused_not_probed", err: &dialog.Failure{Err: cause, Kind: dialog.Refused}, wantCall: "postpone"},
		{name: "wrapped", err: errors.Join(errors.New("context"), &dialog.Failure{Err: cause, Kind: dialog.Permanent}), wantCall: "dropped"},
		{name: "plain_error", err: cause, wantCall: "postpone", wantProg: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ob := &fakeOutbox{}
			var d Deliverer = deliverFunc(func(context.Context, dialog.Delivery) (string, error) { return "", tt.err })
			if tt.probed {
				d = probedDeliverer{d.(deliverFunc)}
			}
			s := NewSender(ob, map[dialog.Channel]Deliverer{"line": d}, quietSlog(), NewMetrics())
			entry := dialog.Delivery{ID: 1, Channel: "line", Created: time.Now(), Progress: 3}
			start := time.Now()
			s.settle(entry, "", tt.err)
			if len(ob.calls) == 0 || ob.calls[0] != tt.wantCall {
				t.Fatalf("%v: outbox calls %v, want %s first", tt.err, ob.calls, tt.wantCall)
			}
			if tt.wantAfter > 0 && ob.next.Sub(start) < tt.wantAfter {
				t.Errorf("%v: next attempt in %v, want at least %v", tt.err, ob.next.Sub(start), tt.wantAfter)
			}
			if tt.wantCall != "dropped" && ob.prog != tt.wantProg {
				t.Errorf("%v: progress %d, want %d", tt.err, ob.prog, tt.wantProg)
			}
			if down := s.Health().IsDown("line"); down != tt.wantDown {
				t.Errorf("%v: channel down = %v, want %v", tt.err, down, tt.wantDown)
			}
		})
	}
}

// TestSenderDrain: Drain returns once nothing is due, while Run delivers; and when a platform
// does not answer, when its ctx is done.
func TestSenderDrain(t *testing.T) {
	release := make(chan struct{})
	slow := deliverFunc(func(ctx context.Context, d dialog.Delivery) (string, error) {
		if d.ID == 3 {
			select {
			case <-release:
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		return "", nil
	})
	ob := &fakeOutbox{wake: make(chan struct{})}
	for id := range uint64(2) {
		ob.due = append(ob.due, dialog.Delivery{ID: id + 1, Channel: "line", Created: time.Now()})
	}
	s := NewSender(ob, map[dialog.Channel]Deliverer{"line": slow}, quietSlog(), NewMetrics())
	s.Workers = 2
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Drain(dctx); err != nil || ob.Due(time.Now()) != 0 {
		t.Fatalf("Drain = %v with %d entries due, want nil and none", err, ob.Due(time.Now()))
	}

	// An entry the platform does not answer: Drain gives up when its ctx is done.
	ob.mu.Lock()
	ob.due = append(ob.due, dialog.Delivery{ID: 3, Channel: "line", Created: time.Now()})
	ob.mu.Unlock()
	short, cancelShort := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancelShort()
	if err := s.Drain(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Drain with a hanging delivery = %v, want the deadline", err)
	}
	close(release)
	stop()
	<-done
}
