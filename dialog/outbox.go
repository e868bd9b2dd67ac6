package dialog

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// The outbox holds every message the bot owes someone, written in the same transaction as the
// conversation step that produced it. A sender (bot.Sender) delivers the entries and marks them
// delivered; what a crash interrupts is delivered after the restart.

// Kinds of delivery.
const (
	KindReply = "reply" // the bot's reply to a user's event
	KindRelay = "relay" // a staff member's message (or a case notice) to the user
	KindStaff = "staff" // a case, or a user's message, to the staff channel
)

// Delivery is one outbox entry.
type Delivery struct {
	ID        uint64 `json:"id"`
	Kind      string `json:"kind"`
	Channel   string `json:"channel"`   // the channel that delivers it: "line", "slack", "staff"
	Address   string `json:"address"`   // where, in that channel's own encoding
	Recipient string `json:"recipient"` // entries for one recipient are delivered in queue order
	Reply     Reply  `json:"reply"`
	// For staff deliveries: the case, and a user's relayed text (empty for a new case).
	Case *Case  `json:"case,omitempty"`
	Text string `json:"text,omitempty"`
	// Notice marks a staff delivery the engine wrote itself (claimed, resolved ...): it may
	// mention people; a user's relayed words never may.
	Notice bool `json:"notice,omitempty"`
	// Post, for a staff delivery, is the case's post as it reads after a change of hands
	// (claimed, resolved, handed back): the deliverer puts it in place of the post that opened
	// the case, after posting Reply (when it has blocks) into the case's thread.
	Post *CasePost `json:"post,omitempty"`

	Created     time.Time `json:"created"`
	Event       time.Time `json:"event"` // when the platform saw the event (reply-token freshness)
	Attempts    int       `json:"attempts,omitempty"`
	NextAttempt time.Time `json:"next,omitempty"`
	LastError   string    `json:"error,omitempty"`
	// Progress counts the platform messages of this entry already sent, so a retry after a
	// partial failure resumes instead of repeating.
	Progress int `json:"progress,omitempty"`
	// Key is a random UUID fixed at enqueue time: the idempotency key of the entry (LINE's
	// X-Line-Retry-Key is derived from it), the same on every retry.
	Key string `json:"key"`
}

// LogValue keeps what users and staff wrote, the address (a LINE reply token) and the recipient
// (a platform user id) out of logs.
func (d Delivery) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Uint64("delivery", d.ID), slog.String("kind", d.Kind), slog.String("channel", d.Channel),
		slog.String("outcome", string(d.Reply.Outcome)), slog.String("topic", d.Reply.Topic), slog.Int("attempts", d.Attempts)}
	if d.Case != nil {
		attrs = append(attrs, slog.String("case", d.Case.ID))
	}
	return slog.GroupValue(attrs...)
}

// newKey returns a random UUID (version 4).
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Wake returns a channel that receives a value whenever a commit adds entries to the outbox.
// It is buffered by one: a sender that was busy still sees the latest signal.
func (e *Engine) Wake() <-chan struct{} { return e.store.notify }

// Pending returns up to limit deliveries that are due at now, in queue order, at most one per
// recipient: an entry waits while an earlier one for the same recipient is undelivered, so a
// user reads the bot's and staff's messages in the order they were written. Entries whose ids
// are in busy (being delivered right now) are skipped, and block their recipient too.
func (e *Engine) Pending(now time.Time, limit int, busy map[uint64]bool) ([]Delivery, error) {
	picks := e.store.queue.pick(now, limit, busy)
	if len(picks) == 0 {
		return nil, nil
	}
	out := make([]Delivery, 0, len(picks))
	var missing []uint64 // not cached, or staff entries whose thread must be looked up (awaitsThread)
	for _, p := range picks {
		if p.d == nil || awaitsThread(p.d) {
			missing = append(missing, p.id)
			continue
		}
		out = append(out, *p.d)
	}
	if len(missing) == 0 {
		return out, nil
	}
	err := e.store.view(func(t storeTx) error {
		for _, id := range missing {
			d, err := t.delivery(id)
			if err != nil {
				return err
			}
			if d == nil {
				continue // delivered meanwhile
			}
			if awaitsThread(d) {
				// queued before the case was posted: the thread is known now
				if c, err := t.caseByID(d.Case.ID); err == nil && c != nil {
					d.Case.Thread = c.Thread
				}
			}
			out = append(out, *d)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// CasePost is a case's post in the staff channel as it reads now.
type CasePost struct {
	// Status is one line about who has the case, written by the engine: it may mention the
	// staff member, unlike the rest of the post, which quotes the user.
	Status string `json:"status"`
	Reply  Reply  `json:"reply"`
}

// awaitsThread reports whether d goes into a case's staff thread that was not known when d was
// queued: the stored case has it, once the case's post went out.
func awaitsThread(d *Delivery) bool {
	return d.Kind == KindStaff && d.Case != nil && d.Case.Thread == "" && (d.Text != "" || d.Post != nil)
}

// Delivered removes a delivered entry. ref is what the platform returned that later messages
// need (the staff thread of a new case), or "".
func (e *Engine) Delivered(id uint64, ref string) error {
	root := e.store.queue.rootCaseOf(id)
	return e.store.batch(func(t storeTx) error {
		if root != "" && ref != "" {
			if err := e.setCaseThread(t, root, ref); err != nil {
				return err
			}
		}
		return t.deleteDelivery(id)
	})
}

// Defer moves an entry to a later time without counting an attempt: nothing failed, the
// channel's own pacing asked for it.
func (e *Engine) Defer(id uint64, next time.Time, progress int) error {
	return e.store.batch(func(t storeTx) error {
		d, err := t.delivery(id)
		if err != nil || d == nil {
			return err
		}
		d.NextAttempt, d.Progress = next, progress
		return t.putDelivery(d)
	})
}

// Dropped removes an entry that can never be delivered (the platform refused it for good, or it
// failed for a day). When it was the post that opens a case in the staff channel, nobody will
// see the case: the case is marked requested, the conversation returns to the bot, and the user
// is told, as when no staff channel is configured, how to reach the helpdesk directly.
func (e *Engine) Dropped(id uint64) error {
	root := e.store.queue.rootCaseOf(id)
	kb := e.lib.Base()
	now := e.now()
	return e.store.batch(func(t storeTx) error {
		if root != "" {
			if err := e.unpostedCase(t, kb, root, now); err != nil {
				return err
			}
		}
		return t.deleteDelivery(id)
	})
}

// Postpone records a failed attempt: the entry is tried again at next, resuming after progress
// messages. reason is kept for operators (no user text).
func (e *Engine) Postpone(id uint64, next time.Time, progress int, reason string) error {
	return e.store.batch(func(t storeTx) error {
		d, err := t.delivery(id)
		if err != nil || d == nil {
			return err
		}
		d.Attempts++
		d.NextAttempt, d.Progress, d.LastError = next, progress, reason
		return t.putDelivery(d)
	})
}

// Ping reports whether the database answers (for readiness checks): it fails for good once
// bbolt panicked on the file (the error wraps ErrDamaged), and when the file has been cut
// shorter than its pages.
func (e *Engine) Ping() error { return e.store.ping() }

// Due returns how many outbox entries are due at now or being delivered: what a shutdown still
// waits for.
func (e *Engine) Due(now time.Time) int { return e.store.queue.due(now) }

// OutboxStats returns how many entries wait and when the oldest was queued (zero if none).
func (e *Engine) OutboxStats() (depth int, oldest time.Time, err error) {
	depth = e.store.queue.size()
	if depth == 0 {
		return 0, time.Time{}, nil
	}
	err = e.store.view(func(t storeTx) error {
		// the first entry in queue order is the oldest
		return t.eachDelivery(func(d *Delivery) bool {
			oldest = d.Created
			return false
		})
	})
	return depth, oldest, err
}
