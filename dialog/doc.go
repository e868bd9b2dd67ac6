// Package dialog runs the triage conversation: one user message in, the helpdesk's reply out,
// remembering where each conversation stands.
//
// It knows nothing about Slack, LINE, HTTP or terminals. Adapters translate a platform event into
// a Message, call Engine.Respond, and render the Reply in their own vocabulary. Respond reads the
// conversation, has package decide take the step (pure: no database), and stores the step in
// one transaction: the conversation, the case it opens, the counters, and the reply queued in
// an outbox that a sender delivers (Pending, Delivered, Postpone).
//
// The engine also holds the cases handed to staff (cases.go, staff.go), the outbox (outbox.go,
// queue.go), the admins' figures (stats.go) and erasure and retention (retention.go). store.go
// and the files it names are the only ones that know bbolt.
//
// dialog may import its subpackage decide, package knowledge, the standard library and bbolt.
// Adapters import dialog, never decide: the values they need are named here too.
package dialog
