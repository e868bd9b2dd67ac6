package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// runHealthcheck asks a bot running on this machine whether it is ready (GET /readyz) and exits
// 0 if it is, 1 otherwise: the container image has no shell and no curl, so Docker's
// HEALTHCHECK runs the binary itself, which already knows HELPDESK_ADDR from the environment it
// shares with the bot.
func runHealthcheck(e *env, args []string) int {
	fs := e.newFlags("healthcheck", "[--addr ADDR] [--timeout DURATION]")
	addr := fs.String("addr", "", "the bot's listen address (default: HELPDESK_ADDR, else :8080); an empty or wildcard host means this machine")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if *addr == "" {
		*addr = e.getenv("HELPDESK_ADDR")
	}
	if *addr == "" {
		*addr = ":8080"
	}
	url, err := readyURL(*addr)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk healthcheck:", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(e.ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk healthcheck:", err)
		return exitFail
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk healthcheck:", err)
		return exitFail
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(e.stderr, "helpdesk healthcheck: %s: %s %s\n", url, res.Status, strings.TrimSpace(string(body)))
		return exitFail
	}
	fmt.Fprintf(e.stdout, "%s", body)
	return exitOK
}

// readyURL is the /readyz URL of a bot listening on addr, reached over loopback when addr
// names no particular host (":8080", "0.0.0.0:8080", "[::]:8080").
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("address %s: %v", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
