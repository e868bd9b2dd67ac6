package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// txn is one transaction. Reads that find the database failing record the error in err (the
// Tx interface gives some of them no error to return), and Update or View returns it.
type txn struct {
	s     *Store
	tx    pgx.Tx
	ctx   context.Context
	write bool // an Update: reads lock the rows a decision rests on
	err   error

	// conflict is set when a write finds that another transaction changed what this one read
	// (an event id marked, a conversation created): Update runs fn again.
	conflict bool
	enqueued bool                 // the commit queued deliveries: wake the claimers
	unseen   map[string]bool      // event ids Seen reported unmarked
	revs     map[string]store.Rev // conversations read, with the revision read
	caseSeq  map[int]uint64       // case numbers locked, by year: the last one taken
}

// errConflict is what a write returns when it sets conflict; Update never returns it.
var errConflict = errors.New("a concurrent transaction changed what this one read")

// fail records the first database error of the transaction and returns it.
func (t *txn) fail(err error) error {
	if err != nil && t.err == nil {
		t.err = err
	}
	return err
}

func (t *txn) exec(sql string, args ...any) (int64, error) {
	if t.err != nil {
		return 0, t.err
	}
	tag, err := t.tx.Exec(t.ctx, sql, args...)
	return tag.RowsAffected(), t.fail(err)
}

// row runs a query for one row; found is false when there is none.
func (t *txn) row(sql string, args []any, dest ...any) (found bool, err error) {
	if t.err != nil {
		return false, t.err
	}
	err = t.tx.QueryRow(t.ctx, sql, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, t.fail(err)
}

// rows runs a query and calls scan on each row. scan must not use the transaction: the rows
// are still being read.
func (t *txn) rows(sql string, args []any, scan func(pgx.Rows) error) error {
	if t.err != nil {
		return t.err
	}
	rs, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return t.fail(err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return err
		}
	}
	return t.fail(rs.Err())
}

// forUpdate is appended to the reads an Update decides on: the row stays as read until the
// commit, and a transaction that changed it first is waited for and then read.
func (t *txn) forUpdate() string {
	if t.write {
		return " FOR UPDATE"
	}
	return ""
}

// ---- events

func (t *txn) Seen(channel decide.Channel, id string) bool {
	found, _ := t.row("SELECT true FROM seen WHERE channel = $1 AND event_id = $2", []any{channel, id}, new(bool))
	if !found && t.write {
		if t.unseen == nil {
			t.unseen = map[string]bool{}
		}
		t.unseen[string(channel)+"/"+id] = true
	}
	return found
}

// MarkSeen marks an event id. The primary key decides between racing deliveries: when another
// transaction marked the id after this one found it unmarked, the insert finds it there, and
// the transaction runs again (to find it seen). Marking an id this transaction did not ask
// about is a plain mark, which leaves the first mark as it is.
func (t *txn) MarkSeen(channel decide.Channel, id string, now time.Time) error {
	n, err := t.exec("INSERT INTO seen (channel, event_id, first_seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", channel, id, now)
	if err != nil {
		return err
	}
	if n == 0 && t.unseen[string(channel)+"/"+id] {
		t.conflict = true
		return errConflict
	}
	return nil
}

// ---- conversations

func (t *txn) Conversation(key string) (*decide.Conversation, store.Rev) {
	var (
		body []byte
		rev  int64
	)
	found, _ := t.row("SELECT body, rev FROM conversations WHERE key = $1"+t.forUpdate(), []any{key}, &body, &rev)
	if !found {
		t.readRev(key, 0)
		return &decide.Conversation{}, 0
	}
	t.readRev(key, store.Rev(rev))
	return decodeConversation(body), store.Rev(rev)
}

func (t *txn) ConversationRev(key string) store.Rev {
	var rev int64
	t.row("SELECT rev FROM conversations WHERE key = $1"+t.forUpdate(), []any{key}, &rev)
	t.readRev(key, store.Rev(rev))
	return store.Rev(rev)
}

func (t *txn) readRev(key string, rev store.Rev) {
	if !t.write {
		return
	}
	if t.revs == nil {
		t.revs = map[string]store.Rev{}
	}
	t.revs[key] = rev
}

// decodeConversation reads a stored conversation. An unreadable or future conversation
// restarts rather than failing every message, as in the bbolt store.
func decodeConversation(v []byte) *decide.Conversation {
	c := &decide.Conversation{}
	if err := json.Unmarshal(v, c); err != nil || c.Schema > decide.SchemaVersion {
		return &decide.Conversation{Step: c.Step}
	}
	return c
}

// PutConversation stores c under a new revision. A conversation this transaction found absent
// is inserted only if it is still absent: when another transaction created it meanwhile, this
// one runs again. One it read is locked, so it is as read.
func (t *txn) PutConversation(key string, c *decide.Conversation) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.putConversation(key, c, v)
}

// putConversation stores c, encoded as v.
func (t *txn) putConversation(key string, c *decide.Conversation, v []byte) error {
	_, user := store.SplitConvKey(key)
	owners := t.s.personTags(keyOwners(user, c.People)...)
	if rev, read := t.revs[key]; read && rev == 0 {
		n, err := t.exec(`INSERT INTO conversations (key, rev, updated, owners, body)
			VALUES ($1, nextval('conversation_rev'), $2, $3, $4) ON CONFLICT DO NOTHING`, key, c.Updated, owners, v)
		if err != nil {
			return err
		}
		if n == 0 {
			t.conflict = true
			return errConflict
		}
		return nil
	}
	_, err := t.exec(`INSERT INTO conversations (key, rev, updated, owners, body)
		VALUES ($1, nextval('conversation_rev'), $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET rev = excluded.rev, updated = excluded.updated, owners = excluded.owners, body = excluded.body`,
		key, c.Updated, owners, v)
	return err
}

func (t *txn) DeleteConversation(key string) error {
	_, err := t.exec("DELETE FROM conversations WHERE key = $1", key)
	if err == nil && t.revs != nil {
		t.revs[key] = 0
	}
	return err
}

// keyOwners are the ids for which store.Owns reports a record as theirs: the user part of its
// key, each prefix of it that ends before a "/", and the people who wrote in it.
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

// ---- outbox

// Enqueue adds d to the outbox. Entries for one recipient are queued one transaction at a
// time (an advisory lock on the recipient, held to the commit), so that their ids, which are
// the queue order, are also the order in which they become visible: a claimer never sees a
// later entry of a recipient before an earlier one. The commit notifies every store listening
// on the database.
func (t *txn) Enqueue(d *store.Delivery) error {
	v, err := encodeDelivery(d)
	if err != nil {
		return err
	}
	return t.enqueue(d, v)
}

// encodeDelivery encodes d as the outbox keeps it: without its id, which is the row's.
func encodeDelivery(d *store.Delivery) ([]byte, error) {
	c := *d
	c.ID = 0
	return json.Marshal(&c)
}

// enqueue adds d, encoded as v, to the outbox and sets d.ID.
func (t *txn) enqueue(d *store.Delivery, v []byte) error {
	lock := "SELECT pg_advisory_xact_lock($1)"
	if !t.enqueued {
		lock = "SELECT pg_advisory_xact_lock($1), pg_notify('" + notifyChannel + "', '')"
	}
	if _, err := t.exec(lock, recipientLock(d.Recipient)); err != nil {
		return err
	}
	t.enqueued = true
	var id int64
	if _, err := t.row(`INSERT INTO outbox (recipient, channel, next_attempt, root_case, body)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		[]any{d.Recipient, d.Channel, d.NextAttempt, store.RootCase(d), v}, &id); err != nil {
		return err
	}
	d.ID = uint64(id)
	return nil
}

// decodeDelivery reads an outbox entry's body, with its id.
func decodeDelivery(id int64, body []byte) (*store.Delivery, error) {
	d := &store.Delivery{}
	if err := json.Unmarshal(body, d); err != nil {
		return nil, fmt.Errorf("outbox entry %d: %v", id, err)
	}
	d.ID = uint64(id)
	return d, nil
}

// recipientLock is the advisory lock key of a recipient's queue.
func recipientLock(recipient string) int64 {
	h := fnv.New64a()
	h.Write([]byte("outbox/" + recipient))
	return int64(h.Sum64())
}

func (t *txn) Delivery(id uint64) (*store.Delivery, error) {
	var body []byte
	found, err := t.row("SELECT body FROM outbox WHERE id = $1", []any{int64(id)}, &body)
	if err != nil || !found {
		return nil, err
	}
	return decodeDelivery(int64(id), body)
}

// outboxPage is how many entries EachDelivery and EachCase read at a time.
const outboxPage = 500

func (t *txn) EachDelivery(fn func(*store.Delivery) bool) error {
	var after int64
	for {
		var page []*store.Delivery
		err := t.rows("SELECT id, body FROM outbox WHERE id > $1 ORDER BY id LIMIT $2", []any{after, outboxPage}, func(r pgx.Rows) error {
			var body []byte
			if err := r.Scan(&after, &body); err != nil {
				return err
			}
			d, err := decodeDelivery(after, body)
			page = append(page, d)
			return err
		})
		if err != nil {
			return err
		}
		for _, d := range page {
			if !fn(d) {
				return nil
			}
		}
		if len(page) < outboxPage {
			return nil
		}
	}
}

// mark removes a delivered or dropped entry, if epoch is still its claim's (0: unfenced).
func (t *txn) mark(id, epoch uint64) (string, error) {
	var opens string
	found, err := t.row("DELETE FROM outbox WHERE id = $1 AND ($2 = 0 OR epoch = $2) RETURNING root_case",
		[]any{int64(id), int64(epoch)}, &opens)
	if err != nil || found {
		return opens, err
	}
	// Not deleted: gone already (delivered by the claimer that took over), or claimed again.
	var exists bool
	if found, err = t.row("SELECT true FROM outbox WHERE id = $1", []any{int64(id)}, &exists); err != nil || !found {
		return "", err
	}
	return "", store.ErrStaleEpoch
}

// Delivered removes a delivered entry claimed with epoch.
func (t *txn) Delivered(id, epoch uint64) (string, error) { return t.mark(id, epoch) }

// Dropped removes an entry that will never be delivered.
func (t *txn) Dropped(id, epoch uint64) (string, error) { return t.mark(id, epoch) }

// Reschedule changes an entry that stays in the outbox, and ends its claim: the lease ends and
// the epoch moves on.
func (t *txn) Reschedule(id, epoch uint64, change func(*store.Delivery)) error {
	var (
		body []byte
		cur  int64
	)
	found, err := t.row("SELECT body, epoch FROM outbox WHERE id = $1 FOR UPDATE", []any{int64(id)}, &body, &cur)
	if err != nil || !found {
		return err
	}
	if epoch != 0 && uint64(cur) != epoch {
		return store.ErrStaleEpoch
	}
	d, err := decodeDelivery(int64(id), body)
	if err != nil {
		return err
	}
	change(d)
	return t.putDelivery(d, true)
}

// putDelivery stores a changed entry; release ends its claim too.
func (t *txn) putDelivery(d *store.Delivery, release bool) error {
	id := d.ID
	v, err := encodeDelivery(d)
	if err != nil {
		return err
	}
	sql := "UPDATE outbox SET body = $2, next_attempt = $3, root_case = $4 WHERE id = $1"
	if release {
		sql = "UPDATE outbox SET body = $2, next_attempt = $3, root_case = $4, epoch = epoch + 1, leased_until = NULL WHERE id = $1"
	}
	_, err = t.exec(sql, int64(id), v, d.NextAttempt, store.RootCase(d))
	return err
}

// Hasten makes every entry of channel that waits for a later attempt due at now.
func (t *txn) Hasten(channel decide.Channel, now time.Time) (int, error) {
	var later []*store.Delivery
	err := t.rows("SELECT id, body FROM outbox WHERE channel = $1 AND next_attempt > $2 ORDER BY id FOR UPDATE",
		[]any{channel, now}, func(r pgx.Rows) error {
			var (
				id   int64
				body []byte
			)
			if err := r.Scan(&id, &body); err != nil {
				return err
			}
			d, err := decodeDelivery(id, body)
			later = append(later, d)
			return err
		})
	if err != nil {
		return 0, err
	}
	for _, d := range later {
		d.NextAttempt, d.Attempts = now, 0
		if err := t.putDelivery(d, false); err != nil {
			return 0, err
		}
	}
	return len(later), nil
}

// DeleteDeliveries deletes the entries for which match returns true.
func (t *txn) DeleteDeliveries(match func(*store.Delivery) bool) (int, error) {
	var doomed []int64
	err := t.rows("SELECT id, body FROM outbox ORDER BY id FOR UPDATE", nil, func(r pgx.Rows) error {
		var (
			id   int64
			body []byte
		)
		if err := r.Scan(&id, &body); err != nil {
			return err
		}
		d, err := decodeDelivery(id, body)
		if err != nil {
			d = &store.Delivery{ID: uint64(id)}
		}
		if match(d) {
			doomed = append(doomed, id)
		}
		return nil
	})
	if err != nil || len(doomed) == 0 {
		return 0, err
	}
	n, err := t.exec("DELETE FROM outbox WHERE id = ANY($1)", doomed)
	return int(n), err
}

// ---- cases

// lockCaseSeq locks the row of year's case numbers (making it if missing) and returns the
// last number taken. The lock holds until the commit, so the number a step is decided with
// (PeekCaseID) is the one it takes (NextCaseID), and numbers have no gaps: a transaction
// that rolls back gives its number back.
func (t *txn) lockCaseSeq(year int) (uint64, error) {
	if n, ok := t.caseSeq[year]; ok {
		return n, nil
	}
	var n int64
	found, err := t.row("SELECT n FROM case_seq WHERE year = $1 FOR UPDATE", []any{year}, &n)
	if err == nil && !found {
		if _, err = t.exec("INSERT INTO case_seq (year, n) VALUES ($1, 0) ON CONFLICT DO NOTHING", year); err == nil {
			_, err = t.row("SELECT n FROM case_seq WHERE year = $1 FOR UPDATE", []any{year}, &n)
		}
	}
	if err != nil {
		return 0, err
	}
	if t.caseSeq == nil {
		t.caseSeq = map[int]uint64{}
	}
	t.caseSeq[year] = uint64(n)
	return uint64(n), nil
}

func caseID(year int, n uint64) string { return fmt.Sprintf("%d-%04d", year, n) }

// NextCaseID takes the next case id of now's year.
func (t *txn) NextCaseID(now time.Time) (string, error) {
	year := now.Year()
	n, err := t.lockCaseSeq(year)
	if err != nil {
		return "", err
	}
	n++
	if _, err := t.exec("UPDATE case_seq SET n = $2 WHERE year = $1", year, int64(n)); err != nil {
		return "", err
	}
	t.caseSeq[year] = n
	return caseID(year, n), nil
}

// PeekCaseID returns the id NextCaseID would take now. In an Update it locks the year's
// numbers, so that no other transaction takes that id before this one commits.
func (t *txn) PeekCaseID(now time.Time) string {
	year := now.Year()
	if !t.write {
		var n int64
		t.row("SELECT n FROM case_seq WHERE year = $1", []any{year}, &n)
		return caseID(year, uint64(n)+1)
	}
	n, _ := t.lockCaseSeq(year)
	return caseID(year, n+1)
}

func decodeCase(body []byte) (*store.Case, error) {
	c := &store.Case{}
	return c, json.Unmarshal(body, c)
}

func (t *txn) Case(id string) (*store.Case, error) {
	var body []byte
	found, err := t.row("SELECT body FROM cases WHERE id = $1"+t.forUpdate(), []any{id}, &body)
	if err != nil || !found {
		return nil, err
	}
	return decodeCase(body)
}

func (t *txn) PutCase(c *store.Case) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO cases (id, status, owners, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, owners = excluded.owners, body = excluded.body`,
		c.ID, string(c.Status), t.s.personTags(keyOwners(c.User, c.People)...), v)
	return err
}

func (t *txn) EachCase(fn func(*store.Case) error) error {
	after := ""
	for {
		var page []*store.Case
		err := t.rows("SELECT id, body FROM cases WHERE id > $1 ORDER BY id LIMIT $2", []any{after, outboxPage}, func(r pgx.Rows) error {
			var body []byte
			if err := r.Scan(&after, &body); err != nil {
				return err
			}
			c, err := decodeCase(body)
			page = append(page, c)
			return err
		})
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < outboxPage {
			return nil
		}
	}
}

func (t *txn) EachCaseStatus(fn func(status store.CaseStatus)) error {
	var statuses []store.CaseStatus
	err := t.rows("SELECT status FROM cases ORDER BY id", nil, func(r pgx.Rows) error {
		var s string
		err := r.Scan(&s)
		statuses = append(statuses, store.CaseStatus(s))
		return err
	})
	for _, s := range statuses {
		fn(s)
	}
	return err
}

func (t *txn) CaseByThread(ref string) string {
	var id string
	t.row("SELECT case_id FROM case_threads WHERE ref = $1", []any{ref}, &id)
	return id
}

func (t *txn) PutCaseThread(ref, caseID string) error {
	_, err := t.exec("INSERT INTO case_threads (ref, case_id) VALUES ($1, $2) ON CONFLICT (ref) DO UPDATE SET case_id = excluded.case_id", ref, caseID)
	return err
}

// OpenCaseOf returns the open case of user on channel, or nil. It reads only the open cases
// tagged with user.
func (t *txn) OpenCaseOf(channel decide.Channel, user string) (*store.Case, error) {
	if user == "" {
		return nil, nil
	}
	tags := t.s.personTags(user)
	if t.write {
		if err := t.personLock(tags[0]); err != nil {
			return nil, err
		}
	}
	var found *store.Case
	err := t.rows(`SELECT body FROM cases WHERE owners @> $1 AND status IN ('open', 'claimed') ORDER BY id`+t.forUpdate(),
		[]any{tags}, func(r pgx.Rows) error {
			var body []byte
			if err := r.Scan(&body); err != nil {
				return err
			}
			c, err := decodeCase(body)
			if err == nil && found == nil && c.IsOpen() && store.Owns(c.Channel, c.User, c.People, channel, user) {
				found = c
			}
			return err
		})
	return found, err
}

// ---- unanswered texts and counters

// AddUnanswered keeps u; of its authors it keeps only their tags (u.Who).
func (t *txn) AddUnanswered(u *decide.Unanswered, authors ...string) error {
	u.Who = t.s.personTags(authors...)
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	_, err = t.exec("INSERT INTO unanswered (at, channel, who, body) VALUES ($1, $2, $3, $4)", u.At, u.Channel, u.Who, v)
	return err
}

func (t *txn) EachUnanswered(fn func(*decide.Unanswered) error) error {
	var all []*decide.Unanswered
	err := t.rows("SELECT body FROM unanswered ORDER BY id", nil, func(r pgx.Rows) error {
		var body []byte
		if err := r.Scan(&body); err != nil {
			return err
		}
		u := &decide.Unanswered{}
		all = append(all, u)
		return json.Unmarshal(body, u)
	})
	if err != nil {
		return err
	}
	for _, u := range all {
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

// counterShards is how many rows a counter is split over (see the counters table).
const counterShards = 8

// Count adds one to a counter, in one of its rows picked at random. Concurrent counts that
// pick one row wait for each other on it, and never conflict.
func (t *txn) Count(day, topic, name string) error {
	_, err := t.exec(`INSERT INTO counters (day, topic, name, shard, n) VALUES ($1, $2, $3, $4, 1)
		ON CONFLICT (day, topic, name, shard) DO UPDATE SET n = counters.n + 1`, day, topic, name, rand.IntN(counterShards))
	return err
}

func (t *txn) EachCounter(fn func(day, topic, name string, n uint64) error) error {
	type counter struct {
		day, topic, name string
		n                int64
	}
	var all []counter
	err := t.rows("SELECT day, topic, name, sum(n)::bigint FROM counters GROUP BY day, topic, name ORDER BY day, topic, name", nil, func(r pgx.Rows) error {
		var c counter
		err := r.Scan(&c.day, &c.topic, &c.name, &c.n)
		all = append(all, c)
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range all {
		if err := fn(c.day, c.topic, c.name, uint64(c.n)); err != nil {
			return err
		}
	}
	return nil
}

// ---- forgetting a person

// ForgetConversations deletes the conversations of user (see store.Owns) and returns their
// keys. It reads only the conversations tagged with user.
func (t *txn) ForgetConversations(channel decide.Channel, user string) ([]string, error) {
	if user == "" {
		return nil, nil
	}
	var keys []string
	err := t.rows("SELECT key, body FROM conversations WHERE owners @> $1 ORDER BY key FOR UPDATE",
		[]any{t.s.personTags(user)}, func(r pgx.Rows) error {
			var (
				key  string
				body []byte
			)
			if err := r.Scan(&key, &body); err != nil {
				return err
			}
			var c struct {
				People []string `json:"people"`
			}
			json.Unmarshal(body, &c)
			kc, ku := store.SplitConvKey(key)
			if store.Owns(kc, ku, c.People, channel, user) {
				keys = append(keys, key)
			}
			return nil
		})
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	if _, err := t.exec("DELETE FROM conversations WHERE key = ANY($1)", keys); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if t.revs != nil {
			t.revs[k] = 0
		}
	}
	return keys, nil
}

// ForgetCases deletes the cases of user (see store.Owns) with their thread links, and returns
// them. It reads only the cases tagged with user.
func (t *txn) ForgetCases(channel decide.Channel, user string) ([]*store.Case, error) {
	if user == "" {
		return nil, nil
	}
	var doomed []*store.Case
	err := t.rows("SELECT body FROM cases WHERE owners @> $1 ORDER BY id FOR UPDATE",
		[]any{t.s.personTags(user)}, func(r pgx.Rows) error {
			var body []byte
			if err := r.Scan(&body); err != nil {
				return err
			}
			c, err := decodeCase(body)
			if err != nil {
				return err
			}
			if store.Owns(c.Channel, c.User, c.People, channel, user) {
				doomed = append(doomed, c)
			}
			return nil
		})
	if err != nil || len(doomed) == 0 {
		return nil, err
	}
	ids, threads := []string{}, []string{}
	for _, c := range doomed {
		ids = append(ids, c.ID)
		if c.Thread != "" {
			threads = append(threads, c.Thread)
		}
	}
	if _, err := t.exec("DELETE FROM cases WHERE id = ANY($1)", ids); err != nil {
		return nil, err
	}
	if _, err := t.exec("DELETE FROM case_threads WHERE ref = ANY($1) OR case_id = ANY($2)", threads, ids); err != nil {
		return nil, err
	}
	return doomed, nil
}

// ForgetUnanswered deletes the unanswered texts written by any of authors (channel, user; an
// empty channel matches every channel) and returns how many.
func (t *txn) ForgetUnanswered(authors [][2]string) (int, error) {
	total := 0
	for _, a := range authors {
		tags := t.s.personTags(a[1])
		if len(tags) == 0 {
			continue
		}
		n, err := t.exec("DELETE FROM unanswered WHERE who @> $1 AND ($2 = '' OR channel = $2)", tags, a[0])
		if err != nil {
			return total, err
		}
		total += int(n)
	}
	return total, nil
}

var _ store.Tx = (*txn)(nil)
