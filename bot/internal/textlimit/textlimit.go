// Package textlimit measures text the way LINE and Slack count their limits: in UTF-16 code
// units, so an emoji outside the Basic Multilingual Plane counts two. It imports only the
// standard library; the adapters (bot/line, bot/slack) import it.
package textlimit

// Units returns the length of s in UTF-16 code units. An invalid byte counts one, as the
// replacement character it decodes to.
func Units(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

// Prefix returns the byte length of the longest prefix of s that is at most limit UTF-16 units
// long; it never cuts a character.
func Prefix(s string, limit int) int {
	used := 0
	for i, r := range s {
		u := runeUnits(r)
		if used+u > limit {
			return i
		}
		used += u
	}
	return len(s)
}

func runeUnits(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}
