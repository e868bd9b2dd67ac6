package textlimit

import (
	"testing"
	"unicode/utf16"
)

func TestUnits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"ランサムウェア", 7},
		{"😀", 2},
		{"a😀b", 4},
		{"\xff", 1},
	} {
		if got := Units(tc.in); got != tc.want {
			t.Errorf("Units(%q) = %d, want %d", tc.in, got, tc.want)
		}
		if tc.in != "\xff" {
			if enc := len(utf16.Encode([]rune(tc.in))); enc != tc.want {
				t.Errorf("utf16.Encode(%q) has %d units, the table says %d", tc.in, enc, tc.want)
			}
		}
	}
}

func TestPrefix(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"abc", 0, ""},
		{"a😀b", 2, "a"}, // the emoji needs two units and does not fit after a
		{"a😀b", 3, "a😀"},
		{"詐欺メール", 3, "詐欺メ"},
	} {
		if got := tc.in[:Prefix(tc.in, tc.limit)]; got != tc.want {
			t.Errorf("Prefix(%q, %d) keeps %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}
