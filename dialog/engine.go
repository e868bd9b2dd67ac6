package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/boltstore"
	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Options tune an Engine. The zero value is the production default.
type Options struct {
	Policy
	// LockTimeout bounds the wait for a database file locked by another process (default 1 s).
	LockTimeout time.Duration
	// Now is the clock; tests set it to move time (expiry, opening hours).
	Now func() time.Time
	// RateLimit bounds the messages of one person, across their conversations (off when zero).
	RateLimit RateLimit
}

// Engine runs conversations on the knowledge a Library serves and keeps them in a Store.
// It is safe for concurrent use; two messages of one conversation are decided one after the
// other, never interleaved: a step is stored only in a write transaction that finds the
// conversation as the step found it (Respond).
//
// Its methods are the conversation: Respond, Staff, Knowledge, Ping, AfterErase and Close. The
// outbox as a sender sees it is Outbox, and what admins read and do is Admin: thin views of the
// same engine, so that each consumer is handed only its part.
type Engine struct {
	lib    *knowledge.Library
	store  store.Store
	logger *slog.Logger
	policy Policy
	now    func() time.Time

	limiter *limiter
	claims  claims // the epochs of the outbox entries this engine claimed (Outbox.Pending)

	afterErase func() // AfterErase's; nil: none
	afterEarly func() // tests: runs between the decision on the snapshot and the commit
}

// Open opens the conversation database at path (a bbolt file, created if needed) and returns
// an engine answering from lib. A database locked by another process is an error wrapping
// ErrLocked after a short wait (Options.LockTimeout).
// Call Close to release the database file.
func Open(path string, lib *knowledge.Library, logger *slog.Logger, opts Options) (*Engine, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	s, err := boltstore.Open(path, opts.LockTimeout)
	if err != nil {
		return nil, err
	}
	return New(s, lib, logger, opts), nil
}

// New returns an engine answering from lib and keeping its state in s, which it owns from now
// on: Close closes it.
func New(s store.Store, lib *knowledge.Library, logger *slog.Logger, opts Options) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Engine{lib: lib, store: s, logger: logger, policy: opts.Policy, now: opts.Now,
		limiter: newLimiter(opts.RateLimit), claims: claims{epochs: map[uint64]uint64{}}}
}

// AfterErase makes the engine call f after every erasure (Admin.Forget) and after a retention
// sweep (Admin.Purge) that deleted conversations or case texts, so that whatever keeps copies of them outside
// the database (the adapters' render caches) can drop them. Set it before the engine is used.
func (e *Engine) AfterErase(f func()) { e.afterErase = f }

// erased runs the AfterErase hook.
func (e *Engine) erased() {
	if e.afterErase != nil {
		e.afterErase()
	}
}

// Close releases the database file. Respond calls that race with Close return ErrClosed.
func (e *Engine) Close() error { return e.store.Close() }

// Ping reports whether the database answers (for readiness checks): it fails for good once
// bbolt panicked on the file (the error wraps ErrDamaged), and when the file has been cut
// shorter than its pages.
func (e *Engine) Ping() error { return e.store.Ping() }

// Knowledge returns the knowledge being served now.
func (e *Engine) Knowledge() *knowledge.Base { return e.lib.Base() }

// Respond decides what the helpdesk says next to m and remembers it, in three steps:
//
//   - snapshot: read, in a read-only transaction, whether the event was handled before, the
//     conversation and its revision, and the id the next case will get;
//   - decide: take the step on that snapshot (package decide: pure, and the expensive part,
//     so it runs concurrently with other calls, outside the write transaction);
//   - commit: in one write transaction, drop an event seen before (returning a Reply with
//     Duplicate set), take the rate limit, and store the step only if the conversation still
//     has the snapshot's revision and the case id is still the one decided with (else decide
//     again there, on what is stored now): the conversation, the case it opens or the text it
//     relays, the counters, and, when m has an Address, the reply queued in the outbox.
//
// It returns only after the commit, so an adapter that acknowledges the platform afterwards
// never loses an acknowledged message.
func (e *Engine) Respond(ctx context.Context, m Message) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, err
	}
	in := e.input(m)
	snap, err := e.snapshot(ctx, in)
	if err != nil {
		return Reply{}, fmt.Errorf("respond: %w", err)
	}
	if snap.duplicate {
		return Reply{Duplicate: true}, nil
	}
	var s *step
	if !(m.Event == EventText && e.limiter.limited(personKey(m), in.now)) {
		// a flood is refused or told once in the commit: not worth deciding
		s, _ = e.decide(in, snap.conv, snap.caseID) // a failure is decided again, and reported, in the commit
		if s != nil && !s.fx.Handoff && s.fx.Relay == "" && s.fx.LeaveCase == "" && !s.fx.Forget {
			// no case effect will change the conversation in the commit: encode it now
			s.enc, _ = e.store.Encode(s.conv, s.send) // nil on failure: encoded in the commit
		}
	}
	if e.afterEarly != nil {
		e.afterEarly()
	}
	start := time.Now()
	reply, err := e.commit(ctx, in, snap, s)
	if err != nil {
		return Reply{}, fmt.Errorf("respond: %w", err)
	}
	if !reply.Duplicate {
		e.logger.Debug("responded", "channel", m.Channel, "outcome", string(reply.Outcome), "topic", reply.Topic, "dur", time.Since(start))
	}
	return reply, nil
}

// input is one message with what deciding it needs besides the store.
type input struct {
	m       Message
	kb      *knowledge.Base
	key     string    // the conversation's
	at, now time.Time // when the platform saw the event, and now
}

func (e *Engine) input(m Message) input {
	in := input{m: m, kb: e.lib.Base(), key: store.ConvKey(m.Channel, m.UserID), now: e.now()}
	in.at = m.At
	if in.at.IsZero() {
		in.at = in.now
	}
	return in
}

// snapshot is what a step is decided from.
type snapshot struct {
	duplicate bool          // the event was committed before
	conv      *Conversation // as stored, at rev
	rev       store.Rev
	caseID    string // the id the next case will get
}

func (e *Engine) snapshot(ctx context.Context, in input) (snapshot, error) {
	var snap snapshot
	err := e.store.View(ctx, func(t store.Tx) error {
		if in.m.EventID != "" && t.Seen(in.m.Channel, in.m.EventID) {
			snap.duplicate = true
			return nil
		}
		snap.conv, snap.rev = t.Conversation(in.key)
		snap.caseID = t.PeekCaseID(in.now.In(knowledge.Tokyo))
		return nil
	})
	return snap, err
}

// step is one decided step, ready to be committed: the conversation after it, the reply, the
// effects, and the reply's outbox entry.
type step struct {
	conv   *Conversation // stored unless fx.Forget
	reply  Reply
	fx     decide.Effects
	caseID string         // the case an escalation opens (or joins)
	send   *Delivery      // the reply for the outbox; nil: nothing to send
	enc    *store.Encoded // conv and send made ready to store (Store.Encode); nil: not yet
}

// decide takes the step of in.m on conv.
func (e *Engine) decide(in input, conv *Conversation, caseID string) (*step, error) {
	st, err := decide.Decide(decide.In{KB: in.kb, Policy: e.policy, Conv: conv, Msg: in.m, Now: in.now, CaseID: caseID})
	if err != nil {
		return nil, err
	}
	s := &step{conv: st.Conv, reply: st.Reply, fx: st.Effects, caseID: caseID}
	if in.m.Address != "" && (len(s.reply.Blocks) > 0 || s.reply.Leave) {
		s.send = &Delivery{Channel: in.m.Channel, Address: in.m.Address, Recipient: in.key,
			Kind: KindReply, Reply: s.reply, Created: in.now, Event: in.at, Key: store.NewKey()}
	}
	return s, nil
}

// commit stores the step s decided on snap, or, when the store moved since, a step decided
// again on what it holds now.
func (e *Engine) commit(ctx context.Context, in input, snap snapshot, s *step) (Reply, error) {
	m := in.m
	// The rate limit is decided inside the transaction, after the duplicate check, so a
	// redelivered event takes no token. The transaction may run again: with the in-memory
	// limiter the decision is taken on the first run and kept, so one message takes one token;
	// a store that keeps the buckets itself (store.RateTx, shared by replicas) takes the token
	// in the transaction, which gives it back when it rolls back, so it is asked on every run.
	var (
		limited bool // the in-memory limiter was asked
		dropped bool // refused again while limited: no reply at all
	)
	limit := func(t store.Tx) error {
		if e.limiter == nil || m.Event != EventText {
			return nil
		}
		var ok, notify bool
		if shared, isShared := t.(store.RateTx); isShared {
			in.m.Event, dropped = m.Event, false // as before an earlier run
			var err error
			if ok, notify, err = shared.TakeToken(personKey(m), in.now, e.limiter.rate.Burst, e.limiter.rate.Every); err != nil {
				return err
			}
		} else {
			if limited {
				return nil
			}
			limited = true
			ok, notify = e.limiter.allow(personKey(m), in.now)
		}
		switch {
		case !ok && notify:
			in.m.Event = EventRateLimited
			s = nil // decided for the text, not for the notice
		case !ok:
			dropped = true
		}
		return nil
	}
	var reply Reply
	err := e.store.Update(ctx, func(t store.Tx) error {
		reply = Reply{}
		if m.EventID != "" && t.Seen(m.Channel, m.EventID) {
			reply.Duplicate = true
			return nil
		}
		if err := limit(t); err != nil {
			return err
		}
		if dropped {
			// nothing is said or kept: only a redelivery must be recognised
			if m.EventID != "" {
				return t.MarkSeen(m.Channel, m.EventID, in.now)
			}
			return nil
		}
		cur, prior := s, (*Case)(nil)
		if cur == nil || t.ConversationRev(in.key) != snap.rev {
			// the conversation changed since the snapshot (another message of it, or staff)
			conv, _ := t.Conversation(in.key)
			var err error
			if cur, err = e.decide(in, conv, t.PeekCaseID(in.now.In(knowledge.Tokyo))); err != nil {
				return err
			}
		}
		if cur.fx.Handoff {
			caseID, p, err := e.caseFor(t, in)
			if err != nil {
				return err
			}
			if caseID != cur.caseID {
				// another case was opened since the snapshot, or the person has one open
				// already, which the step joins: decide again with its id
				conv, _ := t.Conversation(in.key)
				if cur, err = e.decide(in, conv, caseID); err != nil {
					return err
				}
			}
			prior = p
		}
		reply = cur.reply
		if err := e.apply(t, in, cur, prior); err != nil {
			return err
		}
		return e.save(t, in.key, cur, m, in.now)
	})
	return reply, err
}

// caseFor returns the case an escalation of in.m opens or joins: the case the person has open
// already (prior), when staff are reachable, or the id the next case will get.
//
// The next id is peeked before the person's open case is looked up: a store shared by replicas
// locks the case numbers when peeking and the person when looking up (pgstore), and taking
// them in this order in every step, as a step decided again in the commit does, keeps two
// steps from waiting for each other's lock.
func (e *Engine) caseFor(t store.Tx, in input) (id string, prior *Case, err error) {
	next := t.PeekCaseID(in.now.In(knowledge.Tokyo))
	if e.policy.Staffed {
		if prior, err = t.OpenCaseOf(in.m.Channel, personOf(in.m)); err != nil {
			return "", nil, err
		}
		if prior != nil {
			return prior.ID, prior, nil
		}
	}
	return next, nil, nil
}

// apply carries out the step's effects on cases: open (or join) one, relay a text to staff,
// leave one. They run before the conversation is stored, since they may change it.
func (e *Engine) apply(t store.Tx, in input, s *step, prior *Case) error {
	if s.fx.Handoff {
		if err := e.openCase(t, in.kb, in.m, s.conv, &s.reply, s.fx.FirstAid, prior, in.now); err != nil {
			return err
		}
	}
	if s.fx.Relay != "" {
		if err := e.relayToStaff(t, in.kb, s.conv, s.fx.Relay, s.fx.FirstAid, in.m, in.now); err != nil {
			return err
		}
	}
	if s.fx.LeaveCase != "" {
		if err := e.leaveCase(t, in.kb, s.fx.LeaveCase, in.now); err != nil {
			return err
		}
	}
	return nil
}

// save writes the step s of conversation key and marks m's event seen.
func (e *Engine) save(t store.Tx, key string, s *step, m Message, now time.Time) error {
	var err error
	switch {
	case s.fx.Forget:
		err = t.DeleteConversation(key)
	case s.enc != nil:
		err = t.PutEncoded(key, s.enc) // queues send too
	default:
		err = t.PutConversation(key, s.conv)
	}
	if err != nil {
		return err
	}
	if s.fx.Unanswered != nil {
		u := *s.fx.Unanswered
		u.Text, u.At = decide.Truncate(u.Text, maxUnansweredText), now
		u.Channel = m.Channel
		if err := t.AddUnanswered(&u, m.UserID, m.Person); err != nil {
			return err
		}
	}
	day := now.In(knowledge.Tokyo).Format(time.DateOnly)
	for _, name := range s.fx.Counts {
		if err := t.Count(day, s.fx.Topic, name); err != nil {
			return err
		}
	}
	if s.send != nil && s.enc == nil {
		if err := t.Enqueue(s.send); err != nil {
			return err
		}
	}
	if m.EventID != "" {
		return t.MarkSeen(m.Channel, m.EventID, now)
	}
	return nil
}

// Compact writes a compacted copy of the database file src to dst, which must not exist yet:
// bbolt never gives freed pages back to the file system, so a file that once held a long
// outbox or many conversations stays large; the copy holds only the live data. src must not be
// in use: when a bot holds it, the error names the file and wraps ErrLocked, and src is not
// touched. It returns the sizes of src and dst in bytes.
func Compact(src, dst string, lockTimeout time.Duration) (before, after int64, err error) {
	return boltstore.Compact(src, dst, lockTimeout)
}
