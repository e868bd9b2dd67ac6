package knowledge

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Change lists what differs between two knowledge bases for one kind of entry.
type Change struct {
	Added, Removed, Changed []string // ids, sorted
	// Fields says, for each changed id, what changed in it, field by field.
	Fields map[string][]FieldChange `json:",omitempty"`
}

// FieldChange is one changed field of an entry: a value as it was and as it is (Old, New), or
// for a list of texts the items added and removed.
type FieldChange struct {
	Field          string   `json:"field"` // as written in the files, e.g. "examples"
	Old, New       string   `json:",omitempty"`
	Added, Removed []string `json:",omitempty"`
}

// String writes the change on one line: `title: "old" → "new"`, or `words: + "a", - "b"`.
func (f FieldChange) String() string {
	if f.Added == nil && f.Removed == nil {
		return fmt.Sprintf("%s: %s → %s", f.Field, f.Old, f.New)
	}
	var parts []string
	for _, a := range f.Added {
		parts = append(parts, "+ "+a)
	}
	for _, r := range f.Removed {
		parts = append(parts, "- "+r)
	}
	return f.Field + ": " + strings.Join(parts, ", ")
}

func (c Change) String() string {
	return fmt.Sprintf("+%d -%d ~%d", len(c.Added), len(c.Removed), len(c.Changed))
}

// Diff is what a reload changes: topics, contacts (with support programmes), past cases and the
// questions of the 問診票.
type Diff struct {
	Topics   Change `json:"topics"`
	Contacts Change `json:"contacts"`
	Cases    Change `json:"cases"`
	// Intake lists the intake questions by id, so that a changed ask, option or English shows
	// field by field, as a topic's does.
	Intake Change `json:"intake"`
	// Labelled lists the labelled messages added and removed, each as "label: text" (a message
	// whose label or text changed is one removed and one added).
	Labelled Change `json:"labelled"`
	// Files lists the files whose bytes changed, for changes the other kinds do not show
	// (messages, menu, synonyms, alerts, holidays).
	Files Change `json:"files"`
}

// Summary is a one-line account, e.g. "topics +1 -0 ~2, contacts +0 -0 ~1, cases +5 -0 ~0, files +1 -0 ~4".
// A change to the intake counts under files (intake.yaml); Report lists its questions.
func (d Diff) Summary() string {
	return fmt.Sprintf("topics %s, contacts %s, cases %s, files %s", d.Topics, d.Contacts, d.Cases, d.Files)
}

// Report lists every change, one per line, for an admin to read before or after a reload.
func (d Diff) Report() string { return d.ReportAs(nil) }

// ReportAs is Report with the kinds of entry ("topic", "contact", "case", "intake", "labelled", "file")
// named as in names, for admins who read another language; a kind names lacks keeps its English
// name.
func (d Diff) ReportAs(names map[string]string) string {
	var b strings.Builder
	for _, k := range []struct {
		name string
		c    Change
	}{{"topic", d.Topics}, {"contact", d.Contacts}, {"case", d.Cases}, {"intake", d.Intake}, {"labelled", d.Labelled}, {"file", d.Files}} {
		if n, ok := names[k.name]; ok {
			k.name = n
		}
		for _, id := range k.c.Added {
			fmt.Fprintf(&b, "+ %s %s\n", k.name, id)
		}
		for _, id := range k.c.Removed {
			fmt.Fprintf(&b, "- %s %s\n", k.name, id)
		}
		for _, id := range k.c.Changed {
			fmt.Fprintf(&b, "~ %s %s\n", k.name, id)
			for _, f := range k.c.Fields[id] {
				fmt.Fprintf(&b, "    %s\n", f)
			}
		}
	}
	if b.Len() == 0 {
		if n, ok := names["none"]; ok {
			return n + "\n"
		}
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
		Intake:   compareEntries(entries(old.intake, intakeID), entries(new.intake, intakeID)),
		Labelled: compareEntries(labelledEntries(old), labelledEntries(new)),
		Files:    compareEntries(old.files, new.files),
	}
}

func intakeID(q *IntakeQuestion) string { return q.ID }

// labelledEntries keys each labelled message by its label and text: a message has no id, and
// where it sits in its file does not change what it teaches.
func labelledEntries(b *Base) map[string]string {
	m := make(map[string]string, len(b.labelled))
	for _, l := range b.labelled {
		m[l.Label+": "+l.Text] = ""
	}
	return m
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
			if fields := compareFields(ov, v); len(fields) > 0 {
				if c.Fields == nil {
					c.Fields = map[string][]FieldChange{}
				}
				c.Fields[id] = fields
			}
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

// compareFields lists the fields that differ between two entries written as JSON objects, in
// the order of their names.
func compareFields(oldJSON, newJSON string) []FieldChange {
	var old, new map[string]any
	if json.Unmarshal([]byte(oldJSON), &old) != nil || json.Unmarshal([]byte(newJSON), &new) != nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(old))
	for k := range new {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	var out []FieldChange
	for _, k := range keys {
		o, n := compactJSON(old[k]), compactJSON(new[k])
		if o == n {
			continue
		}
		f := FieldChange{Field: fieldName(k)}
		if ol, nl, ok := textLists(old[k], new[k]); ok {
			for _, s := range nl {
				if !slices.Contains(ol, s) {
					f.Added = append(f.Added, quoteShort(s, maxShown))
				}
			}
			for _, s := range ol {
				if !slices.Contains(nl, s) {
					f.Removed = append(f.Removed, quoteShort(s, maxShown))
				}
			}
			if f.Added != nil || f.Removed != nil {
				out = append(out, f)
				continue
			}
			// only the order changed: show the lists
		}
		f.Old, f.New = shown(old[k], o, n), shown(new[k], n, o)
		out = append(out, f)
	}
	return out
}

// maxShown is how many characters of a value a diff shows: enough to recognise a sentence
// without a long answer filling the screen.
const maxShown = 60

// shown writes a value for the diff: a text quoted, anything else as compact JSON; a long value
// is cut around where it starts to differ from the other side.
func shown(v any, own, other string) string {
	if v == nil {
		return "(none)"
	}
	if s, ok := v.(string); ok {
		if o, ok := otherText(other); ok {
			return quoteShort(around(s, o), maxShown)
		}
		return quoteShort(s, maxShown)
	}
	return cut(around(own, other), maxShown)
}

// otherText decodes the other side of a change when it is a JSON string.
func otherText(js string) (string, bool) {
	var s string
	return s, json.Unmarshal([]byte(js), &s) == nil
}

// around drops the start that s shares with other, keeping ten characters before the first
// difference, so that a change in a long answer shows.
func around(s, other string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	rs, ro := []rune(s), []rune(other)
	i := 0
	for i < len(rs) && i < len(ro) && rs[i] == ro[i] {
		i++
	}
	if i <= 10 {
		return s
	}
	return "…" + string(rs[i-10:])
}

func quoteShort(s string, n int) string { return "「" + cut(s, n) + "」" }

// cut shortens s to n characters, marking the cut with "…", and puts it on one line.
func cut(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func compactJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// textLists returns both values as lists of texts, when they are.
func textLists(a, b any) (old, new []string, ok bool) {
	old, ok1 := texts(a)
	new, ok2 := texts(b)
	return old, new, ok1 && ok2
}

func texts(v any) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		if out[i], ok = e.(string); !ok {
			return nil, false
		}
	}
	return out, true
}

// fieldName writes a Go field name as the files write it: FirstAid → first_aid.
func fieldName(goName string) string {
	var b strings.Builder
	rs := []rune(goName)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
