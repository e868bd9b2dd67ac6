package main

import (
	"slices"
	"strings"
)

// knownSettings are the HELPDESK_ variables the commands read. TestKnownSettingsAreRead keeps
// the list in step with the code: a variable read but missing here would be called a typo.
var knownSettings = []string{
	"HELPDESK_ADDR",
	"HELPDESK_ADMIN_ADDR",
	"HELPDESK_ADMIN_TOKEN",
	"HELPDESK_ADMINS",
	"HELPDESK_DATABASE_URL",
	"HELPDESK_DB",
	"HELPDESK_HOURS",
	"HELPDESK_IDLE",
	"HELPDESK_KNOWLEDGE",
	"HELPDESK_LOG_LEVEL",
	"HELPDESK_NOW",
	"HELPDESK_RETENTION",
	"HELPDESK_STAFF_CHANNEL",
	"HELPDESK_STAFF_CHANNEL_PUBLIC",
	"HELPDESK_USER_RATE",
}

// unknownSetting is a HELPDESK_ variable of the environment that no command reads, with the
// known one it most resembles ("" when none is close).
type unknownSetting struct {
	name, like string
}

// unknownSettings returns the HELPDESK_ variables of environ (NAME=value entries) that are not
// knownSettings, in the order of environ. Such a variable does nothing, so it is most likely a
// typo (HELPDESK_ADMIN_TOKNE) that would otherwise leave a setting off in silence.
func unknownSettings(environ []string) []unknownSetting {
	var out []unknownSetting
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "HELPDESK_") || slices.Contains(knownSettings, name) {
			continue
		}
		u := unknownSetting{name: name}
		best := 4 // suggest only names at most 3 edits away
		for _, k := range knownSettings {
			if d := editDistance(name, k); d < best {
				u.like, best = k, d
			}
		}
		out = append(out, u)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes (names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
