package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// slackBareHandler returns the ceiling for benchmarks: verify, parse, reply, no state. It is
// slack-go's own way of answering, as its examples do: the body is checked with
// slack.NewSecretsVerifier against signingSecret, an Events API body is decoded with
// slackevents.ParseEvent and an interaction with slack.InteractionCallback, and each direct
// message or button press is answered at once, inside the request, by a chat.postMessage of its
// own text (or button value) into its channel through the Web API at apiURL with botToken. There
// is no engine, database, dedupe, outbox or pacing. A retry (X-Slack-Retry-Num) is acknowledged
// and not answered, which a handler without state can do. It serves the Events API and
// interactions alike, whatever the path. client makes the calls; nil means a client with a
// 10-second timeout.
//
// The production handlers are the Events API and interactions handlers of bot/slack;
// slackBareHandler is what the SDK alone achieves on the same machine.
func slackBareHandler(signingSecret, botToken, apiURL string, client *http.Client) http.Handler {
	return slackBare(signingSecret, botToken, apiURL, client, nil)
}

// slackBareReply is a post the bot made, as slackBareReplayHandler posts it again.
type slackBareReply struct {
	text   string
	blocks []slackapi.Block
}

// newSlackBareReply takes a post as Slack received it: its notification text and its blocks (a JSON
// array).
func newSlackBareReply(text string, blocks json.RawMessage) (slackBareReply, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(blocks, &raw); err != nil {
		return slackBareReply{}, fmt.Errorf("blocks: %v", err)
	}
	r := slackBareReply{text: text}
	for i, b := range raw {
		var head struct {
			Type    slackapi.MessageBlockType `json:"type"`
			BlockID string                    `json:"block_id"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return slackBareReply{}, fmt.Errorf("block %d: %v", i, err)
		}
		r.blocks = append(r.blocks, recordedBlock{typ: head.Type, id: head.BlockID, json: b})
	}
	return r, nil
}

// slackBareReplayHandler is slackBareHandler answering each message or button press with the next post
// of next instead of its own text: the same text and blocks the bot posts, through the same
// SDK call, already encoded as the bot's sender has them. It is the ceiling of a bot whose
// answers are real: what it costs to receive the same events and post the same replies without
// state or decisions. An empty post from next falls back to the echo.
func slackBareReplayHandler(signingSecret, botToken, apiURL string, client *http.Client, next func() slackBareReply) http.Handler {
	return slackBare(signingSecret, botToken, apiURL, client, next)
}

func slackBare(signingSecret, botToken, apiURL string, client *http.Client, next func() slackBareReply) http.Handler {
	if client == nil {
		client = newHTTPClient()
	}
	base := apiURL
	if !strings.HasSuffix(base, "/") {
		base += "/" // slack-go joins method names to it
	}
	api := slackapi.New(botToken, slackapi.OptionAPIURL(base), slackapi.OptionHTTPClient(client))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		sv, err := slackapi.NewSecretsVerifier(r.Header, signingSecret)
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		if r.Header.Get("X-Slack-Retry-Num") != "" {
			w.WriteHeader(http.StatusOK)
			return
		}
		channel, text := slackBareMessage(body)
		if channel != "" && text != "" {
			opts := []slackapi.MsgOption{slackapi.MsgOptionText(text, false)}
			if next != nil {
				if reply := next(); reply.text != "" || len(reply.blocks) > 0 {
					opts = []slackapi.MsgOption{slackapi.MsgOptionText(reply.text, false), slackapi.MsgOptionBlocks(reply.blocks...),
						slackapi.MsgOptionDisableLinkUnfurl(), slackapi.MsgOptionDisableMediaUnfurl()}
				}
			}
			if _, _, err := api.PostMessageContext(r.Context(), channel, opts...); err != nil {
				http.Error(w, "post failed", http.StatusInternalServerError)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}

// slackBareMessage returns where a request for slackBareHandler is answered and with what: a direct
// message's channel and text, or a pressed button's channel and value; "" for anything else.
func slackBareMessage(body []byte) (channel, text string) {
	if len(body) > 0 && body[0] != '{' { // an interaction: form-encoded, in "payload"
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "", ""
		}
		var ic slackapi.InteractionCallback
		if json.Unmarshal([]byte(form.Get("payload")), &ic) != nil || ic.Type != slackapi.InteractionTypeBlockActions {
			return "", ""
		}
		if len(ic.ActionCallback.BlockActions) == 0 {
			return "", ""
		}
		return ic.Container.ChannelID, ic.ActionCallback.BlockActions[0].Value
	}
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil || ev.Type != slackevents.CallbackEvent {
		return "", ""
	}
	if m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent); ok && m.BotID == "" && m.User != "" {
		return m.Channel, m.Text
	}
	return "", ""
}

// recordedBlock is a Block Kit block as Slack received it from the server. slack-go takes any
// type with a block type and id, and encoding/json writes what MarshalJSON returns, so it is
// posted byte for byte.
type recordedBlock struct {
	typ  slackapi.MessageBlockType
	id   string
	json []byte
}

// BlockType returns the block's type ("section", "actions" ...).
func (b recordedBlock) BlockType() slackapi.MessageBlockType { return b.typ }

// ID returns the block's block_id.
func (b recordedBlock) ID() string { return b.id }

// MarshalJSON returns the block as recorded.
func (b recordedBlock) MarshalJSON() ([]byte, error) { return b.json, nil }
