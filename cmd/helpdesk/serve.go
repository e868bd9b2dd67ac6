package main

import "fmt"

func runServe(e *env, args []string) int {
	fmt.Fprintln(e.stderr, "helpdesk serve: not available yet")
	return exitFail
}
