package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// lineBareHandler returns the ceiling for benchmarks: verify, parse, reply, no state. It is the LINE
// SDK's own way of answering, as its examples do: webhook.ParseRequest checks the signature
// against secret and decodes the body, and each text message or postback is answered at once,
// inside the webhook request, by a reply with its own text through the Messaging API at apiBase
// with the channel access token. There is no engine, database, dedupe or outbox, and reply
// errors are ignored. A redelivered event (deliveryContext.isRedelivery) is acknowledged and not
// answered, which a handler without state can do. client makes the calls; nil means a client
// with a 10-second timeout.
//
// The production handler is line.New(...).Handler(); lineBareHandler is what the SDK alone achieves on
// the same machine.
func lineBareHandler(secret, token, apiBase string, client *http.Client) http.Handler {
	return lineBare(secret, token, apiBase, client, nil)
}

// lineBareReply is a reply the bot sent, as lineBareReplayHandler sends it again.
type lineBareReply struct {
	msgs []messaging_api.MessageInterface
}

// newLINEBareReply takes the messages of a reply request as LINE received them.
func newLINEBareReply(messages []json.RawMessage) lineBareReply {
	r := lineBareReply{}
	for _, m := range messages {
		r.msgs = append(r.msgs, recordedMessage(m))
	}
	return r
}

// lineBareReplayHandler is lineBareHandler answering each event with the next reply of next instead of
// its own text: the same messages the bot sends, through the same SDK call, already encoded as
// the bot's sender has them. It is the ceiling of a bot whose answers are real: what it costs to
// receive the same events and send the same replies without state or decisions. An empty reply
// from next falls back to the echo.
func lineBareReplayHandler(secret, token, apiBase string, client *http.Client, next func() lineBareReply) http.Handler {
	return lineBare(secret, token, apiBase, client, next)
}

func lineBare(secret, token, apiBase string, client *http.Client, next func() lineBareReply) http.Handler {
	if client == nil {
		client = newHTTPClient()
	}
	// ReplyMessage is called without WithContext, which would mutate the shared client.
	api, err := messaging_api.NewMessagingApiAPI(token, messaging_api.WithEndpoint(apiBase), messaging_api.WithHTTPClient(client))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err != nil { // only a malformed apiBase
			http.Error(w, "bare handler: bad API base URL", http.StatusInternalServerError)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
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

// recordedMessage is a message as LINE received it from the server. The SDK's type switches pass
// a type they do not know through unchanged, and encoding/json writes what MarshalJSON returns,
// so it is sent byte for byte.
type recordedMessage json.RawMessage

// GetType names the message's kind for the SDK, which only switches on it.
func (m recordedMessage) GetType() string { return "recorded" }

// MarshalJSON returns the message as recorded.
func (m recordedMessage) MarshalJSON() ([]byte, error) { return m, nil }

// maxBody is the largest webhook body the bare handlers read, as the server's handlers.
const maxBody = 1 << 20

// newHTTPClient is the bare handlers' client for the platform APIs, shaped as the server's:
// a 10-second timeout and enough idle connections for a load.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}
