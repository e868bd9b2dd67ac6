// Package slack is the Slack channel of the helpdesk: the handlers of the Events API, of
// interactions (buttons, the resolve form) and of the /helpdesk slash command, the same handling
// fed from Socket Mode, the Deliverer that renders the outbox's replies in Block Kit, and the
// StaffDeliverer that posts cases into the helpdesk staff's channel. It is the only package that
// imports slack-go.
//
// Every HTTP request is read through a 1 MiB bound and checked against the signing secret before
// anything parses it. An event is answered 2xx only once the engine has committed it (the reply
// queued in the outbox), so Slack's retries never lose a message, and the engine's dedupe on
// event_id keeps a retry from being answered twice.
//
// Conversations are keyed like this: a direct message is the user's conversation (UserID is the
// Slack user id); an @mention in a channel starts a conversation in that message's thread
// (UserID is "channel/thread_ts"), which continues with buttons and further @mentions there.
// Addresses, where a reply goes, are "channel", "channel/thread_ts", or "@user" for "open a
// direct message with this user" (the slash command).
//
// One shape, like every adapter: a Config, New, then its handlers (Events, Interactions and
// Commands: Slack has three endpoints) and its deliverers (Deliverer for users, StaffDeliverer
// for the staff channel). The responder it is given answers users and applies staff events, so
// that both are counted by the same metrics. A delivery that fails returns a *dialog.Failure.
//
// It imports dialog, bot/internal packages and slack-go, never bot or another adapter.
package slack
