package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// PersonTags returns a keyed hash of each non-empty id, each tag once: what a store keeps of who
// wrote an unanswered text and who owns a record, enough for Forget to find them and nothing a
// reader of the database can turn back into an id. key is random per database, so the tags of
// two databases do not match either. It returns nil when ids holds no id.
func PersonTags(key []byte, ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id == "" {
			continue
		}
		h := hmac.New(sha256.New, key)
		h.Write([]byte(id))
		tag := hex.EncodeToString(h.Sum(nil)[:16])
		if !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	}
	return out
}
