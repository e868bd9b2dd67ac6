package knowledge

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds a text the way the matcher reads it, so that the many ways employees type the
// same word meet:
//   - NFKC: full-width Latin and digits become ASCII (ＰＣ → PC), half-width katakana becomes
//     full-width (ﾗﾝｻﾑｳｪｱ → ランサムウェア);
//   - lower case;
//   - katakana becomes hiragana, so all-hiragana typing matches (ういるす, ウイルス);
//   - small kana become large (ウィルス and ウイルス, マルウェア and マルウエア meet) and the
//     long-vowel mark is dropped (サーバー and サーバ meet);
//   - a vowel kana that only lengthens the kana before it, in the same script, is dropped as
//     well (めえる and めーる, こうざ and こおざ meet): romaji typists spell long vowels as doubled
//     letters (meeru, kouza), and the fold is the same on both sides, so Japanese still meets
//     Japanese. A particle before an honorific お (のお客様, をお願い) is not a long vowel;
//   - everything that is not a letter or digit (punctuation, spaces, emoji, symbols) becomes a
//     single space, which separates words for the bigrams.
//
// The synonym table of the knowledge is applied after this, by Base.fold.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true               // no leading space
	var prev rune               // the last rune written
	var prevScript, script byte // 'h' hiragana, 'k' katakana, 0 anything else
	for _, r := range s {
		prevScript, script = script, kanaScript(r)
		r = foldRune(r)
		switch {
		case r == 0:
			continue // dropped, e.g. the long-vowel mark
		case script != 0 && script == prevScript && longVowel(prev, r):
			continue // a vowel that only lengthens the one before it: めえる, こうざ
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			prev = r
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
			prev = 0
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// smallKana maps small hiragana to their full-size forms.
var smallKana = map[rune]rune{
	'ぁ': 'あ', 'ぃ': 'い', 'ぅ': 'う', 'ぇ': 'え', 'ぉ': 'お', 'っ': 'つ',
	'ゃ': 'や', 'ゅ': 'ゆ', 'ょ': 'よ', 'ゎ': 'わ', 'ゕ': 'か', 'ゖ': 'け',
}

func foldRune(r rune) rune {
	switch {
	case r == 'ー' || r == '〜' || r == '～':
		return 0
	case r >= 'ァ' && r <= 'ヶ': // katakana to hiragana
		r -= 'ァ' - 'ぁ'
	case r == 'ヽ' || r == 'ヾ':
		r -= 'ヽ' - 'ゝ'
	}
	if big, ok := smallKana[r]; ok {
		return big
	}
	if r == 'ゔ' {
		return 'ぶ'
	}
	return unicode.ToLower(r)
}

// folder applies the synonym groups of the knowledge to normalised text: every word of a group
// is replaced by the group's first word, longest words first.
type folder struct{ r *strings.Replacer }

func newFolder(groups [][]string) folder {
	type pair struct{ from, to string }
	var pairs []pair
	for _, g := range groups {
		to := Normalize(g[0])
		// The group's first word maps to itself, so that a shorter member that is its prefix
		// (パスワ of パスワード) cannot cut it.
		pairs = append(pairs, pair{to, to})
		for _, w := range g[1:] {
			if from := Normalize(w); from != "" && from != to {
				pairs = append(pairs, pair{from, to})
			}
		}
	}
	// strings.Replacer prefers earlier pairs at the same position: put longer words first so
	// "ddos攻撃" is replaced whole before "ddos" could be.
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	return folder{strings.NewReplacer(args...)}
}

func (f folder) fold(normalized string) string {
	return f.r.Replace(normalized)
}

// gramCounts counts the character bigrams of each space-separated word of normalised text; a
// word of one character counts as itself. Bigrams do not span words. The keys are substrings of
// text, so counting allocates no strings.
func gramCounts(text string) map[string]int {
	counts := make(map[string]int, len(text)/3) // about one distinct bigram per character
	for word := range strings.FieldsSeq(text) {
		if _, n := utf8.DecodeRuneInString(word); n == len(word) {
			counts[word]++
			continue
		}
		for i := 0; ; {
			_, n1 := utf8.DecodeRuneInString(word[i:])
			if i+n1 == len(word) {
				break
			}
			_, n2 := utf8.DecodeRuneInString(word[i+n1:])
			counts[word[i:i+n1+n2]]++
			i += n1
		}
	}
	return counts
}

// vowelRow is the vowel of each hiragana syllable (after small kana were made large).
var vowelRow = func() map[rune]rune {
	rows := map[rune]string{
		'あ': "あかさたなはまやらわがざだばぱ",
		'い': "いきしちにひみりぎじぢびぴ",
		'う': "うくすつぬふむゆるぐずづぶぷ",
		'え': "えけせてねへめれげぜでべぺ",
		'お': "おこそとのほもよろをごぞどぼぽ",
	}
	m := map[rune]rune{}
	for v, kana := range rows {
		for _, k := range kana {
			m[k] = v
		}
	}
	return m
}()

// longVowel reports whether vowel kana r after prev only lengthens it: the same vowel again
// (かあ, めえ), or う after an o-row syllable (こう, そう), but not お after the particles の,
// を and と.
func longVowel(prev, r rune) bool {
	v, ok := vowelRow[prev]
	if !ok || !strings.ContainsRune("あいうえお", r) {
		return false
	}
	if r == 'お' && strings.ContainsRune("のをと", prev) {
		return false
	}
	return r == v || v == 'お' && r == 'う'
}

// kanaScript says whether r is hiragana ('h'), katakana ('k') or neither (0). The long-vowel
// fold only joins kana of one script: in のオペレーター the の and the オ are two words.
func kanaScript(r rune) byte {
	switch {
	case r >= 'ぁ' && r <= 'ゖ':
		return 'h'
	case r >= 'ァ' && r <= 'ヺ' || r >= 'ｦ' && r <= 'ﾝ':
		return 'k'
	}
	return 0
}
