package knowledge

import (
	"strings"
	"testing"
)

// TestAddExample: the example is appended to the topic's list, the rest of the file is left as
// it was, and the folder loads with the new example last.
func TestAddExample(t *testing.T) {
	original := replaceIn(t, "topics/bec.yaml", "", "")
	text := `取引先の「振込先変更」メール、本物? \ 確認したい`
	got, err := AddExample([]byte(original), text)
	if err != nil {
		t.Fatal(err)
	}
	added := "  - \"取引先の「振込先変更」メール、本物? \\\\ 確認したい\"\n"
	if strings.Replace(string(got), added, "", 1) != original {
		t.Errorf("AddExample changed more than one line, or not the one expected:\n%s", got)
	}
	kb, err := Load(seedFolder(t, map[string]string{"topics/bec.yaml": string(got)}))
	if err != nil {
		t.Fatal(err)
	}
	ex := kb.Topic("bec").Examples
	if ex[len(ex)-1] != text {
		t.Errorf("last example = %q, want %q", ex[len(ex)-1], text)
	}
}

func TestAddExampleShapes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"absent", "id: x\ntitle: X\n", "id: x\ntitle: X\nexamples:\n  - \"new\"\n"},
		{"empty_flow", "id: x\nexamples: []\ntitle: X\n", "id: x\nexamples:\n  - \"new\"\ntitle: X\n"},
		{"flow", "id: x\nexamples: [\"a\"]\n", "id: x\nexamples: [\"a\", \"new\"]\n"},
		{"unindented_block", "examples:\n- a\n- b\n# next\ntitle: X\n", "examples:\n- a\n- b\n- \"new\"\n# next\ntitle: X\n"},
		{"multiline_item", "examples:\n  - >\n    long\n    text\ntitle: X\n", "examples:\n  - >\n    long\n    text\n  - \"new\"\ntitle: X\n"},
		{"crlf", "examples:\r\n  - a\r\n", "examples:\r\n  - a\r\n  - \"new\"\r\n"},
		{"no_items", "examples:\ntitle: X\n", "examples:\n  - \"new\"\ntitle: X\n"},
	}
	for _, tt := range tests {
		got, err := AddExample([]byte(tt.in), " new\n")
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: AddExample = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := AddExample([]byte("id: x\n"), "  \n"); err == nil {
		t.Error("AddExample accepted an empty text")
	}
}
