package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/textlimit"
)

// The parsers and text helpers, tested directly.

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"こんにちは", "こんにちは"},
		{"&lt;b&gt; &amp;amp;", "<b> &amp;"},
		{"<https://example.jp>", "https://example.jp"},
		{"<https://example.jp|example.jp>", "example.jp (https://example.jp)"},
		{"<https://example.jp|https://example.jp>", "https://example.jp"},
		{"<mailto:a@example.jp|a@example.jp>", "a@example.jp"},
		{"<tel:0312345678|03-1234-5678>", "03-1234-5678 (0312345678)"},
		{"<@U123> さん", "@U123 さん"},
		{"<@U123|yamada>", "@yamada"},
		{"<#C123|general>", "#general"},
		{"<!here> <!channel>", "@here @channel"},
		{"<!subteam^S1|@staff>", "@staff"},
		{"<!date^1392734382^{date}|2014-02-18>", "2014-02-18"},
		{"a &lt; b &gt; c", "a < b > c"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct{ text, self, want string }{
		{"<@UBOT> ランサムウェア", "UBOT", "ランサムウェア"},
		{"ねえ <@UBOT|bot> 助けて", "UBOT", "ねえ  助けて"},
		{"<@UBOT> <@U2> を見て", "UBOT", "<@U2> を見て"},
		{"<@UBOT> 助けて", "", "助けて"},
		{"<@UBOT>", "UBOT", ""},
	}
	for _, tt := range tests {
		if got := stripMention(tt.text, tt.self); got != tt.want {
			t.Errorf("stripMention(%q, %q) = %q, want %q", tt.text, tt.self, got, tt.want)
		}
	}
}

func TestAddresses(t *testing.T) {
	for _, a := range []address{{channel: "D1"}, {channel: "C1", thread: "1700000000.000100"}, {user: "U1"}} {
		got, err := parseAddress(a.encode())
		if err != nil || got != a {
			t.Errorf("parseAddress(%q) = %+v %v, want %+v", a.encode(), got, err, a)
		}
	}
	for _, bad := range []string{"", "@", "/1.1", "C1/1/2", "@U1/x"} {
		if _, err := parseAddress(bad); err == nil {
			t.Errorf("parseAddress(%q) accepted", bad)
		}
	}
}

func TestTSTime(t *testing.T) {
	if got := tsTime("1700000000.000100"); !got.Equal(time.Unix(1700000000, 100_000)) {
		t.Errorf("tsTime = %v", got)
	}
	if !tsTime("").IsZero() || !tsTime("x.1").IsZero() {
		t.Error("tsTime of a non-timestamp is not zero")
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"fits", "a\nb", 10, []string{"a\nb"}},
		{"at_lines", "aaaa\nbbbb\ncccc", 9, []string{"aaaa\nbbbb", "cccc"}},
		{"long_line", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"entity_kept_whole", "ab&amp;cd", 5, []string{"ab", "&amp;", "cd"}},
		{"token_kept_whole", "ab<@U1>cd", 5, []string{"ab", "<@U1>", "cd"}},
		{"wide_runes", "あいうえお", 2, []string{"あい", "うえ", "お"}},
		{"empty_lines_dropped", "\n\na\n\n", 5, []string{"a"}},
	}
	for _, tt := range tests {
		got := splitText(tt.text, tt.limit)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: splitText(%q, %d) = %q, want %q", tt.name, tt.text, tt.limit, got, tt.want)
		}
		for _, p := range got {
			if textlimit.Units(p) > tt.limit {
				t.Errorf("%s: piece %q longer than %d", tt.name, p, tt.limit)
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate(strings.Repeat("あ", 80), 75); textlimit.Units(got) != 75 || !strings.HasSuffix(got, "…") {
		t.Errorf("truncate to 75: %d %q", textlimit.Units(got), got)
	}
	if got := truncate("short", 75); got != "short" {
		t.Errorf("truncate changed a short text: %q", got)
	}
}
