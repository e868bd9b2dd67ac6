package store

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
)

// CaseStatus says where a case stands.
type CaseStatus string

// Case statuses.
const (
	CaseRequested CaseStatus = "requested" // escalation asked for, but no staff channel is configured
	CaseOpen      CaseStatus = "open"      // waiting in the staff channel
	CaseClaimed   CaseStatus = "claimed"   // a staff member took it
	CaseResolved  CaseStatus = "resolved"  // closed by staff with a note
	CaseReturned  CaseStatus = "returned"  // handed back to the bot
	CaseExpired   CaseStatus = "expired"   // open or claimed, but untouched for the retention period: closed by it
)

// Case is a conversation handed to helpdesk staff.
type Case struct {
	ID      string         `json:"id"` // readable, per year: 2026-0042
	Channel decide.Channel `json:"channel"`
	User    string         `json:"user"`
	// Address is where to reach the user (the adapter's encoding of their latest message).
	Address  string        `json:"address"`
	Topic    string        `json:"topic,omitempty"`
	Title    string        `json:"title,omitempty"`
	Urgent   bool          `json:"urgent,omitempty"`
	Summary  []string      `json:"summary,omitempty"` // the intake summary
	Turns    []decide.Turn `json:"turns,omitempty"`   // the recent conversation
	Told     string        `json:"told,omitempty"`    // what the bot last told the user
	Similar  []SimilarCase `json:"similar,omitempty"` // past consultations from the CSV
	Status   CaseStatus    `json:"status"`
	Claimer  string        `json:"claimer,omitempty"`
	Note     string        `json:"note,omitempty"` // resolution note
	Thread   string        `json:"thread,omitempty"`
	Created  time.Time     `json:"created"`
	Claimed  time.Time     `json:"claimed,omitempty"`
	Closed   time.Time     `json:"closed,omitempty"`
	Resolved string        `json:"resolved_topic,omitempty"` // topic staff chose when resolving
	People   []string      `json:"people,omitempty"`         // who wrote, when User is a thread
	Lang     string        `json:"lang,omitempty"`           // "en" when the user writes English
}

// LogValue keeps the user's words and ids out of logs.
func (c *Case) LogValue() slog.Value {
	return slog.GroupValue(slog.String("case", c.ID), slog.String("topic", c.Topic), slog.String("status", string(c.Status)))
}

// SimilarCase is a past consultation shown to staff with a new case.
type SimilarCase struct {
	No       string `json:"no"`
	Subject  string `json:"subject"`
	Handling string `json:"handling"`
	Topic    string `json:"topic,omitempty"`
}

// IsOpen reports whether c waits for staff or is being handled by them (false for no case).
func (c *Case) IsOpen() bool { return c != nil && (c.Status == CaseOpen || c.Status == CaseClaimed) }

// LastActivity is when anyone last did something in c: opened, claimed or wrote in it.
func (c *Case) LastActivity() time.Time {
	last := c.Created
	for _, at := range []time.Time{c.Claimed, c.Closed} {
		if at.After(last) {
			last = at
		}
	}
	for _, turn := range c.Turns {
		if turn.At.After(last) {
			last = turn.At
		}
	}
	return last
}

// DeliveryKind says whose message a delivery carries to whom.
type DeliveryKind string

// Kinds of delivery.
const (
	KindReply DeliveryKind = "reply" // the bot's reply to a user's event
	KindRelay DeliveryKind = "relay" // a staff member's message (or a case notice) to the user
	KindStaff DeliveryKind = "staff" // a case, or a user's message, to the staff channel
)

// Delivery is one outbox entry.
type Delivery struct {
	ID        uint64         `json:"id"`
	Kind      DeliveryKind   `json:"kind"`
	Channel   decide.Channel `json:"channel"`   // the channel that delivers it: "line", "slack", "staff"
	Address   string         `json:"address"`   // where, in that channel's own encoding
	Recipient string         `json:"recipient"` // entries for one recipient are delivered in queue order
	Reply     decide.Reply   `json:"reply"`
	// For staff deliveries: the case, and a user's relayed text (empty for a new case).
	Case *Case  `json:"case,omitempty"`
	Text string `json:"text,omitempty"`
	// Notice marks a staff delivery the engine wrote itself (claimed, resolved ...): it may
	// mention people; a user's relayed words never may.
	Notice bool `json:"notice,omitempty"`
	// Post, for a staff delivery, is the case's post as it reads after a change of hands
	// (claimed, resolved, handed back): the deliverer puts it in place of the post that opened
	// the case, after posting Reply (when it has blocks) into the case's thread.
	Post *CasePost `json:"post,omitempty"`

	Created     time.Time `json:"created"`
	Event       time.Time `json:"event"` // when the platform saw the event (reply-token freshness)
	Attempts    int       `json:"attempts,omitempty"`
	NextAttempt time.Time `json:"next,omitempty"`
	LastError   string    `json:"error,omitempty"`
	// Progress counts the platform messages of this entry already sent, so a retry after a
	// partial failure resumes instead of repeating.
	Progress int `json:"progress,omitempty"`
	// Key is a random UUID fixed at enqueue time: the idempotency key of the entry (LINE's
	// X-Line-Retry-Key is derived from it), the same on every retry.
	Key string `json:"key"`
	// Reclaimed is set on an entry handed out after an earlier claim of it expired unmarked
	// (store.Claim): that claimer, perhaps another replica, may have sent it, using its LINE
	// reply token. Not stored.
	Reclaimed bool `json:"-"`
}

// LogValue keeps what users and staff wrote, the address (a LINE reply token) and the recipient
// (a platform user id) out of logs.
func (d Delivery) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Uint64("delivery", d.ID), slog.String("kind", string(d.Kind)), slog.String("channel", string(d.Channel)),
		slog.String("outcome", string(d.Reply.Outcome)), slog.String("topic", d.Reply.Topic), slog.Int("attempts", d.Attempts)}
	if d.Case != nil {
		attrs = append(attrs, slog.String("case", d.Case.ID))
	}
	return slog.GroupValue(attrs...)
}

// CasePost is a case's post in the staff channel as it reads now.
type CasePost struct {
	// Status is one line about who has the case, written by the engine: it may mention the
	// staff member, unlike the rest of the post, which quotes the user.
	Status string       `json:"status"`
	Reply  decide.Reply `json:"reply"`
}

// RootCase is the case id of the post that opens a case in the staff channel, else "".
func RootCase(d *Delivery) string {
	if d.Kind == KindStaff && d.Case != nil && d.Text == "" && d.Post == nil {
		return d.Case.ID
	}
	return ""
}

// ConvKey is the key of the conversation of user on channel, and the Recipient of the
// deliveries for them.
func ConvKey(channel decide.Channel, user string) string { return string(channel) + "/" + user }

// SplitConvKey splits a conversation key (user may itself contain "/" for Slack threads).
func SplitConvKey(k string) (channel decide.Channel, user string) {
	c, u, _ := strings.Cut(k, "/")
	return decide.Channel(c), u
}

// StaffRecipient is the Recipient of every staff delivery of a case: its thread's queue.
func StaffRecipient(caseID string) string { return "staff/" + caseID }

// Owns reports whether a case or conversation key belongs to user (on channel, if set): the
// key names them, or they are among the people who wrote in it.
func Owns(keyChannel decide.Channel, keyUser string, people []string, channel decide.Channel, user string) bool {
	if channel != "" && keyChannel != channel {
		return false
	}
	return keyUser == user || strings.HasPrefix(keyUser, user+"/") || slices.Contains(people, user)
}

// NewKey returns a random UUID (version 4), the idempotency key of a new delivery.
func NewKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
