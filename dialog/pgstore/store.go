package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// Store keeps the engine's data in a PostgreSQL database: an implementation of store.Store.
// Several stores, in several processes, may share one database: that is what it is for.
type Store struct {
	pool *pgxpool.Pool
	// side serves Due, Depth and CasePostsDue, which callers may ask from inside an Update
	// (the staff handler does): with one pool, as many such Updates as the pool has
	// connections would each wait for a connection none of them gives back.
	side   *pgxpool.Pool
	person []byte // the key of personTags, from meta
	closed atomic.Bool

	notify chan struct{} // signalled after a commit that queued a delivery, here or elsewhere (Wake)
	stop   context.CancelFunc
	done   sync.WaitGroup // the listener
}

// Open connects to the database at url (a PostgreSQL URL or key=value string), checks that
// the server answers and that the schema is the one this build uses, and starts listening for
// the outbox's notifications. What is wrong is said plainly: no server, a refused password, a
// missing database, or a schema to migrate ("run helpdesk migrate"). Call Close to release the
// connections.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: url: %v", err)
	}
	cc := cfg.ConnConfig
	where := func(err error) error {
		return fmt.Errorf("open database: %v", explainConnect(err, cc.Host, cc.Port, cc.User, cc.Database))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, where(err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, where(err)
	}
	if err := checkSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", cc.Database, err)
	}
	s := &Store{pool: pool, notify: make(chan struct{}, 1)}
	err = pool.QueryRow(ctx, "SELECT value FROM meta WHERE name = 'person-key'").Scan(&s.person)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && len(s.person) != 32) {
		err = errors.New("no person key in meta: run helpdesk migrate")
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %v", cc.Database, err)
	}
	sideCfg := cfg.Copy()
	sideCfg.MaxConns, sideCfg.MinConns = 2, 0
	if s.side, err = pgxpool.NewWithConfig(ctx, sideCfg); err != nil {
		pool.Close()
		return nil, where(err)
	}
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		s.listen(lctx, cc.Copy())
	}()
	return s, nil
}

// explainConnect turns a failed connection into a sentence that says what to check.
func explainConnect(err error, host string, port uint16, user, database string) error {
	addr := net.JoinHostPort(host, fmt.Sprint(port))
	var pg *pgconn.PgError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT):
		return fmt.Errorf("no PostgreSQL server answers at %s (is it running, on that port?): %v", addr, err)
	case errors.As(err, &pg) && pg.Code == "28P01":
		return fmt.Errorf("the server at %s refused the password of user %q: check the password in the database url", addr, user)
	case errors.As(err, &pg) && pg.Code == "28000":
		return fmt.Errorf("the server at %s refused user %q for database %q (check pg_hba.conf and the user): %s", addr, user, database, pg.Message)
	case errors.As(err, &pg) && pg.Code == "3D000":
		return fmt.Errorf("the server at %s has no database %q: create it (createdb %s), then run helpdesk migrate", addr, database, database)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Errorf("cannot find the database host %q: %v", host, err)
	}
	return err
}

// Close stops the listener and closes the connections. Calls that race with it return
// store.ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stop()
	s.done.Wait()
	s.side.Close()
	s.pool.Close()
	return nil
}

// pingTimeout bounds Ping: a replica that cannot reach the database within it is reported not
// ready (/readyz) rather than leaving the probe waiting.
const pingTimeout = 2 * time.Second

// Ping reports whether the database answers: a round trip to the server on one of the pool's
// connections (a new one when none is idle), bounded by pingTimeout.
func (s *Store) Ping() error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		return s.wrap(err)
	}
	return nil
}

// wrap keeps pgx's errors out of the store's API: callers see store.ErrClosed or a message.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	return fmt.Errorf("database: %v", err)
}

// maxAttempts bounds how often Update runs a function that keeps meeting conflicts.
const maxAttempts = 50

// Update runs fn in one transaction (READ COMMITTED): see store.Store. What fn reads to decide
// is held still by row locks (a conversation, a case, the case number) or checked when written
// (an event id, a conversation that was absent); when another transaction got there first, the
// transaction is rolled back and fn runs again, as it does after a deadlock or a serialization
// failure.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	for attempt := 1; ; attempt++ {
		if s.closed.Load() {
			return store.ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		retry, err := s.attempt(ctx, fn)
		switch {
		case !retry:
			return err
		case attempt < maxAttempts:
			backoff(ctx, attempt)
		default:
			return s.wrap(fmt.Errorf("gave up after %d conflicting attempts: %v", attempt, err))
		}
	}
}

// attempt runs fn in one transaction and commits it. retry reports that another transaction
// got there first, and err then says how.
func (s *Store) attempt(ctx context.Context, fn func(store.Tx) error) (retry bool, err error) {
	t, err := s.begin(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, true)
	if err != nil {
		return false, err
	}
	defer t.tx.Rollback(context.WithoutCancel(ctx)) // after a commit, or a panic in fn: nothing, or the rollback
	ferr := fn(t)
	if t.conflict || retryable(t.err) || retryable(ferr) {
		return true, firstErr(t.err, ferr)
	}
	if ferr != nil {
		return false, ferr // the caller's error, unchanged
	}
	if t.err != nil {
		return false, s.wrap(t.err)
	}
	if err := t.tx.Commit(ctx); err != nil {
		return retryable(err), s.wrap(err)
	}
	if t.enqueued {
		s.wake()
	}
	return false, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return errors.New("conflict")
}

// backoff waits a little before another attempt, more after each: racing transactions spread
// out instead of meeting again.
func backoff(ctx context.Context, attempt int) {
	if attempt < 2 {
		return
	}
	d := time.Duration(rand.Int64N(int64(min(attempt, 10)) * int64(time.Millisecond)))
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot for all its reads.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	t, err := s.begin(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false)
	if err != nil {
		return err
	}
	defer t.tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return s.wrap(t.err)
	}
	return nil
}

func (s *Store) begin(ctx context.Context, opts pgx.TxOptions, write bool) (*txn, error) {
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, s.wrap(err)
	}
	return &txn{s: s, tx: tx, ctx: ctx, write: write}, nil
}

// retryable reports whether err means another transaction got there first: running the
// transaction again will decide on what it did.
func retryable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "40001", // serialization_failure
			"40P01", // deadlock_detected
			"23505": // unique_violation: a racing insert of the same key
			return true
		}
	}
	return false
}

func isCode(err error, code string) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == code
}

// wake tells this process's sender that the outbox gained entries. The channel is buffered by
// one: a sender that was busy still sees the latest signal.
func (s *Store) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Wake returns the channel signalled after a commit that queued a delivery, in this process or
// in another one sharing the database.
func (s *Store) Wake() <-chan struct{} { return s.notify }

// notifyChannel is the LISTEN/NOTIFY channel on which a commit that queued deliveries tells
// every store sharing the database.
const notifyChannel = "helpdesk_outbox"

// pollEvery is how often the claimers are woken while the listening connection is down, and
// how long the listener waits before connecting again.
const pollEvery = time.Second

// listen holds a connection of its own that LISTENs for the outbox's notifications, and wakes
// the claimers on each. While it has no connection it wakes them every pollEvery instead, so
// a lost connection delays deliveries by a second at most, and tries again.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+notifyChannel); err == nil {
				s.wake() // anything queued while nobody listened
				for err == nil {
					_, err = conn.WaitForNotification(ctx)
					if err == nil {
						s.wake()
					}
				}
			}
			conn.Close(context.WithoutCancel(ctx))
		}
		for range 3 { // poll while the connection is down
			select {
			case <-ctx.Done():
				return
			case <-time.After(pollEvery):
				s.wake()
			}
		}
	}
}

// personTags returns the keyed hashes of ids under this database's key (store.PersonTags),
// never nil: a text[] parameter of no tags is an empty array, not NULL.
func (s *Store) personTags(ids ...string) []string {
	if tags := store.PersonTags(s.person, ids...); tags != nil {
		return tags
	}
	return []string{}
}

// Scrub returns 0 and overwrites nothing: PostgreSQL offers no way to overwrite the bytes of
// deleted rows. What erasure deletes is gone from every query at commit; this runs VACUUM on
// the tables that erasure and retention delete from, so that the space of the dead rows is
// marked free for reuse soon rather than at autovacuum's next pass. Until it is reused, and in
// the write-ahead log until its segments are recycled, and in every base backup and dump taken
// before, the deleted bytes can still be read from the server's files: keep the data directory
// and its backups on encrypted storage, and their retention within the erasure policy.
func (s *Store) Scrub() (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// VACUUM cannot run inside a transaction block: one statement per table.
	for _, table := range []string{"conversations", "cases", "case_threads", "unanswered", "outbox", "seen"} {
		if _, err := s.pool.Exec(ctx, "VACUUM "+table); err != nil {
			return 0, s.wrap(fmt.Errorf("scrub: vacuum %s: %v", table, err))
		}
	}
	return 0, nil
}

// Backup refuses: a consistent copy of a PostgreSQL database is the server's job. Use pg_dump
// (pg_dump --format=custom --file=helpdesk.dump URL), or the server's own base backups.
func (s *Store) Backup(w io.Writer) (int64, error) {
	return 0, errors.New("backup: the PostgreSQL store does not write backups itself: use pg_dump (pg_dump --format=custom) or the server's base backups")
}

var _ store.Store = (*Store)(nil)
