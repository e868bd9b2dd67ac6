package line

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/platform"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// responder is what this adapter needs from the rest of the bot.
type responder interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
}

type handler struct {
	logger   *slog.Logger
	rejected func(reason string)
	secret   string
	r        responder
	loading  *Loading  // nil: no loading animation
	profiles *Profiles // nil: no language hint on follow
}

func (h *handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, ok := platform.ReadBody(w, req, h.logger, h.rejected)
	if !ok {
		return
	}
	if !webhook.ValidateSignature(h.secret, req.Header.Get("X-Line-Signature"), body) {
		h.logger.Warn("webhook signature invalid", "len", len(body))
		h.rejected("signature")
		http.Error(w, "invalid signature", http.StatusBadRequest)
		return
	}
	var cb webhook.CallbackRequest
	if err := json.Unmarshal(body, &cb); err != nil {
		// Signed by LINE but not understood: a redelivery would not be understood either. The
		// body holds user text, so only the shape of the problem is logged.
		h.logger.Warn("webhook body not understood, ignored", "len", len(body), "err", jsonProblem(err))
		w.WriteHeader(http.StatusOK)
		return
	}
	for i, ev := range cb.Events {
		if err := h.handle(req.Context(), ev); err != nil {
			h.logger.Error("webhook event not committed, LINE will redeliver", "event", i, "events", len(cb.Events), "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// handle commits one event: it returns once the engine has stored the step and queued the reply.
func (h *handler) handle(ctx context.Context, ev webhook.EventInterface) error {
	m, info, ok := toMessage(ev)
	if !ok {
		h.logger.Debug("event ignored", "type", ev.GetType(), "why", info.ignored)
		return nil
	}
	// If the reply is not on its way soon, show that it is coming. The timer is set before the
	// step, because the sender may send the reply (and cancel the timer) before Respond returns.
	loading := info.loading && !info.redelivery
	if loading {
		h.loading.start(m.UserID)
	}
	if m.Event == dialog.EventFollow {
		m.LangHint = h.profiles.language(ctx, m.UserID)
	}
	reply, err := h.r.Respond(ctx, m)
	if loading && (err != nil || reply.Duplicate || len(reply.Blocks) == 0) {
		h.loading.stop(m.UserID) // nothing is coming
	}
	if err != nil {
		return fmt.Errorf("%s event: %w", ev.GetType(), err)
	}
	h.logger.Debug("event committed", "type", ev.GetType(), "event", string(m.Event), "user", m.UserID,
		"redelivery", info.redelivery, "duplicate", reply.Duplicate,
		"outcome", string(reply.Outcome), "topic", reply.Topic)
	return nil
}

// eventInfo is what the handler needs to know about an event besides its message.
type eventInfo struct {
	redelivery bool
	loading    bool   // a one-to-one text or choice: worth a loading animation
	ignored    string // why the event is not passed on
}

// header is the part every LINE event has. The SDK's concrete events redeclare these fields
// instead of filling the embedded Event, so each type is read on its own.
type header struct {
	source     webhook.SourceInterface
	timestamp  int64
	mode       webhook.EventMode
	id         string
	delivery   *webhook.DeliveryContext
	replyToken string
}

// sourceChat reads where an event happened, as the address a reply goes to (without its reply
// token). ok is false when the source names no chat.
func sourceChat(s webhook.SourceInterface) (a address, ok bool) {
	switch src := s.(type) {
	case webhook.UserSource:
		return address{User: src.UserId}, src.UserId != ""
	case webhook.GroupSource:
		return address{User: src.UserId, Group: src.GroupId}, src.GroupId != ""
	case webhook.RoomSource:
		return address{User: src.UserId, Room: src.RoomId}, src.RoomId != ""
	}
	return address{}, false
}

// toMessage translates one LINE event. ok is false for the events the helpdesk does not act on
// (leave, member joined or left, unsend, unknown types, standby mode), with info.ignored saying
// why.
func toMessage(ev webhook.EventInterface) (m dialog.Message, info eventInfo, ok bool) {
	var (
		h     header
		kind  dialog.Event
		text  string
		data  string
		reply = true // the event carries a reply token worth keeping
	)
	switch e := ev.(type) {
	case webhook.MessageEvent:
		h = header{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
		switch c := e.Message.(type) {
		case webhook.TextMessageContent:
			kind, text = dialog.EventText, c.Text
		case webhook.StickerMessageContent, webhook.ImageMessageContent, webhook.VideoMessageContent,
			webhook.AudioMessageContent, webhook.FileMessageContent, webhook.LocationMessageContent:
			kind = dialog.EventUnsupported
		default:
			info.ignored = "unknown message type"
			return m, info, false
		}
	case webhook.PostbackEvent:
		h = header{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
		if e.Postback == nil || e.Postback.Data == "" {
			info.ignored = "postback without data"
			return m, info, false
		}
		kind, data = dialog.EventText, e.Postback.Data
	case webhook.FollowEvent:
		h = header{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
		kind = dialog.EventFollow
	case webhook.UnfollowEvent:
		h = header{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, ""}
		kind, reply = dialog.EventUnfollow, false
	case webhook.JoinEvent:
		h = header{e.Source, e.Timestamp, e.Mode, e.WebhookEventId, e.DeliveryContext, e.ReplyToken}
		kind = dialog.EventGroup
	default:
		info.ignored = "event type not handled"
		return m, info, false
	}
	info.redelivery = h.delivery != nil && h.delivery.IsRedelivery
	if h.mode == webhook.EventMode_STANDBY && kind != dialog.EventUnfollow {
		// Another channel (a module) is in charge of the chat: it answers, not us.
		info.ignored = "standby mode"
		return m, info, false
	}
	addr, known := sourceChat(h.source)
	if !known {
		info.ignored = "unknown source"
		return m, info, false
	}
	if !addr.oneToOne() {
		if kind == dialog.EventUnfollow {
			info.ignored = "unfollow outside a one-to-one chat"
			return m, info, false
		}
		// The helpdesk works one to one: whatever happens in a group or room, it explains that
		// and leaves.
		kind, text, data = dialog.EventGroup, "", ""
	}
	m = dialog.Message{
		Channel: dialog.ChannelLINE,
		UserID:  addr.to(), // the chat a reply is pushed to is the conversation
		EventID: h.id,
		Text:    text,
		Choice:  data,
		Event:   kind,
	}
	if h.timestamp > 0 {
		m.At = time.UnixMilli(h.timestamp)
	}
	if reply {
		addr.Token = h.replyToken
		m.Address = addr.encode()
	}
	info.loading = addr.oneToOne() && kind == dialog.EventText
	return m, info, true
}

// jsonProblem describes what was wrong with a webhook body, without quoting it.
func jsonProblem(err error) string {
	if p := platform.JSONProblem(err); p != "" {
		return p
	}
	return "unexpected event structure"
}
