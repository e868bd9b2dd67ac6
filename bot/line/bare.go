package line

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/helpdesk-bot/helpdesk/bot/internal/platform"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// BareHandler returns the ceiling for benchmarks: verify, parse, reply, no state. It is the LINE
// SDK's own way of answering, as its examples do: webhook.ParseRequest checks the signature
// against secret and decodes the body, and each text message or postback is answered at once,
// inside the webhook request, by a reply with its own text through the Messaging API at apiBase
// with the channel access token. There is no engine, database, dedupe or outbox, and reply
// errors are ignored. A redelivered event (deliveryContext.isRedelivery) is acknowledged and not
// answered, which a handler without state can do. client makes the calls; nil means a client
// with a 10-second timeout.
//
// The production handler is NewHandler; BareHandler exists so that `helpdesk bench` can measure
// what the SDK alone achieves on the same machine, without importing the SDK outside this
// package.
func BareHandler(secret, token, apiBase string, client *http.Client) http.Handler {
	return bareHandler(secret, token, apiBase, client, nil)
}

// BareReply is a reply the bot sent, as BareReplayHandler sends it again.
type BareReply struct {
	msgs []messaging_api.MessageInterface
}

// NewBareReply takes the messages of a reply request as LINE received them.
func NewBareReply(messages []json.RawMessage) BareReply {
	r := BareReply{}
	for _, m := range messages {
		r.msgs = append(r.msgs, encodedMessage{typ: "recorded", json: m})
	}
	return r
}

// BareReplayHandler is BareHandler answering each event with the next reply of next instead of
// its own text: the same messages the bot sends, through the same SDK call, already encoded as
// the bot's sender has them. It is the ceiling of a bot whose answers are real: what it costs to
// receive the same events and send the same replies without state or decisions. An empty reply
// from next falls back to the echo.
func BareReplayHandler(secret, token, apiBase string, client *http.Client, next func() BareReply) http.Handler {
	return bareHandler(secret, token, apiBase, client, next)
}

func bareHandler(secret, token, apiBase string, client *http.Client, next func() BareReply) http.Handler {
	if client == nil {
		client = platform.NewHTTPClient()
	}
	// ReplyMessage is called without WithContext, which would mutate the shared client.
	api, err := messaging_api.NewMessagingApiAPI(token, messaging_api.WithEndpoint(apiBase), messaging_api.WithHTTPClient(client))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err != nil { // only a malformed apiBase
			http.Error(w, "bare handler: bad API base URL", http.StatusInternalServerError)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, platform.MaxBody)
		cb, perr := webhook.ParseRequest(secret, r)
		if perr != nil {
			if errors.Is(perr, webhook.ErrInvalidSignature) {
				w.WriteHeader(http.StatusBadRequest)
			} else {
				w.WriteHeader(http.StatusInternalServerError)
			}
			return
		}
		for _, ev := range cb.Events {
			var replyToken, text string
			switch e := ev.(type) {
			case webhook.MessageEvent:
				if e.DeliveryContext != nil && e.DeliveryContext.IsRedelivery {
					continue
				}
				if m, ok := e.Message.(webhook.TextMessageContent); ok {
					replyToken, text = e.ReplyToken, m.Text
				}
			case webhook.PostbackEvent:
				if e.DeliveryContext != nil && e.DeliveryContext.IsRedelivery {
					continue
				}
				replyToken, text = e.ReplyToken, e.Postback.Data
			}
			if replyToken == "" || text == "" {
				continue
			}
			msgs := []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: text}}
			if next != nil {
				if reply := next(); len(reply.msgs) > 0 {
					msgs = reply.msgs
				}
			}
			api.ReplyMessage(&messaging_api.ReplyMessageRequest{ReplyToken: replyToken, Messages: msgs})
		}
		w.WriteHeader(http.StatusOK)
	})
}
