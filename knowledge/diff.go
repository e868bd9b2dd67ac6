package knowledge

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"
)

// Change lists what differs between two knowledge bases for one kind of entry.
type Change struct {
	Added, Removed, Changed []string // ids, sorted
}

func (c Change) String() string {
	return fmt.Sprintf("+%d -%d ~%d", len(c.Added), len(c.Removed), len(c.Changed))
}

// Diff is what a reload changes: topics, contacts (with support programmes) and past cases.
type Diff struct {
	Topics   Change `json:"topics"`
	Contacts Change `json:"contacts"`
	Cases    Change `json:"cases"`
	// Files lists the files whose bytes changed, for changes the three kinds do not show
	// (messages, menu, synonyms, intake, alerts, holidays).
	Files Change `json:"files"`
}

// Summary is a one-line account, e.g. "topics +1 -0 ~2, contacts +0 -0 ~1, cases +5 -0 ~0, files +1 -0 ~4".
func (d Diff) Summary() string {
	return fmt.Sprintf("topics %s, contacts %s, cases %s, files %s", d.Topics, d.Contacts, d.Cases, d.Files)
}

// Report lists every change, one per line, for an admin to read before or after a reload.
func (d Diff) Report() string {
	var b strings.Builder
	for _, k := range []struct {
		name string
		c    Change
	}{{"topic", d.Topics}, {"contact", d.Contacts}, {"case", d.Cases}, {"file", d.Files}} {
		for _, id := range k.c.Added {
			fmt.Fprintf(&b, "+ %s %s\n", k.name, id)
		}
		for _, id := range k.c.Removed {
			fmt.Fprintf(&b, "- %s %s\n", k.name, id)
		}
		for _, id := range k.c.Changed {
			fmt.Fprintf(&b, "~ %s %s\n", k.name, id)
		}
	}
	if b.Len() == 0 {
		return "no changes\n"
	}
	return b.String()
}

// Compare returns what changes from old to new. A nil old counts as empty.
func Compare(old, new *Base) Diff {
	if old == nil {
		old = &Base{}
	}
	return Diff{
		Topics:   compareEntries(entries(old.topics, func(t *Topic) string { return t.ID }), entries(new.topics, func(t *Topic) string { return t.ID })),
		Contacts: compareEntries(contactEntries(old), contactEntries(new)),
		Cases:    compareEntries(entries(old.cases, func(c *Case) string { return c.No }), entries(new.cases, func(c *Case) string { return c.No })),
		Files:    compareEntries(old.files, new.files),
	}
}

func contactEntries(b *Base) map[string]string {
	m := entries(b.contacts, func(c *Contact) string { return c.ID })
	maps.Copy(m, entries(b.programmes, func(p *Programme) string { return p.ID }))
	return m
}

// entries maps each entry's id to its JSON, so changed content shows as a changed string.
func entries[T any](list []T, id func(T) string) map[string]string {
	m := make(map[string]string, len(list))
	for _, e := range list {
		b, _ := json.Marshal(e)
		m[id(e)] = string(b)
	}
	return m
}

func compareEntries(old, new map[string]string) Change {
	var c Change
	for id, v := range new {
		switch ov, ok := old[id]; {
		case !ok:
			c.Added = append(c.Added, id)
		case ov != v:
			c.Changed = append(c.Changed, id)
		}
	}
	for id := range old {
		if _, ok := new[id]; !ok {
			c.Removed = append(c.Removed, id)
		}
	}
	sort.Strings(c.Added)
	sort.Strings(c.Removed)
	sort.Strings(c.Changed)
	return c
}
