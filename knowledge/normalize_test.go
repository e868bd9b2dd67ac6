package knowledge

import (
	"golang.org/x/text/unicode/norm"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestNormalizeFoldsWhatEmployeesType(t *testing.T) {
	tests := []struct{ a, b string }{
		{"ＰＣ", "pc"},
		{"ﾗﾝｻﾑｳｪｱ", "ランサムウェア"},
		{"ウイルス", "ウィルス"},
		{"ういるす", "ウイルス"},
		{"マルウエア", "マルウェア"},
		{"サーバー", "サーバ"},
		{"Ｅｍｏｔｅｔ", "emotet"},
		{"ウイルス！？😱", "ウイルス"},
		{"ヴィルス", "ぶいるす"},
	}
	for _, tt := range tests {
		if a, b := Normalize(tt.a), Normalize(tt.b); a != b {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want them equal", tt.a, a, tt.b, b)
		}
	}
	if got := Normalize("  感染、しました。 "); got != "感染 しました" {
		t.Errorf("punctuation and spaces: %q", got)
	}
}

func TestSynonymsBridgeWhatNoEngineInfers(t *testing.T) {
	kb := loadSeeds(t)
	for _, pair := range [][2]string{{"エモテット", "Emotet"}, {"身代金ウイルス", "ランサムウェア"}, {"成りすまし", "なりすまし"}, {"漏洩", "漏えい"},
		{"ぱすわあどのかんり", "パスワードの管理"}, {"がめんがくろい", "画面がくろい"}, {"じょせいきん", "助成金"}} {
		if a, b := kb.Fold(pair[0]), kb.Fold(pair[1]); a != b {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q", pair[0], a, pair[1], b)
		}
	}
	// a reading that folds into a part of an everyday word is left out
	for _, text := range []string{"ときどき", "ばんごはん"} {
		if f := kb.Fold(text); f != Normalize(text) {
			t.Errorf("Fold(%q) = %q; want it left as %q", text, f, Normalize(text))
		}
	}
}

func TestScheduleOpenAt(t *testing.T) {
	s, err := ParseSchedule("mon-fri 10:00-12:00 13:30-17:00; closed holidays year-end")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, Tokyo)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		when string
		open bool
	}{
		{"2026-11-24 10:30", true},  // Tuesday morning
		{"2026-11-24 12:30", false}, // lunch
		{"2026-11-24 17:00", false}, // closing time
		{"2026-11-22 11:00", false}, // Sunday
		{"2026-11-23 11:00", false}, // 勤労感謝の日
		{"2026-12-29 11:00", false}, // year end
		{"2027-01-04 11:00", true},
	}
	for _, tt := range tests {
		if got := s.OpenAt(at(tt.when), nil); got != tt.open {
			t.Errorf("OpenAt(%s) = %v, want %v", tt.when, got, tt.open)
		}
	}
	next, ok := s.NextOpen(at("2026-11-21 18:00"), nil) // Saturday evening; Monday is a holiday
	if !ok || !next.Equal(at("2026-11-24 10:00")) {
		t.Errorf("NextOpen(Saturday) = %v, want Tuesday 10:00", next)
	}
	for _, bad := range []string{"", "monday", "mon-fri 17:00-09:00", "mon 9-17", "mon; open always", "weekdays 25:00-26:00"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
}

// foldPlainly is what the folder does, written plainly: at each position of normalized, the
// first of pairs (in the folder's order) whose from is there, a Latin one only as a whole word,
// replaces it, and the text continues after it.
func foldPlainly(pairs []foldPair, normalized string) string {
	word := func(at int) bool { // a Latin letter or digit at byte at
		return at >= 0 && at < len(normalized) && ('a' <= normalized[at] && normalized[at] <= 'z' || '0' <= normalized[at] && normalized[at] <= '9')
	}
	var b strings.Builder
	for i := 0; i < len(normalized); {
		matched := false
		for _, p := range pairs {
			if !strings.HasPrefix(normalized[i:], p.from) {
				continue
			}
			end := i + len(p.from)
			startsInside := word(i) && word(i-1)
			endsInside := word(end-1) && word(end) && !(normalized[end] == 's' && !word(end+1))
			if startsInside || endsInside {
				continue
			}
			b.WriteString(p.to)
			i = end
			matched = true
			break
		}
		if !matched {
			b.WriteByte(normalized[i])
			i++
		}
	}
	return b.String()
}

// folderPairs is every pair of f, in the order fold tries them at a position.
func folderPairs(f folder) []foldPair {
	var pairs []foldPair
	for _, list := range f.lists {
		pairs = append(pairs, list...)
	}
	// lists are by first character, each longest first: across lists, the order is the same
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	return pairs
}

// TestFolderMatchesPlainFolding: the folder replaces what foldPlainly does with the same pairs,
// on every text of the seeds and on made-up overlaps and Latin words holding a synonym.
func TestFolderMatchesPlainFolding(t *testing.T) {
	kb := loadSeeds(t)
	f := kb.index.fold
	pairs := folderPairs(f)
	texts := []string{"", "ddos攻撃 ddos", "ういるすういるす", "x", "😀ういるす", "jpcert pc", "hpc hp", "2pc pcs", "pc's", "pcr hpe"}
	for _, m := range kb.labelled {
		texts = append(texts, m.Text)
	}
	for _, c := range kb.cases {
		texts = append(texts, c.Subject, c.Body)
	}
	for _, tp := range kb.topics {
		texts = append(texts, tp.Examples...)
		texts = append(texts, tp.Words...)
	}
	for _, text := range texts {
		n := Normalize(text)
		if got, w := f.fold(n), foldPlainly(pairs, n); got != w {
			t.Fatalf("fold(%q) = %q, folding plainly gives %q", n, got, w)
		}
	}
	if empty := newFolder(nil); empty.fold("abc") != "abc" {
		t.Error("a folder without synonyms changed its text")
	}
}

func TestLatinSynonymStartsAWord(t *testing.T) {
	kb := loadSeeds(t)
	for _, tc := range []struct{ text, holds, lacks string }{
		{"JPCERTに報告", "jpcert", "ぱそこん"},
		{"会社のPCが重い", "ぱそこん", ""},
		{"our PCs froze", "ぱそこん", ""},
		{"HPCクラスタとPCR検査", "hpc", "ぱそこん"},
		{"HPEのサーバー", "hpe", "ほむぺじ"},
	} {
		got := kb.Fold(tc.text)
		if !strings.Contains(got, tc.holds) || tc.lacks != "" && strings.Contains(got, tc.lacks) {
			t.Errorf("Fold(%q) = %q, want it to hold %q and not %q", tc.text, got, tc.holds, tc.lacks)
		}
	}
}

func TestLetterOrDigitMatchesUnicode(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := letterOrDigit(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("letterOrDigit(%U) = %v, unicode says %v", r, got, want)
		}
	}
}

// TestNFKCStable: every character nfkc skips is its own NFKC form and starts a segment, so a text
// cut before it normalises the same in two parts; and nfkc agrees with NFKC on the seeds' texts
// and on stable characters next to characters that combine with them.
func TestNFKCStable(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !nfkcStable(r) {
			continue
		}
		s := string(r)
		if p := norm.NFKC.PropertiesString(s); !p.BoundaryBefore() || norm.NFKC.String(s) != s {
			t.Fatalf("%U is not stable under NFKC", r)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !nfkcSeparator(r) {
			continue
		}
		s := string(r)
		if p := norm.NFKC.PropertiesString(s); !p.BoundaryBefore() || strings.IndexFunc(norm.NFKC.String(s), letterOrDigit) >= 0 {
			t.Fatalf("%U is not a separator under NFKC", r)
		}
	}
	kb := loadSeeds(t)
	texts := []string{"か\u3099", "ｶﾞｲﾄﾞ", "ウイルス？！（）", "e\u0301", "テスト\u309aです", "ＰＣが、ﾗﾝｻﾑ", "a\u0308b",
		"？\u3099", "本当？ｶﾞｲﾄﾞ", "…ｗ", "ウイルス　です（笑）"}
	for _, m := range kb.labelled {
		texts = append(texts, m.Text)
	}
	for _, c := range kb.cases {
		texts = append(texts, c.Body)
	}
	for _, s := range texts {
		if got, want := Normalize(s), normalizeWhole(s); got != want {
			t.Fatalf("Normalize(%q) = %q, on its whole NFKC form %q", s, got, want)
		}
	}
}

// normalizeWhole is Normalize applied to the whole of s's NFKC form: what Normalize, which
// applies NFKC only where a text needs it, must give.
func normalizeWhole(s string) string {
	n := normalizer{b: new(strings.Builder), space: true}
	for _, r := range norm.NFKC.String(s) {
		n.add(r)
	}
	return strings.TrimRight(n.b.String(), " ")
}

func TestAsksSomething(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"本当に大丈夫でしょうか", true},
		// hearsay left open asks; having asked someone does not
		{"法務省が削除の要請をしてくれる制度があると聞いたんですが", true},
		{"上司にも聞いたんですけど", false},
		{"お店にも電話して聞きましたが", false},
		{"どこに電話するの", true},
		{"乗っ取り？", true},
		{"is this real?", true},
		{"何時だっけ〜", true},
		{"もう払いました", false},
		{"ありがとうございます！", false},
		{"大丈夫ですか！！　", true},
		{"ｺﾚﾃﾞｲｲﾉ？", true},
		{strings.Repeat("長い説明です。", 40) + "どうすればいいですか…", true},
		{strings.Repeat("長い説明です。", 40), false},
		// a question mark before the worry told after it
		{"Do I have to tell my boss? I am afraid he will think it is my fault", true},
	}
	for _, tt := range tests {
		if got := AsksSomething(tt.text); got != tt.want {
			t.Errorf("AsksSomething(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestAsksAboutItself: a message ending in 「X？」 or 「Xですか？」 asks whether it is X; one asking
// what to do (「いいですか？」) or ending in a long clause does not.
func TestAsksAboutItself(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"乗っ取り？", true},
		{"パソコンが重いです。ウイルスですか？", true},
		{"ういるすでしょうか？", true},
		{"どこに電話すればいいですか？", false},
		{"パスワードを変えたほうがいいですか？", false},
		{"もう払ってしまったのですか？", false},
		{"ウイルスです", false},
	} {
		if got := asksAboutItself(tt.text); got != tt.want {
			t.Errorf("asksAboutItself(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestFoldRuneKanji: the common kanji, which foldRune passes without unicode.ToLower, have no
// lower case of their own.
func TestFoldRuneKanji(t *testing.T) {
	for r := rune(0x4e00); r <= 0x9fff; r++ {
		if got := foldRune(r); got != r || unicode.ToLower(r) != r {
			t.Fatalf("foldRune(%q) = %q, unicode.ToLower = %q; want both %q", r, got, unicode.ToLower(r), r)
		}
	}
}
