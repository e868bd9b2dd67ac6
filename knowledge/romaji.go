package knowledge

import (
	"strings"
	"unicode"
)

// Some employees type Japanese in romaji ("fairu ga hirakenai", "sagi meeru"): a foreign keyboard,
// a phone without a Japanese input method. The matcher reads Japanese, so a message that is
// mostly romaji is read in hiragana. The syllable table below is the writing system itself
// (Hepburn, kunrei and nihon-shiki spellings, and the usual loanword spellings), not vocabulary,
// so it lives here rather than in the knowledge files; which words mean what stays in the
// knowledge. No module was added for it: the maintained Go transliterators either convert
// kana to romaji only or ship a dictionary for far more than this fold needs.

// romajiSyllables maps a romaji syllable to hiragana. Longest spellings are tried first.
var romajiSyllables = map[string]string{
	"a": "あ", "i": "い", "u": "う", "e": "え", "o": "お",
	"ka": "か", "ki": "き", "ku": "く", "ke": "け", "ko": "こ",
	"sa": "さ", "si": "し", "shi": "し", "su": "す", "se": "せ", "so": "そ",
	"ta": "た", "ti": "ち", "chi": "ち", "tu": "つ", "tsu": "つ", "te": "て", "to": "と",
	"na": "な", "ni": "に", "nu": "ぬ", "ne": "ね", "no": "の",
	"ha": "は", "hi": "ひ", "hu": "ふ", "fu": "ふ", "he": "へ", "ho": "ほ",
	"ma": "ま", "mi": "み", "mu": "む", "me": "め", "mo": "も",
	"ya": "や", "yu": "ゆ", "yo": "よ",
	"ra": "ら", "ri": "り", "ru": "る", "re": "れ", "ro": "ろ",
	"la": "ら", "li": "り", "lu": "る", "le": "れ", "lo": "ろ",
	"wa": "わ", "wo": "を", "wi": "うぃ", "we": "うぇ",
	"ga": "が", "gi": "ぎ", "gu": "ぐ", "ge": "げ", "go": "ご",
	"za": "ざ", "zi": "じ", "ji": "じ", "zu": "ず", "ze": "ぜ", "zo": "ぞ",
	"da": "だ", "di": "ぢ", "du": "づ", "de": "で", "do": "ど",
	"ba": "ば", "bi": "び", "bu": "ぶ", "be": "べ", "bo": "ぼ",
	"pa": "ぱ", "pi": "ぴ", "pu": "ぷ", "pe": "ぺ", "po": "ぽ",
	"va": "ば", "vi": "び", "vu": "ぶ", "ve": "べ", "vo": "ぼ",
	"kya": "きゃ", "kyu": "きゅ", "kyo": "きょ",
	"sha": "しゃ", "shu": "しゅ", "sho": "しょ", "she": "しぇ",
	"sya": "しゃ", "syu": "しゅ", "syo": "しょ",
	"cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "che": "ちぇ",
	"tya": "ちゃ", "tyu": "ちゅ", "tyo": "ちょ", "cya": "ちゃ", "cyu": "ちゅ", "cyo": "ちょ",
	"nya": "にゃ", "nyu": "にゅ", "nyo": "にょ",
	"hya": "ひゃ", "hyu": "ひゅ", "hyo": "ひょ",
	"mya": "みゃ", "myu": "みゅ", "myo": "みょ",
	"rya": "りゃ", "ryu": "りゅ", "ryo": "りょ",
	"gya": "ぎゃ", "gyu": "ぎゅ", "gyo": "ぎょ",
	"ja": "じゃ", "ju": "じゅ", "jo": "じょ", "je": "じぇ",
	"jya": "じゃ", "jyu": "じゅ", "jyo": "じょ", "zya": "じゃ", "zyu": "じゅ", "zyo": "じょ",
	"bya": "びゃ", "byu": "びゅ", "byo": "びょ",
	"pya": "ぴゃ", "pyu": "ぴゅ", "pyo": "ぴょ",
	"fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ",
	"thi": "てぃ", "dhi": "でぃ", "tsa": "つぁ",
	"xa": "ぁ", "xi": "ぃ", "xu": "ぅ", "xe": "ぇ", "xo": "ぉ", "xtu": "っ", "xtsu": "っ", "ltu": "っ", "ltsu": "っ",
	"xya": "ゃ", "xyu": "ゅ", "xyo": "ょ",
}

// longVowels spells the macron and circumflex vowels of Hepburn as the doubled vowels people
// type instead (ō → ou, ū → uu), before the syllables are read.
var longVowels = strings.NewReplacer("ā", "aa", "ī", "ii", "ū", "uu", "ē", "ee", "ō", "ou",
	"â", "aa", "î", "ii", "û", "uu", "ê", "ee", "ô", "ou")

// romajiWord converts one word of Latin letters to hiragana; ok is false when the word is not
// romaji (an English word, an acronym), which is most English: "my" and "the" have no reading.
func romajiWord(w string) (string, bool) {
	w = strings.ToLower(longVowels.Replace(w))
	var b strings.Builder
	for i := 0; i < len(w); {
		c := w[i]
		if c < 'a' || c > 'z' {
			if c == '\'' || c == '-' { // n'a, ko-hi-
				i++
				continue
			}
			return "", false
		}
		// ん: "nn", "n'", or n before a consonant other than y, or at the end
		if c == 'n' {
			switch {
			case i+1 == len(w):
				b.WriteString("ん")
				i++
				continue
			case w[i+1] == 'n':
				// "nn" is ん; before a vowel the second n starts the next syllable as well, the
				// way people spell こんにちは "konnichiwa"
				b.WriteString("ん")
				if i+2 < len(w) && strings.ContainsRune("aiueoy", rune(w[i+2])) {
					i++
				} else {
					i += 2
				}
				continue
			case w[i+1] == '\'':
				b.WriteString("ん")
				i += 2
				continue
			case !strings.ContainsRune("aiueoy", rune(w[i+1])):
				b.WriteString("ん")
				i++
				continue
			}
		}
		if c == 'm' && i+1 < len(w) && strings.ContainsRune("bmp", rune(w[i+1])) { // shimbun
			b.WriteString("ん")
			i++
			continue
		}
		// っ: a doubled consonant (kk, tt, ss, pp) or "tch"
		if i+1 < len(w) && !strings.ContainsRune("aiueon", rune(c)) && (w[i+1] == c || c == 't' && w[i+1] == 'c') {
			b.WriteString("っ")
			i++
			continue
		}
		matched := false
		for n := 4; n >= 1; n-- {
			if i+n > len(w) {
				continue
			}
			if kana, ok := romajiSyllables[w[i:i+n]]; ok {
				b.WriteString(kana)
				i += n
				matched = true
				break
			}
		}
		if !matched {
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// japaneseEndings end Japanese verbs and adjectives typed in romaji (ireta: 入れた), and no English word of
// five letters or more.
var japaneseEndings = []string{"nai", "masu", "mashita", "masen", "desu", "deshita", "shita", "shite", "teru", "tteru", "chatta", "tta", "reta"}

// japaneseEnding reports whether romaji word w (lower case) ends like a Japanese verb or
// adjective: five letters at least, so that "tta" alone or an English "nai" is none.
func japaneseEnding(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, e := range japaneseEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// romajiParticles are the particles romaji writes as they sound and kana as they are spelt, as a
// word of their own: "wa" is は (「denwa wa shite imasen」 meets 「でんわはしていません」).
var romajiParticles = map[string]string{"wa": "は"}

// romajiToKana reads a message typed mostly in romaji as hiragana. A message is taken as romaji
// when at least three of its Latin words of two or more letters (or all of them, if there are
// only one or two) have a reading, they are at least three in four of those words, and the text
// holds at most two Japanese characters (Wi-Fi in a Japanese sentence is no romaji); English
// ("my files are encrypted") fails that at once. Words without a reading (PC, LINE, Amazon), and
// words the knowledge itself uses in Latin letters (english: hello, ransomware), are kept as they
// are. ok is false when the text is not romaji.
func romajiToKana(text string, english map[string]bool) (string, bool) {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !(r < unicode.MaxASCII && unicode.IsLetter(r) || r == '\'' || r >= 'ā' && r <= 'ū' || strings.ContainsRune("âîûêô", r))
	})
	latin, reading, inflected := 0, 0, false
	for _, w := range words {
		if len(w) < 2 {
			continue
		}
		_, isRomaji := romajiWord(w)
		if !isRomaji && len(w) <= 3 && !strings.ContainsAny(strings.ToLower(w), "aeiouy") {
			// a short token of consonants (pc, sms, pdf) is written alike in English and in
			// romaji: 「pc yabai」 is romaji by its other word, "my pc is dead" English by its
			continue
		}
		latin++
		if isRomaji && !english[strings.ToLower(w)] {
			reading++
			inflected = inflected || japaneseEnding(strings.ToLower(w))
		}
	}
	// a word with a Japanese verb's ending (tsunagaranai, shimashita) makes a text with English
	// nouns in it (「handy ga tsunagaranai」) romaji at half its words
	enough := reading*4 >= latin*3 && (latin < 3 || reading >= 3) || inflected && reading*2 >= latin && reading >= 2
	if latin == 0 || japaneseRunes(text) > 2 || !enough {
		return text, false
	}
	var b strings.Builder
	// Converted words are written without the spaces between them, as Japanese is, so that a
	// word the knowledge spells as one (めいわくめーる) meets "meiwaku meeru".
	lastKana, lastWord := false, false
	word := func(w string) {
		k, ok := romajiWord(w)
		if p, particle := romajiParticles[strings.ToLower(w)]; particle {
			k = p // 「denwa wa shite imasen」: the topic particle is written は, not わ
		}
		if ok && len(w) >= 2 && !english[strings.ToLower(w)] {
			// kana after a word kept in Latin letters joins it too, as a particle joins its noun
			// (「ransomware toka ja nai」: the denial's clause holds the word it denies)
			if (lastKana || lastWord) && strings.HasSuffix(b.String(), " ") {
				s := strings.TrimRight(b.String(), " ")
				b.Reset()
				b.WriteString(s)
			}
			b.WriteString(k)
			lastKana, lastWord = true, false
		} else {
			b.WriteString(w)
			lastKana, lastWord = false, true
		}
	}
	start := -1
	for i, r := range text {
		isLatin := r < unicode.MaxASCII && unicode.IsLetter(r) || r == '\'' || r >= 'ā' && r <= 'ū' || strings.ContainsRune("âîûêô", r)
		switch {
		case isLatin && start < 0:
			start = i
		case !isLatin && start >= 0:
			word(text[start:i])
			start = -1
			b.WriteRune(r)
		case !isLatin:
			if r != ' ' {
				lastKana, lastWord = false, false
			}
			b.WriteRune(r)
		}
	}
	if start >= 0 {
		word(text[start:])
	}
	return b.String(), true
}
