package main

import "fmt"

// lineChannel wires LINE when LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN are both set.
func lineChannel(d serveDeps) (*channel, error) {
	secret, token := d.env.getenv("LINE_CHANNEL_SECRET"), d.env.getenv("LINE_CHANNEL_TOKEN")
	if secret == "" && token == "" {
		return nil, nil
	}
	if secret == "" || token == "" {
		return nil, fmt.Errorf("LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN must be set together")
	}
	return nil, fmt.Errorf("LINE: not wired yet")
}
