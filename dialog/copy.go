package dialog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// Moving an installation from one store to another (helpdesk copy: a bbolt file into
// PostgreSQL): CopyStore writes every record of the source into an empty target as it was
// read, ids and all, and VerifyCopy compares the two.

// ErrNotEmpty is returned by CopyStore when the target already holds records.
var ErrNotEmpty = errors.New("the target already holds data: copy only into an empty, migrated database")

// KindCount is how many records of one kind the source and the target of a copy hold.
type KindCount struct {
	Kind           string
	Source, Target int
}

// copyKinds are the kinds of records, in the order they are copied and reported.
var copyKinds = []string{"conversations", "cases", "case threads", "outbox entries", "unanswered texts", "counters", "seen events", "case numbers"}

// copyBatch is how many records one transaction of the target writes.
const copyBatch = 500

// CopyStore copies every record of src into dst, which must be empty (ErrNotEmpty): the
// conversations, the cases and their staff threads, the outbox with its ids, the texts kept for
// the report of unanswered queries, the counters, the event ids seen, and the case numbers
// taken. dst takes src's person key first, since the tags of unanswered texts are copied as
// they are. It returns how many records of each kind it copied. Nothing may write to src
// meanwhile (for bbolt, the file must not be in use, which Open ensures).
func CopyStore(ctx context.Context, src, dst store.Store) ([]KindCount, error) {
	exp, ok := src.(store.Exporter)
	if !ok {
		return nil, errors.New("copy: the source store cannot be copied")
	}
	imp, ok := dst.(store.Importer)
	if !ok {
		return nil, errors.New("copy: the target store cannot be copied into")
	}
	empty, err := imp.Empty()
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	if !empty {
		return nil, ErrNotEmpty
	}
	if err := imp.AdoptPersonKey(exp.PersonKey()); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	counts := map[string]int{}
	var batch []func(t store.Tx, it store.ImportTx) error
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := dst.Update(ctx, func(t store.Tx) error {
			it, ok := t.(store.ImportTx)
			if !ok {
				return errors.New("the target store cannot be copied into")
			}
			for _, write := range batch {
				if err := write(t, it); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	add := func(kind string, write func(t store.Tx, it store.ImportTx) error) error {
		counts[kind]++
		batch = append(batch, write)
		if len(batch) >= copyBatch {
			return flush()
		}
		return nil
	}
	err = src.View(ctx, func(t store.Tx) error {
		return walkRecords(t, func(kind, _ string, v any) error {
			switch r := v.(type) {
			case convRecord:
				return add(kind, func(t store.Tx, _ store.ImportTx) error { return t.PutConversation(r.key, r.c) })
			case *Case:
				return add(kind, func(t store.Tx, _ store.ImportTx) error { return t.PutCase(r) })
			case threadRecord:
				return add(kind, func(t store.Tx, _ store.ImportTx) error { return t.PutCaseThread(r.ref, r.caseID) })
			case *Delivery:
				return add(kind, func(_ store.Tx, it store.ImportTx) error { return it.ImportDelivery(r) })
			case *decide.Unanswered:
				return add(kind, func(_ store.Tx, it store.ImportTx) error { return it.ImportUnanswered(r) })
			case counterRecord:
				return add(kind, func(_ store.Tx, it store.ImportTx) error { return it.ImportCounter(r.day, r.topic, r.name, r.n) })
			case seenRecord:
				return add(kind, func(t store.Tx, _ store.ImportTx) error { return t.MarkSeen(r.channel, r.id, r.first) })
			case caseSeqRecord:
				return add(kind, func(_ store.Tx, it store.ImportTx) error { return it.ImportCaseSeq(r.year, r.n) })
			}
			return fmt.Errorf("copy: no way to copy %s", kind)
		})
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = imp.FinishImport()
	}
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	out := make([]KindCount, 0, len(copyKinds))
	for _, k := range copyKinds {
		out = append(out, KindCount{Kind: k, Source: counts[k], Target: counts[k]})
	}
	return out, nil
}

// The records walkRecords hands out, besides the stored types themselves.
type (
	convRecord struct {
		key string
		c   *decide.Conversation
	}
	threadRecord  struct{ ref, caseID string }
	counterRecord struct {
		day, topic, name string
		n                uint64
	}
	seenRecord struct {
		channel decide.Channel
		id      string
		first   time.Time
	}
	caseSeqRecord struct {
		year int
		n    uint64
	}
)

// walkRecords calls fn on every record of t, kind by kind (copyKinds), each with a key that
// names it among its kind.
func walkRecords(t store.Tx, fn func(kind, key string, v any) error) error {
	et, ok := t.(store.ExportTx)
	if !ok {
		return errors.New("the store cannot be copied")
	}
	err := et.EachConversation(func(key string, c *decide.Conversation) error {
		return fn("conversations", key, convRecord{key, c})
	})
	if err == nil {
		err = t.EachCase(func(c *Case) error { return fn("cases", c.ID, c) })
	}
	if err == nil {
		err = et.EachCaseThread(func(ref, caseID string) error { return fn("case threads", ref, threadRecord{ref, caseID}) })
	}
	if err == nil {
		var ferr error
		err = t.EachDelivery(func(d *Delivery) bool {
			ferr = fn("outbox entries", strconv.FormatUint(d.ID, 10), d)
			return ferr == nil
		})
		if err == nil {
			err = ferr
		}
	}
	if err == nil {
		i := 0
		err = t.EachUnanswered(func(u *decide.Unanswered) error {
			i++
			return fn("unanswered texts", strconv.Itoa(i), u)
		})
	}
	if err == nil {
		err = t.EachCounter(func(day, topic, name string, n uint64) error {
			return fn("counters", day+"/"+topic+"/"+name, counterRecord{day, topic, name, n})
		})
	}
	if err == nil {
		err = et.EachSeen(func(channel decide.Channel, id string, first time.Time) error {
			return fn("seen events", string(channel)+"/"+id, seenRecord{channel, id, first})
		})
	}
	if err == nil {
		err = et.EachCaseSeq(func(year int, n uint64) error {
			return fn("case numbers", strconv.Itoa(year), caseSeqRecord{year, n})
		})
	}
	return err
}

// copyJSON returns the JSON of a record as VerifyCopy compares it: the fields of stored
// values, and for the others what they hold (times to the microsecond, which is what
// PostgreSQL keeps of a time).
func copyJSON(v any) ([]byte, error) {
	switch r := v.(type) {
	case convRecord:
		return json.Marshal(r.c)
	case threadRecord:
		return json.Marshal(map[string]string{"case": r.caseID})
	case counterRecord:
		return json.Marshal(map[string]uint64{"n": r.n})
	case seenRecord:
		return json.Marshal(map[string]time.Time{"first": r.first.UTC().Truncate(time.Microsecond)})
	case caseSeqRecord:
		return json.Marshal(map[string]uint64{"n": r.n})
	}
	return json.Marshal(v)
}

// VerifyCopy compares dst with src after CopyStore: the number of records of each kind, and
// up to sample records of each kind, spread over it, field by field. It returns the counts,
// and one line for each difference found, naming the kind, the record and the fields.
func VerifyCopy(ctx context.Context, src, dst store.Store, sample int) ([]KindCount, []string, error) {
	sample = max(sample, 1)
	count := func(s store.Store) (map[string]int, error) {
		n := map[string]int{}
		err := s.View(ctx, func(t store.Tx) error {
			return walkRecords(t, func(kind, _ string, _ any) error { n[kind]++; return nil })
		})
		return n, err
	}
	from, err := count(src)
	if err != nil {
		return nil, nil, fmt.Errorf("verify: source: %w", err)
	}
	to, err := count(dst)
	if err != nil {
		return nil, nil, fmt.Errorf("verify: target: %w", err)
	}
	var counts []KindCount
	var diffs []string
	for _, k := range copyKinds {
		counts = append(counts, KindCount{Kind: k, Source: from[k], Target: to[k]})
		if from[k] != to[k] {
			diffs = append(diffs, fmt.Sprintf("%s: %d in the source, %d in the target", k, from[k], to[k]))
		}
	}
	// The sample: every stride-th record of each kind in the source, compared with the record
	// of the same key in the target.
	picked := map[string]map[string][]byte{}
	seen := map[string]int{}
	err = src.View(ctx, func(t store.Tx) error {
		return walkRecords(t, func(kind, key string, v any) error {
			i := seen[kind]
			seen[kind]++
			if stride := max(1, (from[kind]+sample-1)/sample); i%stride != 0 {
				return nil
			}
			b, err := copyJSON(v)
			if picked[kind] == nil {
				picked[kind] = map[string][]byte{}
			}
			picked[kind][key] = b
			return err
		})
	})
	if err != nil {
		return counts, diffs, fmt.Errorf("verify: source: %w", err)
	}
	err = dst.View(ctx, func(t store.Tx) error {
		return walkRecords(t, func(kind, key string, v any) error {
			want, ok := picked[kind][key]
			if !ok {
				return nil
			}
			delete(picked[kind], key)
			got, err := copyJSON(v)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, want) {
				diffs = append(diffs, fmt.Sprintf("%s %q: %s differ", kind, key, differingFields(want, got)))
			}
			return nil
		})
	})
	if err != nil {
		return counts, diffs, fmt.Errorf("verify: target: %w", err)
	}
	for _, k := range copyKinds {
		var missing []string
		for key := range picked[k] {
			missing = append(missing, key)
		}
		slices.Sort(missing)
		for _, key := range missing {
			diffs = append(diffs, fmt.Sprintf("%s %q: missing in the target", k, key))
		}
	}
	return counts, diffs, nil
}

// differingFields names the top-level fields in which two JSON objects differ.
func differingFields(a, b []byte) string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return "the values"
	}
	var names []string
	for k, v := range ma {
		if !bytes.Equal(v, mb[k]) {
			names = append(names, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "the values"
	}
	return "fields " + fmt.Sprint(names)
}
