package line

import (
	"errors"
	"net/http"

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
			if replyToken != "" && text != "" {
				api.ReplyMessage(&messaging_api.ReplyMessageRequest{ReplyToken: replyToken,
					Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: text}}})
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}
