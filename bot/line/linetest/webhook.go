package linetest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Event is one webhook event in the shape of LINE's documented payloads
// (https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects). Build one with
// Text, Postback, Follow and the others, adjust it with its methods, and send it with Post or
// Body and Sign.
type Event struct {
	Type            string           `json:"type"`
	Message         *MessageContent  `json:"message,omitempty"`
	Postback        *PostbackContent `json:"postback,omitempty"`
	Follow          *FollowDetail    `json:"follow,omitempty"`
	Unsend          *UnsendDetail    `json:"unsend,omitempty"`
	WebhookEventID  string           `json:"webhookEventId"`
	DeliveryContext DeliveryContext  `json:"deliveryContext"`
	Timestamp       int64            `json:"timestamp"` // milliseconds since 1970
	Source          *Source          `json:"source,omitempty"`
	ReplyToken      string           `json:"replyToken,omitempty"`
	Mode            string           `json:"mode"`
}

// MessageContent is the "message" of a message event. Only the fields of its Type are set.
type MessageContent struct {
	Type                string `json:"type"`
	ID                  string `json:"id"`
	Text                string `json:"text,omitempty"`
	QuoteToken          string `json:"quoteToken,omitempty"`
	PackageID           string `json:"packageId,omitempty"`
	StickerID           string `json:"stickerId,omitempty"`
	StickerResourceType string `json:"stickerResourceType,omitempty"`
	ContentProvider     *struct {
		Type string `json:"type"`
	} `json:"contentProvider,omitempty"`
	Duration  int64   `json:"duration,omitempty"`
	FileName  string  `json:"fileName,omitempty"`
	FileSize  int64   `json:"fileSize,omitempty"`
	Title     string  `json:"title,omitempty"`
	Address   string  `json:"address,omitempty"`
	Latitude  float64 `json:"latitude,omitempty"`
	Longitude float64 `json:"longitude,omitempty"`
}

// PostbackContent is the "postback" of a postback event.
type PostbackContent struct {
	Data string `json:"data"`
}

// FollowDetail is the "follow" of a follow event.
type FollowDetail struct {
	IsUnblocked bool `json:"isUnblocked"`
}

// UnsendDetail is the "unsend" of an unsend event.
type UnsendDetail struct {
	MessageID string `json:"messageId"`
}

// DeliveryContext says whether LINE is redelivering the event.
type DeliveryContext struct {
	IsRedelivery bool `json:"isRedelivery"`
}

// Source is where an event happened: a user, or a user in a group or room.
type Source struct {
	Type    string `json:"type"` // "user", "group" or "room"
	UserID  string `json:"userId,omitempty"`
	GroupID string `json:"groupId,omitempty"`
	RoomID  string `json:"roomId,omitempty"`
}

// chat is the id a reply to the source goes to.
func (s *Source) chat() string {
	switch {
	case s == nil:
		return ""
	case s.GroupID != "":
		return s.GroupID
	case s.RoomID != "":
		return s.RoomID
	}
	return s.UserID
}

// Text is a text message from user in a one-to-one chat.
func Text(user, text string) Event {
	return newEvent("message", userSource(user), &MessageContent{Type: "text", ID: newMessageID(), Text: text, QuoteToken: randomHex(16)})
}

// Postback is a tap on a button whose postback data is data (a quick reply or the rich menu).
func Postback(user, data string) Event {
	e := newEvent("postback", userSource(user), nil)
	e.Postback = &PostbackContent{Data: data}
	return e
}

// Follow is user adding the bot as a friend (or unblocking it).
func Follow(user string) Event {
	e := newEvent("follow", userSource(user), nil)
	e.Follow = &FollowDetail{}
	return e
}

// Unfollow is user blocking the bot. It has no reply token.
func Unfollow(user string) Event {
	e := newEvent("unfollow", userSource(user), nil)
	e.ReplyToken = ""
	return e
}

// Sticker is a sticker from user.
func Sticker(user string) Event {
	return newEvent("message", userSource(user), &MessageContent{Type: "sticker", ID: newMessageID(),
		PackageID: "446", StickerID: "1988", StickerResourceType: "STATIC", QuoteToken: randomHex(16)})
}

// Media is a message of the given type from user: "image", "video", "audio", "file" or
// "location".
func Media(user, kind string) Event {
	c := &MessageContent{Type: kind, ID: newMessageID()}
	switch kind {
	case "image", "video", "audio":
		c.ContentProvider = &struct {
			Type string `json:"type"`
		}{"line"}
		if kind != "image" {
			c.Duration = 6000
		}
	case "file":
		c.FileName, c.FileSize = "report.pdf", 20480
	case "location":
		c.Title, c.Address, c.Latitude, c.Longitude = "Office", "Tokyo", 35.681236, 139.767125
	}
	return newEvent("message", userSource(user), c)
}

// Join is the bot being added to group (a group id starts with "C", a room id with "R").
func Join(group string) Event {
	return newEvent("join", chatSource(group, ""), nil)
}

// GroupText is a text message from user in group (or room).
func GroupText(group, user, text string) Event {
	return newEvent("message", chatSource(group, user), &MessageContent{Type: "text", ID: newMessageID(), Text: text, QuoteToken: randomHex(16)})
}

// Unsend is user taking back one of their messages. It has no reply token.
func Unsend(user, messageID string) Event {
	e := newEvent("unsend", userSource(user), nil)
	e.Unsend = &UnsendDetail{MessageID: messageID}
	e.ReplyToken = ""
	return e
}

// Leave is the bot being removed from group. It has no reply token.
func Leave(group string) Event {
	e := newEvent("leave", chatSource(group, ""), nil)
	e.ReplyToken = ""
	return e
}

// Unknown is an event of a type LINE may add in the future.
func Unknown(user string) Event {
	return newEvent("brandNewEvent", userSource(user), nil)
}

// Redelivered returns the event as LINE redelivers it: the same webhookEventId, timestamp and
// reply token, with deliveryContext.isRedelivery set.
func (e Event) Redelivered() Event {
	e.DeliveryContext.IsRedelivery = true
	return e
}

// At returns the event as if LINE had seen it at t, with a reply token issued then (so a reply
// token of an event long ago has expired).
func (e Event) At(t time.Time) Event {
	e.Timestamp = t.UnixMilli()
	if e.ReplyToken != "" {
		e.ReplyToken = IssueReplyToken(e.Source.chat(), t)
	}
	return e
}

// Standby returns the event as LINE sends it while another channel is in charge of the chat.
func (e Event) Standby() Event {
	e.Mode = "standby"
	e.ReplyToken = ""
	return e
}

func newEvent(typ string, src *Source, msg *MessageContent) Event {
	now := time.Now()
	return Event{
		Type:           typ,
		Message:        msg,
		WebhookEventID: newULID(now),
		Timestamp:      now.UnixMilli(),
		Source:         src,
		ReplyToken:     IssueReplyToken(src.chat(), now),
		Mode:           "active",
	}
}

func userSource(user string) *Source { return &Source{Type: "user", UserID: user} }

func chatSource(chat, user string) *Source {
	if len(chat) > 0 && chat[0] == 'R' {
		return &Source{Type: "room", RoomID: chat, UserID: user}
	}
	return &Source{Type: "group", GroupID: chat, UserID: user}
}

// Destination is the bot's user id in every webhook body.
const Destination = "Ub0000000000000000000000000000b07"

// Body is a webhook request body carrying events.
func Body(events ...Event) []byte {
	if events == nil {
		events = []Event{}
	}
	b, err := json.Marshal(struct {
		Destination string  `json:"destination"`
		Events      []Event `json:"events"`
	}{Destination, events})
	if err != nil {
		panic(err) // plain values: cannot happen
	}
	return b
}

// Sign returns the X-Line-Signature of body under the channel secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// webhookClient posts webhooks; many at once in load tests, so it keeps many connections.
var webhookClient = &http.Client{
	Timeout: 30 * time.Second,
	Transport: &http.Transport{
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
		IdleConnTimeout:     30 * time.Second,
	},
}

// Post sends events to a webhook URL as LINE does, signed with secret, and returns the HTTP
// status of the answer.
func Post(ctx context.Context, webhookURL, secret string, events ...Event) (int, error) {
	body := Body(events...)
	return PostBody(ctx, webhookURL, Sign(secret, body), body)
}

// PostBody sends a raw webhook body with the given X-Line-Signature ("" sends none) and returns
// the HTTP status of the answer.
func PostBody(ctx context.Context, webhookURL, signature string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	if signature != "" {
		req.Header.Set("X-Line-Signature", signature)
	}
	res, err := webhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// UserID returns a well-formed LINE user id for test user n.
func UserID(n int) string { return fmt.Sprintf("U%032x", uint64(n)+0xfa4e000000) }

// GroupID returns a well-formed LINE group id for test group n.
func GroupID(n int) string { return fmt.Sprintf("C%032x", uint64(n)+0xfa4e000000) }

// RoomID returns a well-formed LINE room id for test room n.
func RoomID(n int) string { return fmt.Sprintf("R%032x", uint64(n)+0xfa4e000000) }

// replyToken is what a fake reply token says: the chat it answers and when it was issued. The
// fake needs no memory of the tokens it issued, so events can be built anywhere.
type replyToken struct {
	To     string `json:"to"`
	Issued int64  `json:"at"` // milliseconds
	Nonce  string `json:"n"`
}

// IssueReplyToken returns a reply token for chat as if LINE had issued it at t. The Server
// accepts it once, within its token lifetime after t.
func IssueReplyToken(chat string, t time.Time) string {
	b, _ := json.Marshal(replyToken{To: chat, Issued: t.UnixMilli(), Nonce: randomHex(8)})
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseReplyToken(s string) (replyToken, bool) {
	var t replyToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &t) != nil || t.To == "" || t.Issued == 0 {
		return t, false
	}
	return t, true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func newMessageID() string {
	var b [8]byte
	rand.Read(b[:])
	return fmt.Sprint(binary.BigEndian.Uint64(b[:]) >> 12)
}

// newULID returns a ULID, the format of LINE's webhookEventId.
func newULID(t time.Time) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [16]byte
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	rand.Read(b[6:])
	// 128 bits as 26 base-32 digits, most significant first.
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	out := make([]byte, 26)
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}
