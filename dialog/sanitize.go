package dialog

import "strings"

// neutralize removes the invisible characters that change how a text is displayed without being
// seen: the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and
// marks (U+200E, U+200F, U+061C), and the zero-width characters (U+200B, U+200C, U+200D, U+2060,
// U+FEFF). A user's words reach staff through it, so that an override cannot make a relayed
// message or a case summary read differently from what was written ("Trojan Source"), and an
// invisible joiner cannot hide a word from someone searching the thread. What is left reads in
// the order it was typed. Emoji joined by U+200D fall apart into their parts, which costs staff
// nothing they need.
func neutralize(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

// invisible reports whether neutralize removes r.
func invisible(r rune) bool {
	switch {
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u061c', '\ufeff':
		return true
	}
	return false
}

// neutralizeReply returns r with every text a person reads neutralized: block titles, texts
// and items, and choice labels. Its slices are new: r's may be shared (the knowledge's menu).
func neutralizeReply(r Reply) Reply {
	blocks := make([]Block, len(r.Blocks))
	for i, b := range r.Blocks {
		b.Title, b.Text = neutralize(b.Title), neutralize(b.Text)
		if b.Items != nil {
			items := make([]string, len(b.Items))
			for j, it := range b.Items {
				items[j] = neutralize(it)
			}
			b.Items = items
		}
		blocks[i] = b
	}
	if r.Blocks != nil {
		r.Blocks = blocks
	}
	if r.Choices != nil {
		choices := make([]Choice, len(r.Choices))
		for i, c := range r.Choices {
			c.Label = neutralize(c.Label)
			choices[i] = c
		}
		r.Choices = choices
	}
	return r
}
