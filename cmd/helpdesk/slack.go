package main

import (
	"fmt"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
)

// runSlack runs `helpdesk slack <command>`: the Slack channel's set-up.
func runSlack(e *env, args []string) int {
	return e.dispatch("helpdesk slack", []command{
		{"manifest", "print the Slack app manifest to paste into \"Create an app → From a manifest\"", runSlackManifest},
	}, args)
}

// runSlackManifest prints the app manifest: scopes, events, the /helpdesk command, and either
// the request URLs of a public server or Socket Mode.
func runSlackManifest(e *env, args []string) int {
	fs := e.newFlags("slack manifest", "(--url https://HOST | --socket) --staff-channel public|private|none [--name NAME]")
	url := fs.String("url", "", "public `https://HOST` where helpdesk serve is reached; Slack posts to HOST/slack/events, /slack/interactions, /slack/commands")
	socket := fs.Bool("socket", false, "Socket Mode: no public URL; serve with SLACK_APP_TOKEN set")
	name := fs.String("name", "Helpdesk", "the app's and the bot's display `name` (at most 35 characters)")
	staff := fs.String("staff-channel", "", "`kind` of the staff channel (HELPDESK_STAFF_CHANNEL): public, private, or none; the app may read the history of that kind of channel only")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 || (*url == "" && !*socket) || *staff == "" {
		fs.Usage()
		return exitUsage
	}
	if *url != "" && *socket {
		fmt.Fprintln(e.stderr, "helpdesk slack manifest: --url and --socket exclude each other: Socket Mode needs no public URL")
		return exitUsage
	}
	out, err := slack.Manifest(slack.ManifestOptions{Name: *name, URL: *url, Socket: *socket, StaffChannel: *staff})
	if err != nil {
		fmt.Fprintf(e.stderr, "helpdesk slack manifest: %v\n", err)
		return exitUsage
	}
	e.stdout.Write(out)
	return exitOK
}
