package knowledge

import (
	"math"
	"sync"
	"testing"
)

// TestSearchConcurrent: searches share one Base and its pool of buffers; results must not depend
// on what else runs at the same time. Scores are compared to 1e-9: sums over Go maps run in a
// random order, so even one goroutine's repeated searches differ in the last bits.
func TestSearchConcurrent(t *testing.T) {
	kb := loadSeeds(t)
	var texts []string
	for _, l := range readLabelled(t, "testdata/holdout.tsv") {
		texts = append(texts, l.text)
	}
	want := make([]Result, len(texts))
	similar := make([][]CaseMatch, len(texts))
	for i, text := range texts {
		want[i], similar[i] = kb.Search(text), kb.Similar(text, 3)
	}
	approx := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	sameResult := func(a, b Result) bool {
		if len(a.Topics) != len(b.Topics) || a.Confident != b.Confident || a.Escalate != b.Escalate || a.Menu != b.Menu || a.Truncated != b.Truncated {
			return false
		}
		for i := range a.Topics {
			if a.Topics[i].Topic != b.Topics[i].Topic || !approx(a.Topics[i].Score, b.Topics[i].Score) || !approx(a.Topics[i].Confidence, b.Topics[i].Confidence) {
				return false
			}
		}
		return true
	}
	sameCases := func(a, b []CaseMatch) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].Case != b[i].Case || !approx(a[i].Score, b[i].Score) {
				return false
			}
		}
		return true
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range texts {
				i = (i + g*31) % len(texts)
				if got := kb.Search(texts[i]); !sameResult(got, want[i]) {
					t.Errorf("concurrent Search(%q) = %+v, want %+v", texts[i], got, want[i])
				}
				if got := kb.Similar(texts[i], 3); !sameCases(got, similar[i]) {
					t.Errorf("concurrent Similar(%q) = %+v, want %+v", texts[i], got, similar[i])
				}
			}
		})
	}
	wg.Wait()
}

// TestMashed: keys pressed rather than words are told apart from short and mixed-script words.
func TestMashed(t *testing.T) {
	kb := loadSeeds(t)
	tests := []struct {
		text string
		want bool
	}{
		{"あｓｄｆ", true},
		{"ふじこｌｐ", true},
		{"ててててて", true},
		{"あいうえおかきくけこ", true},
		{"VPNがつながらない", false},
		{"LINEが変", false},
		{"なんかweirdなことが起きてる", false},
		{"ちょっと気になることがあって", false},
		{"ｔｅｓｔテスト", false},
		{"測量用のGNSS受信機のバッテリーの持ちが悪くなってきました", false}, // kanji after the letters
		{"ｓｄｆさｄｆさｄｆ", true}, // kana after them: a hand on the keys
	}
	for _, tt := range tests {
		if got := mashed(kb.Fold(tt.text)); got != tt.want {
			t.Errorf("mashed(Fold(%q)) = %v, want %v", tt.text, got, tt.want)
		}
	}
	// a mashed text gets the menu, not three topics
	if r := kb.Search("あｓｄｆ"); len(r.Topics) > 0 {
		t.Errorf("Search(あｓｄｆ) offers %v; want none", r.Topics)
	}
	// a device that is no IT, named by its letters, is an office matter, not keys pressed
	gnss := "測量用のGNSS受信機のバッテリーの持ちが悪くなってきました"
	if r := kb.Search(gnss); r.Top() == nil || r.Top().ID != kb.Understanding().OffTopic {
		t.Errorf("Search(%q) offers %v; want the office matter first", gnss, r.Topics)
	}
}
