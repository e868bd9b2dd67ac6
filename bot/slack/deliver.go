package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/replycache"
	"github.com/helpdesk-bot/helpdesk/dialog"
	slackapi "github.com/slack-go/slack"
)

// Deliverer sends the outbox entries of the "slack" channel: replies and relayed staff messages
// to users, rendered in Block Kit. It implements bot.Deliverer, and its errors are
// *dialog.Failure, which say what the sender should do about them. It is safe for concurrent
// use.
type Deliverer struct {
	api  *slackapi.Client
	pace *pacer
	dms  sync.Map // user id → id of the direct message channel with the bot
	// renders keeps recent user replies rendered and encoded
	renders *replycache.Cache[[]message]
	// locales are the users' locales the channel read, forgotten with the rest (nil: none)
	locales *locales
}

// Deliver posts one entry's reply where its address says: into a channel or a thread, or into
// the direct message with a user, which it opens first (conversations.open). A reply larger than
// one Slack message is posted as several, at most one a second in a channel; the entry's
// Progress says how many earlier attempts posted, and they are skipped.
func (d *Deliverer) Deliver(ctx context.Context, del dialog.Delivery) (string, error) {
	addr, err := parseAddress(del.Address)
	if err != nil {
		return "", failure("deliver", err, dialog.Permanent, del.Progress)
	}
	channel := addr.channel
	if addr.user != "" {
		if channel, err = d.openDM(ctx, addr.user); err != nil {
			return "", classify("conversations.open", err, del.Progress)
		}
	}
	msgs, err := d.renders.Delivery(del, renderReply)
	if err != nil {
		return "", failure("render", err, dialog.Permanent, del.Progress)
	}
	_, err = d.post(ctx, channel, addr.thread, msgs, del.Progress)
	return "", err
}

// Probe asks Slack whether it accepts the bot token (auth.test). Its error, when Slack refuses
// the token, is a *dialog.Failure of kind Refused, like a delivery's.
func (d *Deliverer) Probe(ctx context.Context) error {
	if _, err := d.api.AuthTestContext(ctx); err != nil {
		return classify("auth.test", err, 0)
	}
	return nil
}

// ForgetCached drops what the deliverer keeps in memory about users, after an erasure or a
// retention sweep: the replies kept rendered, the users' direct message channels and, as the
// channel's one hook for it, the users' locales the handlers read.
func (d *Deliverer) ForgetCached() {
	d.renders.Clear()
	d.dms.Clear()
	d.locales.clear()
}

// openDM returns the direct message channel with user, opening it the first time.
func (d *Deliverer) openDM(ctx context.Context, user string) (string, error) {
	if ch, ok := d.dms.Load(user); ok {
		return ch.(string), nil
	}
	ch, _, _, err := d.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", err
	}
	if ch == nil || ch.ID == "" {
		return "", errors.New("no channel in the answer")
	}
	d.dms.Store(user, ch.ID)
	return ch.ID, nil
}

// post sends msgs[from:] into channel (in thread when set), paced. It returns the ts of the
// first message it posted.
func (d *Deliverer) post(ctx context.Context, channel, thread string, msgs []message, from int) (string, error) {
	first := ""
	for i := from; i < len(msgs); i++ {
		if err := d.pace.wait(ctx, channel); err != nil {
			var f *dialog.Failure
			if errors.As(err, &f) {
				f.Progress = i
				return first, f
			}
			return first, failure("chat.postMessage", err, dialog.Transient, i)
		}
		opts := []slackapi.MsgOption{
			slackapi.MsgOptionText(msgs[i].text, false),
			slackapi.MsgOptionBlocks(msgs[i].blocks...),
			slackapi.MsgOptionDisableLinkUnfurl(),
			slackapi.MsgOptionDisableMediaUnfurl(),
		}
		if thread != "" {
			opts = append(opts, slackapi.MsgOptionTS(thread))
		}
		_, ts, err := d.api.PostMessageContext(ctx, channel, opts...)
		if err != nil {
			f := classify("chat.postMessage", err, i)
			if f.RetryAfter > 0 {
				d.pace.hold(channel, f.RetryAfter)
			}
			return first, f
		}
		if first == "" {
			first = ts
		}
	}
	return first, nil
}

// StaffDeliverer sends the outbox entries of the "staff" channel into the helpdesk staff's
// Slack channel: a new case as a message of its own, whose thread is the case, and everything
// after it (the user's messages, notices) into that thread. It implements bot.Deliverer and is
// safe for concurrent use.
type StaffDeliverer struct {
	d       *Deliverer
	channel string
}

// Deliver posts one staff entry. A new case (no thread yet, no relayed text) becomes one root
// message with the claim, resolve and hand-back buttons, and Deliver returns "channel/ts", which
// the engine keeps as the case's thread. Anything else goes into the thread the entry's case
// names, or at the top of the channel when the case has none. An entry with the case's post as
// it now reads (claimed, resolved, handed back) also replaces the root message (chat.update),
// so the channel shows each case's state at a glance.
func (s *StaffDeliverer) Deliver(ctx context.Context, del dialog.Delivery) (string, error) {
	var thread string
	if del.Case != nil {
		thread = del.Case.Thread
	}
	if del.Post != nil {
		return "", s.update(ctx, thread, del)
	}
	to := address{channel: s.channel}
	switch {
	case thread == "" && del.Text == "":
		msgs := render(del.Reply, renderOptions{single: true, staffTopic: del.Reply.Topic})
		if len(msgs) == 0 {
			return "", failure("deliver", errors.New("empty case post"), dialog.Permanent, 0)
		}
		ts, err := s.d.post(ctx, s.channel, "", msgs[:1], 0)
		if err != nil {
			return "", staffError(err)
		}
		return address{channel: s.channel, thread: ts}.encode(), nil
	case thread != "":
		a, err := parseAddress(thread)
		if err != nil || a.user != "" || a.thread == "" {
			return "", failure("deliver", fmt.Errorf("malformed case thread %q", thread), dialog.Permanent, 0)
		}
		to = a
	}
	// A notice is the engine's own line and may mention the staff member; a user's relayed
	// message is text, and its mentions stay text.
	_, err := s.d.post(ctx, to.channel, to.thread, render(del.Reply, renderOptions{mentions: del.Notice}), del.Progress)
	return "", staffError(err)
}

// Probe asks Slack whether it accepts the bot token (auth.test). Whether the bot is still a
// member of the staff channel cannot be asked without the channels:read and groups:read scopes,
// which the helpdesk does not request: a staff channel down for not_in_channel comes up on the
// probe and goes down again on the next post, with the probes' growing backoff in between.
func (s *StaffDeliverer) Probe(ctx context.Context) error { return s.d.Probe(ctx) }

// staffChannelCodes are Web API errors that, for the staff channel, concern every post: the
// bot was removed from it, or it is gone or archived. Staff must act, and then every case
// waiting for them is posted.
var staffChannelCodes = map[string]bool{
	"not_in_channel": true, "channel_not_found": true, "is_archived": true, "channel_is_archived": true,
}

// staffError marks an error of a post into the staff channel that concerns the channel itself
// as one that stops the channel.
func staffError(err error) error {
	var f *dialog.Failure
	var api slackapi.SlackErrorResponse
	if errors.As(err, &f) && errors.As(err, &api) && staffChannelCodes[api.Err] {
		f.Kind = dialog.Refused
	}
	return err
}

// update posts the entry's notice, if any, into the case's thread and then rewrites the case's
// root message. Progress counts the notice's messages, then one for the rewrite.
func (s *StaffDeliverer) update(ctx context.Context, thread string, del dialog.Delivery) error {
	root, err := parseAddress(thread)
	if err != nil || root.user != "" || root.thread == "" {
		return failure("deliver", fmt.Errorf("malformed case thread %q", thread), dialog.Permanent, del.Progress)
	}
	var notice []message
	if len(del.Reply.Blocks) > 0 {
		notice = render(del.Reply, renderOptions{mentions: del.Notice})
		if _, err := s.d.post(ctx, root.channel, root.thread, notice, del.Progress); err != nil {
			return err
		}
	}
	msgs := render(del.Post.Reply, renderOptions{single: true, staffTopic: del.Post.Reply.Topic, status: del.Post.Status})
	if len(msgs) == 0 {
		return failure("deliver", errors.New("empty case post"), dialog.Permanent, len(notice))
	}
	if _, _, _, err := s.d.api.UpdateMessageContext(ctx, root.channel, root.thread,
		slackapi.MsgOptionText(msgs[0].text, false), slackapi.MsgOptionBlocks(msgs[0].blocks...)); err != nil {
		return classify("chat.update", err, len(notice))
	}
	return nil
}

// ephemeral shows user, in channel, a line only they see (chat.postEphemeral).
func (d *Deliverer) ephemeral(ctx context.Context, channel, user, text string) error {
	_, err := d.api.PostEphemeralContext(ctx, channel, user, slackapi.MsgOptionText(escape(text), false))
	return err
}

// ---- pacing

// maxPaceWait is the longest a delivery waits for its channel's turn. Beyond it the delivery
// gives its worker back and asks the sender to come back when the turn is near.
const maxPaceWait = 3 * time.Second

// pacer spaces posts into one channel by interval: Slack allows about one message a second per
// channel and answers bursts with 429. Channels are independent, so many users are served in
// parallel.
type pacer struct {
	interval time.Duration
	mu       sync.Mutex
	next     map[string]time.Time // channel → earliest time of its next post
}

func newPacer(interval time.Duration) *pacer {
	return &pacer{interval: interval, next: map[string]time.Time{}}
}

// wait blocks until channel may take a post, and books the slot. When the turn is more than
// maxPaceWait away it books nothing and returns a Paced failure asking to come back then.
func (p *pacer) wait(ctx context.Context, channel string) error {
	if p.interval <= 0 {
		return ctx.Err()
	}
	p.mu.Lock()
	now := time.Now()
	at := p.next[channel]
	if at.Before(now) {
		at = now
	}
	wait := at.Sub(now)
	if wait > maxPaceWait {
		p.mu.Unlock()
		f := failure("pace", fmt.Errorf("channel busy for %v", wait.Round(time.Millisecond)), dialog.Paced, 0)
		f.RetryAfter = wait
		return f
	}
	p.next[channel] = at.Add(p.interval)
	if len(p.next) > 4096 {
		for ch, t := range p.next {
			if t.Before(now) {
				delete(p.next, ch)
			}
		}
	}
	p.mu.Unlock()
	if wait <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// hold keeps channel quiet for d, after Slack answered 429 for it.
func (p *pacer) hold(channel string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); p.next[channel].Before(until) {
		p.next[channel] = until
	}
}

// ---- errors

// callError is a failed call to the Web API, or a delivery refused before any call.
type callError struct {
	op  string
	err error
}

// Error says which call failed and why, never with the token or the message.
func (e *callError) Error() string { return "slack: " + e.op + ": " + e.err.Error() }

// Unwrap returns the Web API's error.
func (e *callError) Unwrap() error { return e.err }

// failure returns the failure of call op with err, of kind k, after progress messages.
func failure(op string, err error, k dialog.FailureKind, progress int) *dialog.Failure {
	return &dialog.Failure{Err: &callError{op: op, err: err}, Kind: k, Progress: progress}
}

// permanentCodes are Web API errors a retry cannot fix: the request or the workspace must
// change first.
var permanentCodes = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "channel_is_archived": true,
	"msg_too_long": true, "invalid_blocks": true, "invalid_blocks_format": true, "no_text": true,
	"too_many_attachments": true, "invalid_arguments": true, "invalid_metadata_format": true,
	"user_not_found": true, "user_disabled": true, "cannot_dm_bot": true, "messages_tab_disabled": true,
	"restricted_action": true, "restricted_action_read_only_channel": true, "restricted_action_thread_only_channel": true,
	"restricted_action_non_threadable_channel": true, "thread_not_found": true,
	"slack_connect_file_link_sharing_blocked": true, "duplicate_channel_not_found": true, "as_user_not_supported": true,
	// chat.update: the case's post was deleted or can no longer be edited
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
}

// credentialCodes are Web API errors about the bot's token or permissions rather than the
// request: they hold the whole channel until auth.test succeeds again, instead of dropping the
// entry.
var credentialCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true, "token_expired": true,
	"no_permission": true, "missing_scope": true, "not_allowed_token_type": true, "team_access_not_granted": true,
	"ekm_access_denied": true,
}

// classify maps a Web API error onto what the sender should do: wait as Slack asked (429), give
// up (an ok:false error a retry cannot fix), or retry with backoff (5xx, network, timeouts and
// anything else).
func classify(op string, err error, progress int) *dialog.Failure {
	e := failure(op, err, dialog.Transient, progress)
	var (
		rl *slackapi.RateLimitedError
		se slackapi.SlackErrorResponse
	)
	switch {
	case errors.As(err, &rl):
		e.RetryAfter = max(rl.RetryAfter, time.Second)
	case errors.As(err, &se) && credentialCodes[se.Err]:
		e.Kind = dialog.Refused
	case errors.As(err, &se) && permanentCodes[se.Err]:
		e.Kind = dialog.Permanent
	}
	return e
}
