package knowledge

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestLoadExplainsEditorMistakes feeds the mistakes a Japanese editor's tools make into a topic
// file and checks that each is reported at its line, in words that say what to do.
func TestLoadExplainsEditorMistakes(t *testing.T) {
	sjis, err := japanese.ShiftJIS.NewEncoder().String("id: spam\ntitle: 迷惑メール\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string // default topics/spam.yaml
		file string
		want string // one reported line
	}{
		{"full_width_colon_in_list_item", "contacts.yaml", replaceIn(t, "contacts.yaml", "- id: ipa-anshin", "- id：ipa-anshin"),
			`contacts.yaml:12: a full-width colon （：） after "id"`},
		{"shift_jis", "", sjis, "topics/spam.yaml:2: the file is not UTF-8 (Shift_JIS?): save it again as UTF-8 (UTF-8 で保存し直してください)"},
		{"full_width_colon", "", replaceIn(t, "topics/spam.yaml", "title: 迷惑メール", "title：迷惑メール"),
			`topics/spam.yaml:2: a full-width colon （：） after "title": YAML needs an ASCII colon`},
		{"full_width_space_indent", "", replaceIn(t, "topics/spam.yaml", "\n  - ", "\n　- "),
			"a full-width space (U+3000) in the indentation: indent with ASCII spaces (行頭の全角スペースを半角スペースにしてください)"},
		{"full_width_space_after_colon", "", replaceIn(t, "topics/spam.yaml", "title: 迷惑メール", "title:　迷惑メール"),
			`topics/spam.yaml:2: a full-width space (U+3000) after "title:"`},
		{"tab_indent", "", replaceIn(t, "topics/spam.yaml", "\n  - ", "\n\t- "),
			"a tab in the indentation: indent with spaces (インデントはタブではなく半角スペースにしてください)"},
		{"duplicate_key", "", replaceIn(t, "topics/spam.yaml", "urgent: false", "urgent: false\ntitle: スパム"),
			`topics/spam.yaml:6: duplicate key "title" (also at line 2): keep one (キー「title」が 2 行目にもあります。1 つにまとめてください)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				tt.path = "topics/spam.yaml"
			}
			_, err := Load(seedFolder(t, map[string]string{tt.path: tt.file}))
			if err == nil {
				t.Fatal("Load accepted the file")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v\nwant a line with %q", err, tt.want)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(line, tt.path+":") && !strings.HasPrefix(line, tt.path+":0") {
					continue
				}
				if strings.HasPrefix(line, tt.path) {
					t.Errorf("problem without a line: %s", line)
				}
			}
		})
	}
}

// TestEditorMistakesLeaveTextAlone checks that a full-width space opening a paragraph of an
// answer, or a full-width colon inside text, is not taken for a mistake.
func TestEditorMistakesLeaveTextAlone(t *testing.T) {
	data := "id: x\nanswer: |\n  　まず落ち着いてください。\n  注意：支払わないでください。\nwords: [\"注意：a\"]\n"
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
