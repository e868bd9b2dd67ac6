// Package linetest is a fake LINE Messaging API on loopback, for tests and load tools, with
// helpers that build and sign webhook bodies as LINE sends them.
//
// The Server answers the calls the helpdesk makes in LINE's documented formats: reply (reply
// tokens are single-use and expire), push (a repeated X-Line-Retry-Key is answered 409 and not
// recorded again), the loading animation, leaving groups and rooms, and rich menus (the image
// upload too, on the same host). It checks the bearer token, the JSON and LINE's limits, records
// every message it accepted with the chat it went to, and can be told to fail: answer 500, answer
// 429 with Retry-After, or hang.
//
//	fake := linetest.New("token")
//	defer fake.Close()
//	// run the bot with LINE_API_BASE=fake.URL, then
//	status, err := linetest.Post(ctx, botURL+"/line/webhook", secret, linetest.Text(linetest.UserID(1), "hello"))
//	msgs, err := fake.Wait(ctx, 1)
//
// It is test support: only test files and the load tool (cmd/helpdesk-bench) import it, never
// the served binary. It may import the standard library, bot/internal/fakeapi and
// bot/internal/textlimit (LINE's limits); it imports neither bot/line nor the LINE SDK, so that
// what it checks is LINE's documented format, not what our SDK calls produce.
package linetest
