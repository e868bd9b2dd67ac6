package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// Deliverer sends one outbox entry on one platform. It returns what later messages need (the
// staff thread a new case was posted in), or an error. Adapters say more about an error by the
// methods it has, so they need not import this package:
//
//	RetryAfter() time.Duration  the platform asked to wait (HTTP 429 Retry-After)
//	Permanent() bool            retrying cannot help (a rejected request, an unknown user)
//	Progress() int              how many messages of the entry were sent before the failure
//	Deferred() bool             not a failure: come back after RetryAfter (the adapter's pacing)
//
// Any other error is retried with exponential backoff.
type Deliverer interface {
	Deliver(ctx context.Context, d dialog.Delivery) (ref string, err error)
}

// outbox is what the sender needs from the engine.
type outbox interface {
	Pending(now time.Time, limit int, busy map[uint64]bool) ([]dialog.Delivery, error)
	Delivered(id uint64, ref string) error
	Dropped(id uint64) error
	Postpone(id uint64, next time.Time, progress int, reason string) error
	Defer(id uint64, next time.Time, progress int) error
	Wake() <-chan struct{}
}

// Sender delivers the outbox: entries of one recipient in order, different recipients in
// parallel, retrying failures with backoff (honouring Retry-After) until they are delivered or
// fail for good.
type Sender struct {
	outbox   outbox
	channels map[string]Deliverer
	logger   *slog.Logger
	metrics  *Metrics

	// Workers is how many deliveries run at once (default 64).
	Workers int
	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// GiveUp is how long an entry is retried before it is dropped and logged (default 24 h).
	GiveUp time.Duration
	// Poll is how often the outbox is looked at when nothing wakes the sender (default 1 s).
	Poll time.Duration
	// Drain is how long deliveries in flight may still run once Run's ctx is done (default
	// 10 s, like Timeout); then they are cancelled and stay in the outbox for the next start.
	// A stop waits for no longer than that, whatever the platforms do.
	Drain time.Duration
	// Backoff returns the wait before attempt n+1 (default: 1 s doubling to 5 min, jittered).
	Backoff func(attempt int) time.Duration

	// unmarked holds the entries sent whose delivery could not be recorded (id -> ref): when the
	// outbox offers them again, the record is retried instead of the sending.
	unmarked sync.Map
}

// NewSender returns a sender for the given channels ("line", "slack", "staff").
func NewSender(ob outbox, channels map[string]Deliverer, logger *slog.Logger, metrics *Metrics) *Sender {
	return &Sender{outbox: ob, channels: channels, logger: logger.With("component", "sender"), metrics: metrics,
		Workers: 64, Timeout: 10 * time.Second, GiveUp: 24 * time.Hour, Poll: time.Second, Drain: 10 * time.Second, Backoff: backoff}
}

func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 9) // 1 s .. 512 s
	d = min(d, 5*time.Minute)
	return d/2 + rand.N(d/2+1) // jitter: retries of many entries do not come back in step
}

// Run delivers until ctx is done, then waits for the deliveries in flight to finish, for at
// most Drain.
func (s *Sender) Run(ctx context.Context) error {
	// Deliveries run under abortCtx, not ctx: one that started finishes during a stop, until
	// Drain has passed.
	abortCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	var drain *time.Timer
	// One queue for all workers: order per recipient is kept by the outbox, which offers a
	// recipient's next entry only after the previous one is settled, so any free worker can take
	// any entry and a request hanging at a platform holds up only its own recipient.
	work := make(chan dialog.Delivery, s.Workers)
	settled := make(chan uint64, s.Workers) // ids of entries whose attempt is over
	var wg sync.WaitGroup
	for i := 0; i < s.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if ctx.Err() != nil {
					// stopping: what was handed over but not started stays in the outbox
					settled <- d.ID
					continue
				}
				if ref, ok := s.unmarked.Load(d.ID); ok {
					// sent already, but the database could not record it (disk full): record it
					// now rather than sending it twice
					if err := s.outbox.Delivered(d.ID, ref.(string)); err == nil {
						s.unmarked.Delete(d.ID)
					}
					settled <- d.ID
					continue
				}
				ref, err := s.deliver(abortCtx, d)
				// settling here lets the commits of many workers share bbolt batches
				s.settle(d, ref, err)
				settled <- d.ID
			}
		}()
	}
	busy := map[uint64]bool{}
	// queued holds entries picked but not yet handed to their (busy) worker.
	var queued []dialog.Delivery
	timer := time.NewTimer(0)
	defer timer.Stop()
	scan := true
	for {
		if ctx.Err() != nil {
			// Shutting down: pick nothing new (it stays in the outbox), finish what is in flight.
			if drain == nil {
				drain = time.AfterFunc(s.Drain, abort)
				defer drain.Stop()
			}
			queued = s.unqueue(queued, busy)
			if len(busy) == 0 {
				break
			}
			delete(busy, <-settled)
			continue
		}
		if scan {
			scan = false
			ds, err := s.outbox.Pending(time.Now(), 4*s.Workers, busy)
			if err != nil && !errors.Is(err, dialog.ErrClosed) {
				s.logger.Error("outbox not readable", "err", err)
			}
			for _, d := range ds {
				busy[d.ID] = true
				queued = append(queued, d)
			}
		}
		queued = s.dispatch(queued, work)
		select {
		case <-ctx.Done():
		case id := <-settled:
			delete(busy, id)
			scan = true // the recipient's next entry may be due now (picking is cheap: in memory)
		case <-s.outbox.Wake():
			scan = true
		case <-timer.C:
			scan = true
			timer.Reset(s.Poll)
		}
	}
	close(work)
	wg.Wait()
	return nil
}

// dispatch hands queued entries to free workers without blocking; what cannot be handed over
// yet stays queued.
func (s *Sender) dispatch(queued []dialog.Delivery, work chan<- dialog.Delivery) []dialog.Delivery {
	for i, d := range queued {
		select {
		case work <- d:
		default:
			return queued[i:]
		}
	}
	return queued[:0]
}

// unqueue forgets entries picked but not started, at shutdown: they stay in the outbox.
func (s *Sender) unqueue(queued []dialog.Delivery, busy map[uint64]bool) []dialog.Delivery {
	for _, d := range queued {
		delete(busy, d.ID)
	}
	return nil
}

func (s *Sender) deliver(ctx context.Context, d dialog.Delivery) (string, error) {
	ch, ok := s.channels[d.Channel]
	if !ok {
		return "", errNoChannel
	}
	// ctx is Run's abortCtx: a delivery that started finishes even during shutdown, within its
	// own timeout and the Drain.
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	start := time.Now()
	ref, err := ch.Deliver(ctx, d)
	s.metrics.observeDelivery(d, time.Since(start), err)
	return ref, err
}

var errNoChannel = errors.New("channel not configured")

// settle records the outcome of one attempt.
func (s *Sender) settle(d dialog.Delivery, ref string, err error) {
	if err == nil {
		if err := s.outbox.Delivered(d.ID, ref); err != nil {
			s.entryLogger(d).Error("delivered but not marked, will record it again", "err", err)
			s.unmarked.Store(d.ID, ref)
		}
		return
	}
	log := s.entryLogger(d)
	var (
		perm  interface{ Permanent() bool }
		wait  interface{ RetryAfter() time.Duration }
		prog  interface{ Progress() int }
		later interface{ Deferred() bool }
	)
	progress := d.Progress
	if errors.As(err, &prog) {
		progress = prog.Progress()
	}
	if errors.As(err, &later) && later.Deferred() && errors.As(err, &wait) {
		log.Debug("delivery deferred", "in", wait.RetryAfter().Round(time.Millisecond))
		if err := s.outbox.Defer(d.ID, time.Now().Add(wait.RetryAfter()), progress); err != nil {
			log.Error("cannot defer delivery", "err", err)
		}
		return
	}
	if errors.As(err, &perm) && perm.Permanent() {
		log.Error("reply not delivered", "err", err, "attempts", d.Attempts+1)
		s.drop(d)
		return
	}
	if time.Since(d.Created) > s.GiveUp {
		log.Error("reply not delivered, giving up", "err", err, "attempts", d.Attempts+1, "age", time.Since(d.Created).Round(time.Second))
		s.drop(d)
		return
	}
	delay := s.Backoff(d.Attempts)
	if errors.As(err, &wait) && wait.RetryAfter() > 0 {
		delay = wait.RetryAfter()
	}
	if errors.Is(err, errNoChannel) {
		delay = time.Minute
	}
	log.Warn("delivery failed, will retry", "err", err, "attempts", d.Attempts+1, "in", delay.Round(time.Millisecond))
	if err := s.outbox.Postpone(d.ID, time.Now().Add(delay), progress, err.Error()); err != nil {
		log.Error("cannot postpone delivery", "err", err)
	}
}

// entryLogger is the logger for what happens to d. It is built only when there is something to
// log: most deliveries succeed, and the attributes cost allocations.
func (s *Sender) entryLogger(d dialog.Delivery) *slog.Logger {
	return s.logger.With("channel", d.Channel, "kind", d.Kind, "delivery", d.ID, "outcome", string(d.Reply.Outcome), "topic", d.Reply.Topic)
}

func (s *Sender) drop(d dialog.Delivery) {
	s.metrics.deliveryDropped(d)
	if err := s.outbox.Dropped(d.ID); err != nil {
		s.logger.Error("cannot drop delivery", "delivery", d.ID, "err", err)
	}
}
