package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// The knowledge files are YAML because admins edit them by hand: multi-line Japanese text reads
// naturally in block scalars, and yaml.Node keeps the line of every value, so each problem can be
// reported as file:line.

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	duplicateKey = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	// fullWidthColon is a field name (always ASCII) followed by a full-width colon.
	fullWidthColon = regexp.MustCompile(`^[ \t\x{3000}]*(?:-[ \x{3000}]+)?([A-Za-z_][A-Za-z0-9_]*)[ \x{3000}]*：`)
	// spaceAfterColon is a field name whose colon is followed by a full-width space.
	spaceAfterColon = regexp.MustCompile(`^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_]*):\x{3000}`)
	// noSpaceAfterColon is a field name whose colon is followed by its value without a space.
	noSpaceAfterColon = regexp.MustCompile(`^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_]*):[^ \t\x{3000}/:]`)
)

// mistake is one problem of a file's text found before parsing it. maybeText marks one that
// could be meant, in a list item: it counts only when the file does not parse.
type mistake struct {
	line      int
	msg       string
	maybeText bool
}

// editorMistakes finds what a Japanese editor's tools slip into a YAML file and what the YAML
// parser would only report obscurely, if at all ("could not find expected ':'", or a field
// silently read as text): a file saved as Shift_JIS, a full-width colon or space where YAML
// needs an ASCII one, a tab in the indentation, and a quoted list item indented under a text
// block (answer: |), which users would read as part of the text. Each message says what to do
// in English and in Japanese.
func editorMistakes(data []byte) []mistake {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return []mistake{{line: line, msg: "the file is not UTF-8 (Shift_JIS?): save it again as UTF-8 (UTF-8 で保存し直してください)"}}
	}
	var out []mistake
	inBlock, blockIndent, blockLine := false, 0, 0
	for i, text := range strings.Split(string(data), "\n") {
		n := i + 1
		text = strings.TrimSuffix(text, "\r")
		rest := strings.TrimLeft(text, " \t\u3000")
		indent := text[:len(text)-len(rest)]
		if inBlock {
			// Lines of a block scalar (answer: |) are text: only their indentation matters,
			// and a quoted list item, which is a word meant for a list that slid under the text.
			if rest == "" || len(text)-len(strings.TrimLeft(text, " ")) > blockIndent {
				if quotedListItem(rest) {
					out = append(out, mistake{line: n, msg: fmt.Sprintf("a quoted list item inside the text that starts at line %d: it would be shown to users as part of that text; move it into the list it belongs to, or unquote it if it is meant as text (%d行目からの文章の中に「- \"…\"」の行があります。一覧の語なら一覧へ移してください)", blockLine, blockLine)})
				}
				continue
			}
			inBlock = false
		}
		switch {
		case strings.ContainsRune(indent, '\u3000'):
			out = append(out, mistake{line: n, msg: "a full-width space (U+3000) in the indentation: indent with ASCII spaces (行頭の全角スペースを半角スペースにしてください)"})
			continue
		case strings.Contains(indent, "\t") && rest != "":
			out = append(out, mistake{line: n, msg: "a tab in the indentation: indent with spaces (インデントはタブではなく半角スペースにしてください)"})
			continue
		}
		item := strings.HasPrefix(rest, "-")
		// Each pattern runs only on a line holding what it needs (a full-width colon, a colon
		// and a full-width space, a colon followed by something other than a space): run on
		// every line of every file, the regular expressions would cost a tenth of a load.
		if g := matchIf(strings.ContainsRune(text, '：'), fullWidthColon, text); g != nil {
			out = append(out, mistake{n, fmt.Sprintf("a full-width colon （：） after %q: YAML needs an ASCII colon (「%s：」の「：」を半角の「:」にしてください)", g[1], g[1]), item})
			continue
		}
		if g := matchIf(strings.Contains(text, ":\u3000"), spaceAfterColon, text); g != nil {
			out = append(out, mistake{n, fmt.Sprintf("a full-width space (U+3000) after %q: YAML needs an ASCII space after the colon (「%s:」の後の全角スペースを半角スペースにしてください)", g[1]+":", g[1]), item})
			continue
		}
		if g := matchIf(colonWithoutSpace(rest), noSpaceAfterColon, text); g != nil {
			// "title:迷惑メール" reads as one text; it is a mistake only if the file does not parse.
			out = append(out, mistake{n, fmt.Sprintf("no space after %q: YAML needs an ASCII space after the colon (「%s:」の後に半角スペースを入れてください)", g[1]+":", g[1]), true})
			continue
		}
		if t := strings.TrimRight(rest, " "); strings.HasSuffix(t, "|") || strings.HasSuffix(t, ">") || strings.HasSuffix(t, "|-") || strings.HasSuffix(t, ">-") {
			inBlock, blockIndent, blockLine = true, len(indent), n
		}
	}
	return out
}

// quotedListItem reports whether a line of text (its indentation trimmed) is a YAML list item
// holding one double-quoted string, `- "not delivered"`: the form of the words lists, never of a
// text's own lines, which list with ・.
func quotedListItem(rest string) bool {
	item, ok := strings.CutPrefix(strings.TrimRight(rest, " "), "- \"")
	return ok && len(item) > 1 && strings.HasSuffix(item, "\"") && !strings.Contains(item[:len(item)-1], "\"")
}

// matchIf returns re's submatches in text when may is true, and nil without running re when
// it is false: may is a cheap condition that every match meets.
func matchIf(may bool, re *regexp.Regexp, text string) []string {
	if !may {
		return nil
	}
	return re.FindStringSubmatch(text)
}

// colonWithoutSpace reports whether the first colon of the line rest (its indentation trimmed)
// is followed by something other than a space or a tab: what noSpaceAfterColon needs, since
// the field name before its colon holds no colon.
func colonWithoutSpace(rest string) bool {
	i := strings.IndexByte(rest, ':')
	return i >= 0 && i+1 < len(rest) && rest[i+1] != ' ' && rest[i+1] != '\t'
}

// invalidUTF8At returns the offset of the first byte that is not valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// parseYAML parses one file into its root node, reporting a syntax error with its line.
func (l *loader) parseYAML(file string, data []byte) *yaml.Node {
	mistakes := editorMistakes(data)
	var doc yaml.Node
	err := yaml.Unmarshal(data, &doc)
	if err == nil {
		// The file parses: a list item such as "- ID：パスワード" may well be meant as text.
		mistakes = slices.DeleteFunc(mistakes, func(m mistake) bool { return m.maybeText })
	}
	if len(mistakes) > 0 {
		// These say what to do; the parser's own message about the same lines would not.
		for _, m := range mistakes {
			l.problem(file, m.line, "%s", m.msg)
		}
		l.broken[file] = true
		return nil
	}
	if err != nil {
		l.yamlError(file, 0, err)
		l.broken[file] = true
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		l.problem(file, 0, "file is empty")
		l.broken[file] = true
		return nil
	}
	return doc.Content[0]
}

// yamlError turns a yaml error, whose lines look like "line 3: ...", into SeedErrors.
func (l *loader) yamlError(file string, fallbackLine int, err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line := fallbackLine
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			line, _ = strconv.Atoi(g[1])
			m = g[2]
		}
		m = strings.TrimPrefix(m, "yaml: ")
		if g := duplicateKey.FindStringSubmatch(m); g != nil {
			m = fmt.Sprintf("duplicate key %q (also at line %s): keep one (キー「%s」が %s 行目にもあります。1 つにまとめてください)", g[1], g[2], g[1], g[2])
		}
		l.problem(file, line, "%s", m)
	}
}

// decode checks that node only uses the fields v knows, then decodes it into v. It reports
// unknown fields (a typo such as "contact:" for "contacts:" would otherwise silently drop data)
// and type errors with their lines, and returns whether v can be used.
func (l *loader) decode(file string, node *yaml.Node, v any) bool {
	before := len(l.problems)
	l.checkFields(file, node, reflect.TypeOf(v).Elem())
	if err := node.Decode(v); err != nil {
		l.yamlError(file, node.Line, err)
	}
	if len(l.problems) != before {
		l.broken[file] = true
		return false
	}
	return true
}

func (l *loader) checkFields(file string, node *yaml.Node, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			return // node.Decode reports the type mismatch
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, val := node.Content[i], node.Content[i+1]
			ft, ok := fields[key.Value]
			if !ok {
				l.problem(file, key.Line, "unknown field %q (known: %s)", key.Value, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
				continue
			}
			l.checkFields(file, val, ft)
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			return
		}
		for _, item := range node.Content {
			l.checkFields(file, item, t.Elem())
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f.Type
	}
	return fields
}

// entries returns the items of a sequence root, or reports that the file should be a list.
func (l *loader) entries(file string, root *yaml.Node) []*yaml.Node {
	if root == nil {
		return nil
	}
	if root.Kind != yaml.SequenceNode {
		l.problem(file, root.Line, "expected a list of entries (lines starting with \"- \")")
		return nil
	}
	return root.Content
}

// keyLines maps each key of a mapping node to its line, so validation can point at the field.
type keyLines struct {
	entry int
	keys  map[string]int
}

func linesOf(node *yaml.Node) keyLines {
	kl := keyLines{keys: map[string]int{}}
	if node == nil {
		return kl
	}
	kl.entry = node.Line
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			kl.keys[node.Content[i].Value] = node.Content[i].Line
		}
	}
	return kl
}

// at returns the line of key, or of the entry when the key is absent.
func (k keyLines) at(key string) int {
	if n, ok := k.keys[key]; ok {
		return n
	}
	return k.entry
}

// child returns the node of a key of a mapping, or nil.
func child(node *yaml.Node, key string) *yaml.Node {
	if node == nil || node.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			return node.Content[i+1]
		}
	}
	return nil
}

// itemLine returns the line of the i-th item of a sequence under key, or fallback.
func itemLine(node *yaml.Node, key string, i int, fallback int) int {
	c := child(node, key)
	if c == nil || c.Kind != yaml.SequenceNode || i >= len(c.Content) {
		return fallback
	}
	return c.Content[i].Line
}

func (l *loader) problem(file string, line int, format string, args ...any) {
	l.problems = append(l.problems, &SeedError{File: file, Line: line, Err: fmt.Errorf(format, args...)})
}
