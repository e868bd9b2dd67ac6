package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// Claims are rows, not memory: every store sharing the database sees the same leases and
// epochs. Times come from the callers (now), so the replicas' clocks must agree to well within
// a lease.

// claimSQL leases the entries due at $1 that head their recipient's queue (no earlier entry
// of the recipient is in the outbox, waiting, leased or skipped), in queue order. FOR UPDATE
// SKIP LOCKED lets two claimers run at once without waiting for, or both taking, one entry: an
// entry another claimer is leasing is skipped, and one it leased since this statement's
// snapshot is read again, found leased, and left out.
const claimSQL = `
WITH picked AS (
	SELECT o.id, o.leased_until AS prev FROM outbox o
	WHERE o.next_attempt <= $1
	  AND (o.leased_until IS NULL OR o.leased_until <= $1)
	  AND NOT (o.id = ANY($3))
	  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.recipient = o.recipient AND e.id < o.id)
	ORDER BY o.id
	LIMIT $4
	FOR UPDATE OF o SKIP LOCKED
)
UPDATE outbox SET epoch = outbox.epoch + 1, leased_until = $2
FROM picked WHERE outbox.id = picked.id
RETURNING outbox.id, outbox.epoch, outbox.body, picked.prev IS NOT NULL`

// Claim leases up to limit entries due at now: see store.Store.
func (s *Store) Claim(now time.Time, limit int, lease time.Duration, skip map[uint64]bool) ([]store.Claim, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if limit <= 0 {
		return nil, nil
	}
	skipped := []int64{}
	for _, id := range slices.Sorted(maps.Keys(skip)) {
		if skip[id] {
			skipped = append(skipped, int64(id))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := s.pool.Query(ctx, claimSQL, now, now.Add(lease), skipped, limit)
	if err != nil {
		return nil, s.wrap(fmt.Errorf("claim: %v", err))
	}
	var out []store.Claim
	for rows.Next() {
		var (
			id, epoch int64
			body      []byte
			reclaimed bool // an expired lease: Reschedule and the marks end a lease
		)
		if err := rows.Scan(&id, &epoch, &body, &reclaimed); err != nil {
			rows.Close()
			return nil, s.wrap(fmt.Errorf("claim: %v", err))
		}
		d, err := decodeDelivery(id, body)
		if err != nil {
			rows.Close()
			return nil, s.wrap(fmt.Errorf("claim: %v", err))
		}
		out = append(out, store.Claim{Delivery: *d, Epoch: uint64(epoch), Reclaimed: reclaimed})
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(fmt.Errorf("claim: %v", err))
	}
	slices.SortFunc(out, func(a, b store.Claim) int { return cmp.Compare(a.Delivery.ID, b.Delivery.ID) })
	return out, nil
}

// Renew extends the lease of a claimed entry.
func (s *Store) Renew(id, epoch uint64, until time.Time) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tag, err := s.pool.Exec(ctx, "UPDATE outbox SET leased_until = $3 WHERE id = $1 AND epoch = $2", int64(id), int64(epoch), until)
	if err != nil {
		return s.wrap(fmt.Errorf("renew: %v", err))
	}
	if tag.RowsAffected() == 0 {
		return store.ErrStaleEpoch
	}
	return nil
}

// count runs a query for one number on the side pool. These methods have no error to return:
// a failure counts as nothing (and Ping reports the database).
func (s *Store) count(sql string, args ...any) int64 {
	if s.closed.Load() {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var n int64
	if err := s.side.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		return 0
	}
	return n
}

// Due counts the entries due at now or being delivered.
func (s *Store) Due(now time.Time) int {
	return int(s.count("SELECT count(*) FROM outbox WHERE next_attempt <= $1", now))
}

// Depth counts the entries.
func (s *Store) Depth() int { return int(s.count("SELECT count(*) FROM outbox")) }

// CasePostsDue reports whether a post that opens a case may be on its way to the staff channel.
func (s *Store) CasePostsDue(now time.Time) bool {
	return s.count("SELECT count(*) FROM (SELECT 1 FROM outbox WHERE root_case <> '' AND next_attempt <= $1 LIMIT 1) x", now) > 0
}

// purgeChunk is how many rows one retention transaction looks at.
const purgeChunk = 1000

// chunks runs fn in transactions until it reports that it did less than a full chunk, and
// returns the sum of what it reported. fn gets the key of the last row the previous chunk
// looked at ("" at first) and returns the new one.
func (s *Store) chunks(ctx context.Context, fn func(t store.Tx, after string) (n, looked int, last string, err error)) (int, error) {
	total, after := 0, ""
	for {
		var n, looked int
		var last string
		err := s.Update(ctx, func(t store.Tx) error {
			var err error
			n, looked, last, err = fn(t, after)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if looked < purgeChunk {
			return total, nil
		}
		after = last
	}
}

// RetainCases walks the cases in transactions of purgeChunk cases, in id order.
func (s *Store) RetainCases(ctx context.Context, fn func(t store.Tx, c *store.Case) (bool, error)) (int, error) {
	return s.chunks(ctx, func(tt store.Tx, after string) (int, int, string, error) {
		t := tt.(*txn)
		var page []*store.Case
		last := after
		err := t.rows("SELECT id, body FROM cases WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE", []any{after, purgeChunk}, func(r pgx.Rows) error {
			var body []byte
			if err := r.Scan(&last, &body); err != nil {
				return err
			}
			if c, err := decodeCase(body); err == nil {
				page = append(page, c)
			}
			return nil
		})
		if err != nil {
			return 0, 0, "", err
		}
		n := 0
		for _, c := range page {
			changed, err := fn(t, c)
			if err != nil {
				return 0, 0, "", err
			}
			if changed {
				n++
			}
		}
		return n, len(page), last, nil
	})
}

// PurgeConversations deletes the conversations idle since before cutoff, except those that
// wait on an open case (the case's own retention closes it first).
func (s *Store) PurgeConversations(ctx context.Context, cutoff time.Time) (int, error) {
	return s.chunks(ctx, func(tt store.Tx, after string) (int, int, string, error) {
		t := tt.(*txn)
		type conv struct {
			key  string
			c    decide.Conversation
			read bool
		}
		var page []conv
		last := after
		err := t.rows("SELECT key, body FROM conversations WHERE updated < $1 AND key > $2 ORDER BY key LIMIT $3 FOR UPDATE",
			[]any{cutoff, after, purgeChunk}, func(r pgx.Rows) error {
				var body []byte
				if err := r.Scan(&last, &body); err != nil {
					return err
				}
				v := conv{key: last}
				v.read = json.Unmarshal(body, &v.c) == nil
				page = append(page, v)
				return nil
			})
		if err != nil {
			return 0, 0, "", err
		}
		var doomed []string
		for _, v := range page {
			if v.read && v.c.Mode == decide.ModeHandoff {
				c, err := t.Case(v.c.CaseID)
				if err != nil {
					return 0, 0, "", err
				}
				if c.IsOpen() {
					continue
				}
			}
			doomed = append(doomed, v.key)
		}
		if len(doomed) > 0 {
			if _, err := t.exec("DELETE FROM conversations WHERE key = ANY($1)", doomed); err != nil {
				return 0, 0, "", err
			}
		}
		return len(doomed), len(page), last, nil
	})
}

// PurgeUnanswered deletes the unanswered texts kept since before cutoff.
func (s *Store) PurgeUnanswered(ctx context.Context, cutoff time.Time) (int, error) {
	return s.purgeBefore(ctx, "DELETE FROM unanswered WHERE id IN (SELECT id FROM unanswered WHERE at < $1 LIMIT $2)", cutoff)
}

// PurgeSeen forgets the event ids first seen before cutoff, and the rate limit's buckets idle
// since then (a missing bucket is a full one: see rate_buckets in the migrations).
func (s *Store) PurgeSeen(ctx context.Context, cutoff time.Time) (int, error) {
	if _, err := s.purgeBefore(ctx, "DELETE FROM rate_buckets WHERE person IN (SELECT person FROM rate_buckets WHERE last < $1 LIMIT $2)", cutoff); err != nil {
		return 0, err
	}
	return s.purgeBefore(ctx, `DELETE FROM seen WHERE (channel, event_id) IN
		(SELECT channel, event_id FROM seen WHERE first_seen < $1 LIMIT $2)`, cutoff)
}

// purgeBefore runs a DELETE of at most purgeChunk rows older than cutoff until one deletes
// fewer.
func (s *Store) purgeBefore(ctx context.Context, sql string, cutoff time.Time) (int, error) {
	return s.chunks(ctx, func(tt store.Tx, _ string) (int, int, string, error) {
		n, err := tt.(*txn).exec(sql, cutoff, purgeChunk)
		return int(n), int(n), "", err
	})
}
