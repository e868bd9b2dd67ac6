package store

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
)

// ErrClosed is returned by every method after Close, e.g. in a shutdown race.
var ErrClosed = errors.New("dialog: engine closed")

// ErrLocked is wrapped by the error of an Open that finds the database held by another process.
var ErrLocked = errors.New("locked by another process (is another helpdesk running on it?)")

// ErrDamaged is wrapped by the errors of a database that is unreadable or inconsistent: an
// implementation refuses to open it, and once it finds damage while serving it refuses writes
// and Ping reports it.
var ErrDamaged = errors.New("database damaged")

// ErrStaleEpoch is returned by a mark (Delivered, Dropped, Reschedule) or Renew whose epoch is
// not the entry's current one: the claim it came from expired and the entry was claimed again.
// The caller must drop what it was doing with the entry; the newer claimer owns it.
var ErrStaleEpoch = errors.New("outbox entry claimed by another claimer")

// Rev identifies one stored version of a conversation: equal revs mean the conversation was
// not changed in between. Zero means no conversation is stored.
type Rev uint64

// Store keeps conversations, cases, the outbox, the unanswered texts and the daily counters.
// An implementation must pass the contract suite in package storetest. It is safe for
// concurrent use.
type Store interface {
	// Update runs fn in a write transaction and commits what it did when fn returns nil. fn may
	// run more than once (concurrent updates are merged into one commit, and a merged commit
	// that fails is retried one by one), so it must only change the store, or take decisions
	// outside it once and keep them. An error returned by fn is returned unchanged.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction: a consistent snapshot.
	View(ctx context.Context, fn func(Tx) error) error

	// Claim leases up to limit outbox entries due at now, in queue order, at most one per
	// recipient: an entry is not claimed while an earlier one for its recipient waits, is
	// leased, or is in skip. Each claim holds the lease until now+lease and a fencing epoch
	// higher than any given before for the entry; marks carry it.
	Claim(now time.Time, limit int, lease time.Duration, skip map[uint64]bool) ([]Claim, error)
	// Renew extends the lease of a claimed entry to until. It fails with ErrStaleEpoch when the
	// entry was claimed again since.
	Renew(id, epoch uint64, until time.Time) error
	// Due counts the outbox entries due at now or being delivered.
	Due(now time.Time) int
	// Depth counts the outbox entries.
	Depth() int
	// CasePostsDue reports whether a post that opens a case in the staff channel is due at now:
	// its thread may appear at any moment.
	CasePostsDue(now time.Time) bool
	// Wake returns a channel that receives a value after a commit that added outbox entries.
	Wake() <-chan struct{}

	// Encode does the costly part of storing a conversation and the reply queued with it (d may
	// be nil) ahead of the write transaction, which runs one writer at a time: for bbolt, the
	// JSON encoding. Neither value may change until Tx.PutEncoded stores them.
	Encode(c *decide.Conversation, d *Delivery) (*Encoded, error)

	// RetainCases walks every case in short transactions, calling fn on each; fn may change
	// the case and queue deliveries. It returns how many calls reported a change.
	RetainCases(ctx context.Context, fn func(t Tx, c *Case) (changed bool, err error)) (int, error)
	// PurgeConversations deletes the conversations idle since before cutoff, except those in
	// handoff whose case is still open, in short transactions, and returns how many.
	PurgeConversations(ctx context.Context, cutoff time.Time) (int, error)
	// PurgeUnanswered deletes the unanswered texts kept since before cutoff.
	PurgeUnanswered(ctx context.Context, cutoff time.Time) (int, error)
	// PurgeSeen forgets the event ids first seen before cutoff.
	PurgeSeen(ctx context.Context, cutoff time.Time) (int, error)
	// Scrub makes what was deleted unrecoverable from the storage (for bbolt: zeroes the freed
	// pages of the file) and returns how many units it overwrote.
	Scrub() (int, error)

	// Backup writes a consistent copy of the whole store to w.
	Backup(w io.Writer) (int64, error)
	// Ping reports whether the store can serve.
	Ping() error
	// Close releases the store. Calls that race with it return ErrClosed.
	Close() error
}

// Encoded is a conversation, and the reply queued with it, made ready to store by
// Store.Encode. Data is the store's own and read only by the store that made it.
type Encoded struct {
	Conv     *decide.Conversation
	Delivery *Delivery
	Data     any
}

// Claim is an outbox entry leased to one claimer.
type Claim struct {
	Delivery Delivery
	Epoch    uint64
	// Reclaimed says that the entry's previous claim ended without a mark or a Reschedule (its
	// lease expired): its claimer, perhaps another process that paused or died, may have sent
	// some of it.
	Reclaimed bool
}

// The optional interfaces below are what a store shared by several processes (pgstore) adds,
// so that what one process kept in memory holds across all of them. The engine uses them when
// its store implements them, and its in-memory equivalents otherwise.

// RateTx is implemented by the transactions of a store that keeps the rate limit's buckets
// itself, shared by every process using the store: the engine then takes a person's tokens
// there, in the step's transaction, instead of from its in-memory limiter. A transaction that
// rolls back gives its token back.
type RateTx interface {
	// TakeToken takes a token from the bucket of person (Burst tokens, refilled at one per
	// Every) at now. ok says the message may be answered; notify, when it may not, that this is
	// the first refusal since the bucket was last full (the person is told once).
	TakeToken(person string, now time.Time, burst int, every time.Duration) (ok, notify bool, err error)
}

// Exclusive is implemented by a store shared by several processes: Exclusive runs fn unless
// another process sharing the store is running one under the same name, and reports whether
// it ran. The retention sweep runs under it, once across the processes.
type Exclusive interface {
	Exclusive(ctx context.Context, name string, fn func() error) (ran bool, err error)
}

// Tx is one transaction. Keys of conversations are ConvKey(channel, user).
type Tx interface {
	// Seen reports whether the event id of channel was marked before; MarkSeen marks it.
	Seen(channel decide.Channel, id string) bool
	MarkSeen(channel decide.Channel, id string, now time.Time) error

	// Conversation returns the stored conversation (a new one when none is stored, or when the
	// stored one cannot be read) and its revision. The caller owns the value.
	Conversation(key string) (*decide.Conversation, Rev)
	// ConversationRev returns the revision of the stored conversation alone.
	ConversationRev(key string) Rev
	PutConversation(key string, c *decide.Conversation) error
	// PutEncoded stores e.Conv under key and queues e.Delivery (if any, setting its ID), as
	// PutConversation and Enqueue would.
	PutEncoded(key string, e *Encoded) error
	DeleteConversation(key string) error

	// Enqueue adds d to the outbox, setting d.ID; the claimers are woken after the commit.
	Enqueue(d *Delivery) error
	// Delivery returns the outbox entry id, or nil.
	Delivery(id uint64) (*Delivery, error)
	// EachDelivery walks the outbox in queue order until fn returns false.
	EachDelivery(fn func(*Delivery) bool) error
	// Delivered removes a delivered entry. opens is the case whose staff post it was, or "".
	// Epoch 0 is an unfenced mark, for a caller that never claimed the entry.
	Delivered(id, epoch uint64) (opens string, err error)
	// Dropped removes an entry that will never be delivered, like Delivered.
	Dropped(id, epoch uint64) (opens string, err error)
	// Reschedule lets change alter an entry that stays in the outbox (its next attempt, count,
	// progress and error), and ends the claim: the lease ends and the epoch moves on, so the
	// claim's later renewals and marks fail with ErrStaleEpoch.
	Reschedule(id, epoch uint64, change func(*Delivery)) error
	// Hasten makes every entry of channel that waits for a later attempt due at now, with its
	// attempts counted from zero, and returns how many.
	Hasten(channel decide.Channel, now time.Time) (int, error)
	// DeleteDeliveries deletes the entries for which match returns true, and returns how many.
	DeleteDeliveries(match func(*Delivery) bool) (int, error)

	// NextCaseID takes a new case id, readable and per year: 2026-0042.
	NextCaseID(now time.Time) (string, error)
	// PeekCaseID returns the id NextCaseID would take now, without taking it: a step is
	// decided with the id its case will get, and stored only if that is still the next one.
	PeekCaseID(now time.Time) string
	Case(id string) (*Case, error)
	PutCase(c *Case) error
	EachCase(fn func(*Case) error) error
	// EachCaseStatus walks the statuses of the cases alone.
	EachCaseStatus(fn func(status CaseStatus)) error
	// CaseByThread returns the case posted to the staff thread ref, or "".
	CaseByThread(ref string) string
	PutCaseThread(ref, caseID string) error
	// OpenCaseOf returns the open case of user on channel, or nil.
	OpenCaseOf(channel decide.Channel, user string) (*Case, error)

	// AddUnanswered keeps u; authors are the platform ids of who wrote it, kept only as keyed
	// hashes (u.Who) from which no id can be read back.
	AddUnanswered(u *decide.Unanswered, authors ...string) error
	EachUnanswered(fn func(*decide.Unanswered) error) error

	// Count adds one to the counter day/topic/name; EachCounter walks the counters.
	Count(day, topic, name string) error
	EachCounter(fn func(day, topic, name string, n uint64) error) error

	// ForgetConversations deletes the conversations of user (see Owns) and returns their keys.
	ForgetConversations(channel decide.Channel, user string) ([]string, error)
	// ForgetCases deletes the cases of user (see Owns) with their thread links, and returns them.
	ForgetCases(channel decide.Channel, user string) ([]*Case, error)
	// ForgetUnanswered deletes the unanswered texts written by any of authors (channel, user;
	// an empty channel matches every channel) and returns how many.
	ForgetUnanswered(authors [][2]string) (int, error)
}
