package store

import (
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
)

// A store that can be copied to another (helpdesk copy: from a bbolt file into PostgreSQL)
// implements Exporter, and the store copied to implements Importer: records are written as they
// were read, with their ids, nothing renumbered.

// ExportTx is implemented by the transactions of a store that can be copied: with the Tx's own
// walks (EachCase, EachDelivery, EachUnanswered, EachCounter) these list all it holds.
type ExportTx interface {
	EachConversation(fn func(key string, c *decide.Conversation) error) error
	// EachSeen walks the event ids marked seen, with when each was first seen.
	EachSeen(fn func(channel decide.Channel, id string, first time.Time) error) error
	EachCaseThread(fn func(ref, caseID string) error) error
	// EachCaseSeq walks the last case number taken, per year.
	EachCaseSeq(fn func(year int, n uint64) error) error
}

// Exporter is a store whose transactions are ExportTx.
type Exporter interface {
	// PersonKey is the key of the store's person tags: the copy must tag with the same key,
	// since the tags of unanswered texts are copied as they are (no id can be read back).
	PersonKey() []byte
}

// ImportTx is implemented by the write transactions of a store a copy is written to. With
// PutConversation, PutCase, PutCaseThread and MarkSeen, these store every kind of record.
type ImportTx interface {
	// ImportDelivery stores d in the outbox under d.ID.
	ImportDelivery(d *Delivery) error
	// ImportUnanswered stores u with its tags (u.Who) as they are.
	ImportUnanswered(u *decide.Unanswered) error
	// ImportCounter sets the counter day/topic/name to n.
	ImportCounter(day, topic, name string, n uint64) error
	// ImportCaseSeq sets the last case number taken in year.
	ImportCaseSeq(year int, n uint64) error
}

// Importer is a store a copy can be written to; its transactions are ImportTx.
type Importer interface {
	// Empty reports whether the store holds no record: a copy goes only into an empty store.
	Empty() (bool, error)
	// AdoptPersonKey makes key the key of the store's person tags (see Exporter). Only an empty
	// store may change its key, before anything is written.
	AdoptPersonKey(key []byte) error
	// FinishImport makes the store ready to serve after the copy (its sequences continue
	// after the ids copied).
	FinishImport() error
}
