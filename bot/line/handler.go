package line

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/platform"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// responder is what this adapter needs from the rest of the bot.
type responder interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
}

// The loading animation is best effort: it must never hold up a webhook, nor pile up
// goroutines when the API is slow.
const (
	loadingSeconds  = 5
	loadingTimeout  = 2 * time.Second
	loadingInFlight = 32
	// loadingDelay: most replies arrive within milliseconds, and then an animation is a wasted
	// API call; it starts only if the reply is not on its way by then.
	loadingDelay = 300 * time.Millisecond
)

// Option configures NewHandler.
type Option func(*handler)

// WithLoadingAnimation makes the handler show LINE's loading animation in a one-to-one chat
// while a text or a tapped choice is being answered, through d's API. The call runs in the
// background with a short timeout; a failure is logged at Debug and changes nothing else.
func WithLoadingAnimation(d *Deliverer) Option {
	return func(h *handler) {
		if d != nil {
			h.loading, h.waiting = d.api, &d.waiting
		}
	}
}

// WithRejectCounter has the handler call count with the reason ("signature", "too_large") of
// every request it rejects before parsing, for the operators' metrics.
func WithRejectCounter(count func(reason string)) Option {
	return func(h *handler) {
		if count != nil {
			h.rejected = count
		}
	}
}

type handler struct {
	logger   *slog.Logger
	rejected func(reason string)
	secret   string
	r        responder
	loading  *endpoints    // nil: no loading animation
	waiting  *waiting      // the deliverer's: replies not yet on their way
	slots    chan struct{} // bounds loading animations in flight
}

// NewHandler returns the handler of LINE's webhook (POST /line/webhook). It reads at most 1 MiB,
// rejects a request whose X-Line-Signature does not match secret with 400 before looking at the
// body, turns each event into a dialog.Message and has r respond to it, in order. It answers 200
// only once every event has been committed, and 500 when one could not be, so that LINE
// redelivers the request (events already committed are then recognised as duplicates).
func NewHandler(logger *slog.Logger, secret string, r responder, opts ...Option) http.Handler {
	h := &handler{logger: logger.With("channel", "line"), secret: secret, r: r,
		slots: make(chan struct{}, loadingInFlight), rejected: func(string) {}}
	for _, o := range opts {
		o(h)
	}
	return h
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
		h.startLoading(m.UserID)
	}
	reply, err := h.r.Respond(ctx, m)
	if loading && (err != nil || reply.Duplicate || len(reply.Blocks) == 0) {
		h.stopLoading(m.UserID) // nothing is coming
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
		Channel: "line",
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

// startLoading shows the loading animation to user in the background if the reply is not on its
// way within loadingDelay and there is room.
func (h *handler) startLoading(user string) {
	if h.loading == nil {
		return
	}
	h.waiting.after(user, loadingDelay, func() {
		select {
		case h.slots <- struct{}{}:
		default:
			return // many in flight already: skip, the animation is only a courtesy
		}
		defer func() { <-h.slots }()
		ctx, cancel := context.WithTimeout(context.Background(), loadingTimeout)
		defer cancel()
		if err := h.loading.showLoading(ctx, user); err != nil {
			h.logger.Debug("loading animation not shown", "err", err)
		}
	})
}

// stopLoading cancels the loading animation startLoading set for user.
func (h *handler) stopLoading(user string) {
	if h.loading != nil {
		h.waiting.sending(user)
	}
}

// waiting holds the loading animations due for users whose reply is not on its way yet; the
// deliverer cancels a user's when it starts sending to them.
type waiting struct {
	mu     sync.Mutex
	timers map[string]*time.Timer
}

func (w *waiting) after(user string, d time.Duration, f func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timers == nil {
		w.timers = map[string]*time.Timer{}
	}
	if old := w.timers[user]; old != nil {
		old.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		w.mu.Lock()
		if w.timers[user] == t {
			delete(w.timers, user)
		}
		w.mu.Unlock()
		f()
	})
	w.timers[user] = t
}

// sending cancels user's pending animation: the reply is going out.
func (w *waiting) sending(user string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t := w.timers[user]; t != nil {
		t.Stop()
		delete(w.timers, user)
	}
}

func (e *endpoints) showLoading(ctx context.Context, user string) error {
	c, err := e.messaging(ctx)
	if err != nil {
		return err
	}
	res, _, err := c.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{
		ChatId: user, LoadingSeconds: loadingSeconds})
	return apiError("loading", res, err)
}

// jsonProblem describes what was wrong with a webhook body, without quoting it.
func jsonProblem(err error) string {
	if p := platform.JSONProblem(err); p != "" {
		return p
	}
	return "unexpected event structure"
}
