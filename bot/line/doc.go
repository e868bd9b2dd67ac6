// Package line is the LINE channel of the helpdesk: the webhook handler that turns LINE events
// into dialog messages, the Deliverer that sends the outbox's replies through the Messaging API,
// and the rich menu set-up. It is the only package that imports line-bot-sdk-go.
//
// A webhook is answered only after every event in it has been committed by the engine (the
// reply queued in the outbox), so LINE's redelivery can never lose a message, and the engine's
// dedupe on webhookEventId keeps a redelivery from being answered twice. The Deliverer then
// sends each queued reply: with the event's reply token while it is fresh, by push with an
// idempotent X-Line-Retry-Key otherwise.
//
// One shape, like every adapter: a Config, New, then Handler (the webhook) and Deliverer (the
// outbox's "line" entries). The only state the two share is the Loading animation, which main
// builds and passes in through the Config. A delivery that fails returns a *dialog.Failure,
// which says what the sender should do about it.
//
// It imports dialog, bot/internal packages and line-bot-sdk-go, never bot or another adapter.
package line
