// Command helpdesk is the consultation-helpdesk chat bot: `helpdesk chat` to talk with it in a
// terminal, `helpdesk ask` to see what it answers, `helpdesk knowledge check` to validate the
// knowledge, and `helpdesk serve` to run it on Slack and LINE.
//
// The program is run (run.go), which dispatches to the commands. serve reads and checks its whole
// environment first (readSettings in settings.go), then only wires: knowledge, engine, channels,
// HTTP server, opened in that order and closed in reverse.
//
// It imports bot and its adapters, dialog, knowledge and seeds; nothing imports it.
package main
