// Package dialog runs the triage conversation: one user message in, the helpdesk's reply out,
// remembering where each conversation stands.
//
// It knows nothing about Slack, LINE, HTTP or terminals. Adapters translate a platform event into
// a Message, call Engine.Respond, and render the Reply in their own vocabulary. Respond reads the
// conversation, has package decide take the step (pure: no database), and stores the step in
// one transaction: the conversation, the case it opens, the counters, and the reply queued in
// an outbox that a sender delivers (Pending, Delivered, Postpone).
//
// The engine also holds the cases handed to staff (cases.go, staff.go), the outbox as the
// sender sees it (outbox.go), the admins' figures (stats.go) and erasure and retention
// (retention.go).
//
// Its subpackages: decide (the pure decision: no store), store (the Store interface and the
// records), boltstore (bbolt behind it), storetest (the contract every store passes) and
// dialogtest (scripted conversations for the channels' tests).
//
// dialog may import decide, store, boltstore (Open is the bbolt convenience; New takes any
// Store), package knowledge and the standard library; never bbolt itself. Adapters import
// dialog only: the values and records they need are named here too.
package dialog
