package dialog

import (
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// The values a conversation is made of are declared in package decide, which decides without a
// database; dialog names them too, so that adapters need only dialog.

// Event says what kind of platform event a Message carries.
type Event = decide.Event

// Platform events beyond text. Adapters map their own events onto these.
const (
	EventText        = decide.EventText
	EventFollow      = decide.EventFollow
	EventUnfollow    = decide.EventUnfollow
	EventUnsupported = decide.EventUnsupported
	EventGroup       = decide.EventGroup
	EventMenu        = decide.EventMenu
	EventHelp        = decide.EventHelp
	EventResume      = decide.EventResume
	EventRateLimited = decide.EventRateLimited
)

// Channel names where a message came from, or which deliverer an outbox entry goes through.
type Channel = decide.Channel

// The channels.
const (
	ChannelLINE     = decide.ChannelLINE
	ChannelSlack    = decide.ChannelSlack
	ChannelTerminal = decide.ChannelTerminal
	ChannelStaff    = decide.ChannelStaff
	ChannelAsk      = decide.ChannelAsk
)

// Message is one thing a user did.
type Message = decide.Message

// Outcome is how the bot answered a free text.
type Outcome = decide.Outcome

// The four outcomes of a free text (seeds/README.md, the topic contract).
const (
	Answer   = decide.Answer
	Clarify  = decide.Clarify
	Escalate = decide.Escalate
	Fallback = decide.Fallback
)

// BlockKind says how a Block should be drawn.
type BlockKind = decide.BlockKind

// The kinds of block a reply is made of.
const (
	TextBlock     = decide.TextBlock
	StepsBlock    = decide.StepsBlock
	ContactsBlock = decide.ContactsBlock
	AlertsBlock   = decide.AlertsBlock
	SummaryBlock  = decide.SummaryBlock
)

// Block is one part of a reply.
type Block = decide.Block

// Contact is a contact card, copied out of the knowledge so a queued reply is self-contained.
type Contact = decide.Contact

// Field is one labelled row of a contact card.
type Field = decide.Field

// Choice is a button (or numbered line) the user can pick.
type Choice = decide.Choice

// TopicScore is one ranked topic of a free-text match.
type TopicScore = decide.TopicScore

// Reply is what the helpdesk says next, in channel-neutral form.
type Reply = decide.Reply

// Handoff is the effect "hand this conversation to staff".
type Handoff = decide.Handoff

// Conversation is where one user's conversation stands.
type Conversation = decide.Conversation

// Snapshot is a position in the conversation that "back" returns to.
type Snapshot = decide.Snapshot

// Turn is one line of the recent exchange.
type Turn = decide.Turn

// IntakeState is the progress through the 問診票.
type IntakeState = decide.IntakeState

// Policy is what the engine needs to know about the helpdesk itself.
type Policy = decide.Policy

// Unanswered is a free text that ended in clarify or fallback, kept for the admins' report.
type Unanswered = decide.Unanswered

// MenuChoice returns the choice id of the greeting menu entry id.
func MenuChoice(id string) string { return decide.MenuChoice(id) }

// Colon is the colon after a label in a reply in lang: full-width in Japanese, ": " in English.
func Colon(lang string) string { return decide.Colon(lang) }

// Triage answers one free text as a new conversation would, without storing anything: what
// `helpdesk ask` prints. policy decides how escalation is worded.
func Triage(kb *knowledge.Base, policy Policy, text string, now time.Time) Reply {
	return decide.Triage(kb, policy, text, now)
}
