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
// staff thread a new case was posted in), or an error. A *dialog.Failure in the error's chain
// says what to do about it (retry, drop, hold the channel, come back later) and how much of the
// entry was sent; any other error is retried with exponential backoff. A Deliverer may also have
//
//	Probe(ctx context.Context) error  ask the platform whether it accepts the credentials
//
// which the sender calls at start, and while the channel is down, with backoff.
type Deliverer interface {
	Deliver(ctx context.Context, d dialog.Delivery) (ref string, err error)
}

// outbox is what the sender needs from the engine: its outbox (a *dialog.Outbox).
type outbox interface {
	Pending(now time.Time, limit int, busy map[uint64]bool) ([]dialog.Delivery, error)
	Delivered(id uint64, ref string) error
	Dropped(id uint64) error
	Postpone(id uint64, next time.Time, progress int, reason string) error
	Defer(id uint64, next time.Time, progress int) error
	Wake() <-chan struct{}
	Hasten(channel dialog.Channel, now time.Time) (int, error)
	Due(now time.Time) int
}

// prober is a Deliverer that can ask its platform whether the credentials are accepted.
type prober interface {
	Probe(ctx context.Context) error
}

// Sender delivers the outbox: entries of one recipient in order, different recipients in
// parallel, retrying failures with backoff (honouring Retry-After) until they are delivered or
// fail for good.
type Sender struct {
	outbox   outbox
	channels map[dialog.Channel]Deliverer
	logger   *slog.Logger
	metrics  *Metrics
	health   *Health

	// Workers is how many deliveries of one channel run at once (default 64). Each channel has
	// workers of its own, so that a platform that hangs holds up only its own channel.
	Workers int
	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// GiveUp is how long an entry is retried before it is dropped and logged (default 24 h).
	GiveUp time.Duration
	// Poll is how often the outbox is looked at when nothing wakes the sender (default 1 s).
	Poll time.Duration
	// Grace is how long deliveries in flight may still run once Run's ctx is done (default
	// 10 s, like Timeout); then they are cancelled and stay in the outbox for the next start.
	// A stop waits for no longer than that, whatever the platforms do.
	Grace time.Duration
	// Backoff returns the wait before attempt n+1 (default: 1 s doubling to 5 min, jittered).
	Backoff func(attempt int) time.Duration
	// ProbeBackoff returns the wait before probe n+1 of a channel that is down (default: n+1
	// seconds up to 30 s, jittered).
	ProbeBackoff func(attempt int) time.Duration
	// Hold is how far ahead the entries of a channel that is down are put off (default 1 h). A
	// successful probe brings them forward at once; Hold only bounds the work while down.
	Hold time.Duration
	// Recover is how often a channel whose deliveries fail (5xx, 429, timeouts) is probed, so
	// that its waiting entries are brought forward soon after the platform answers again
	// (default 1 s). Probes of a channel that is down back off with ProbeBackoff instead.
	Recover time.Duration

	kicks      map[dialog.Channel]chan struct{} // per channel: probe now
	poke       chan struct{}                    // look at the outbox now (entries brought forward)
	settledAny chan struct{}                    // an attempt is over: Drain looks at the outbox again
	hastened   sync.Map                         // channel → time.Time of its last Hasten
	troubled   sync.Map                         // channel → true after a failed attempt, until a success
	retryAfter sync.Map                         // channel → time.Time before which the platform asked not to call (429)

	// unmarked holds the entries sent whose delivery could not be recorded (id -> ref): when the
	// outbox offers them again, the record is retried instead of the sending.
	unmarked sync.Map
}

// NewSender returns a sender for the given channels ("line", "slack", "staff").
func NewSender(ob outbox, channels map[dialog.Channel]Deliverer, logger *slog.Logger, metrics *Metrics) *Sender {
	var names []string
	kicks := map[dialog.Channel]chan struct{}{}
	for name := range channels {
		names = append(names, string(name))
		kicks[name] = make(chan struct{}, 1)
	}
	health := NewHealth(logger, names...)
	health.Register(metrics)
	return &Sender{outbox: ob, channels: channels, logger: logger.With("component", "sender"), metrics: metrics, health: health,
		Workers: 64, Timeout: 10 * time.Second, GiveUp: 24 * time.Hour, Poll: time.Second, Grace: 10 * time.Second, Backoff: backoff,
		ProbeBackoff: probeBackoff, Hold: time.Hour, Recover: time.Second, kicks: kicks, poke: make(chan struct{}, 1),
		settledAny: make(chan struct{}, 1)}
}

// Health returns which channels can deliver, for /readyz.
func (s *Sender) Health() *Health { return s.health }

// Recheck probes every channel that is down now, rather than at the end of its backoff: after a
// reload, when an operator may just have fixed a token or a permission.
func (s *Sender) Recheck() {
	for name := range s.kicks {
		if s.health.IsDown(string(name)) {
			s.kick(name)
		}
	}
}

// probeBackoff grows by a second a probe, to 30 s: a probe is one cheap call, and a channel
// that an operator has just fixed should not wait out a long doubling backoff.
func probeBackoff(attempt int) time.Duration {
	d := min(time.Duration(attempt+1)*time.Second, 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 9) // 1 s .. 512 s
	d = min(d, 5*time.Minute)
	return d/2 + rand.N(d/2+1) // jitter: retries of many entries do not come back in step
}

// Run delivers until ctx is done, then waits for the deliveries in flight to finish, for at
// most Grace. It probes the channels whose deliverers can be probed first and while they are
// down.
func (s *Sender) Run(ctx context.Context) error {
	// Deliveries run under abortCtx, not ctx: one that started finishes during a stop, until
	// Grace has passed.
	abortCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	var drain *time.Timer
	// One queue per channel, each with its own workers: order per recipient is kept by the
	// outbox, which offers a recipient's next entry only after the previous one is settled, so
	// any free worker of the channel can take any entry, a request hanging at a platform holds
	// up only its own recipient, and a platform that hangs altogether only its own channel.
	work := map[dialog.Channel]chan dialog.Delivery{}
	settled := make(chan uint64, s.Workers*(len(s.channels)+1)) // ids of entries whose attempt is over
	var wg sync.WaitGroup
	pool := func(name dialog.Channel) chan dialog.Delivery {
		if q, ok := work[name]; ok {
			return q
		}
		q := make(chan dialog.Delivery, s.Workers)
		work[name] = q
		for i := 0; i < s.Workers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.work(ctx, abortCtx, q, settled)
			}()
		}
		return q
	}
	for name := range s.channels {
		pool(name)
	}
	var probes sync.WaitGroup
	probeCtx, stopProbes := context.WithCancel(ctx)
	defer func() { stopProbes(); probes.Wait() }()
	for name, d := range s.channels {
		if p, ok := d.(prober); ok {
			probes.Add(1)
			go func() {
				defer probes.Done()
				s.watch(probeCtx, name, p)
			}()
		}
	}
	busy := map[uint64]bool{}
	// queued holds, per channel, entries picked but not yet handed to their (busy) workers.
	queued := map[dialog.Channel][]dialog.Delivery{}
	timer := time.NewTimer(0)
	defer timer.Stop()
	scan := true
	for {
		if ctx.Err() != nil {
			// Shutting down: pick nothing new (it stays in the outbox), finish what is in flight.
			if drain == nil {
				drain = time.AfterFunc(s.Grace, abort)
				defer drain.Stop()
			}
			for name, q := range queued {
				queued[name] = s.unqueue(q, busy)
			}
			if len(busy) == 0 {
				break
			}
			delete(busy, <-settled)
			continue
		}
		if scan {
			scan = false
			ds, err := s.outbox.Pending(time.Now(), 4*s.Workers*len(work), busy)
			if err != nil && !errors.Is(err, dialog.ErrClosed) {
				s.logger.Error("outbox not readable", "err", err)
			}
			for _, d := range ds {
				busy[d.ID] = true
				name := d.Channel
				if _, ok := s.channels[name]; !ok {
					name = "" // not configured: one pool for all such entries, which wait a minute
				}
				queued[name] = append(queued[name], d)
			}
		}
		for name, q := range queued {
			queued[name] = s.dispatch(q, pool(name))
		}
		select {
		case <-ctx.Done():
		case id := <-settled:
			delete(busy, id)
			scan = true // the recipient's next entry may be due now (picking is cheap: in memory)
		case <-s.outbox.Wake():
			scan = true
		case <-s.poke:
			scan = true
		case <-timer.C:
			scan = true
			timer.Reset(s.Poll)
		}
	}
	for _, q := range work {
		close(q)
	}
	wg.Wait()
	return nil
}

// work is one worker of a channel's pool: it delivers the entries handed to it until q closes.
func (s *Sender) work(ctx, abortCtx context.Context, q <-chan dialog.Delivery, settled chan<- uint64) {
	for d := range q {
		switch {
		case ctx.Err() != nil:
			// stopping: what was handed over but not started stays in the outbox
		case s.health.IsDown(string(d.Channel)):
			// the platform refuses the credentials: no attempt until a probe succeeds
			s.hold(d, d.Progress)
		default:
			if ref, ok := s.unmarked.Load(d.ID); ok {
				// sent already, but the database could not record it (disk full): record it
				// now rather than sending it twice
				if err := s.outbox.Delivered(d.ID, ref.(string)); err == nil {
					s.unmarked.Delete(d.ID)
				}
				break
			}
			ref, err := s.deliver(abortCtx, d)
			// settling here lets the commits of many workers share bbolt batches
			s.settle(d, ref, err)
		}
		settled <- d.ID
		select {
		case s.settledAny <- struct{}{}:
		default:
		}
	}
}

// Drain waits until the outbox holds nothing due now, or until ctx is done (and then returns
// its error), while Run goes on delivering: at a stop, what the last webhooks queued goes out
// before Run's ctx is cancelled. Entries waiting for a retry later are not waited for; they
// are delivered after the next start. It looks at the outbox each time an attempt is over,
// and every Poll in case nothing is being attempted.
func (s *Sender) Drain(ctx context.Context) error {
	poll := time.NewTicker(max(s.Poll, 10*time.Millisecond))
	defer poll.Stop()
	for s.outbox.Due(time.Now()) > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.settledAny:
		case <-poll.C:
		}
	}
	return nil
}

// hold puts off an entry of a channel that is down, without counting an attempt: the entry is
// not at fault. When the channel came up meanwhile, the entry is due again at once (the
// probe's Hasten may have run before this Defer).
func (s *Sender) hold(d dialog.Delivery, progress int) {
	if err := s.outbox.Defer(d.ID, time.Now().Add(s.Hold), progress); err != nil {
		s.entryLogger(d).Error("cannot hold delivery", "err", err)
		return
	}
	if !s.health.IsDown(string(d.Channel)) {
		if err := s.outbox.Defer(d.ID, time.Now(), progress); err != nil {
			s.entryLogger(d).Error("cannot resume delivery", "err", err)
		}
	}
}

// watch probes channel name at start, while it is down (with backoff until the platform
// accepts the credentials again), and once a second while its deliveries fail for other
// reasons (5xx, 429, timeouts). When a probe succeeds after either, it brings the channel's
// waiting entries forward: replies do not wait out a backoff grown during an outage. A probe
// that cannot reach the platform leaves the channel up or down as it is.
func (s *Sender) watch(ctx context.Context, name dialog.Channel, p prober) {
	attempt := 0
	first := true
	var lastDown time.Time
	for {
		pctx, cancel := context.WithTimeout(ctx, min(s.Timeout, s.Recover*2))
		err := p.Probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		var f *dialog.Failure
		switch {
		case err == nil:
			wasDown := s.health.Up(string(name))
			_, wasTroubled := s.troubled.LoadAndDelete(name)
			// At start too: entries held by the previous process come forward.
			if wasDown || first {
				s.hasten(name, true)
			} else if wasTroubled {
				s.hasten(name, false)
			}
			first = false
			if s.health.IsDown(string(name)) {
				break // a delivery found the credentials refused meanwhile
			}
			// Up: wait for a delivery to report trouble.
			select {
			case <-ctx.Done():
				return
			case <-s.kicks[name]:
			}
			wait := s.Recover
			if s.health.IsDown(string(name)) {
				// A refusal the probe cannot see (a permission auth.test does not check) would
				// bring the channel up and down again and again: the backoff grows across such
				// rounds, and starts over after a quiet while.
				if time.Since(lastDown) > 10*time.Minute {
					attempt = 0
				}
				lastDown = time.Now()
				wait = s.ProbeBackoff(attempt)
				attempt++
			}
			if !s.sleep(ctx, name, wait) {
				return
			}
			continue
		case errors.As(err, &f) && f.Kind == dialog.Refused:
			s.health.Down(string(name), err.Error())
			lastDown = time.Now()
			first = false
		default:
			if first || s.health.IsDown(string(name)) {
				s.logger.Warn("channel probe failed, will retry", "channel", name, "err", err, "attempts", attempt+1)
			}
		}
		wait := s.ProbeBackoff(attempt)
		attempt++
		if _, troubled := s.troubled.Load(name); troubled && !s.health.IsDown(string(name)) {
			wait = min(wait, s.Recover)
		}
		if !s.sleep(ctx, name, wait) {
			return
		}
	}
}

// kick asks the channel's watcher to look at it now.
func (s *Sender) kick(channel dialog.Channel) {
	if k, ok := s.kicks[channel]; ok {
		select {
		case k <- struct{}{}:
		default:
		}
	}
}

// sleep waits d, or less when channel name is to be probed now; it returns false when ctx is
// done.
func (s *Sender) sleep(ctx context.Context, name dialog.Channel, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.kicks[name]:
	case <-t.C:
	}
	return true
}

// hasten brings the waiting entries of channel forward, at most once a second unless forced.
func (s *Sender) hasten(channel dialog.Channel, force bool) {
	now := time.Now()
	if last, ok := s.hastened.Load(channel); ok && !force && now.Sub(last.(time.Time)) < time.Second {
		return
	}
	s.hastened.Store(channel, now)
	at := now
	if until, ok := s.retryAfter.Load(channel); ok && until.(time.Time).After(now) {
		at = until.(time.Time) // the platform asked to wait (429): no sooner than it said
	}
	n, err := s.outbox.Hasten(channel, at)
	if err != nil {
		if !errors.Is(err, dialog.ErrClosed) {
			s.logger.Error("cannot bring deliveries forward", "channel", channel, "err", err)
		}
		return
	}
	if n > 0 {
		s.logger.Info("deliveries brought forward", "channel", channel, "entries", n)
	}
	select {
	case s.poke <- struct{}{}:
	default:
	}
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
	// own timeout and the Grace.
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
		if _, was := s.troubled.LoadAndDelete(d.Channel); was {
			// The platform answers again: what waits for a retry need not wait out its backoff.
			s.hasten(d.Channel, false)
		}
		return
	}
	log := s.entryLogger(d)
	var f *dialog.Failure
	if !errors.As(err, &f) {
		f = &dialog.Failure{Err: err, Progress: d.Progress}
	}
	progress := f.Progress
	if f.Kind == dialog.Paced {
		log.Debug("delivery deferred", "in", f.RetryAfter.Round(time.Millisecond))
		if err := s.outbox.Defer(d.ID, time.Now().Add(f.RetryAfter), progress); err != nil {
			log.Error("cannot defer delivery", "err", err)
		}
		return
	}
	if _, probed := s.channels[d.Channel].(prober); probed && f.Kind == dialog.Refused {
		if s.health.Down(string(d.Channel), err.Error()) {
			s.kick(d.Channel)
		}
		s.hold(d, progress)
		return
	}
	if f.Kind == dialog.Permanent {
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
	if f.RetryAfter > 0 {
		delay = f.RetryAfter
		until := time.Now().Add(delay)
		if prev, ok := s.retryAfter.Load(d.Channel); !ok || prev.(time.Time).Before(until) {
			s.retryAfter.Store(d.Channel, until)
		}
	}
	if errors.Is(err, errNoChannel) {
		delay = time.Minute
	}
	if _, was := s.troubled.LoadOrStore(d.Channel, true); !was {
		s.kick(d.Channel) // probe soon: the channel's waiting entries follow the first success
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
