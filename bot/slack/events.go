package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/platform"
	"github.com/helpdesk-bot/helpdesk/dialog"
	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// lastRetry is Slack's last redelivery of an event (X-Slack-Retry-Num 1, 2, 3): when that one
// fails too, the user gets the apology, because nothing else will reach them.
const lastRetry = 3

// Events returns the handler of POST /slack/events (the Events API). It answers
// url_verification with the challenge, commits each message for the engine and answers 200
// only then, and 500 when the engine failed, so that Slack redelivers.
func (b *Bot) Events() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := b.readVerified(w, r)
		if !ok {
			return
		}
		retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
		if retry > 0 {
			b.logger.Debug("slack redelivery", "retry", retry, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		challenge, err := b.handleEvent(r.Context(), body, retry)
		if err != nil {
			b.logger.Error("slack event not committed, Slack will redeliver", "retry", retry, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if challenge != "" {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, challenge)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// Commands returns the handler of POST /slack/commands, the /helpdesk slash command. The menu
// and the help go to the user's direct message with the bot through the outbox; the request
// itself is answered with an empty 200, or with an admin command's reply only its user sees.
func (b *Bot) Commands() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := b.readVerified(w, r)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			b.logger.Warn("slash command not understood, ignored", "len", len(body))
			w.WriteHeader(http.StatusOK)
			return
		}
		cmd := slackapi.SlashCommand{Command: form.Get("command"), Text: form.Get("text"), UserID: form.Get("user_id"),
			ChannelID: form.Get("channel_id"), TeamID: form.Get("team_id"), TriggerID: form.Get("trigger_id")}
		text, err := b.handleCommand(r.Context(), cmd)
		if err != nil {
			b.logger.Error("slash command not committed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if text == "" {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": escape(text)})
	})
}

// readVerified reads a request's body, at most 1 MiB (413 beyond), and checks its signature
// against the signing secret (401 when it is missing, wrong or more than five minutes old)
// before anything looks at it.
func (b *Bot) readVerified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := platform.ReadBody(w, r, b.logger, b.cfg.Rejected)
	if !ok {
		return nil, false
	}
	if err := verify(r.Header, b.cfg.SigningSecret, body); err != nil {
		b.logger.Warn("slack request signature rejected", "path", r.URL.Path, "why", err.Error(), "len", len(body))
		b.cfg.Rejected("signature")
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// verify checks a request's X-Slack-Signature. Its error says why, without the signature.
func verify(h http.Header, secret string, body []byte) error {
	sv, err := slackapi.NewSecretsVerifier(h, secret)
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, slackapi.ErrMissingHeaders):
		return errors.New("missing signature headers")
	case errors.Is(err, slackapi.ErrExpiredTimestamp):
		return errors.New("timestamp outside the 5-minute window")
	case errors.Is(err, slackapi.ErrInvalidSignature):
		return errors.New("signature does not match")
	case errors.Is(err, slackapi.ErrInvalidConfiguration):
		return errors.New("no signing secret configured")
	}
	return errors.New("malformed signature headers")
}

// handleEvent handles one Events API body, over HTTP or Socket Mode. It returns the challenge of
// a url_verification, and an error only when the engine could not commit the event (the event
// must then be redelivered). Bodies it does not understand are logged, without their content,
// and dropped: a redelivery would not be understood either.
func (b *Bot) handleEvent(ctx context.Context, body []byte, retry int) (string, error) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		b.logger.Warn("slack event not understood, ignored", "len", len(body), "err", problem(err))
		return "", nil
	}
	// ParseEvent reads an unknown outer type as a url_verification without a challenge, so the
	// type is what tells them apart.
	switch ev.Type {
	case slackevents.URLVerification:
		if uv, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			return uv.Challenge, nil
		}
	case slackevents.CallbackEvent:
		cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if !ok {
			return "", nil
		}
		for _, a := range cb.Authorizations {
			if a.IsBot {
				b.setSelf(a.UserID)
			}
		}
		switch e := ev.InnerEvent.Data.(type) {
		case *slackevents.MessageEvent:
			return "", b.onMessage(ctx, cb.EventID, e, retry)
		case *slackevents.AppMentionEvent:
			return "", b.onMention(ctx, cb.EventID, e, retry)
		}
		b.logger.Debug("slack event ignored", "type", ev.InnerEvent.Type)
	case slackevents.AppRateLimited:
		b.logger.Warn("slack is dropping events for this app: rate limited")
	default:
		b.logger.Debug("slack event ignored", "outer", ev.Type)
	}
	return "", nil
}

// problem describes why a body could not be parsed, without quoting it (it holds user text).
func problem(err error) string {
	if p := platform.JSONProblem(err); p != "" {
		return p
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not exist"):
		return "unknown event type"
	case strings.Contains(msg, "missing or null event"):
		return "no event in callback"
	}
	return "unreadable body"
}

// onMessage handles a message event: a direct message to the bot is the user's conversation; a
// reply in a thread of the staff channel is a staff member talking to the case's user. Messages
// of bots (the bot's own included), edits and deletions, and messages in other channels are
// ignored: in channels the bot answers @mentions only.
func (b *Bot) onMessage(ctx context.Context, eventID string, e *slackevents.MessageEvent, retry int) error {
	if e.BotID != "" || e.User == "" || b.isSelf(e.User) {
		b.logger.Debug("slack message ignored", "why", "bot or own message")
		return nil
	}
	if b.cfg.StaffChannel != "" && e.Channel == b.cfg.StaffChannel {
		return b.onStaffMessage(ctx, eventID, e)
	}
	if e.ChannelType != slackevents.ChannelTypeIM && (e.ChannelType != "" || !isDM(e.Channel)) {
		return nil
	}
	m := dialog.Message{Channel: channelName, UserID: e.User, EventID: eventID, Text: plainText(e.Text),
		Address: address{channel: e.Channel, thread: e.ThreadTimeStamp}.encode(), At: tsTime(e.TimeStamp)}
	switch e.SubType {
	case "":
	case "file_share":
		// a screenshot, maybe with a line of text: answer the text, or ask for one
		if strings.TrimSpace(m.Text) == "" {
			m.Event = dialog.EventUnsupported
		}
	default:
		b.logger.Debug("slack message ignored", "why", "subtype", "subtype", e.SubType)
		return nil
	}
	// Only here, in a person's own direct message: a channel thread's conversation belongs to
	// whoever writes in it, and staff messages are not conversations with the bot.
	m.LangHint = b.locales.hint(ctx, e.User)
	return b.respond(ctx, m, retry)
}

// onStaffMessage relays a staff member's reply in a case's thread. Only replies in threads of the
// staff channel come here; the engine relays only those in a case's own thread.
func (b *Bot) onStaffMessage(ctx context.Context, eventID string, e *slackevents.MessageEvent) error {
	switch e.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return nil
	}
	if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp || strings.TrimSpace(e.Text) == "" {
		return nil // staff talking among themselves at the top of the channel
	}
	thread := address{channel: e.Channel, thread: e.ThreadTimeStamp}.encode()
	res, err := b.r.Staff(ctx, dialog.StaffEvent{EventID: eventID, Thread: thread,
		Staff: "<@" + e.User + ">", Action: dialog.StaffMessage, Text: plainText(e.Text)})
	if err != nil {
		return fmt.Errorf("staff message: %w", err)
	}
	b.logger.Debug("staff message", "case", res.Case, "relayed", res.Relayed, "ignored", res.Ignored)
	return nil
}

// onMention handles an @mention of the bot in a channel: the conversation lives in the
// mentioning message's thread, whoever writes there.
func (b *Bot) onMention(ctx context.Context, eventID string, e *slackevents.AppMentionEvent, retry int) error {
	switch {
	case e.BotID != "" || e.User == "" || b.isSelf(e.User):
		return nil
	case isDM(e.Channel):
		return nil // the message event of the direct message answers it
	case b.cfg.StaffChannel != "" && e.Channel == b.cfg.StaffChannel:
		return nil // staff threads are cases, not conversations with the bot
	}
	thread := e.ThreadTimeStamp
	if thread == "" {
		thread = e.TimeStamp
	}
	if e.Channel == "" || thread == "" {
		b.logger.Debug("slack mention ignored", "why", "no channel or timestamp")
		return nil // no thread to hold the conversation
	}
	self := ""
	if p := b.self.Load(); p != nil {
		self = *p
	}
	here := address{channel: e.Channel, thread: thread}.encode() // the conversation, and where replies go
	m := dialog.Message{Channel: channelName, UserID: here, Person: e.User, EventID: eventID,
		Text: plainText(stripMention(e.Text, self)), Address: here, At: tsTime(e.TimeStamp)}
	if strings.TrimSpace(m.Text) == "" {
		m.Event = dialog.EventResume // "@bot" alone: greet, or show where the thread stands
	}
	return b.respond(ctx, m, retry)
}

// adminVerbs are the words that make "/helpdesk WORD ..." an admin command.
var adminVerbs = map[string]bool{"reload": true, "stats": true}

// handleCommand handles /helpdesk: no text opens the menu, "help" the help, "reload" and "stats"
// are admin commands (when there are any); any other text is a consultation, answered like a
// direct message. Replies go to the user's direct message with the bot; an admin command's
// reply is returned as a text only the user sees.
func (b *Bot) handleCommand(ctx context.Context, cmd slackapi.SlashCommand) (string, error) {
	if cmd.UserID == "" {
		return "", nil
	}
	args := strings.Fields(cmd.Text)
	m := dialog.Message{Channel: channelName, UserID: cmd.UserID, Address: address{user: cmd.UserID}.encode(),
		Event: dialog.EventHelp}
	if cmd.TriggerID != "" {
		m.EventID = "cmd:" + cmd.TriggerID
	}
	switch {
	case len(args) == 0:
		m.Event = dialog.EventMenu
	case len(args) == 1 && strings.EqualFold(args[0], "help"):
	case b.cfg.Admin != nil && adminVerbs[strings.ToLower(args[0])]:
		args[0] = strings.ToLower(args[0])
		reply, err := b.cfg.Admin(ctx, cmd.UserID, args)
		if err != nil {
			b.logger.Error("admin command failed", "err", err)
			return b.phrase("internal_error"), nil
		}
		return reply, nil
	default:
		m.Event, m.Text = dialog.EventText, cmd.Text
	}
	return "", b.respond(ctx, m, lastRetry)
}

// respond has the engine commit m. When that fails on the last chance (Slack's last retry, or
// a button or command that Slack never retries), the user gets the apology directly.
func (b *Bot) respond(ctx context.Context, m dialog.Message, retry int) error {
	reply, err := b.r.Respond(ctx, m)
	if err != nil {
		if retry >= lastRetry {
			b.apologize(ctx, m.Address)
		}
		return fmt.Errorf("respond: %w", err)
	}
	b.logger.Debug("slack event committed", "user", m.UserID, "event", string(m.Event), "choice", m.Choice != "",
		"duplicate", reply.Duplicate, "outcome", string(reply.Outcome), "topic", reply.Topic)
	return nil
}

// apologize posts the fixed apology to addr, bypassing the outbox that could not be written.
func (b *Bot) apologize(ctx context.Context, addr string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	reply := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: b.phrase("internal_error")}}}
	if _, err := b.deliver.Deliver(ctx, dialog.Delivery{Address: addr, Reply: reply}); err != nil {
		b.logger.Warn("apology not delivered", "err", err)
	}
}
