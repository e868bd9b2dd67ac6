package line

import (
	"encoding/json"

	"github.com/helpdesk-bot/helpdesk/bot/internal/replycache"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// renderCacheSize bounds the replies kept rendered: the standard answers, menus and questions
// a busy day repeats, at a few kilobytes each.
const renderCacheSize = 256

// renderEncoded is render with every message already encoded by the SDK, for the cache: its
// requests are shared by concurrent sends.
func renderEncoded(r dialog.Reply) ([][]messaging_api.MessageInterface, error) {
	requests, err := render(r)
	if err != nil {
		return nil, err
	}
	return encodeRequests(requests)
}

func newRenderCache() *replycache.Cache[[][]messaging_api.MessageInterface] {
	return replycache.New[[][]messaging_api.MessageInterface](renderCacheSize)
}

// encodeRequests encodes every message with the SDK's own MarshalJSON, once. The SDK writes
// into its message structs while encoding them (it fills in an empty Type), so shared requests
// hold the encoded form, which nothing writes.
func encodeRequests(requests [][]messaging_api.MessageInterface) ([][]messaging_api.MessageInterface, error) {
	out := make([][]messaging_api.MessageInterface, len(requests))
	for i, msgs := range requests {
		out[i] = make([]messaging_api.MessageInterface, len(msgs))
		for j, m := range msgs {
			v, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			out[i][j] = encodedMessage{typ: m.GetType(), json: v}
		}
	}
	return out, nil
}

// encodedMessage is a message the SDK already encoded. The SDK's type switches pass a type
// they do not know through unchanged, and encoding/json writes what MarshalJSON returns.
type encodedMessage struct {
	typ  string
	json []byte
}

// GetType returns the message's type ("text", "flex").
func (m encodedMessage) GetType() string { return m.typ }

// MarshalJSON returns the encoding made by the SDK.
func (m encodedMessage) MarshalJSON() ([]byte, error) { return m.json, nil }
