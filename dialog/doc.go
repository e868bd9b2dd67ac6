// Package dialog runs the triage conversation: one user message in, the helpdesk's reply out,
// remembering where each conversation stands.
//
// It knows nothing about Slack, LINE, HTTP or terminals. Adapters translate a platform event into
// a Message, call Engine.Respond, and render the Reply in their own vocabulary. Respond reads the
// conversation, has package decide take the step (pure: no database), and stores the step in
// one transaction: the conversation, the case it opens, the counters, and the reply queued in
// an outbox that a sender delivers.
//
// The engine shows three facets, one per kind of caller:
//
//   - Engine itself is the conversation: Respond for users' messages, Staff for staff's events
//     on the cases handed to them (cases.go, staff.go), Knowledge, Ping for readiness checks,
//     AfterErase, Close;
//   - Engine.Outbox returns the outbox as the sender sees it (outbox.go): Wake, Pending, then
//     Delivered, Defer, Postpone or Dropped for each delivery, Hasten, Due and Stats;
//   - Engine.Admin returns what admins read and do (admin.go): the figures (Stats, Unanswered,
//     OpenCases, Cases in stats.go; ExportCases in export.go), and Backup, Forget and the
//     retention sweep Purge (retention.go).
//
// Outbox and Admin hold nothing but the engine: they add no state, and share the engine's.
//
// Its subpackages: decide (the pure decision: no store), store (the Store interface and the
// records), boltstore (bbolt behind it), storetest (the contract every store passes) and
// dialogtest (scripted conversations for the channels' tests).
//
// dialog may import decide, store, boltstore (Open is the bbolt convenience; New takes any
// Store), package knowledge and the standard library; never bbolt itself. Adapters import
// dialog only: the values and records they need are named here too.
package dialog
