package slacktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// The kinds of body, named as Socket Mode names its envelopes.
const (
	KindEvents       = "events_api"
	KindInteractive  = "interactive"
	KindSlashCommand = "slash_commands"
)

// Body is a request as Slack sends it: the HTTP body and its content type, and the payload a
// Socket Mode envelope of the same kind carries.
type Body struct {
	Kind        string
	ContentType string
	Data        []byte
	payload     json.RawMessage
}

// Payload is what a Socket Mode envelope carries for this body: the event callback, the
// interaction, or the slash command as a JSON object.
func (b Body) Payload() json.RawMessage { return b.payload }

// counter numbers event ids and timestamps. It starts at a random value, so that runs of a load
// tool against one lasting database do not send event ids an earlier run sent (the bot would take
// them for redeliveries).
var counter = func() *atomic.Int64 {
	var b [4]byte
	rand.Read(b[:])
	c := &atomic.Int64{}
	c.Store(int64(binary.BigEndian.Uint32(b[:]) >> 4))
	return c
}()

func next() int64 { return counter.Add(1) }

// NewEventID returns a fresh event id, as Slack's look ("Ev0…").
func NewEventID() string { return fmt.Sprintf("Ev%08X", next()) }

// NewTS returns a fresh message timestamp, now.
func NewTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), (now.Nanosecond()/1000+int(next()))%1_000_000)
}

// Event is an Events API event, for Callback.
type Event struct {
	EventID     string // event_id; empty: a fresh one
	Type        string // "message" (default), "app_mention", or any other
	Channel     string
	ChannelType string // for message events: "im", "channel", "group", "mpim"
	User        string
	Text        string
	TS          string // empty: a fresh one
	ThreadTS    string
	BotID       string
	Subtype     string
}

// Callback is an event_callback body, as Slack posts it to the Events API URL.
func Callback(e Event) Body {
	if e.EventID == "" {
		e.EventID = NewEventID()
	}
	if e.Type == "" {
		e.Type = "message"
	}
	if e.TS == "" {
		e.TS = NewTS()
	}
	inner := map[string]any{"type": e.Type, "channel": e.Channel, "text": e.Text, "ts": e.TS, "event_ts": e.TS}
	if e.User != "" {
		inner["user"] = e.User
	}
	if e.Type == "message" {
		inner["channel_type"] = e.ChannelType
		if e.BotID == "" && e.Subtype == "" {
			inner["client_msg_id"] = fmt.Sprintf("0b5c7a2e-%04x-4000-8000-%012x", next()&0xffff, next())
		}
	}
	if e.ThreadTS != "" {
		inner["thread_ts"] = e.ThreadTS
	}
	if e.BotID != "" {
		inner["bot_id"] = e.BotID
	}
	if e.Subtype != "" {
		inner["subtype"] = e.Subtype
	}
	cb := map[string]any{
		"token": "verification-token-unused", "team_id": TeamID, "api_app_id": AppID, "event": inner,
		"type": "event_callback", "event_id": e.EventID, "event_time": time.Now().Unix(),
		"authorizations": []any{map[string]any{"enterprise_id": nil, "team_id": TeamID, "user_id": BotUserID,
			"is_bot": true, "is_enterprise_install": false}},
		"is_ext_shared_channel": false, "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
	}
	return jsonBody(KindEvents, cb)
}

// IM is a direct message from user to the bot (message.im).
func IM(eventID, user, text string) Body {
	return Callback(Event{EventID: eventID, Channel: DMChannel(user), ChannelType: "im", User: user, Text: text})
}

// Mention is an @mention of the bot in channel (app_mention); threadTS is set when it was
// written in a thread.
func Mention(eventID, channel, user, text, threadTS string) Body {
	return Callback(Event{EventID: eventID, Type: "app_mention", Channel: channel, User: user,
		Text: "<@" + BotUserID + "> " + text, ThreadTS: threadTS})
}

// ThreadReply is a message in a thread of a public channel (message.channels), such as a staff
// member's reply in a case's thread.
func ThreadReply(eventID, channel, user, text, threadTS string) Body {
	return Callback(Event{EventID: eventID, Channel: channel, ChannelType: "channel", User: user, Text: text, ThreadTS: threadTS})
}

// URLVerification is the challenge Slack sends when the Events API URL is saved.
func URLVerification(challenge string) Body {
	return jsonBody(KindEvents, map[string]any{"token": "verification-token-unused", "challenge": challenge, "type": "url_verification"})
}

func jsonBody(kind string, v any) Body {
	b, _ := json.Marshal(v) // maps of plain values: cannot fail
	return Body{Kind: kind, ContentType: "application/json", Data: b, payload: b}
}

// interactive wraps an interaction payload as Slack posts it: form-encoded, in "payload".
func interactive(v any) Body {
	p, _ := json.Marshal(v)
	form := url.Values{"payload": {string(p)}}
	return Body{Kind: KindInteractive, ContentType: "application/x-www-form-urlencoded", Data: []byte(form.Encode()), payload: p}
}

// Click is a press of a button of a message, for BlockActions.
type Click struct {
	User      string
	Channel   string
	MessageTS string // the message the button is on
	ThreadTS  string // the message's thread, when it is in one
	Value     string
	ActionID  string // empty: "c0|" + Value
	BlockID   string // empty: "choices-0"
	Text      string // the button's label
	TriggerID string // empty: a fresh one
}

// BlockActions is the block_actions interaction of a button press.
func BlockActions(c Click) Body {
	if c.ActionID == "" {
		c.ActionID = "c0|" + c.Value
	}
	if c.BlockID == "" {
		c.BlockID = "choices-0"
	}
	if c.TriggerID == "" {
		c.TriggerID = fmt.Sprintf("%d.%d.%x", time.Now().Unix(), next(), next())
	}
	if c.Text == "" {
		c.Text = c.Value
	}
	container := map[string]any{"type": "message", "message_ts": c.MessageTS, "channel_id": c.Channel, "is_ephemeral": false}
	msg := map[string]any{"type": "message", "user": BotUserID, "bot_id": BotID, "ts": c.MessageTS, "text": "…"}
	if c.ThreadTS != "" {
		container["thread_ts"] = c.ThreadTS
		msg["thread_ts"] = c.ThreadTS
	}
	return interactive(map[string]any{
		"type": "block_actions", "user": userObject(c.User), "api_app_id": AppID, "token": "verification-token-unused",
		"container": container, "trigger_id": c.TriggerID, "team": map[string]any{"id": TeamID, "domain": "helpdesk-fake"},
		"enterprise": nil, "is_enterprise_install": false, "channel": map[string]any{"id": c.Channel, "name": "channel"},
		"message": msg, "state": map[string]any{"values": map[string]any{}},
		"response_url": "https://hooks.slack.com/actions/" + TeamID + "/1/fake",
		"actions": []any{map[string]any{"action_id": c.ActionID, "block_id": c.BlockID, "value": c.Value, "type": "button",
			"text": map[string]any{"type": "plain_text", "text": c.Text, "emoji": true}, "action_ts": NewTS()}},
	})
}

func userObject(id string) map[string]any {
	return map[string]any{"id": id, "username": "user-" + id, "name": "user-" + id, "team_id": TeamID}
}

// Press is user's press of the button of p whose value is value; ok is false when p has no such
// button.
func (p Post) Press(user, value string) (b Body, ok bool) {
	for _, blk := range p.Blocks {
		for _, e := range blk.Elements {
			if e.Type == "button" && e.Value == value {
				return BlockActions(Click{User: user, Channel: p.Channel, MessageTS: p.TS, ThreadTS: p.ThreadTS,
					Value: e.Value, ActionID: e.ActionID, BlockID: blk.BlockID, Text: e.Text}), true
			}
		}
	}
	return Body{}, false
}

// Submit is the view_submission of v, a modal the bot opened, by user, with values by input
// block id: the text of a plain_text_input, the value of an option of a select (empty: none).
func Submit(v View, user string, values map[string]string) Body {
	state := map[string]any{}
	for _, in := range v.Inputs {
		val := values[in.BlockID]
		var st map[string]any
		switch in.Type {
		case "plain_text_input":
			st = map[string]any{"type": in.Type, "value": val}
		default:
			st = map[string]any{"type": in.Type, "selected_option": nil}
			for _, o := range in.Options {
				if o.Value == val {
					st["selected_option"] = map[string]any{"value": o.Value,
						"text": map[string]any{"type": "plain_text", "text": o.Text, "emoji": true}}
				}
			}
		}
		state[in.BlockID] = map[string]any{in.ActionID: st}
	}
	var view map[string]any
	json.Unmarshal(v.Raw, &view)
	if view == nil {
		view = map[string]any{}
	}
	view["id"], view["team_id"], view["app_id"], view["bot_id"] = v.ID, TeamID, AppID, BotID
	view["root_view_id"], view["hash"] = v.ID, fmt.Sprintf("%d.fake", next())
	view["state"] = map[string]any{"values": state}
	return interactive(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": TeamID, "domain": "helpdesk-fake"}, "user": userObject(user),
		"api_app_id": AppID, "token": "verification-token-unused", "trigger_id": fmt.Sprintf("%d.%d.%x", time.Now().Unix(), next(), next()),
		"view": view, "response_urls": []any{}, "is_enterprise_install": false, "enterprise": nil,
	})
}

// Command is the /helpdesk slash command typed by user in channel, with text after it.
func Command(user, channel, text string) Body {
	fields := map[string]string{
		"token": "verification-token-unused", "team_id": TeamID, "team_domain": "helpdesk-fake",
		"channel_id": channel, "channel_name": "channel", "user_id": user, "user_name": "user-" + user,
		"command": "/helpdesk", "text": text, "api_app_id": AppID, "is_enterprise_install": "false",
		"response_url": "https://hooks.slack.com/commands/" + TeamID + "/1/fake",
		"trigger_id":   fmt.Sprintf("%d.%d.%x", time.Now().Unix(), next(), next()),
	}
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	p, _ := json.Marshal(fields)
	return Body{Kind: KindSlashCommand, ContentType: "application/x-www-form-urlencoded", Data: []byte(form.Encode()), payload: p}
}

// Sign sets the X-Slack-Request-Timestamp and X-Slack-Signature headers of a request with
// body sent at at, as Slack signs with the app's signing secret.
func Sign(h http.Header, secret string, at time.Time, body []byte) {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:", ts)
	m.Write(body)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
}

// NewRequest returns a POST of b to url, signed now with secret.
func NewRequest(ctx context.Context, url, secret string, b Body) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b.Data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", b.ContentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	Sign(req.Header, secret, time.Now(), b.Data)
	return req, nil
}
