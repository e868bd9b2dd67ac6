package knowledge

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// labelledPattern names the files of labelled messages: messages written the way people write
// to the helpdesk, each with what the bot should make of it. The learned reading (learned.go)
// learns from the ones labelled with a single topic.
const labelledPattern = "labelled/*.tsv"

// Labelled is one labelled message.
type Labelled struct {
	File     string
	Line     int
	Register string // how it is written (keigo, romaji, negation ...), or who added it
	// Label is a topic id, several topic ids joined by "|" (either is right), or an outcome:
	// clarify, escalate, social or fallback.
	Label string
	Text  string
}

// labelOutcomes are the labels that name what the bot should do instead of a topic.
var labelOutcomes = []string{"clarify", escalateLabel, socialLabel, "fallback"}

// escalateLabel labels a request for a person, socialLabel a greeting, thanks or
// acknowledgement.
const (
	escalateLabel = "escalate"
	socialLabel   = "social"
)

// Topic returns the message's topic id, or "" when its label is an outcome or several topics.
func (m *Labelled) Topic() string {
	if slices.Contains(labelOutcomes, m.Label) || strings.Contains(m.Label, "|") {
		return ""
	}
	return m.Label
}

// loadLabelled reads every labelled/*.tsv: lines of register<TAB>label<TAB>text; lines
// starting with # and blank lines are skipped. A missing folder is no problem.
func (l *loader) loadLabelled() {
	files, err := fs.Glob(l.fsys, labelledPattern)
	if err != nil {
		l.problem(labelledPattern, 0, "cannot list: %v", err)
		return
	}
	for _, file := range files {
		data, ok := l.read(file)
		if !ok {
			continue
		}
		// One conversion per file: each message's fields are substrings of it, and the messages
		// of a file are allocated together (a load reads some 16,000 of them).
		all := string(data)
		msgs := make([]Labelled, 0, strings.Count(all, "\n")+1)
		for i := 0; all != ""; i++ {
			text, rest, _ := strings.Cut(all, "\n")
			all = rest
			text = strings.TrimSuffix(text, "\r")
			if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
				continue
			}
			register, afterRegister, ok1 := strings.Cut(text, "\t")
			label, body, ok2 := strings.Cut(afterRegister, "\t")
			if !ok1 || !ok2 || strings.TrimSpace(body) == "" {
				l.problem(file, i+1, "want register<TAB>label<TAB>text, three columns separated by tabs")
				continue
			}
			if !utf8.ValidString(text) {
				l.problem(file, i+1, "not UTF-8")
				continue
			}
			msgs = append(msgs, Labelled{File: file, Line: i + 1, Register: register, Label: label, Text: body})
		}
		for i := range msgs { // once the slice has stopped growing, so that the pointers stay valid
			l.b.labelled = append(l.b.labelled, &msgs[i])
		}
	}
}

// checkLabels reports each labelled message whose label is neither an outcome nor known topics,
// saying which part is not. It runs once the topics are read (the labelled files are read
// before them, so that their texts are folded while the topics are parsed); a knowledge with
// such a label does not load.
func (l *loader) checkLabels() {
	for _, m := range l.b.labelled {
		if slices.Contains(labelOutcomes, m.Label) {
			continue
		}
		for id := range strings.SplitSeq(m.Label, "|") {
			// A topic whose file did not parse is reported at that file, not at each label.
			if l.b.topicIdx[id] == nil && !l.broken[path.Join(topicsDir, id+".yaml")] {
				l.problem(m.File, m.Line, "label %q: no topic %q (a topic id, several joined by |, or one of %s)", m.Label, id, strings.Join(labelOutcomes, ", "))
				break
			}
		}
	}
}
