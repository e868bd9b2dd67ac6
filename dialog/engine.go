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
type Engine struct {
	lib    *knowledge.Library
	store  store.Store
	logger *slog.Logger
	policy Policy
	now    func() time.Time

	limiter *limiter
	claims  claims // the epochs of the outbox entries this engine claimed (Pending)

	afterErase func() // AfterErase's; nil: none
	afterEarly func() // tests: runs between the early decision and the write transaction
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

// AfterErase makes the engine call f after every erasure (Forget) and after a retention sweep
// (Purge) that deleted conversations or case texts, so that whatever keeps copies of them outside
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

// Knowledge returns the knowledge being served now.
func (e *Engine) Knowledge() *knowledge.Base { return e.lib.Base() }

// Respond decides what the helpdesk says next to m and remembers it. In one transaction it
// drops an event seen before (returning a Reply with Duplicate set), loads the conversation,
// decides, saves the conversation, opens a case when the step asks for one, and, when m has an
// Address, queues the reply in the outbox for the sender. It returns only after the commit, so
// an adapter that acknowledges the platform afterwards never loses an acknowledged message.
//
// Deciding (search, rendering, encoding) is the expensive part, and bbolt runs one write
// transaction at a time, so Respond first decides from a read-only snapshot, concurrently with
// other calls, and the write transaction only checks that the conversation is still the one
// the decision was made from before storing it. When it is not (another message of the same
// conversation, or staff, changed it in between) or when the step needs the database (opening
// a case, relaying to staff), the decision is made again inside the transaction, as before.
func (e *Engine) Respond(ctx context.Context, m Message) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, err
	}
	kb := e.lib.Base()
	now := e.now()
	at := m.At
	if at.IsZero() {
		at = now
	}
	key := store.ConvKey(m.Channel, m.UserID)
	pre, err := e.decideEarly(ctx, kb, m, key, at, now)
	if err != nil {
		return Reply{}, fmt.Errorf("respond: %w", err)
	}
	if pre.duplicate {
		return Reply{Duplicate: true}, nil
	}
	if e.afterEarly != nil {
		e.afterEarly()
	}
	// The rate limit is decided inside the transaction, after the duplicate check, so a
	// redelivered event takes no token. A batch may run the function again: the decision is
	// taken on the first run and kept, so one message takes one token.
	var (
		limited bool // the limiter was asked
		dropped bool // refused again while limited: no reply at all
	)
	limit := func() {
		if limited || e.limiter == nil || m.Event != EventText {
			return
		}
		limited = true
		ok, notify := e.limiter.allow(personKey(m), now)
		switch {
		case !ok && notify:
			m.Event = EventRateLimited
			pre.step = nil // decided for the text, not for the notice
		case !ok:
			dropped = true
		}
	}
	var (
		reply    Reply
		duration time.Duration
	)
	start := time.Now()
	err = e.store.Update(ctx, func(t store.Tx) error {
		reply = Reply{}
		if m.EventID != "" && t.Seen(m.Channel, m.EventID) {
			reply.Duplicate = true
			return nil
		}
		limit()
		if dropped {
			// nothing is said or kept: only a redelivery must be recognised
			if m.EventID != "" {
				return t.MarkSeen(m.Channel, m.EventID, now)
			}
			return nil
		}
		s := pre.step
		if s == nil || t.ConversationRev(key) != pre.rev {
			var err error
			if s, err = e.decideIn(t, kb, m, key, at, now); err != nil {
				return err
			}
		}
		reply = s.reply
		return e.save(t, key, s, m, now)
	})
	duration = time.Since(start)
	if err != nil {
		return Reply{}, fmt.Errorf("respond: %w", err)
	}
	if !reply.Duplicate {
		e.logger.Debug("responded", "channel", m.Channel, "outcome", string(reply.Outcome), "topic", reply.Topic, "dur", duration)
	}
	return reply, nil
}

// decided is the outcome of one step, ready to be stored.
type decided struct {
	reply Reply
	fx    decide.Effects
	conv  *Conversation // stored unless fx.Forget
	send  *Delivery     // the reply for the outbox; nil: nothing to send
}

// early is what Respond learns before its write transaction.
type early struct {
	duplicate bool      // the event was committed before
	rev       store.Rev // the revision of the conversation the step was decided from
	step      *decided  // nil: decide inside the transaction
}

// decideEarly decides m from a read-only snapshot. Steps that need the database (a case to
// open, a text to relay, a case to leave) and steps that fail are left to the transaction,
// which then decides again and reports the failure.
func (e *Engine) decideEarly(ctx context.Context, kb *knowledge.Base, m Message, key string, at, now time.Time) (early, error) {
	var pre early
	var conv *Conversation
	err := e.store.View(ctx, func(t store.Tx) error {
		if m.EventID != "" && t.Seen(m.Channel, m.EventID) {
			pre.duplicate = true
			return nil
		}
		conv, pre.rev = t.Conversation(key)
		return nil
	})
	if err != nil || pre.duplicate {
		return pre, err
	}
	if m.Event == EventText && e.limiter.limited(personKey(m), now) {
		return pre, nil // refused or told once, in the transaction: not worth deciding
	}
	if conv.Mode == decide.ModeHandoff {
		return pre, nil // a case is open: the message goes to staff, which the transaction decides
	}
	s, err := e.decide(kb, m, conv, now)
	if err != nil || s.fx.Handoff || s.fx.Relay != "" || s.fx.LeaveCase != "" {
		return pre, nil
	}
	s.queue(m, key, at, now)
	pre.step = s
	return pre, nil
}

// decideIn decides m inside the write transaction t, with the effects that need the database.
// They run before the conversation is stored, since they may change it.
func (e *Engine) decideIn(t store.Tx, kb *knowledge.Base, m Message, key string, at, now time.Time) (*decided, error) {
	conv, _ := t.Conversation(key)
	s, err := e.decide(kb, m, conv, now)
	if err != nil {
		return nil, err
	}
	if s.fx.Handoff {
		c, err := e.openCase(t, kb, m, s.conv, &s.reply, now)
		if err != nil {
			return nil, err
		}
		if s.reply.Handoff != nil {
			s.reply.Handoff.CaseID = c.ID
		}
	}
	if s.fx.Relay != "" {
		if err := e.relayToStaff(t, kb, s.conv, s.fx.Relay, m, now); err != nil {
			return nil, err
		}
	}
	if s.fx.LeaveCase != "" {
		if err := e.leaveCase(t, kb, s.fx.LeaveCase, now); err != nil {
			return nil, err
		}
	}
	s.queue(m, key, at, now)
	return s, nil
}

// decide runs one step of conv.
func (e *Engine) decide(kb *knowledge.Base, m Message, conv *Conversation, now time.Time) (*decided, error) {
	st, err := decide.Decide(kb, e.policy, conv, m, now)
	if err != nil {
		return nil, err
	}
	return &decided{reply: st.Reply, fx: st.Effects, conv: st.Conv}, nil
}

// queue prepares the outbox entry of the reply, when there is something to send and somewhere
// to send it.
func (s *decided) queue(m Message, key string, at, now time.Time) {
	if m.Address != "" && (len(s.reply.Blocks) > 0 || s.reply.Leave) {
		s.send = &Delivery{Channel: m.Channel, Address: m.Address, Recipient: key,
			Kind: KindReply, Reply: s.reply, Created: now, Event: at, Key: store.NewKey()}
	}
}

// save writes the step s of conversation key and marks m's event seen.
func (e *Engine) save(t store.Tx, key string, s *decided, m Message, now time.Time) error {
	var err error
	if s.fx.Forget {
		err = t.DeleteConversation(key)
	} else {
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
	if s.send != nil {
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
