package boltstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// The buckets, and how their keys and values are encoded (this file is the only one that
// knows):
//
//	meta           "schema" -> uint64 store layout version; "case-seq-YYYY" -> uint64;
//	               "person-key" -> 32 random bytes, the key of personTags
//	conversations  channel "/" user -> JSON Conversation
//	seen           channel "/" event id -> uint64 unix nanos first seen
//	seen-by-time   uint64 unix nanos ++ channel "/" event id -> nil (for expiry)
//	outbox         uint64 sequence -> JSON Delivery
//	cases          case id ("2026-0042") -> JSON Case
//	case-threads   staff thread reference -> case id
//	unanswered     uint64 sequence -> JSON Unanswered (Who: personTags of its authors)
//	counters       "YYYY-MM-DD/topic/name" -> uint64
//	by-person      personTag "/" kind "/" record key -> nil: the records of one person, so that
//	               Forget costs what the person's data costs; kind is "c" (conversations key),
//	               "k" (cases key) or "u" (unanswered key). An entry is a hint: Forget checks the
//	               record it points to, and drops entries whose record is gone.
//
// Integers are big-endian so that keys sort in time and sequence order.

var (
	bucketMeta          = []byte("meta")
	bucketConversations = []byte("conversations")
	bucketSeen          = []byte("seen")
	bucketSeenByTime    = []byte("seen-by-time")
	bucketOutbox        = []byte("outbox")
	bucketCases         = []byte("cases")
	bucketCaseThreads   = []byte("case-threads")
	bucketUnanswered    = []byte("unanswered")
	bucketCounters      = []byte("counters")
	bucketByPerson      = []byte("by-person")

	allBuckets = [][]byte{bucketMeta, bucketConversations, bucketSeen, bucketSeenByTime, bucketOutbox,
		bucketCases, bucketCaseThreads, bucketUnanswered, bucketCounters, bucketByPerson}

	keySchema    = []byte("schema")
	keyPersonKey = []byte("person-key")
)

// storeLayout is the version of the bucket layout above. Open refuses a file written by a newer
// layout rather than misreading it. Layout 2 added by-person, built at Open from a layout 1
// file; a build reading layout 1 must not write to a layout 2 file, as it would not keep the
// index (and Forget would then miss what it did not index).
const storeLayout = 2

type Store struct {
	db      *bolt.DB
	broken  atomic.Pointer[error] // set when bbolt panicked: the file is damaged, writes stop
	writers atomic.Int32          // write transactions wanted right now
	queue   *queueIndex           // the outbox's order and due times, in memory
	notify  chan struct{}         // signalled after a commit that queued a delivery (Wake)
	convs   *convCache            // recently stored conversations, decoded
	person  []byte                // the key of personTags, from meta
	// readers is held shared by every read transaction and taken alone by scrub while it
	// begins its write transaction: see scrub.
	readers sync.RWMutex
	// copying is held shared by a backup for its whole copy, and alone by scrub while it zeroes
	// pages: a backup copies every page of the file, free ones included, and must see a free
	// page either before the scrub or after it, never half zeroed.
	copying sync.RWMutex
}

// Open opens (or creates) the bbolt file at path. A file locked by another process fails after
// lockTimeout with a message saying so, instead of hanging. A damaged file (see openChecked) is
// refused with an error wrapping store.ErrDamaged.
func Open(path string, lockTimeout time.Duration) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("open database %s: folder %s does not exist", path, dir)
		}
	}
	db, err := openChecked(path, lockTimeout)
	if err != nil {
		return nil, err
	}
	// Batch merges concurrent steps into one commit; a short delay keeps a lone message fast
	// (bbolt's default waits 10 ms for company).
	db.MaxBatchDelay = 2 * time.Millisecond
	s := &Store{db: db, notify: make(chan struct{}, 1), convs: newConvCache()}
	err = s.wrap(s.guard(func() error {
		return db.Update(func(tx *bolt.Tx) error {
			for _, name := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			meta := tx.Bucket(bucketMeta)
			if v := meta.Get(keySchema); v != nil {
				if got := binary.BigEndian.Uint64(v); got > storeLayout {
					return fmt.Errorf("written by a newer version (layout %d, this build reads %d)", got, storeLayout)
				}
			}
			var old uint64
			if v := meta.Get(keySchema); v != nil {
				old = binary.BigEndian.Uint64(v)
			}
			if k := meta.Get(keyPersonKey); len(k) == 32 {
				s.person = bytes.Clone(k)
			} else {
				s.person = make([]byte, 32)
				if _, err := rand.Read(s.person); err != nil {
					return err
				}
				if err := meta.Put(keyPersonKey, s.person); err != nil {
					return err
				}
			}
			if old < 2 {
				if err := (txn{tx, s}).indexAll(); err != nil {
					return err
				}
			}
			return meta.Put(keySchema, u64(storeLayout))
		})
	}))
	if err == nil {
		err = s.guard(func() error {
			var err error
			s.queue, err = loadQueueIndex(db)
			return err
		})
	}
	if err != nil {
		db.Close()
		if errors.Is(err, store.ErrDamaged) {
			return nil, damaged(path, err.Error())
		}
		return nil, fmt.Errorf("open database %s: %v", path, err)
	}
	return s, nil
}

// damagedError says which file is damaged, why, and how to put a backup in its place.
type damagedError struct {
	path, reason string
}

func damaged(path, reason string) error { return &damagedError{path: path, reason: reason} }

func (e *damagedError) Error() string {
	return fmt.Sprintf("open database %s: damaged: %s; to restore, stop the bot, move %s aside, "+
		"copy the latest backup (written by `helpdesk backup FILE` or GET /admin/backup) to %s and start again; "+
		"to start with an empty database instead, move the file aside and start", e.path, e.reason, e.path, e.path)
}

func (e *damagedError) Is(target error) bool { return target == store.ErrDamaged }

// maxCheckProblems bounds the problems of the consistency check quoted in an error.
const maxCheckProblems = 3

// openChecked opens path with bbolt and checks it before anything writes to it. An existing
// file of 0 bytes is refused (bbolt would silently make it a new, empty database: the
// conversations, cases and figures it held would be gone without a word), as is one shorter
// than its own meta page says (truncated), and one that fails bbolt's consistency check
// (reading every key, then tx.Check walking every page: 20 to 30 ms in all for 10,000 users,
// a file of 16 MiB, against 0.2 ms for bbolt's open alone). bbolt panics, or faults on its
// memory map, on some damage: that is recovered here into the same refusal.
func openChecked(path string, lockTimeout time.Duration) (db *bolt.DB, err error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		return nil, damaged(path, "the file is empty (0 bytes), although a database file is never empty")
	}
	var file *os.File // bbolt's, to be closed if it panics before returning the database
	opts := &bolt.Options{Timeout: lockTimeout, OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, mode)
		file = f
		return f, err
	}}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			} else if file != nil {
				file.Close()
			}
			db, err = nil, damaged(path, fmt.Sprintf("bbolt failed reading it: %v", r))
		}
	}()
	db, err = bolt.Open(path, 0o600, opts)
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("open database %s: %w", path, store.ErrLocked)
		}
		if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
			return nil, damaged(path, fmt.Sprintf("its header is not a bbolt database's (%v)", err))
		}
		return nil, fmt.Errorf("open database %s: %v", path, err)
	}
	var problems []string
	err = db.View(func(tx *bolt.Tx) error {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Size() < tx.Size() {
			problems = append(problems, fmt.Sprintf("the file has %d bytes but its pages need %d (truncated)", fi.Size(), tx.Size()))
			return nil
		}
		// tx.Check reads the pages on a goroutine of its own, where a page pointing outside the
		// file is a fatal fault: reading every key and value here first turns that into a panic
		// this function recovers.
		if err := touchAll(tx); err != nil {
			return err
		}
		n := 0
		for err := range tx.Check(bolt.WithKVStringer(sizesOnly{})) {
			if n < maxCheckProblems {
				problems = append(problems, err.Error())
			}
			n++
		}
		if n > maxCheckProblems {
			problems = append(problems, fmt.Sprintf("and %d more problems", n-maxCheckProblems))
		}
		return nil
	})
	if err == nil && len(problems) > 0 {
		err = damaged(path, "consistency check: "+strings.Join(problems, "; "))
	}
	if err != nil {
		db.Close()
		var d *damagedError
		if errors.As(err, &d) {
			return nil, err
		}
		return nil, fmt.Errorf("open database %s: %v", path, err)
	}
	return db, nil
}

// touchAll reads the first and last byte of every key and value of every bucket, so that a page
// whose elements point outside the file faults here, where openChecked recovers it.
func touchAll(tx *bolt.Tx) error {
	var sum byte
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			sum ^= k[0] ^ k[len(k)-1]
			if len(v) > 0 {
				sum ^= v[0] ^ v[len(v)-1]
			}
			if v == nil {
				if sub := b.Bucket(k); sub != nil {
					walk(sub)
				}
			}
		}
	}
	err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		walk(b)
		return nil
	})
	_ = sum
	return err
}

// sizesOnly makes the consistency check's messages name keys and values by their size: keys
// hold platform user ids, and values what people wrote, which no log may show.
type sizesOnly struct{}

func (sizesOnly) KeyToString(k []byte) string   { return fmt.Sprintf("(key of %d bytes)", len(k)) }
func (sizesOnly) ValueToString(v []byte) string { return fmt.Sprintf("(value of %d bytes)", len(v)) }

// Close releases the database file.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *Store) Path() string { return s.db.Path() }

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// txn is one transaction, with the typed operations the engine needs.
type txn struct {
	tx *bolt.Tx
	s  *Store
}

func (s *Store) update(fn func(txn) error) error {
	if err := s.refusal(); err != nil {
		return err
	}
	return s.wrap(s.guard(func() error { return s.db.Update(s.guarded(fn)) }))
}

// batch is update for many concurrent callers: bbolt merges them into one commit, which is
// what carries webhook load (one fsync for many events). A caller that is alone commits at once
// instead of waiting the batch delay for company. fn may run more than once: it must only
// change the database, or take a decision outside it once and keep it across runs (as the engine
// does with the rate limit).
func (s *Store) batch(fn func(txn) error) error {
	if err := s.refusal(); err != nil {
		return err
	}
	n := s.writers.Add(1)
	defer s.writers.Add(-1)
	if n == 1 {
		return s.update(fn)
	}
	return s.wrap(s.guard(func() error { return s.db.Batch(s.guarded(fn)) }))
}

// Update runs fn in a write transaction: see store.Store. Concurrent calls are batched into
// one commit (batch).
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return unkept(s.batch(func(t txn) error { return kept(fn(t)) }))
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return unkept(s.view(func(t txn) error { return kept(fn(t)) }))
}

// kept marks an error of the caller's, returned by its transaction function, so that it passes
// through wrap unchanged; unkept takes the mark off again.
func kept(err error) error {
	if err == nil {
		return nil
	}
	var k *keepError
	if errors.As(err, &k) {
		return err
	}
	return &callerError{err}
}

func unkept(err error) error {
	var c *callerError
	if errors.As(err, &c) {
		return c.err
	}
	return err
}

// callerError is an error of the transaction function's caller, returned unchanged.
type callerError struct{ err error }

func (e *callerError) Error() string { return e.err.Error() }
func (e *callerError) Unwrap() error { return e.err }

// view runs a read-only transaction. Reads go on after a failure (see guard), so that a backup
// can still save what is readable.
func (s *Store) view(fn func(txn) error) error {
	s.readers.RLock()
	defer s.readers.RUnlock()
	return s.wrap(s.guard(func() error { return s.db.View(s.guarded(fn)) }))
}

// guarded is fn as a bbolt transaction function, with panics turned into errors by guard: a
// panic inside a batch function would otherwise be reported by bbolt as a plain error.
func (s *Store) guarded(fn func(txn) error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error { return s.guard(func() error { return fn(txn{tx, s}) }) }
}

// guard runs f, turning a panic (bbolt panics on pages it cannot read, and a fault on its memory
// map is made one) into an error wrapping store.ErrDamaged. The store then refuses writes, which could
// spread the damage, and Ping reports the failure, until a restart checks the file again. A
// panic in a commit that bbolt runs for a batch happens on bbolt's own goroutine, out of reach:
// the check at Open is what keeps damaged files from getting that far.
func (s *Store) guard(f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &keepError{fmt.Errorf("%w: a transaction panicked: %v", store.ErrDamaged, r)}
			s.broken.CompareAndSwap(nil, &err)
		}
	}()
	return f()
}

// refusal is the error that stops writes after a failure, or nil.
func (s *Store) refusal() error {
	if p := s.broken.Load(); p != nil {
		return &keepError{fmt.Errorf("database refuses writes since an earlier failure (restart to check the file): %w", *p)}
	}
	return nil
}

// Ping reports whether the store can serve: no failure so far, the file as long as its pages
// need (not truncated under it), and a read transaction.
func (s *Store) Ping() error {
	if p := s.broken.Load(); p != nil {
		return *p
	}
	return s.view(func(t txn) error {
		fi, err := os.Stat(s.db.Path())
		if err != nil {
			return err
		}
		if fi.Size() < t.tx.Size() {
			return &keepError{fmt.Errorf("%w: the file has %d bytes but its pages need %d (truncated)", store.ErrDamaged, fi.Size(), t.tx.Size())}
		}
		return nil
	})
}

// wake tells the sender that the outbox gained entries. The channel is buffered by one: a
// sender that was busy still sees the latest signal.
func (s *Store) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// wrap keeps bbolt's errors out of dialog's API: callers see store.ErrClosed or a message.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return store.ErrClosed
	}
	var keep *keepError
	var caller *callerError
	if errors.As(err, &keep) || errors.As(err, &caller) {
		return err
	}
	return fmt.Errorf("database: %v", err)
}

// keepError marks an error of ours that passes through a transaction unchanged.
type keepError struct{ err error }

func (e *keepError) Error() string { return e.err.Error() }
func (e *keepError) Unwrap() error { return e.err }

// Conversation returns the stored conversation (a new one if none) and its revision: from the
// cache of decoded conversations when it holds this very version.
func (t txn) Conversation(key string) (*decide.Conversation, store.Rev) {
	k := []byte(key)
	v := t.tx.Bucket(bucketConversations).Get(k)
	rev := t.s.convs.rev(v)
	if c := t.s.convs.get(k, rev); c != nil {
		return c, rev
	}
	return decodeConversation(v), rev
}

// ConversationRev returns the revision of the stored conversation, without decoding it.
func (t txn) ConversationRev(key string) store.Rev {
	return t.s.convs.rev(t.tx.Bucket(bucketConversations).Get([]byte(key)))
}

// decodeConversation reads a stored conversation (nil: none, a new one). An unreadable or future
// conversation restarts rather than failing every message, so there is no error.
func decodeConversation(v []byte) *decide.Conversation {
	c := &decide.Conversation{}
	if v == nil {
		return c
	}
	if err := json.Unmarshal(v, c); err != nil || c.Schema > decide.SchemaVersion {
		return &decide.Conversation{Step: c.Step}
	}
	return c
}

// PutConversation stores c.
func (t txn) PutConversation(key string, c *decide.Conversation) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.putConversationJSON([]byte(key), v, c)
}

// putConversationJSON stores c, encoded as v, and keeps a decoded copy. Doing that here, where
// bbolt runs one writer at a time, orders it with the deletes of other transactions: a copy
// kept by a transaction that rolls back matches nothing stored.
func (t txn) putConversationJSON(key, v []byte, c *decide.Conversation) error {
	t.s.convs.put(key, t.s.convs.rev(v), c)
	if err := t.index(kindConversation, key, convOwners(key, c.People)); err != nil {
		return err
	}
	return t.tx.Bucket(bucketConversations).Put(key, v)
}

// DeleteConversation deletes the conversation key.
func (t txn) DeleteConversation(key string) error {
	t.forgetDecoded(key)
	return t.tx.Bucket(bucketConversations).Delete([]byte(key))
}

// forgetDecoded drops the decoded copies of conversations this transaction deletes: erased or
// expired, nothing of them stays in memory. It runs inside the transaction, so that no other
// writer can keep a copy after it (if the transaction rolls back, the copy is only missed).
func (t txn) forgetDecoded(keys ...string) {
	t.s.convs.drop(keys...)
}

// seen reports whether an event was handled before.
func (t txn) Seen(channel decide.Channel, id string) bool {
	return t.tx.Bucket(bucketSeen).Get([]byte(string(channel)+"/"+id)) != nil
}

func (t txn) MarkSeen(channel decide.Channel, id string, now time.Time) error {
	k := []byte(string(channel) + "/" + id)
	ts := u64(uint64(now.UnixNano()))
	if err := t.tx.Bucket(bucketSeen).Put(k, ts); err != nil {
		return err
	}
	return t.tx.Bucket(bucketSeenByTime).Put(append(ts, k...), nil)
}

// expireSeen forgets event ids first seen before cutoff, at most limit of them, and returns how
// many it removed.
func (t txn) expireSeen(cutoff time.Time, limit int) (int, error) {
	c := t.tx.Bucket(bucketSeenByTime).Cursor()
	end := u64(uint64(cutoff.UnixNano()))
	var doomed [][]byte
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) < 0 && len(doomed) < limit; k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	seen := t.tx.Bucket(bucketSeen)
	byTime := t.tx.Bucket(bucketSeenByTime)
	for _, k := range doomed {
		if err := seen.Delete(k[8:]); err != nil {
			return 0, err
		}
		if err := byTime.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// ---- outbox

// Enqueue adds d to the outbox. Once the transaction commits, the claimers are woken: whoever
// queues something never has to remember to.
func (t txn) Enqueue(d *store.Delivery) error { return t.enqueueEncoded(d, nil) }

// enqueueEncoded is Enqueue for a delivery encoded by encodeUnnumbered (v nil: encoded here).
// The outbox sequence, d's ID, is only known inside the transaction.
func (t txn) enqueueEncoded(d *store.Delivery, v []byte) error {
	b := t.tx.Bucket(bucketOutbox)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	d.ID = seq
	if v != nil {
		v = numbered(v, seq)
	} else if v, err = json.Marshal(d); err != nil {
		return err
	}
	t.tx.OnCommit(func() {
		t.s.queue.put(seq, d)
		t.s.wake()
	})
	return b.Put(u64(seq), v)
}

func (t txn) Delivery(id uint64) (*store.Delivery, error) {
	v := t.tx.Bucket(bucketOutbox).Get(u64(id))
	if v == nil {
		return nil, nil
	}
	d := &store.Delivery{}
	return d, json.Unmarshal(v, d)
}

func (t txn) putDelivery(d *store.Delivery) error {
	v, err := json.Marshal(d)
	if err != nil {
		return err
	}
	id := d.ID
	t.tx.OnCommit(func() { t.s.queue.put(id, d) })
	return t.tx.Bucket(bucketOutbox).Put(u64(d.ID), v)
}

func (t txn) deleteDelivery(id uint64) error {
	t.tx.OnCommit(func() { t.s.queue.remove(id) })
	return t.tx.Bucket(bucketOutbox).Delete(u64(id))
}

// eachDelivery walks the outbox in queue order until fn returns false.
func (t txn) EachDelivery(fn func(*store.Delivery) bool) error {
	c := t.tx.Bucket(bucketOutbox).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		d := &store.Delivery{}
		if err := json.Unmarshal(v, d); err != nil {
			return fmt.Errorf("outbox entry %d: %v", binary.BigEndian.Uint64(k), err)
		}
		if !fn(d) {
			return nil
		}
	}
	return nil
}

// ---- cases

// NextCaseID takes the next case id of now's year.
func (t txn) NextCaseID(now time.Time) (string, error) {
	id, key, n := t.peekCaseID(now)
	if err := t.tx.Bucket(bucketMeta).Put(bytes.Clone(key), u64(n)); err != nil {
		return "", err
	}
	return id, nil
}

// PeekCaseID returns the id NextCaseID would take now, without taking it.
func (t txn) PeekCaseID(now time.Time) string {
	id, _, _ := t.peekCaseID(now)
	return id
}

// peekCaseID returns the next case id of now's year, the key of the year's sequence (valid
// until the next call) and the sequence's next value.
func (t txn) peekCaseID(now time.Time) (id string, key []byte, n uint64) {
	year := now.Year()
	var buf [32]byte
	key = strconv.AppendInt(append(buf[:0], "case-seq-"...), int64(year), 10)
	if v := t.tx.Bucket(bucketMeta).Get(key); v != nil {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	b := strconv.AppendInt(buf[len(key):len(key)], int64(year), 10)
	b = append(b, '-')
	for m := uint64(1000); m > n && m > 1; m /= 10 {
		b = append(b, '0') // at least four digits: 2026-0042
	}
	b = strconv.AppendUint(b, n, 10)
	return string(b), key, n
}

func (t txn) Case(id string) (*store.Case, error) {
	v := t.tx.Bucket(bucketCases).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	c := &store.Case{}
	return c, json.Unmarshal(v, c)
}

func (t txn) PutCase(c *store.Case) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := t.index(kindCase, []byte(c.ID), caseOwners(c)); err != nil {
		return err
	}
	return t.tx.Bucket(bucketCases).Put([]byte(c.ID), v)
}

func (t txn) EachCase(fn func(*store.Case) error) error {
	return t.tx.Bucket(bucketCases).ForEach(func(_, v []byte) error {
		c := &store.Case{}
		if err := json.Unmarshal(v, c); err != nil {
			return err
		}
		return fn(c)
	})
}

// eachCaseStatus walks the cases' statuses alone, without decoding what they hold.
func (t txn) EachCaseStatus(fn func(status store.CaseStatus)) error {
	return t.tx.Bucket(bucketCases).ForEach(func(_, v []byte) error {
		var c struct {
			Status store.CaseStatus `json:"status"`
		}
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		fn(c.Status)
		return nil
	})
}

func (t txn) CaseByThread(ref string) string {
	return string(t.tx.Bucket(bucketCaseThreads).Get([]byte(ref)))
}

func (t txn) PutCaseThread(ref, caseID string) error {
	return t.tx.Bucket(bucketCaseThreads).Put([]byte(ref), []byte(caseID))
}

// ---- unanswered queries and counters

func (t txn) AddUnanswered(u *decide.Unanswered, authors ...string) error {
	u.Who = t.s.personTags(authors...)
	b := t.tx.Bucket(bucketUnanswered)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	for _, tag := range u.Who {
		if err := t.indexTag(kindUnanswered, u64(seq), tag); err != nil {
			return err
		}
	}
	return b.Put(u64(seq), v)
}

// personTags returns the keyed hashes of ids under this database's key (store.PersonTags).
func (s *Store) personTags(ids ...string) []string { return store.PersonTags(s.person, ids...) }

// deleteUnansweredOf deletes the unanswered texts written by any of authors (channel, user; an
// empty channel matches every channel) and returns how many it deleted. It reads only the texts
// the by-person index lists for the authors.
func (t txn) ForgetUnanswered(authors [][2]string) (int, error) {
	b := t.tx.Bucket(bucketUnanswered)
	n := 0
	for _, a := range authors {
		for _, tag := range t.s.personTags(a[1]) {
			for _, k := range t.indexed(tag, kindUnanswered) {
				v := b.Get(k)
				var u decide.Unanswered
				if v == nil || json.Unmarshal(v, &u) != nil || !slices.Contains(u.Who, tag) {
					if err := t.unindex(kindUnanswered, k, tag); err != nil {
						return n, err
					}
					continue
				}
				if a[0] != "" && a[0] != string(u.Channel) {
					continue
				}
				if err := b.Delete(k); err != nil {
					return n, err
				}
				if err := t.unindex(kindUnanswered, k, u.Who...); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

func (t txn) EachUnanswered(fn func(*decide.Unanswered) error) error {
	return t.tx.Bucket(bucketUnanswered).ForEach(func(_, v []byte) error {
		u := &decide.Unanswered{}
		if err := json.Unmarshal(v, u); err != nil {
			return err
		}
		return fn(u)
	})
}

func counterKey(day, topic, name string) []byte { return []byte(day + "/" + topic + "/" + name) }

func (t txn) Count(day, topic, name string) error {
	b := t.tx.Bucket(bucketCounters)
	k := counterKey(day, topic, name)
	var n uint64
	if v := b.Get(k); v != nil {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(k, u64(n+1))
}

// eachCounter walks the counters as (day, topic, name, value).
func (t txn) EachCounter(fn func(day, topic, name string, n uint64) error) error {
	return t.tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
		parts := bytes.SplitN(k, []byte("/"), 3)
		if len(parts) != 3 || len(v) != 8 {
			return nil
		}
		return fn(string(parts[0]), string(parts[1]), string(parts[2]), binary.BigEndian.Uint64(v))
	})
}

// ---- retention and erasure

func (s *Store) Backup(w io.Writer) (int64, error) {
	s.copying.RLock()
	defer s.copying.RUnlock()
	var n int64
	err := s.view(func(t txn) error {
		var err error
		n, err = t.tx.WriteTo(w)
		return err
	})
	return n, err
}

// splitConvKey splits "channel/user" (user may itself contain "/" for Slack threads).
func splitConvKey(k []byte) (channel decide.Channel, user string) {
	return store.SplitConvKey(string(k))
}

// deleteWhere deletes the keys of a bucket for which doomed returns true.
func (t txn) deleteWhere(bucket []byte, doomed func(k, v []byte) bool) (int, error) {
	b := t.tx.Bucket(bucket)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if doomed(k, v) {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// deleteConversationsOf deletes the conversations of user (see owns) and returns their keys. It
// reads only the conversations the by-person index lists for user.
func (t txn) ForgetConversations(channel decide.Channel, user string) ([]string, error) {
	var keys []string
	tag := t.s.personTags(user)[0]
	for _, k := range t.indexed(tag, kindConversation) {
		var c decide.Conversation
		v := t.tx.Bucket(bucketConversations).Get(k)
		if v != nil {
			json.Unmarshal(v, &c)
		}
		kc, ku := splitConvKey(k)
		if v == nil || !store.Owns(kc, ku, c.People, "", user) {
			if err := t.unindex(kindConversation, k, user); err != nil {
				return nil, err
			}
			continue
		}
		if !store.Owns(kc, ku, c.People, channel, user) {
			continue
		}
		if err := t.DeleteConversation(string(k)); err != nil {
			return nil, err
		}
		if err := t.unindex(kindConversation, k, convOwners(k, c.People)...); err != nil {
			return nil, err
		}
		keys = append(keys, string(k))
	}
	return keys, nil
}

// deleteCasesOf deletes the cases of user (see owns) with their thread links, and returns them.
// It reads only the cases the by-person index lists for user.
func (t txn) ForgetCases(channel decide.Channel, user string) ([]*store.Case, error) {
	var doomed []*store.Case
	tag := t.s.personTags(user)[0]
	for _, k := range t.indexed(tag, kindCase) {
		c, err := t.Case(string(k))
		if err != nil {
			return nil, err
		}
		if c == nil || !store.Owns(c.Channel, c.User, c.People, "", user) {
			if err := t.unindex(kindCase, k, user); err != nil {
				return nil, err
			}
			continue
		}
		if !store.Owns(c.Channel, c.User, c.People, channel, user) {
			continue
		}
		if err := t.tx.Bucket(bucketCases).Delete(k); err != nil {
			return nil, err
		}
		if err := t.unindex(kindCase, k, caseOwners(c)...); err != nil {
			return nil, err
		}
		if c.Thread != "" {
			if err := t.tx.Bucket(bucketCaseThreads).Delete([]byte(c.Thread)); err != nil {
				return nil, err
			}
		}
		doomed = append(doomed, c)
	}
	return doomed, nil
}

// openCaseOf returns the open case (see Case.IsOpen) of user on channel, or nil. It reads only
// the cases the by-person index lists for user.
func (t txn) OpenCaseOf(channel decide.Channel, user string) (*store.Case, error) {
	if user == "" {
		return nil, nil
	}
	for _, k := range t.indexed(t.s.personTags(user)[0], kindCase) {
		c, err := t.Case(string(k))
		if err != nil {
			return nil, err
		}
		if c.IsOpen() && store.Owns(c.Channel, c.User, c.People, channel, user) {
			return c, nil
		}
	}
	return nil, nil
}

// ---- the by-person index

const (
	kindConversation = 'c'
	kindCase         = 'k'
	kindUnanswered   = 'u'
)

// keyOwners are the ids for which owns reports a record as theirs: the user part of its key
// and each prefix of it that ends before a "/", and the people who wrote in it.
func keyOwners(user string, people []string) []string {
	var ids []string
	if user != "" {
		ids = append(ids, user)
	}
	for i := 0; i < len(user); i++ {
		if user[i] == '/' {
			ids = append(ids, user[:i])
		}
	}
	return append(ids, people...)
}

func convOwners(key []byte, people []string) []string {
	_, u := splitConvKey(key)
	return keyOwners(u, people)
}

func caseOwners(c *store.Case) []string { return keyOwners(c.User, c.People) }

func indexKey(tag string, kind byte, rec []byte) []byte {
	k := make([]byte, 0, len(tag)+3+len(rec))
	k = append(k, tag...)
	k = append(k, '/', kind, '/')
	return append(k, rec...)
}

// index lists the record rec of kind under each of its owners (ids, tagged here).
func (t txn) index(kind byte, rec []byte, owners []string) error {
	for _, tag := range t.s.personTags(owners...) {
		if err := t.indexTag(kind, rec, tag); err != nil {
			return err
		}
	}
	return nil
}

// indexTag lists rec under one tag. It writes only when the entry is missing: a step that
// stores a conversation again costs one lookup here, not a changed page.
func (t txn) indexTag(kind byte, rec []byte, tag string) error {
	b := t.tx.Bucket(bucketByPerson)
	k := indexKey(tag, kind, rec)
	if b.Get(k) != nil {
		return nil
	}
	return b.Put(k, []byte{1})
}

// indexed returns the keys of the records of kind listed under tag.
func (t txn) indexed(tag string, kind byte) [][]byte {
	prefix := indexKey(tag, kind, nil)
	c := t.tx.Bucket(bucketByPerson).Cursor()
	var out [][]byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, bytes.Clone(k[len(prefix):]))
	}
	return out
}

// unindex removes rec from under each of owners. For kindUnanswered, owners are tags already
// (Unanswered.Who); otherwise ids.
func (t txn) unindex(kind byte, rec []byte, owners ...string) error {
	tags := owners
	if kind != kindUnanswered {
		tags = t.s.personTags(owners...)
	}
	b := t.tx.Bucket(bucketByPerson)
	for _, tag := range tags {
		if err := b.Delete(indexKey(tag, kind, rec)); err != nil {
			return err
		}
	}
	return nil
}

// indexAll builds the by-person index of a file written before it existed.
func (t txn) indexAll() error {
	err := t.tx.Bucket(bucketConversations).ForEach(func(k, v []byte) error {
		var c struct {
			People []string `json:"people"`
		}
		json.Unmarshal(v, &c)
		return t.index(kindConversation, k, convOwners(k, c.People))
	})
	if err != nil {
		return err
	}
	err = t.tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		var c store.Case
		json.Unmarshal(v, &c)
		return t.index(kindCase, k, caseOwners(&c))
	})
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketUnanswered).ForEach(func(k, v []byte) error {
		var u decide.Unanswered
		json.Unmarshal(v, &u)
		for _, tag := range u.Who {
			if err := t.indexTag(kindUnanswered, k, tag); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteDeliveries deletes the outbox entries for which match returns true, and returns how
// many it deleted.
func (t txn) DeleteDeliveries(match func(*store.Delivery) bool) (int, error) {
	var ids []uint64
	n, err := t.deleteWhere(bucketOutbox, func(k, v []byte) bool {
		var d store.Delivery
		json.Unmarshal(v, &d)
		if match(&d) {
			ids = append(ids, binary.BigEndian.Uint64(k))
			return true
		}
		return false
	})
	t.tx.OnCommit(func() {
		for _, id := range ids {
			t.s.queue.remove(id)
		}
	})
	return n, err
}

// purgeChunk is how many keys one retention transaction looks at.
const purgeChunk = 1000

// chunked walks a bucket in transactions of purgeChunk keys, calling fn on each key (fn may
// change or delete it: the walk resumes after the last key it saw). It returns how many keys fn
// reported as changed.
func (s *Store) chunked(bucket []byte, fn func(t txn, k, v []byte) (bool, error)) (int, error) {
	var after []byte
	total := 0
	for {
		done := false
		err := s.update(func(t txn) error {
			type kv struct{ k, v []byte }
			var batch []kv
			c := t.tx.Bucket(bucket).Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(batch) < purgeChunk; k, v = c.Next() {
				batch = append(batch, kv{bytes.Clone(k), bytes.Clone(v)})
			}
			done = len(batch) < purgeChunk
			for _, e := range batch {
				changed, err := fn(t, e.k, e.v)
				if err != nil {
					return err
				}
				if changed {
					total++
				}
			}
			if len(batch) > 0 {
				after = batch[len(batch)-1].k
			}
			return nil
		})
		if err != nil || done {
			return total, err
		}
	}
}

// purgeConversation deletes a conversation idle since before cutoff, unless it waits on an open
// case (the case's own retention closes it first).
func (t txn) purgeConversation(k, v []byte, cutoff time.Time) (bool, error) {
	var c decide.Conversation
	if json.Unmarshal(v, &c) == nil && !c.Updated.Before(cutoff) {
		return false, nil
	}
	if c.Mode == decide.ModeHandoff {
		if cs, err := t.Case(c.CaseID); err != nil || cs.IsOpen() {
			return false, err
		}
	}
	t.forgetDecoded(string(k))
	if err := t.unindex(kindConversation, k, convOwners(k, c.People)...); err != nil {
		return false, err
	}
	return true, t.tx.Bucket(bucketConversations).Delete(k)
}

func (t txn) purgeUnansweredEntry(k, v []byte, cutoff time.Time) (bool, error) {
	var u decide.Unanswered
	if json.Unmarshal(v, &u) == nil && !u.At.Before(cutoff) {
		return false, nil
	}
	if err := t.unindex(kindUnanswered, k, u.Who...); err != nil {
		return false, err
	}
	return true, t.tx.Bucket(bucketUnanswered).Delete(k)
}

// ---- erasing for real

// Scrub overwrites with zeros every page of the database file that holds no live data, and
// returns how many pages it wrote. bbolt never clears a page it frees: the values deleted by
// Forget, by the retention sweep or by a delivered outbox entry stay in the file, byte for byte,
// until the page is used again, and a backup (a copy of the file's pages) carries them along.
// Scrubbing after an erasure is what makes "erased" mean unrecoverable, from the file and from
// any backup made afterwards.
//
// Why this, and not the alternatives:
//   - Encrypting each person's texts with a key of their own (crypto-shredding) needs the key to
//     be erased for real in turn: kept in a bbolt bucket, a deleted key stays in a freed page like
//     any value, and is easy to find there (a key bucket's leaf page has a known layout). It
//     would only move the problem, and cost a cipher on every read and write of every step.
//   - Compacting into a new file after an erasure rewrites the whole database and has to stop
//     every reader and writer while the files are swapped: its cost grows with the database,
//     not with what was erased.
//   - Zeroing the free pages costs a read of the free pages and a write of those that are not
//     zero yet, then one fsync: it grows with what was freed since the last scrub.
//
// A freed page is not free at once: bbolt keeps it pending while a read transaction that began
// before the free may still read it. Pending pages are released when a write transaction
// begins, as far as no open reader can see them; so scrub begins its write transaction while no
// read transaction of this store is open (readers are held off for that instant only), and then
// every page bbolt reports as free is out of reach of every reader, present and future, and of
// the writer, which is scrub itself until it rolls back. Writers wait for the zeroing (the
// figures are in the package's benchmarks), and so do backups (see Store.copying), which copy
// free pages too; other readers do not.
//
// The file is written in place. On a file system that copies on write (btrfs, ZFS) or a disk
// that remaps blocks (SSDs), the old blocks may survive below the file: that is out of reach of
// any program, and the reason to keep the database on an encrypted volume.
func (s *Store) Scrub() (int, error) {
	const scrubRun = 256
	if err := s.refusal(); err != nil {
		return 0, err
	}
	n := 0
	s.copying.Lock()
	defer s.copying.Unlock()
	err := s.wrap(s.guard(func() error {
		tx, err := func() (*bolt.Tx, error) {
			s.readers.Lock()
			defer s.readers.Unlock()
			return s.db.Begin(true)
		}()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		f, err := os.OpenFile(s.db.Path(), os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		size := s.db.Info().PageSize
		pages := int(tx.Size()) / size
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		// Past the last page in use the file holds no live page either, but a commit that
		// failed half way (a full disk) may have written some there.
		end := int(fi.Size()) / size
		// Candidate pages are read in runs of up to scrubRun pages: one call per run, not per
		// page (the file's tail alone can be many megabytes).
		buf := make([]byte, scrubRun*size)
		zero := make([]byte, size)
		flush := func(first, count int) error {
			if count == 0 {
				return nil
			}
			run := buf[:count*size]
			if _, err := f.ReadAt(run, int64(first)*int64(size)); err != nil {
				return err
			}
			for i := 0; i < count; i++ {
				if bytes.Equal(run[i*size:(i+1)*size], zero) {
					continue
				}
				if _, err := f.WriteAt(zero, int64(first+i)*int64(size)); err != nil {
					return err
				}
				n++
			}
			return nil
		}
		first, count := 0, 0
		for id := 2; id < end; id++ { // pages 0 and 1 are the meta pages
			if id < pages {
				p, err := tx.Page(id)
				if err != nil {
					return err
				}
				if p == nil || p.Type != "free" {
					continue
				}
			}
			if count > 0 && (first+count != id || count == scrubRun) {
				if err := flush(first, count); err != nil {
					return err
				}
				count = 0
			}
			if count == 0 {
				first = id
			}
			count++
		}
		if err := flush(first, count); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("scrub: %v", err)
		}
		return nil
	}))
	return n, err
}
