package decide

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
