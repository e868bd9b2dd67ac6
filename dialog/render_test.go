package dialog

import "testing"

func TestTelURI(t *testing.T) {
	// only what knowledge lets through: digits and hyphens, or nothing
	tests := map[string]string{"03-5978-7509": "tel:0359787509", "188": "tel:188", "0120-91-6479": "tel:0120916479", "": ""}
	for in, want := range tests {
		if got := telURI(in); got != want {
			t.Errorf("telURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInertCell(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+81": "'+81", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "普通の文": "普通の文", "": ""} {
		if got := inertCell(in); got != want {
			t.Errorf("inertCell(%q) = %q, want %q", in, got, want)
		}
	}
}
