package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	slackapi "github.com/slack-go/slack"
)

// The resolve form (a modal): its callback id, and the ids of its two inputs (block and
// action ids alike).
const (
	resolveCallback = "helpdesk_resolve"
	resolveNote     = "note"
	resolveTopic    = "topic"
	maxNote         = 500 // the engine keeps 500 characters of a note
	maxModalText    = 24  // a modal's title and submit button
	maxOptions      = 100 // options of a static select
	maxOptionText   = 75
)

// Interactions returns the handler of POST /slack/interactions: buttons (block_actions) and the
// resolve form (view_submission). A user's button is a choice in the conversation it was shown
// in; a staff button claims, resolves or hands back the case of the thread it was pressed in,
// and only in the staff channel. The request is answered 200 with an empty body, which for a
// form closes it, or with the form's errors to keep it open.
func (b *Bot) Interactions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := b.readVerified(w, r)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		payload := form.Get("payload")
		if err != nil || payload == "" {
			b.logger.Warn("slack interaction not understood, ignored", "len", len(body), "why", "no payload")
			w.WriteHeader(http.StatusOK)
			return
		}
		resp, err := b.handleInteraction(r.Context(), []byte(payload))
		if err != nil {
			b.logger.Error("slack interaction not committed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if resp == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	})
}

// handleInteraction handles one interaction payload (JSON), over HTTP or Socket Mode. It returns
// what to answer a view_submission with (nil: close the form), and an error when the engine
// could not commit.
func (b *Bot) handleInteraction(ctx context.Context, payload []byte) (*slackapi.ViewSubmissionResponse, error) {
	var ic slackapi.InteractionCallback
	if err := json.Unmarshal(payload, &ic); err != nil {
		b.logger.Warn("slack interaction not understood, ignored", "len", len(payload), "err", problem(err))
		return nil, nil
	}
	switch ic.Type {
	case slackapi.InteractionTypeBlockActions:
		for _, a := range ic.ActionCallback.BlockActions {
			if err := b.onAction(ctx, &ic, a); err != nil {
				return nil, err
			}
		}
	case slackapi.InteractionTypeViewSubmission:
		return b.onSubmission(ctx, &ic)
	default:
		b.logger.Debug("slack interaction ignored", "type", string(ic.Type))
	}
	return nil, nil
}

// onAction handles one pressed button.
func (b *Bot) onAction(ctx context.Context, ic *slackapi.InteractionCallback, a *slackapi.BlockAction) error {
	choice := choiceOf(a.Value, a.ActionID)
	channel := ic.Container.ChannelID
	if channel == "" {
		channel = ic.Channel.ID
	}
	thread := ic.Container.ThreadTs
	if thread == "" {
		thread = ic.Message.ThreadTimestamp
	}
	if choice == "" || channel == "" || ic.User.ID == "" {
		return nil
	}
	// Each press has its own trigger id: a press is answered once, a second press of the same
	// button is a new (and by then stale) choice.
	eventID := "act:" + ic.TriggerID
	if ic.TriggerID == "" {
		eventID = "act:" + channel + ":" + ic.Container.MessageTs + ":" + a.ActionTs + ":" + ic.User.ID
	}
	if action, caseID, ok := dialog.ParseStaffChoice(choice); ok {
		return b.onStaffButton(ctx, ic, a, channel, thread, action, caseID, eventID)
	}
	if b.cfg.StaffChannel != "" && channel == b.cfg.StaffChannel {
		return nil // only case buttons belong in the staff channel
	}
	m := dialog.Message{Channel: channelName, EventID: eventID, Choice: choice}
	if isDM(channel) {
		m.UserID = ic.User.ID
		m.Address = address{channel: channel, thread: thread}.encode()
	} else {
		if thread == "" {
			thread = ic.Container.MessageTs
		}
		if thread == "" {
			return nil // no message, so no thread to hold the conversation
		}
		m.Address = address{channel: channel, thread: thread}.encode()
		m.UserID, m.Person = m.Address, ic.User.ID // the thread is the conversation
	}
	return b.respond(ctx, m, lastRetry)
}

// onStaffButton handles claim, resolve and hand-back. Outside the staff channel they do
// nothing, whatever case they name, and the presser is told so.
func (b *Bot) onStaffButton(ctx context.Context, ic *slackapi.InteractionCallback, a *slackapi.BlockAction,
	channel, thread string, action dialog.StaffAction, caseID, eventID string) error {
	if b.cfg.StaffChannel == "" || channel != b.cfg.StaffChannel {
		b.logger.Warn("staff button pressed outside the staff channel, refused", "action", string(action))
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := b.deliver.ephemeral(ctx, channel, ic.User.ID, b.phrase("staff_not_permitted")); err != nil {
			b.logger.Debug("refusal not shown", "err", err)
		}
		return nil
	}
	root := thread // the case's buttons are on its root message, whose ts names the thread
	if root == "" {
		root = ic.Container.MessageTs
	}
	if root == "" {
		return nil // no message, so no case thread
	}
	ref := address{channel: channel, thread: root}.encode()
	if action == dialog.StaffResolve {
		topic, _ := strings.CutPrefix(a.BlockID, staffBlockPrefix)
		return b.openResolve(ctx, ic.TriggerID, resolveMeta{Thread: ref, Case: caseID}, topic)
	}
	res, err := b.r.Staff(ctx, dialog.StaffEvent{EventID: eventID, Thread: ref, Case: caseID,
		Staff: "<@" + ic.User.ID + ">", Action: action})
	if err != nil {
		return fmt.Errorf("staff %s: %w", action, err)
	}
	b.logger.Debug("staff action", "action", string(action), "case", res.Case, "status", res.Status, "ignored", res.Ignored)
	return nil
}

// resolveMeta is what the resolve form carries in its private_metadata: the case it resolves.
type resolveMeta struct {
	Thread string `json:"thread"`
	Case   string `json:"case"`
}

// openResolve opens the resolve form: a one-line note and the topic the case turned out to be
// (preselected with the case's own topic when known).
func (b *Bot) openResolve(ctx context.Context, trigger string, meta resolveMeta, topic string) error {
	text := func(s string, n int) *slackapi.TextBlockObject {
		return slackapi.NewTextBlockObject(slackapi.PlainTextType, truncate(s, n), false, false)
	}
	md, _ := json.Marshal(meta) // plain strings: cannot fail
	note := slackapi.NewPlainTextInputBlockElement(nil, resolveNote).WithMaxLength(maxNote)
	blocks := []slackapi.Block{slackapi.NewInputBlock(resolveNote, text(b.phrase("resolve_note"), 2000), nil, note)}
	var options []*slackapi.OptionBlockObject
	var initial *slackapi.OptionBlockObject
	for _, t := range b.cfg.Topics() {
		if len(options) == maxOptions || t.ID == "" || len(t.ID) > 150 {
			continue
		}
		title := t.Title
		if title == "" {
			title = t.ID
		}
		o := slackapi.NewOptionBlockObject(t.ID, text(title, maxOptionText), nil)
		if t.ID == topic {
			initial = o
		}
		options = append(options, o)
	}
	if len(options) > 0 {
		sel := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, resolveTopic, options...)
		if initial != nil {
			sel = sel.WithInitialOption(initial)
		}
		blocks = append(blocks, slackapi.NewInputBlock(resolveTopic, text(b.phrase("resolve_topic"), 2000), nil, sel).WithOptional(true))
	}
	view := slackapi.ModalViewRequest{Type: slackapi.VTModal, CallbackID: resolveCallback, PrivateMetadata: string(md),
		Title: text(b.phrase("resolve_title"), maxModalText), Submit: text(b.phrase("resolve_submit"), maxModalText),
		Blocks: slackapi.Blocks{BlockSet: blocks}}
	if _, err := b.api.OpenViewContext(ctx, trigger, view); err != nil {
		return fmt.Errorf("open resolve form: %w", err)
	}
	return nil
}

// onSubmission handles the resolve form: the case is resolved with the note and topic. When the
// engine fails, the form stays open with the apology under the note, so the staff member can
// send it again.
func (b *Bot) onSubmission(ctx context.Context, ic *slackapi.InteractionCallback) (*slackapi.ViewSubmissionResponse, error) {
	if ic.View.CallbackID != resolveCallback || ic.View.State == nil {
		return nil, nil
	}
	var meta resolveMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.Case == "" ||
		b.cfg.StaffChannel == "" || !strings.HasPrefix(meta.Thread, b.cfg.StaffChannel+"/") {
		b.logger.Warn("resolve form not understood, ignored")
		return nil, nil
	}
	values := ic.View.State.Values
	note := strings.TrimSpace(values[resolveNote][resolveNote].Value)
	topic := values[resolveTopic][resolveTopic].SelectedOption.Value
	res, err := b.r.Staff(ctx, dialog.StaffEvent{EventID: "view:" + ic.View.ID, Thread: meta.Thread, Case: meta.Case,
		Staff: "<@" + ic.User.ID + ">", Action: dialog.StaffResolve, Text: note, Topic: topic})
	if err != nil {
		b.logger.Error("case not resolved", "case", meta.Case, "err", err)
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{resolveNote: b.phrase("internal_error")}), nil
	}
	b.logger.Debug("staff action", "action", string(dialog.StaffResolve), "case", res.Case, "status", res.Status, "ignored", res.Ignored)
	return nil, nil
}
