package dialog

import "github.com/helpdesk-bot/helpdesk/dialog/store"

// The records the engine keeps are declared in package store, where every implementation of
// the store can reach them; dialog names them too, so that callers need only dialog.

// Case is a conversation handed to helpdesk staff.
type Case = store.Case

// SimilarCase is a past consultation shown to staff with a new case.
type SimilarCase = store.SimilarCase

// CaseStatus says where a case stands.
type CaseStatus = store.CaseStatus

// Case statuses.
const (
	CaseRequested = store.CaseRequested
	CaseOpen      = store.CaseOpen
	CaseClaimed   = store.CaseClaimed
	CaseResolved  = store.CaseResolved
	CaseReturned  = store.CaseReturned
	CaseExpired   = store.CaseExpired
)

// Delivery is one outbox entry.
type Delivery = store.Delivery

// CasePost is a case's post in the staff channel as it reads now.
type CasePost = store.CasePost

// DeliveryKind says whose message a delivery carries to whom.
type DeliveryKind = store.DeliveryKind

// Kinds of delivery.
const (
	KindReply = store.KindReply
	KindRelay = store.KindRelay
	KindStaff = store.KindStaff
)

// ErrClosed is returned by Respond and the outbox methods after Close, e.g. in a shutdown race.
var ErrClosed = store.ErrClosed

// ErrLocked is returned (wrapped) by Open when another process holds the database file.
var ErrLocked = store.ErrLocked

// ErrDamaged is wrapped by the errors of a database file that is empty, truncated or fails the
// consistency check: Open refuses such a file (serve exits with its own status, so that a
// supervisor stops restarting it), and after bbolt panicked on one while serving the engine
// refuses to write and Ping reports it (/readyz answers 503).
var ErrDamaged = store.ErrDamaged
