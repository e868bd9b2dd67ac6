package pgstore

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// What one process keeps in memory with bbolt, replicas share here: the rate limit's buckets
// (TakeToken), one open case per person (personLock, in OpenCaseOf), and the retention sweep
// running once (Exclusive).

// TakeToken takes a token from person's bucket, in the step's transaction: the bucket's row is
// locked until the commit, so replicas taking tokens of one person take them one after the
// other, and a transaction that rolls back gives its token back. See store.RateTx.
func (t *txn) TakeToken(person string, now time.Time, burst int, every time.Duration) (ok, notify bool, err error) {
	tag := t.s.personTags(person)[0]
	var (
		tokens   float64
		last     time.Time
		notified bool
	)
	// A missing bucket is a full one. ON CONFLICT DO UPDATE locks the row and returns it as
	// stored, also when another transaction inserted it meanwhile.
	_, err = t.row(`INSERT INTO rate_buckets AS b (person, tokens, last, notified) VALUES ($1, $2, $3, false)
		ON CONFLICT (person) DO UPDATE SET person = b.person
		RETURNING tokens, last, notified`, []any{tag, float64(burst), now}, &tokens, &last, &notified)
	if err != nil {
		return false, false, err
	}
	if d := now.Sub(last); d > 0 { // a replica whose clock is behind refills nothing
		tokens += d.Seconds() / every.Seconds()
		last = now
	}
	if tokens >= float64(burst) {
		tokens, notified = float64(burst), false
	}
	switch {
	case tokens >= 1:
		tokens--
		ok = true
	case !notified:
		notified, notify = true, true
	}
	_, err = t.exec("UPDATE rate_buckets SET tokens = $2, last = $3, notified = $4 WHERE person = $1", tag, tokens, last, notified)
	return ok, notify, err
}

var _ store.RateTx = (*txn)(nil)

// personLock takes the transaction's advisory lock on person (a person tag): a second
// transaction asking for it waits for the first one's commit. OpenCaseOf takes it, so two
// replicas escalating two conversations of one person (two Slack threads) at once do not both
// find no open case and open one each: the second finds the first one's case.
func (t *txn) personLock(tag string) error {
	h := fnv.New64a()
	h.Write([]byte("person/" + tag))
	_, err := t.exec("SELECT pg_advisory_xact_lock($1)", int64(h.Sum64()))
	return err
}

// Exclusive runs fn while holding a session advisory lock named name on a connection of its
// own, unless another process holds it: then it returns at once, ran false. The lock ends with
// fn, or with the connection if the process dies. See store.Exclusive.
func (s *Store) Exclusive(ctx context.Context, name string, fn func() error) (bool, error) {
	if s.closed.Load() {
		return false, store.ErrClosed
	}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, s.wrap(fmt.Errorf("%s: lock: %v", name, err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	h := fnv.New64a()
	h.Write([]byte("exclusive/" + name))
	key := int64(h.Sum64())
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, s.wrap(fmt.Errorf("%s: lock: %v", name, err))
	}
	if !got {
		return false, nil
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return true, fn()
}

var _ store.Exclusive = (*Store)(nil)
