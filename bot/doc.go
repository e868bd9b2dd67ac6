// Package bot is the channel-neutral plumbing of the helpdesk: the HTTP server and its routes,
// Metered (the engine with metrics) that the adapters talk to, the Sender that delivers the
// outbox, and the metrics. It never imports the channel adapters (bot/line, bot/slack): main
// hands their handlers in.
//
// It imports dialog (messages, replies, deliveries and their failures) and knowledge (what the
// routes report about the knowledge served), never an adapter: main hands the adapters' handlers
// and deliverers in.
package bot
