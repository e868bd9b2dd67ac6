// Package load drives the real server the way LINE and Slack do, for the load tool
// (cmd/helpdesk-bench) and for the end-to-end tests of cmd/helpdesk: simulated users sending
// signed webhooks built from the knowledge (Script, LINE, Slack, Drive), a Tracker that counts
// the replies each event got at the fake platform APIs, a ReplyLog of what the server answered,
// a `helpdesk serve` run as a child process and found ready by polling /healthz (StartProcess),
// and readers of the server's /metrics and admin API.
//
// It is test and load support, never part of the served binary: only the load tool and test
// files import it. It may import the standard library, knowledge (to build the script) and the
// fakes bot/line/linetest and bot/slack/slacktest.
package load
