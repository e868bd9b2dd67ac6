// Package slacktest is a fake Slack on loopback, for tests and load tools, with helpers that
// build and sign request bodies as Slack sends them.
//
// The Server answers the Web API calls the helpdesk makes in Slack's documented formats
// (auth.test, chat.postMessage, chat.update, chat.postEphemeral, conversations.open,
// conversations.info, users.info, views.open, apps.connections.open), checks the bot token and Block Kit's limits (a message Slack would
// refuse is answered invalid_blocks, and recorded as rejected), and records what it accepted. It
// also runs the Socket Mode WebSocket that apps.connections.open points to: it says hello, sends
// pings, pushes envelopes, records acks, and can drop the connections to force a reconnect. As
// Slack, it keeps up to MaxConnections connections open at once (one more is told "disconnect",
// too_many_websockets, and closed) and sends each envelope to one of them, in turn; an envelope
// can also be pushed to a chosen connection, or redelivered (retry_attempt one more) on another
// one, as Slack does with an envelope that was not acknowledged. Posts
// can be made to fail: answer 500, answer 429 with Retry-After, answer an ok:false error, or
// hang.
//
//	fake := slacktest.New("xoxb-test")
//	defer fake.Close()
//	// run the bot with SLACK_API_URL=fake.APIURL(), then
//	req, err := slacktest.NewRequest(ctx, botURL+"/slack/events", secret, slacktest.IM("Ev1", "U1", "hello"))
//	res, err := http.DefaultClient.Do(req)
//	posts, err := fake.Wait(ctx, 1)
//
// It is test support: only test files and the load tool (cmd/helpdesk-bench) import it, never
// the served binary. It may import the standard library, bot/internal/fakeapi,
// bot/internal/textlimit (Slack's limits) and a WebSocket library for Socket Mode; it imports
// neither bot/slack nor slack-go, so that what it checks is Slack's documented format, not what
// our SDK calls produce.
package slacktest
