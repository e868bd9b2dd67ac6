package knowledge

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLoadExplainsEditorMistakes loads, as the spam topic, files with the mistakes a Japanese
// editor's tools make (testdata/mistakes, one mistake each, the first saved as Shift_JIS) and
// checks that each is reported at its line, in words that say what to do.
func TestLoadExplainsEditorMistakes(t *testing.T) {
	tests := []struct {
		file string // in testdata/mistakes, loaded as topics/spam.yaml
		want string // one reported line
	}{
		{"shift_jis.yaml", "topics/spam.yaml:2: the file is not UTF-8 (Shift_JIS?): save it again as UTF-8 (UTF-8 で保存し直してください)"},
		{"full_width_colon.yaml", `topics/spam.yaml:2: a full-width colon （：） after "title": YAML needs an ASCII colon (「title：」の「：」を半角の「:」にしてください)`},
		{"full_width_space_indent.yaml", "topics/spam.yaml:6: a full-width space (U+3000) in the indentation: indent with ASCII spaces (行頭の全角スペースを半角スペースにしてください)"},
		{"full_width_space_after_colon.yaml", `topics/spam.yaml:3: a full-width space (U+3000) after "urgent:": YAML needs an ASCII space after the colon (「urgent:」の後の全角スペースを半角スペースにしてください)`},
		{"tab_indent.yaml", "topics/spam.yaml:6: a tab in the indentation: indent with spaces (インデントはタブではなく半角スペースにしてください)"},
		{"no_space_after_colon.yaml", `topics/spam.yaml:2: no space after "title:": YAML needs an ASCII space after the colon (「title:」の後に半角スペースを入れてください)`},
		{"word_under_answer.yaml", `topics/spam.yaml:8: a quoted list item inside the text that starts at line 6: it would be shown to users as part of that text; move it into the list it belongs to, or unquote it if it is meant as text (6行目からの文章の中に「- "…"」の行があります。一覧の語なら一覧へ移してください)`},
		{"duplicate_key.yaml", `topics/spam.yaml:7: duplicate key "title" (also at line 2): keep one (キー「title」が 2 行目にもあります。1 つにまとめてください)`},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "mistakes", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(seedFolder(t, map[string]string{"topics/spam.yaml": string(data)}))
			if err == nil || !slices.Contains(strings.Split(err.Error(), "\n"), tt.want) {
				t.Errorf("Load = %v\nwant the line %q", err, tt.want)
			}
			// The labelled messages about spam are not reported one by one: the file is.
			if err != nil && strings.Contains(err.Error(), `no topic "spam"`) {
				t.Errorf("Load reports the labels of the topic whose file is broken:\n%v", err)
			}
		})
	}
	// A list item with a full-width colon is a mistake when the file does not parse.
	contacts := replaceIn(t, "contacts.yaml", "- id: ipa-anshin", "- id：ipa-anshin")
	_, err := Load(seedFolder(t, map[string]string{"contacts.yaml": contacts}))
	if want := `contacts.yaml:14: a full-width colon （：） after "id"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v\nwant a line with %q", err, want)
	}
}

// TestEditorMistakesLeaveTextAlone checks that a full-width space opening a paragraph of an
// answer, or a full-width colon inside text, is not taken for a mistake.
func TestEditorMistakesLeaveTextAlone(t *testing.T) {
	data := "id: x\nurl: https://example.jp/a:b\nanswer: |\n  　まず落ち着いてください。\n  注意：支払わないでください。\nwords: [\"注意：a\"]\n"
	if m := editorMistakes([]byte(data)); len(m) != 0 {
		t.Errorf("editorMistakes(%q) = %v, want none", data, m)
	}
	// A list item that reads as a word is text while the file parses.
	spam := replaceIn(t, "topics/spam.yaml", "\nwords:\n", "\nwords:\n  - ID：パスワードを聞くメール\n")
	kb, err := Load(seedFolder(t, map[string]string{"topics/spam.yaml": spam}))
	if err != nil {
		t.Fatalf("a word with a full-width colon: %v", err)
	}
	if w := kb.Topic("spam").Words; w[0] != "ID：パスワードを聞くメール" {
		t.Errorf("first word = %q", w[0])
	}
}

// TestMistakeGuardsKeepEveryMatch checks that the cheap conditions editorMistakes tests before
// each pattern hold on every line the pattern matches: on every line of the seeds' YAML files
// and on lines made to sit at their edges.
func TestMistakeGuardsKeepEveryMatch(t *testing.T) {
	lines := []string{
		"title：x", "  - id：a", "id ：a", "\u3000id：a", "urgent:\u3000true", "- urgent:\u3000true",
		"title:x", "  - title:x", "title:\tx", "title: x", "title:", "url: https://a.jp/x:y", "-title:x",
		"- key:value: more", "a_b1:c", "ｔitle:x", "title:/x", "title::x", "  title:\u3000x",
	}
	files, err := filepath.Glob(filepath.Join("..", "seeds", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	topics, _ := filepath.Glob(filepath.Join("..", "seeds", "topics", "*.yaml"))
	for _, f := range append(files, topics...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(data), "\n")...)
	}
	for _, text := range lines {
		rest := strings.TrimLeft(text, " \t\u3000")
		if fullWidthColon.MatchString(text) && !strings.ContainsRune(text, '：') ||
			spaceAfterColon.MatchString(text) && !strings.Contains(text, ":\u3000") ||
			noSpaceAfterColon.MatchString(text) && !colonWithoutSpace(rest) {
			t.Errorf("%q: a pattern matches where its guard says it cannot", text)
		}
	}
}
