package boltstore

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// What helpdesk copy reads from a bbolt file (store.Exporter, store.ExportTx).

// PersonKey returns the key of the file's person tags.
func (s *Store) PersonKey() []byte { return bytes.Clone(s.person) }

// EachConversation walks every stored conversation, in key order.
func (t txn) EachConversation(fn func(key string, c *decide.Conversation) error) error {
	return t.tx.Bucket(bucketConversations).ForEach(func(k, v []byte) error {
		return fn(string(k), decodeConversation(v))
	})
}

// EachSeen walks the event ids marked seen.
func (t txn) EachSeen(fn func(channel decide.Channel, id string, first time.Time) error) error {
	return t.tx.Bucket(bucketSeen).ForEach(func(k, v []byte) error {
		channel, id, _ := strings.Cut(string(k), "/")
		var at time.Time
		if len(v) == 8 {
			at = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		}
		return fn(decide.Channel(channel), id, at)
	})
}

// EachCaseThread walks the links from staff threads to cases.
func (t txn) EachCaseThread(fn func(ref, caseID string) error) error {
	return t.tx.Bucket(bucketCaseThreads).ForEach(func(k, v []byte) error {
		return fn(string(k), string(v))
	})
}

// EachCaseSeq walks the last case number taken per year.
func (t txn) EachCaseSeq(fn func(year int, n uint64) error) error {
	c := t.tx.Bucket(bucketMeta).Cursor()
	prefix := []byte("case-seq-")
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		year, err := strconv.Atoi(string(k[len(prefix):]))
		if err != nil || len(v) != 8 {
			continue
		}
		if err := fn(year, binary.BigEndian.Uint64(v)); err != nil {
			return err
		}
	}
	return nil
}

var (
	_ store.Exporter = (*Store)(nil)
	_ store.ExportTx = txn{}
)
