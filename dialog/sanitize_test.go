package dialog

import "testing"

func TestNeutralize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain_japanese", "銀行を名乗るSMSが来た", "銀行を名乗るSMSが来た"},
		{"right_to_left_override", "請求書\u202efdp.exe", "請求書fdp.exe"},
		{"every_embedding_and_override", "a\u202ab\u202bc\u202cd\u202de\u202ef", "abcdef"},
		{"isolates", "x\u2066y\u2067z\u2068w\u2069", "xyzw"},
		{"zero_width_joiners_and_word_joiner", "パス\u200cワー\u200dド\u2060を", "パスワードを"},
		{"zero_width_space_and_bom", "\ufeff口座\u200b番号", "口座番号"},
		{"directional_marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"line_breaks_kept", "一行目\n二行目\t", "一行目\n二行目\t"},
		{"neighbours_kept", "\u2029\u2070\u202f\u2065", "\u2029\u2070\u202f\u2065"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := neutralize(tt.in); got != tt.want {
			t.Errorf("neutralize(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

// TestNeutralizeReplyCopies: a reply's slices may be the knowledge's own (the menu's choices),
// so neutralizing must not write into them.
func TestNeutralizeReplyCopies(t *testing.T) {
	shared := []Choice{{ID: "m:menu", Label: "メ\u202eニュー"}}
	items := []string{"a\u200db"}
	r := neutralizeReply(Reply{Blocks: []Block{{Kind: SummaryBlock, Items: items}}, Choices: shared})
	if shared[0].Label != "メ\u202eニュー" || items[0] != "a\u200db" {
		t.Errorf("neutralizeReply changed its argument's slices: %+q %+q", shared[0].Label, items[0])
	}
	if r.Choices[0].Label != "メニュー" || r.Blocks[0].Items[0] != "ab" {
		t.Errorf("neutralizeReply = %+q %+q, want the invisible characters gone", r.Choices[0].Label, r.Blocks[0].Items[0])
	}
}
