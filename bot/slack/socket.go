package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxInFlight bounds the envelopes handled at once in Socket Mode. Beyond it the loop waits,
// which slows reading from the WebSocket rather than piling up goroutines.
const maxInFlight = 64

// handleTimeout bounds the handling of one envelope. Slack wants the ack within 3 seconds and
// redelivers otherwise; the engine's dedupe makes a late commit harmless.
const handleTimeout = 10 * time.Second

// runSocket receives events, interactions and slash commands over Socket Mode until ctx is
// done. slack-go reconnects by itself (Slack asks for it now and then, and networks drop); this
// loop keeps reading across reconnections and logs them. Each envelope is handled in a goroutine
// of its own and acknowledged once committed; one the engine could not commit is not
// acknowledged, so that Slack redelivers it, as a 500 does over HTTP.
func (b *Bot) runSocket(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait() // envelopes in flight finish on their own timeout
	slots := make(chan struct{}, maxInFlight)
	for attempt := 0; ; attempt++ {
		err := b.runSocketOnce(ctx, &wg, slots)
		if ctx.Err() != nil {
			b.logger.Info("slack socket mode stopped")
			return nil
		}
		// slack-go gives up for good on a refused app-level token; an operator may fix it
		// while we run, so try again, less and less often.
		err = fmt.Errorf("slack socket mode: %s", redact(err.Error()))
		b.cfg.Connection(err)
		wait := min(time.Second<<min(attempt, 6), time.Minute)
		b.logger.Warn("slack socket mode ended, connecting again", "err", err, "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			b.logger.Info("slack socket mode stopped")
			return nil
		case <-t.C:
		}
	}
}

// runSocketOnce runs one Socket Mode client until ctx is done or the client gives up.
func (b *Bot) runSocketOnce(ctx context.Context, wg *sync.WaitGroup, slots chan struct{}) error {
	sm := socketmode.New(b.api)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-runErr
			return ctx.Err()
		case err := <-runErr:
			if err == nil {
				err = errors.New("connection ended")
			}
			return err
		case evt := <-sm.Events:
			b.socketEvent(ctx, sm, evt, wg, slots)
		}
	}
}

// socketEvent handles one event of the Socket Mode client.
func (b *Bot) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, wg *sync.WaitGroup, slots chan struct{}) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		if c, ok := evt.Data.(*slackapi.ConnectingEvent); ok {
			msg := "slack socket mode connecting"
			if c.ConnectionCount > 0 {
				msg = "slack socket mode connection lost, reconnecting" // or Slack asked for a refresh
			}
			b.logger.Info(msg, "attempt", c.Attempt, "connection", c.ConnectionCount+1)
		}
	case socketmode.EventTypeConnected:
		if c, ok := evt.Data.(*socketmode.ConnectedEvent); ok {
			b.logger.Info("slack socket mode connected", "connection", c.ConnectionCount+1)
		}
		b.cfg.Connection(nil)
	case socketmode.EventTypeConnectionError:
		if c, ok := evt.Data.(*slackapi.ConnectionErrorEvent); ok {
			b.logger.Warn("slack socket mode connection failed, retrying", "attempt", c.Attempt,
				"in", c.Backoff.Round(time.Millisecond), "err", redact(fmt.Sprint(c.ErrorObj)))
			b.cfg.Connection(fmt.Errorf("slack socket mode: connection failed: %s", redact(fmt.Sprint(c.ErrorObj))))
		}
	case socketmode.EventTypeInvalidAuth:
		b.cfg.Connection(errors.New("slack socket mode: app-level token refused"))
	case socketmode.EventTypeIncomingError:
		if c, ok := evt.Data.(*slackapi.IncomingEventError); ok {
			b.logger.Debug("slack socket mode read error", "err", redact(fmt.Sprint(c.ErrorObj)))
		}
	case socketmode.EventTypeHello:
		b.logger.Debug("slack socket mode hello")
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive, socketmode.EventTypeSlashCommand:
		if evt.Request == nil {
			return
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			b.socketRequest(ctx, sm, evt)
		}()
	case socketmode.EventTypeErrorBadMessage:
		// A type slack-go does not know (a new event, a broken payload) arrives without a
		// request: it is acknowledged by its envelope id, or Slack would send it again and again.
		bm, _ := evt.Data.(*socketmode.ErrorBadMessage)
		why := "unreadable envelope"
		if bm != nil && bm.Cause != nil {
			why = problem(bm.Cause)
		}
		var env struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if bm != nil && json.Unmarshal(bm.Message, &env) == nil && env.EnvelopeID != "" {
			b.ack(ctx, sm, env.EnvelopeID, nil)
		}
		b.logger.Warn("slack socket mode message not understood, ignored", "why", why)
	case socketmode.EventTypeErrorWriteFailed:
		b.logger.Warn("slack socket mode ack not sent")
	}
}

// socketRequest handles one envelope and acknowledges it once committed.
func (b *Bot) socketRequest(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
	defer cancel()
	req := evt.Request
	var (
		payload any
		err     error
	)
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		_, err = b.handleEvent(hctx, req.Payload, req.RetryAttempt)
	case socketmode.EventTypeInteractive:
		var resp *slackapi.ViewSubmissionResponse
		if resp, err = b.handleInteraction(hctx, req.Payload); resp != nil {
			payload = resp
		}
	case socketmode.EventTypeSlashCommand:
		cmd, _ := evt.Data.(slackapi.SlashCommand)
		var text string
		if text, err = b.handleCommand(hctx, cmd); text != "" {
			payload = map[string]string{"text": escape(text)}
		}
	}
	if err != nil {
		b.logger.Error("slack envelope not committed, Slack will redeliver", "type", string(evt.Type), "retry", req.RetryAttempt, "err", err)
		return
	}
	b.ack(ctx, sm, req.EnvelopeID, payload)
}

func (b *Bot) ack(ctx context.Context, sm *socketmode.Client, envelopeID string, payload any) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := sm.AckCtx(ctx, envelopeID, payload); err != nil {
		b.logger.Debug("slack socket mode ack not queued", "err", err)
	}
}

// query matches the query of a URL in an error: a WebSocket URL's carries a connection ticket.
var query = regexp.MustCompile(`\?[^\s"']*`)

func redact(s string) string { return query.ReplaceAllString(s, "?…") }
