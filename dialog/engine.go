package dialog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
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

// Engine runs conversations on the knowledge a Library serves and keeps them in a bbolt file.
// It is safe for concurrent use; two messages of one conversation are decided one after the
// other, never interleaved: a step is stored only in a write transaction that finds the
// conversation as the step found it (Respond).
type Engine struct {
	lib    *knowledge.Library
	store  *store
	logger *slog.Logger
	policy Policy
	now    func() time.Time

	limiter *limiter

	afterErase func() // AfterErase's; nil: none
	afterEarly func() // tests: runs between the early decision and the write transaction
}

// Open opens the conversation database at path (creating it if needed) and returns an engine
// answering from lib. A database locked by another process is an error wrapping ErrLocked
// after a short wait (Options.LockTimeout).
// Call Close to release the database file.
func Open(path string, lib *knowledge.Library, logger *slog.Logger, opts Options) (*Engine, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s, err := openStore(path, opts.LockTimeout)
	if err != nil {
		return nil, err
	}
	return &Engine{lib: lib, store: s, logger: logger, policy: opts.Policy, now: opts.Now,
		limiter: newLimiter(opts.RateLimit)}, nil
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
func (e *Engine) Close() error { return e.store.close() }

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
	key := convKey(m.Channel, m.UserID)
	pre, err := e.decideEarly(kb, m, key, at, now)
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
	err = e.store.batch(func(t storeTx) error {
		reply = Reply{}
		if m.EventID != "" && t.seen(m.Channel, m.EventID) {
			reply.Duplicate = true
			return nil
		}
		limit()
		if dropped {
			// nothing is said or kept: only a redelivery must be recognised
			if m.EventID != "" {
				return t.markSeen(m.Channel, m.EventID, now)
			}
			return nil
		}
		s := pre.step
		if s == nil || !bytes.Equal(t.conversationBytes(key), pre.stored) {
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
	reply    Reply
	fx       decide.Effects
	conv     *Conversation // stored unless fx.Forget
	convJSON []byte        // conv encoded; nil: encoded when stored
	send     *Delivery     // the reply for the outbox; nil: nothing to send
	sendJSON []byte        // send encoded by encodeUnnumbered; nil: encoded when stored
}

// early is what Respond learns before its write transaction.
type early struct {
	duplicate bool     // the event was committed before
	stored    []byte   // the stored conversation the step was decided from (nil: none)
	step      *decided // nil: decide inside the transaction
}

// decideEarly decides m from a read-only snapshot. Steps that need the database (a case to
// open, a text to relay, a case to leave) and steps that fail are left to the transaction,
// which then decides again and reports the failure.
func (e *Engine) decideEarly(kb *knowledge.Base, m Message, key []byte, at, now time.Time) (early, error) {
	var pre early
	err := e.store.view(func(t storeTx) error {
		if m.EventID != "" && t.seen(m.Channel, m.EventID) {
			pre.duplicate = true
			return nil
		}
		pre.stored = bytes.Clone(t.conversationBytes(key))
		return nil
	})
	if err != nil || pre.duplicate {
		return pre, err
	}
	if m.Event == EventText && e.limiter.limited(personKey(m), now) {
		return pre, nil // refused or told once, in the transaction: not worth deciding
	}
	conv := e.store.convs.get(key, pre.stored)
	if conv == nil {
		conv = decodeConversation(pre.stored)
	}
	if conv.Mode == decide.ModeHandoff {
		return pre, nil // a case is open: the message goes to staff, which the transaction decides
	}
	s, err := e.decide(kb, m, conv, now)
	if err != nil || s.fx.Handoff || s.fx.Relay != "" || s.fx.LeaveCase != "" {
		return pre, nil
	}
	s.queue(m, key, at, now)
	if s.convJSON, err = json.Marshal(s.conv); err != nil {
		return pre, nil
	}
	if s.send != nil {
		if s.sendJSON, err = encodeUnnumbered(s.send); err != nil {
			return pre, nil
		}
	}
	pre.step = s
	return pre, nil
}

// decideIn decides m inside the write transaction t, with the effects that need the database.
// They run before the conversation is stored, since they may change it.
func (e *Engine) decideIn(t storeTx, kb *knowledge.Base, m Message, key []byte, at, now time.Time) (*decided, error) {
	s, err := e.decide(kb, m, t.conversation(key), now)
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
		return nil, &keepError{err}
	}
	return &decided{reply: st.Reply, fx: st.Effects, conv: st.Conv}, nil
}

// queue prepares the outbox entry of the reply, when there is something to send and somewhere
// to send it.
func (s *decided) queue(m Message, key []byte, at, now time.Time) {
	if m.Address != "" && (len(s.reply.Blocks) > 0 || s.reply.Leave) {
		s.send = &Delivery{Channel: m.Channel, Address: m.Address, Recipient: string(key),
			Kind: KindReply, Reply: s.reply, Created: now, Event: at, Key: newKey()}
	}
}

// save writes the step s of conversation key and marks m's event seen.
func (e *Engine) save(t storeTx, key []byte, s *decided, m Message, now time.Time) error {
	var err error
	switch {
	case s.fx.Forget:
		err = t.deleteConversation(key)
	case s.convJSON != nil:
		err = t.putConversationJSON(key, s.convJSON, s.conv)
	default:
		err = t.putConversation(key, s.conv)
	}
	if err != nil {
		return err
	}
	if s.fx.Unanswered != nil {
		u := *s.fx.Unanswered
		u.Text, u.At = decide.Truncate(u.Text, maxUnansweredText), now
		u.Channel, u.Who = m.Channel, t.s.personTags(m.UserID, m.Person)
		if err := t.addUnanswered(&u); err != nil {
			return err
		}
	}
	day := now.In(knowledge.Tokyo).Format(time.DateOnly)
	for _, name := range s.fx.Counts {
		if err := t.count(day, s.fx.Topic, name); err != nil {
			return err
		}
	}
	if s.send != nil {
		if err := t.enqueueEncoded(s.send, s.sendJSON); err != nil {
			return err
		}
	}
	if m.EventID != "" {
		return t.markSeen(m.Channel, m.EventID, now)
	}
	return nil
}
