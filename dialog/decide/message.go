package decide

import (
	"log/slog"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Event says what kind of platform event a Message carries.
type Event string

// Platform events beyond text. Adapters map their own events onto these.
const (
	EventText        Event = ""            // a text message or a tapped choice
	EventFollow      Event = "follow"      // the user added the bot: greet
	EventUnfollow    Event = "unfollow"    // the user blocked or removed the bot: forget them
	EventUnsupported Event = "unsupported" // a sticker, image, file or location: ask for text
	EventGroup       Event = "group"       // the bot was added to a group: it works one to one
	EventMenu        Event = "menu"        // the user asked for the menu (e.g. a slash command)
	EventHelp        Event = "help"        // the user asked what the bot can do
	EventResume      Event = "resume"      // the user opened the chat: greet a new user, re-show where an old one was
	// EventRateLimited is set by the engine, not adapters: the conversation sent too much, too
	// fast; the user is told once and the message is not acted on.
	EventRateLimited Event = "rate-limited"
)

// Channel names where a message came from, or which deliverer an outbox entry goes through.
// With a user id it names a conversation. It is stored as its string.
type Channel string

// The channels. A conversation is on LINE, Slack or the terminal; the staff channel only receives
// outbox entries (and its events are marked seen under it).
const (
	ChannelLINE     Channel = "line"
	ChannelSlack    Channel = "slack"
	ChannelTerminal Channel = "terminal"
	ChannelStaff    Channel = "staff" // the helpdesk staff's channel (on Slack)
	ChannelAsk      Channel = "ask"   // `helpdesk ask`: one text triaged, no conversation kept
)

// Message is one thing a user did.
type Message struct {
	Channel Channel // with UserID it names the conversation
	UserID  string  // the user, or for a Slack thread the channel and thread
	// Person is the platform id of the human who wrote, when UserID is not it (a Slack
	// channel thread); it lets Forget find everything of one person.
	Person  string
	EventID string // the platform's id for this event; a repeated id is answered once
	Text    string
	Choice  string // the id of a choice the user tapped, if any
	Event   Event
	// Address is where the reply goes, in the adapter's own encoding (a LINE reply token, a Slack
	// channel and thread). Non-empty means "queue the reply in the outbox"; the terminal leaves
	// it empty and prints the reply itself.
	Address string
	At      time.Time // when the platform saw the event; zero means now
	// LangHint is the person's language as the platform knows it ("en"), when it does: on LINE
	// the profile's language when the person adds the bot, on Slack the user's locale in a direct
	// message. It only chooses the language where the person's own words do not: the greeting of
	// a follow, and the first message of a new conversation when that message is in no language
	// ("?", an emoji, a number). What the person writes decides after that, and always outranks it.
	LangHint string
}

// LogValue keeps user text and ids out of logs: they describe fraud, leaks and harassment.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("channel", string(m.Channel)),
		slog.String("event", string(m.Event)),
		slog.Bool("choice", m.Choice != ""),
		slog.Int("len", len(m.Text)),
	)
}

// Outcome is how the bot answered a free text.
type Outcome string

// The four outcomes of a free text (seeds/README.md, the topic contract).
const (
	Answer   Outcome = "answer"   // Reply.Topic holds a topic id (the topic contract in seeds/README.md)
	Clarify  Outcome = "clarify"  // ask again, offering Reply.Choices
	Escalate Outcome = "escalate" // the user asked for a person; Reply.Handoff is set
	Fallback Outcome = "fallback" // nothing matched: say so, offer the menu and a person
)

// BlockKind says how a Block should be drawn.
type BlockKind string

// The kinds of block a reply is made of.
const (
	TextBlock     BlockKind = "text"     // Text
	StepsBlock    BlockKind = "steps"    // Title, Text (the lead), Items as numbered steps
	ContactsBlock BlockKind = "contacts" // Title, Contacts as cards
	AlertsBlock   BlockKind = "alerts"   // Title, Items as dated lines
	SummaryBlock  BlockKind = "summary"  // Title, Items as "question: answer" lines
)

// Block is one part of a reply. Channels draw each kind in their own way: a LINE Flex bubble or
// a Slack section for a contact card, a numbered list for steps.
type Block struct {
	Kind     BlockKind `json:"kind"`
	Title    string    `json:"title,omitempty"`
	Text     string    `json:"text,omitempty"`
	Items    []string  `json:"items,omitempty"`
	Contacts []Contact `json:"contacts,omitempty"`
	// CallLabel and WebLabel are the button texts of contact cards.
	CallLabel string `json:"call_label,omitempty"`
	WebLabel  string `json:"web_label,omitempty"`
}

// Contact is a contact card, copied out of the knowledge so a queued reply is self-contained.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Tel   string `json:"tel,omitempty"` // the tap-to-call URI of Phone ("tel:0359787509"), or ""
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
	Hours string `json:"hours,omitempty"`
	// Status is "open" or "closed" when the contact's schedule is known, else empty; OpenLabel
	// says the same in the user's language, and for a closed contact when it opens next. With no
	// Status, OpenLabel may say that the hours are unknown (shown while other desks are closed).
	Status    string `json:"status,omitempty"`
	OpenLabel string `json:"open_label,omitempty"`
	// Fields are the card's rows as the user reads them, labelled in the user's language.
	Fields []Field `json:"fields,omitempty"`
}

// Field is one labelled row of a contact card. Kind marks rows a channel may draw as a button
// instead (a tap-to-call phone, a web link).
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Kind  string `json:"kind,omitempty"` // "phone", "email", "url" or ""
	URI   string `json:"uri,omitempty"`  // what tapping it opens: tel:, mailto: or the URL
}

// Choice is a button (or numbered line) the user can pick.
type Choice struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// TopicScore is one ranked topic of a free-text match.
type TopicScore struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

// Reply is what the helpdesk says next, in channel-neutral form.
type Reply struct {
	Outcome Outcome      `json:"outcome,omitempty"` // set when the step matched a free text
	Topic   string       `json:"topic,omitempty"`
	Urgent  bool         `json:"urgent,omitempty"`
	Ranked  []TopicScore `json:"ranked,omitempty"` // the match behind Outcome, best first
	Blocks  []Block      `json:"blocks"`
	Choices []Choice     `json:"choices,omitempty"`
	Handoff *Handoff     `json:"handoff,omitempty"`
	// Leave asks the channel to leave the group or room the message came from.
	Leave bool `json:"leave,omitempty"`
	// Lang is the language of the reply: "en" when the conversation is held in English, else
	// "ja". It is stored with a queued reply, whose text the channels write in it ("Phone: ").
	Lang string `json:"lang,omitempty"`
	// Why says which words decided the reading of a free text (helpdesk ask --json); it is not
	// stored or sent.
	Why *knowledge.Why `json:"-"`
	// Duplicate is set when the event was seen before: the reply was already queued, and the
	// adapter must not send anything again.
	Duplicate bool `json:"-"`
}

// Handoff is the effect "hand this conversation to staff".
type Handoff struct {
	CaseID  string `json:"case_id,omitempty"`
	Topic   string `json:"topic,omitempty"`
	Urgent  bool   `json:"urgent,omitempty"`
	Staffed bool   `json:"staffed"`        // a staff channel will receive the case
	Lang    string `json:"lang,omitempty"` // "en" when the user writes English
}
