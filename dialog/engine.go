package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Options tune an Engine. The zero value is the production default.
type Options struct {
	Policy
	// LockTimeout bounds the wait for a database file locked by another process (default 1 s).
	LockTimeout time.Duration
	// Now is the clock; tests set it to move time (expiry, opening hours).
	Now func() time.Time
	// RateLimit bounds the messages of one conversation (off when zero).
	RateLimit RateLimit
}

// Engine runs conversations on the knowledge a Library serves and keeps them in a bbolt file.
// It is safe for concurrent use; two messages of one conversation are decided one after the
// other, never interleaved, because each step is one write transaction.
type Engine struct {
	lib    *knowledge.Library
	store  *store
	logger *slog.Logger
	policy Policy
	now    func() time.Time

	limiter *limiter
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

// Close releases the database file. Respond calls that race with Close return ErrClosed.
func (e *Engine) Close() error { return e.store.close() }

// Knowledge returns the knowledge being served now.
func (e *Engine) Knowledge() *knowledge.Base { return e.lib.Base() }

// Respond decides what the helpdesk says next to m and remembers it. In one transaction it
// drops an event seen before (returning a Reply with Duplicate set), loads the conversation,
// decides, saves the conversation, opens a case when the step asks for one, and, when m has an
// Address, queues the reply in the outbox for the sender. It returns only after the commit, so
// an adapter that acknowledges the platform afterwards never loses an acknowledged message.
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
		ok, notify := e.limiter.allow(string(key), now)
		switch {
		case !ok && notify:
			m.Event = EventRateLimited
		case !ok:
			dropped = true
		}
	}
	var (
		reply    Reply
		fx       effects
		duration time.Duration
	)
	start := time.Now()
	err := e.store.batch(func(t storeTx) error {
		reply, fx = Reply{}, effects{}
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
		conv := t.conversation(key)
		if m.Person != "" && m.Person != m.UserID && !slices.Contains(conv.People, m.Person) {
			conv.People = append(conv.People, m.Person)
		}
		d := newDecider(kb, e.policy, conv, now)
		if err := safeStep(d, m); err != nil {
			return err
		}
		reply, fx = d.reply, d.fx
		if fx.handoff {
			c, err := e.openCase(t, kb, m, conv, &reply, now)
			if err != nil {
				return err
			}
			if reply.Handoff != nil {
				reply.Handoff.CaseID = c.ID
			}
		}
		var err error
		if fx.forget {
			err = t.deleteConversation(key)
		} else {
			err = t.putConversation(key, conv)
		}
		if err != nil {
			return err
		}
		if fx.unanswered != nil {
			u := *fx.unanswered
			u.Text, u.At = truncateRunes(u.Text, maxUnansweredText), now
			if err := t.addUnanswered(&u); err != nil {
				return err
			}
		}
		day := now.In(knowledge.Tokyo).Format(time.DateOnly)
		for _, name := range fx.counts {
			if err := t.count(day, fx.topic, name); err != nil {
				return err
			}
		}
		if fx.relay != "" {
			if err := e.relayToStaff(t, kb, conv, fx.relay, m, now); err != nil {
				return err
			}
		}
		if fx.leaveCase != "" {
			if err := e.leaveCase(t, kb, fx.leaveCase, now); err != nil {
				return err
			}
		}
		if m.Address != "" && (len(reply.Blocks) > 0 || reply.Leave) {
			if err := t.enqueue(&Delivery{Channel: m.Channel, Address: m.Address, Recipient: string(key),
				Kind: KindReply, Reply: reply, Created: now, Event: at, Key: newKey()}); err != nil {
				return err
			}
		}
		if m.EventID != "" {
			return t.markSeen(m.Channel, m.EventID, now)
		}
		return nil
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

// safeStep runs one decision and turns a panic (a bug) into an error, so one broken
// conversation never takes the process down; the transaction then rolls back.
func safeStep(d *decider, m Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &keepError{fmt.Errorf("decide: panic: %v\n%s", r, debug.Stack())}
		}
	}()
	d.step(m)
	return nil
}

// fillCase puts the case id into the reply's {case} placeholders.
func fillCase(r *Reply, id string) {
	for i := range r.Blocks {
		r.Blocks[i].Text = strings.ReplaceAll(r.Blocks[i].Text, "{case}", id)
	}
}

// Triage answers one free text as a new conversation would, without storing anything: what
// `helpdesk ask` prints. policy decides how escalation is worded.
func Triage(kb *knowledge.Base, policy Policy, text string, now time.Time) Reply {
	d := newDecider(kb, policy, &Conversation{}, now)
	d.oneShot = true
	d.step(Message{Channel: "ask", Text: text})
	fillCase(&d.reply, "-")
	return d.reply
}
