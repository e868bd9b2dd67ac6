package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// AddExample returns a topic file's text with text appended to its examples: list, changing
// nothing else in the file (its comments, quoting, order and line endings stay as the admin
// wrote them). A topic without examples: gets the list at its end. The text is written on one
// line, double-quoted.
func AddExample(data []byte, text string) ([]byte, error) {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return nil, errors.New("the example is empty")
	}
	eol := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		eol = "\r\n"
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "examples:") {
			at = i
			break
		}
	}
	item := quoteYAML(text)
	if at < 0 {
		for len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		lines = append(lines, "examples:", "  - "+item, "")
		return []byte(strings.Join(lines, eol)), nil
	}
	value := strings.TrimSpace(stripComment(strings.TrimPrefix(lines[at], "examples:")))
	switch {
	case value == "[]":
		lines[at] = "examples:"
		lines = insertLine(lines, at+1, "  - "+item)
		return []byte(strings.Join(lines, eol)), nil
	case strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]"):
		i := strings.LastIndex(lines[at], "]")
		lines[at] = lines[at][:i] + ", " + item + lines[at][i:]
		return []byte(strings.Join(lines, eol)), nil
	case value != "":
		return nil, fmt.Errorf("line %d: examples: is not a list", at+1)
	}
	indent, last := -1, at
	for i := at + 1; i < len(lines); i++ {
		rest := strings.TrimLeft(lines[i], " ")
		if rest == "" || strings.HasPrefix(rest, "#") {
			continue
		}
		n := len(lines[i]) - len(rest)
		isItem := rest == "-" || strings.HasPrefix(rest, "- ")
		if indent < 0 {
			if !isItem {
				break
			}
			indent = n
		}
		if n > indent || (n == indent && isItem) {
			last = i
			continue
		}
		break
	}
	if indent < 0 {
		indent = 2
	}
	lines = insertLine(lines, last+1, strings.Repeat(" ", indent)+"- "+item)
	return []byte(strings.Join(lines, eol)), nil
}

func insertLine(lines []string, i int, line string) []string {
	return append(lines[:i], append([]string{line}, lines[i:]...)...)
}

// stripComment drops a " #" comment from a line's value.
func stripComment(s string) string {
	if i := strings.Index(s, " #"); i >= 0 {
		return s[:i]
	}
	return s
}

// quoteYAML writes s as a YAML double-quoted scalar.
func quoteYAML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
