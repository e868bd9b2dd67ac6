package knowledge

import "testing"

// InertCell makes formula-like cells inert, half- and full-width alike, and loading undoes it:
// the text comes back as it was.
func TestInertCellRoundTrip(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+81": "'+81", "-1": "'-1",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"＝HYPERLINK(\"x\")": "'＝HYPERLINK(\"x\")", "＋81": "'＋81", "－1": "'－1", "＠SUM(A1)": "'＠SUM(A1)", "普通の文": "普通の文", "'引用": "'引用", "": ""} {
		got := InertCell(in)
		if got != want {
			t.Errorf("InertCell(%q) = %q, want %q", in, got, want)
		}
		if back := literalCell(got); back != in {
			t.Errorf("literalCell(InertCell(%q)) = %q", in, back)
		}
	}
}
