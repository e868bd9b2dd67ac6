package main

import "fmt"

// slackChannel wires Slack when SLACK_BOT_TOKEN is set, over HTTP (SLACK_SIGNING_SECRET) or
// Socket Mode (SLACK_APP_TOKEN).
func slackChannel(d serveDeps) (*channel, error) {
	if d.env.getenv("SLACK_BOT_TOKEN") == "" {
		return nil, nil
	}
	return nil, fmt.Errorf("Slack: not wired yet")
}
