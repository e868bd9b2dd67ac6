// Command helpdesk is the consultation-helpdesk chat bot: `helpdesk chat` to talk with it in a
// terminal, `helpdesk ask` to see what it answers, `helpdesk knowledge check` to validate the
// knowledge, and `helpdesk serve` to run it on Slack and LINE.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runWithEnviron(ctx, os.Args, os.Getenv, os.Environ, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
