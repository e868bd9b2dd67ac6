package knowledge

import (
	"iter"
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
	// One pass over s. NFKC is applied only from the last character NFKC leaves alone
	// (nfkcStable) before the first one it may change: Japanese text is mostly kana and kanji,
	// most texts have no such character, and checking them costs a pass of its own. A stable
	// character starts a segment nothing before it combines with (TestNFKCStable), so the text
	// can be cut there; the stable one is normalized again with the rest, since it may combine
	// with what follows (か and a voicing mark).
	var b strings.Builder
	b.Grow(len(s))
	st := normalizer{b: &b, space: true}
	before, last := st, 0 // the state before the last stable character, at s[last:]
	for i, r := range s {
		if !nfkcStable(r) && !nfkcSeparator(r) {
			// what was written before s[last:], in a builder of its own (most texts never get
			// here, and keep b's one allocation)
			written := b.String()[:before.n]
			st = before
			st.b = new(strings.Builder)
			st.b.Grow(len(s))
			st.b.WriteString(written)
			for _, r := range norm.NFKC.String(s[last:]) {
				st.add(r)
			}
			break
		}
		last, before = i, st
		st.add(r)
	}
	return strings.TrimRight(st.b.String(), " ")
}

// normalizer is the state of Normalize's pass: what it wrote and what it last saw.
type normalizer struct {
	b          *strings.Builder
	n          int  // the bytes written to b
	space      bool // the last byte written is a space, or nothing was written yet
	prev       rune // the last rune written, 0 after a space
	prevScript byte // the script of the rune before the current one ('h', 'k' or 0)
	script     byte
}

// add folds r and writes it (or a single space for what separates words).
func (n *normalizer) add(r rune) {
	n.prevScript, n.script = n.script, kanaScript(r)
	r = foldRune(r)
	switch {
	case r == 0:
		// dropped, e.g. the long-vowel mark
	case n.script != 0 && n.script == n.prevScript && longVowel(n.prev, r):
		// a vowel that only lengthens the one before it: めえる, こうざ
	case letterOrDigit(r):
		w, _ := n.b.WriteRune(r)
		n.n += w
		n.prev, n.space = r, false
	default:
		if !n.space {
			n.b.WriteByte(' ')
			n.n++
			n.space = true
		}
		n.prev = 0
	}
}

// smallKana maps small hiragana to their full-size forms.
var smallKana = map[rune]rune{
	'ぁ': 'あ', 'ぃ': 'い', 'ぅ': 'う', 'ぇ': 'え', 'ぉ': 'お', 'っ': 'つ',
	'ゃ': 'や', 'ゅ': 'ゆ', 'ょ': 'よ', 'ゎ': 'わ', 'ゕ': 'か', 'ゖ': 'け',
}

// nfkcStable reports whether NFKC leaves r as it is and r combines with nothing before it:
// printable ASCII, hiragana, katakana, the prolonged sound mark, the CJK unified ideographs and
// the commonest Japanese punctuation (、。「」『』).
func nfkcStable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7e, r >= 'ぁ' && r <= 'ゖ', r >= 'ァ' && r <= 'ヺ', r == 'ー',
		r >= 0x4e00 && r <= 0x9fff, r == '、', r == '。', r >= '「' && r <= '』':
		return true
	}
	return false
}

// nfkcSeparator reports whether r is a character NFKC changes into punctuation or a space only,
// and r combines with nothing before it: the full-width ？！（） and the like, the ideographic
// space, …. Written as it is, it folds to the word break its NFKC form folds to, so a text
// holding one (a sixth of the labelled texts hold a full-width ？) still takes the fast path. The
// full-width tilde ～ is not one: written as it is, folding drops it as a long vowel mark, where
// its NFKC form ~ is a word break (「0～0」), so a text holding it takes NFKC's path.
func nfkcSeparator(r rune) bool {
	switch {
	case r == '\u3000', r == '…', r >= '！' && r <= '／', r >= '：' && r <= '＠', r >= '［' && r <= '｀', r >= '｛' && r < '～':
		return true
	}
	return false
}

// letterOrDigit is unicode.IsLetter(r) || unicode.IsDigit(r), answered without the tables for
// the characters nearly every Japanese text is made of (ASCII, kana, the common kanji).
func letterOrDigit(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r >= 'ぁ' && r <= 'ゖ', r >= 'ァ' && r <= 'ヺ', r >= 0x4e00 && r <= 0x9fff:
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// smallKanaBig is smallKana as an array over the hiragana block (ぁ to ゖ), 0 where a kana is
// not small: foldRune runs on every character the knowledge and the messages hold, and an array
// index is several times faster than a map lookup.
var smallKanaBig = func() (a ['ゖ' - 'ぁ' + 1]rune) {
	for small, big := range smallKana {
		a[small-'ぁ'] = big
	}
	return a
}()

func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= 0x4e00 && r <= 0x9fff: // the common kanji, without unicode.ToLower's tables
		return r
	case r == 'ー' || r == '〜' || r == '～':
		return 0
	case r >= 'ァ' && r <= 'ヶ': // katakana to hiragana
		r -= 'ァ' - 'ぁ'
	case r == 'ヽ' || r == 'ヾ':
		r -= 'ヽ' - 'ゝ'
	}
	if r >= 'ぁ' && r <= 'ゖ' {
		if big := smallKanaBig[r-'ぁ']; big != 0 {
			return big
		}
		if r == 'ゔ' {
			return 'ぶ'
		}
		return r
	}
	return unicode.ToLower(r)
}

// folder applies the synonym groups of the knowledge to normalised text: every word of a group
// is replaced by the group's first word, longest words first. At each position of the text the
// first of the words that start with its character (in that order) that matches is replaced, and
// the text continues after it; a Latin word is replaced only whole (foldPair.wholeLatin). It
// does what a plain loop over the pairs at each position would, several times faster: folding
// the labelled messages and past consultations is most of what loading the knowledge costs.
type folder struct {
	// byFirst indexes the pairs by the first character of what they replace: pairs starting
	// with a character c below 0x10000 are lists[byFirst[c]] (0: none), others lists[rest[c]].
	byFirst []uint16
	rest    map[rune]uint16
	lists   [][]foldPair
}

type foldPair struct {
	from, to string
	// latin: from starts with an ASCII letter or digit and is replaced only at the start of a
	// Latin word; latinEnd: it ends in one and is replaced only at the end of a Latin word, or
	// before a plural s that ends it ("pcs"): "pc" inside "jpcert" or "pcr", "hp" inside "hpc"
	// is no PC or home page (wholeLatin).
	latin, latinEnd bool
	// after and mask are up to four bytes of from after its first character, for a quick
	// test before the whole comparison: most candidates differ there.
	after, mask uint32
}

// nextBytes is up to four bytes of s as a little-endian number, and a mask of as many bytes.
func nextBytes(s string) (v, mask uint32) {
	for i := 0; i < len(s) && i < 4; i++ {
		v |= uint32(s[i]) << (8 * i)
		mask |= 0xff << (8 * i)
	}
	return v, mask
}

// wholeLatin reports whether p, found at i in normalized, does not start or end inside a Latin
// word (p.latin, p.latinEnd).
func (p foldPair) wholeLatin(normalized string, i int) bool {
	if p.latin && i > 0 && latinLetter(normalized[i-1]) {
		return false
	}
	end := i + len(p.from)
	if !p.latinEnd || end == len(normalized) || !latinLetter(normalized[end]) {
		return true
	}
	// a plural s that ends the word: "pcs"
	return normalized[end] == 's' && (end+1 == len(normalized) || !latinLetter(normalized[end+1]))
}

func newFolder(groups [][]string) folder {
	var pairs []foldPair
	for _, g := range groups {
		to := Normalize(g[0])
		// The group's first word maps to itself, so that a shorter member that is its prefix
		// (パスワ of パスワード) cannot cut it.
		pairs = append(pairs, foldPair{from: to, to: to})
		for _, w := range g[1:] {
			if from := Normalize(w); from != "" && from != to {
				pairs = append(pairs, foldPair{from: from, to: to})
			}
		}
	}
	// longer words first, so "ddos攻撃" is replaced whole before "ddos" could be
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	f := folder{byFirst: make([]uint16, 0x10000), rest: map[rune]uint16{}, lists: [][]foldPair{nil}}
	for _, p := range pairs {
		if p.from == "" {
			continue
		}
		r, n := utf8.DecodeRuneInString(p.from)
		p.after, p.mask = nextBytes(p.from[n:])
		p.latin, p.latinEnd = latinLetter(p.from[0]), latinLetter(p.from[len(p.from)-1])
		at := f.list(r)
		if at == 0 {
			at = uint16(len(f.lists))
			f.lists = append(f.lists, nil)
			if r < 0x10000 {
				f.byFirst[r] = at
			} else {
				f.rest[r] = at
			}
		}
		f.lists[at] = append(f.lists[at], p)
	}
	return f
}

// list is the index into lists of the pairs starting with r, 0 for none.
func (f folder) list(r rune) uint16 {
	if r < 0x10000 {
		return f.byFirst[r]
	}
	return f.rest[r]
}

func (f folder) fold(normalized string) string {
	if len(f.lists) == 1 {
		return normalized
	}
	var out []byte // only once something is replaced
	done := 0      // normalized[:done] is in out
	for i := 0; i < len(normalized); {
		r, size := rune(normalized[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(normalized[i:])
		}
		if at := f.list(r); at != 0 {
			next, _ := nextBytes(normalized[i+size:])
			list := f.lists[at]
			for j := range list {
				p := &list[j] // not copied: most pairs are passed over on their first bytes
				if next&p.mask == p.after && strings.HasPrefix(normalized[i:], p.from) && p.wholeLatin(normalized, i) {
					if out == nil {
						out = make([]byte, 0, len(normalized)+len(normalized)/4)
					}
					out = append(append(out, normalized[done:i]...), p.to...)
					size = len(p.from)
					done = i + size
					break
				}
			}
		}
		i += size
	}
	if out == nil {
		return normalized
	}
	return string(append(out, normalized[done:]...))
}

// gramCounts counts the character bigrams of each space-separated word of normalised text; a
// word of one character counts as itself. Bigrams do not span words. The keys are substrings of
// text, so counting allocates no strings.
func gramCounts(text string) map[string]int {
	counts := make(map[string]int, len(text)/3) // about one distinct bigram per character
	for g := range grams(text) {
		counts[g]++
	}
	return counts
}

// grams yields the character bigrams of each space-separated word of normalised text, in
// order, each as often as it occurs (a word of one character as itself), as substrings of text.
func grams(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for word := range strings.FieldsSeq(text) {
			if _, n := utf8.DecodeRuneInString(word); n == len(word) {
				if !yield(word) {
					return
				}
				continue
			}
			for i := 0; ; {
				_, n1 := utf8.DecodeRuneInString(word[i:])
				if i+n1 == len(word) {
					break
				}
				_, n2 := utf8.DecodeRuneInString(word[i+n1:])
				if !yield(word[i : i+n1+n2]) {
					return
				}
				i += n1
			}
		}
	}
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

// vowelOf is vowelRow as an array over the hiragana block (ぁ to ゖ), 0 for no vowel: longVowel
// runs on nearly every kana folded.
var vowelOf = func() (a ['ゖ' - 'ぁ' + 1]rune) {
	for k, v := range vowelRow {
		a[k-'ぁ'] = v
	}
	return a
}()

// longVowel reports whether vowel kana r after prev only lengthens it: the same vowel again
// (かあ, めえ), or う after an o-row syllable (こう, そう), but not お after the particles の,
// を and と.
func longVowel(prev, r rune) bool {
	if r != 'あ' && r != 'い' && r != 'う' && r != 'え' && r != 'お' || prev < 'ぁ' || prev > 'ゖ' {
		return false
	}
	v := vowelOf[prev-'ぁ']
	if v == 0 {
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

// AsksSomething reports whether a text is a question: it holds a question mark (of either width),
// or ends in a sentence-final particle of a question (「本当に大丈夫でしょうか」「どこに電話する
// の」) or in hearsay left open (「…と聞いたんですが」), trailing marks and spaces aside.
// (Asking to be told, 「ローマ字で教えてください」, is a word of understanding.yaml's follow-up
// question.)
func AsksSomething(text string) bool {
	if strings.ContainsAny(text, "?？﹖") {
		return true // a question asked first, the worry told after it ("Do I have to tell my boss? I am afraid …")
	}
	t := strings.TrimRight(strings.TrimSpace(text), "!！﹗。｡.．…〜~～ 　")
	// hearsay left open (「…制度があると聞いたんですが」) asks whether it is so; 「上司にも聞いた
	// けど」 (asked, not heard) does not
	for _, end := range []string{"か", "の", "かな", "っけ", "でしょう", "ですか",
		"と聞いたんですが", "って聞いたんですが", "と聞いたのですが", "って聞いたのですが", "と聞きましたが",
		"と聞いたんですけど", "って聞いたんですけど", "と聞いたんだけど", "って聞いたんだけど", "と聞いたけど", "って聞いたけど"} {
		if strings.HasSuffix(t, end) {
			return true
		}
	}
	return false
}
