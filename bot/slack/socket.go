package slack

import (
	"context"
	"encoding/json"
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
	sm := socketmode.New(b.api)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()
	var wg sync.WaitGroup
	defer wg.Wait() // envelopes in flight finish on their own timeout
	slots := make(chan struct{}, maxInFlight)
	for {
		select {
		case <-ctx.Done():
			<-runErr
			b.logger.Info("slack socket mode stopped")
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %s", redact(err.Error()))
		case evt := <-sm.Events:
			b.socketEvent(ctx, sm, evt, &wg, slots)
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
	case socketmode.EventTypeConnectionError:
		if c, ok := evt.Data.(*slackapi.ConnectionErrorEvent); ok {
			b.logger.Warn("slack socket mode connection failed, retrying", "attempt", c.Attempt,
				"in", c.Backoff.Round(time.Millisecond), "err", redact(fmt.Sprint(c.ErrorObj)))
		}
	case socketmode.EventTypeInvalidAuth:
		b.logger.Error("slack socket mode: app-level token rejected")
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
