package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// What helpdesk copy reads and writes (store.Exporter, store.ExportTx, store.Importer,
// store.ImportTx): a bbolt file's records are written here as they were read, and read back
// to be compared.

// dataTables are the tables that hold records: a store is empty when they are.
var dataTables = []string{"conversations", "cases", "case_threads", "outbox", "unanswered", "counters", "seen", "case_seq", "rate_buckets"}

// PersonKey returns the key of the database's person tags.
func (s *Store) PersonKey() []byte { return bytes.Clone(s.person) }

// Empty reports whether the database holds no record.
func (s *Store) Empty() (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, table := range dataTables {
		var any bool
		if err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+")").Scan(&any); err != nil {
			return false, s.wrap(err)
		}
		if any {
			return false, nil
		}
	}
	return true, nil
}

// AdoptPersonKey makes key the key of the database's person tags, when the database is empty.
// Other stores open on the database keep the key they read: adopt it before any replica runs.
func (s *Store) AdoptPersonKey(key []byte) error {
	if len(key) != 32 {
		return fmt.Errorf("person key: %d bytes, want 32", len(key))
	}
	empty, err := s.Empty()
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("person key: the database is not empty: its records are tagged with its own key")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tag, err := s.pool.Exec(ctx, "UPDATE meta SET value = $1 WHERE name = 'person-key'", key)
	if err != nil {
		return s.wrap(err)
	}
	if tag.RowsAffected() != 1 {
		return errors.New("person key: the database has no person key row (run helpdesk migrate on an empty database)")
	}
	s.person = bytes.Clone(key)
	return nil
}

// FinishImport moves the outbox's and the unanswered texts' id sequences past the ids copied.
func (s *Store) FinishImport() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, table := range []string{"outbox", "unanswered"} {
		_, err := s.pool.Exec(ctx, fmt.Sprintf(
			"SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), coalesce((SELECT max(id) FROM %[1]s), 0) + 1, false)", table))
		if err != nil {
			return s.wrap(fmt.Errorf("%s: %v", table, err))
		}
	}
	return nil
}

func (t *txn) EachConversation(fn func(key string, c *decide.Conversation) error) error {
	type conv struct {
		key  string
		body []byte
	}
	after := ""
	for {
		var page []conv
		err := t.rows("SELECT key, body FROM conversations WHERE key > $1 ORDER BY key LIMIT $2", []any{after, outboxPage}, func(r pgx.Rows) error {
			var c conv
			err := r.Scan(&c.key, &c.body)
			page = append(page, c)
			return err
		})
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c.key, decodeConversation(c.body)); err != nil {
				return err
			}
			after = c.key
		}
		if len(page) < outboxPage {
			return nil
		}
	}
}

func (t *txn) EachSeen(fn func(channel decide.Channel, id string, first time.Time) error) error {
	type seen struct {
		channel, id string
		first       time.Time
	}
	all, err := collect(t, "SELECT channel, event_id, first_seen FROM seen ORDER BY channel, event_id", func(r pgx.Rows) (s seen, err error) {
		return s, r.Scan(&s.channel, &s.id, &s.first)
	})
	for _, s := range all {
		if err == nil {
			err = fn(decide.Channel(s.channel), s.id, s.first)
		}
	}
	return err
}

func (t *txn) EachCaseThread(fn func(ref, caseID string) error) error {
	all, err := collect(t, "SELECT ref, case_id FROM case_threads ORDER BY ref", func(r pgx.Rows) (l [2]string, err error) {
		return l, r.Scan(&l[0], &l[1])
	})
	for _, l := range all {
		if err == nil {
			err = fn(l[0], l[1])
		}
	}
	return err
}

func (t *txn) EachCaseSeq(fn func(year int, n uint64) error) error {
	type seq struct {
		year int
		n    int64
	}
	all, err := collect(t, "SELECT year, n FROM case_seq ORDER BY year", func(r pgx.Rows) (s seq, err error) {
		return s, r.Scan(&s.year, &s.n)
	})
	for _, s := range all {
		if err == nil {
			err = fn(s.year, uint64(s.n))
		}
	}
	return err
}

// collect reads every row of sql (a small table, whole) with scan, before the caller acts on
// them: a connection reads one result at a time, and the callers' callbacks write.
func collect[T any](t *txn, sql string, scan func(pgx.Rows) (T, error)) ([]T, error) {
	var all []T
	err := t.rows(sql, nil, func(r pgx.Rows) error {
		v, err := scan(r)
		all = append(all, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

func (t *txn) ImportDelivery(d *store.Delivery) error {
	v, err := encodeDelivery(d)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO outbox (id, recipient, channel, next_attempt, root_case, body)
		OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6)`,
		int64(d.ID), d.Recipient, d.Channel, d.NextAttempt, store.RootCase(d), v)
	t.enqueued = true
	return err
}

func (t *txn) ImportUnanswered(u *decide.Unanswered) error {
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	who := u.Who
	if who == nil {
		who = []string{}
	}
	_, err = t.exec("INSERT INTO unanswered (at, channel, who, body) VALUES ($1, $2, $3, $4)", u.At, u.Channel, who, v)
	return err
}

func (t *txn) ImportCounter(day, topic, name string, n uint64) error {
	_, err := t.exec(`INSERT INTO counters (day, topic, name, shard, n) VALUES ($1, $2, $3, 0, $4)
		ON CONFLICT (day, topic, name, shard) DO UPDATE SET n = excluded.n`, day, topic, name, int64(n))
	return err
}

func (t *txn) ImportCaseSeq(year int, n uint64) error {
	_, err := t.exec("INSERT INTO case_seq (year, n) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET n = excluded.n", year, int64(n))
	return err
}

var (
	_ store.Exporter = (*Store)(nil)
	_ store.Importer = (*Store)(nil)
	_ store.ExportTx = (*txn)(nil)
	_ store.ImportTx = (*txn)(nil)
)
