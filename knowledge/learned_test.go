package knowledge

import (
	"slices"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/seeds"
)

func TestGramKeys(t *testing.T) {
	tests := []struct {
		text string
		want []uint64
	}{
		{"あい", []uint64{runeKey('あ', 0, 0), runeKey('あ', 'い', 0), runeKey('い', 0, 0)}},
		{"あいう", []uint64{runeKey('あ', 0, 0), runeKey('あ', 'い', 0), runeKey('あ', 'い', 'う'), runeKey('い', 0, 0), runeKey('い', 'う', 0), runeKey('う', 0, 0)}},
		{"ああ", []uint64{runeKey('あ', 0, 0), runeKey('あ', 'あ', 0)}},
		{"vpn あ", []uint64{runeKey('あ', 0, 0), latinKey("vpn")}},
		{"phish phishing", []uint64{latinKey("phish"), latinKey("phishing"), stemKey("phish")}}, // a stem only past latinStem letters
		{"", nil},
	}
	for _, tt := range tests {
		want := slices.Clone(tt.want)
		slices.Sort(want)
		got := appendGramKeys(nil, tt.text)
		slices.Sort(got)
		if got = slices.Compact(got); !slices.Equal(got, want) {
			t.Errorf("gramKeys(%q) = %x, want %x", tt.text, got, want)
		}
	}
	if latinKey("vpn") == latinKey("vpm") || latinKey("a")>>63 != 1 || runeKey(0x10ffff, 0x10ffff, 0x10ffff)>>63 != 0 {
		t.Error("latin and rune keys must differ from each other by their top bit")
	}
	if stemKey("phish") == latinKey("phish") || stemKey("phish")>>63 != 1 {
		t.Error("a stem's key must differ from the key of the word it spells, and from rune keys")
	}
}

// learnedIndex is an index over three made-up topics with only what secondReading reads: a
// (urgent), b and c, each learnt from a few texts.
func learnedIndex() (*Base, *index) {
	b := &Base{topics: []*Topic{{ID: "a", Urgent: true}, {ID: "b"}, {ID: "c"}}}
	ix := &index{
		read:     reader{intents: []cueList{{id: "lecturer", topic: HelpdeskTopic}, {id: "plan", topic: "c"}}, offTopic: "c"},
		p:        defaultParams,
		topicIDs: []string{"a", "b", "c"},
		urgent:   []bool{true, false, false},
		learned: newLearned([][]string{
			{"ふぁいるがぜんぶあんごうかされてひらけない", "がめんにみのしろきんのようきゅう", "あんごうかされたふぁいる"},
			{"せいきゅうしょのふりこみさきがかわった", "とりひきさきからこうざへんこうのめーる", "ふりこみさきのへんこう"},
			{"めいわくめーるがまいにちとどく", "しらないあどれすからこうこくめーる", "めーるがたくさんとどく"},
			{"だれかくわしいかたとはなしたい", "たんとうのかたからおりかえしください", "にんげんのかたとはなしたい"},
			{"おつかれさまでしたたすかりました", "わかりやすいせつめいでよかったです", "いろいろおせわになりました"},
		}, outcomeClasses{person: 3, social: 4}),
	}
	return b, ix
}

func TestSecondReading(t *testing.T) {
	const (
		aText     = "ふぁいるがあんごうかされてひらけない"      // 18 characters: reads as a
		aLongText = "ふぁいるがぜんぶあんごうかされてひらけないです" // 23: long enough to answer
		bText     = "せいきゅうしょのふりこみさきがかわった"     // 19
		bShort    = "ふりこみさきがかわった"             // 11: long enough to read, not to add
		bNear     = "しらないせいきゅうしょがとどく"         // b, sure (0.9992) but not surer still
		cNear     = "しらないうしょのめーるが"            // c, sure (0.9991) but not surer still
		cText     = "しらないめーるがまいにちたくさんとどく"     // c, the off-topic topic here
		cMid      = "こうざのめーるがとどいた"            // c, more likely than not (0.956), not sure
		short     = "あんごうかされた"                // 8: too short to count
	)
	b, ix := learnedIndex()
	m := func(topic int, conf float64) Match { return Match{Topic: b.topics[topic], Confidence: conf} }
	tests := []struct {
		name       string
		text       string
		in         Result
		want       []string
		confident  bool
		learned    string
		agreedWant bool
	}{
		{"rules sure of another topic: ask, theirs first", bNear,
			Result{Topics: []Match{m(0, 0.9)}, Confident: true}, []string{"a", "b"}, false, "b", false},
		{"rules sure of another topic, learned surer still: ask, the learned topic first", bText,
			Result{Topics: []Match{m(0, 0.9)}, Confident: true}, []string{"b", "a"}, false, "b", false},
		{"learned sure of the off-topic topic, no IT word in the text: it first, asked", cText,
			Result{Topics: []Match{m(1, 0.9)}, Confident: true}, []string{"c", "b"}, false, "c", false},
		{"learned sure of the off-topic topic, an IT word in the text: the rules' topic first", cNear,
			Result{Topics: []Match{m(1, 0.9)}, Confident: true, Why: Why{itWord: true}}, []string{"b", "c"}, false, "c", false},
		{"learned surer still of the off-topic topic, an IT word in the text: it first", cText,
			Result{Topics: []Match{m(1, 0.9)}, Confident: true, Why: Why{itWord: true}}, []string{"c", "b"}, false, "c", false},
		{"rules sure of a calm topic, learned sure of an urgent one: the urgent one first, only the two", aText,
			Result{Topics: []Match{m(2, 0.9), m(1, 0.05)}, Confident: true}, []string{"a", "c"}, false, "a", false},
		{"a request to the desk itself is left to the rules", bText,
			Result{Topics: []Match{m(2, 0.9)}, Confident: true, Why: Why{Intent: "lecturer"}}, []string{"c"}, true, "", false},
		{"another intent is not", bNear,
			Result{Topics: []Match{m(2, 0.9)}, Confident: true, Why: Why{Intent: "plan"}}, []string{"c", "b"}, false, "b", false},
		{"rules beyond rulesSure: unchanged, not even read", bText,
			Result{Topics: []Match{m(2, 0.99999)}, Confident: true}, []string{"c"}, true, "", false},
		{"rules unsure: the learned topic first", bText,
			Result{Topics: []Match{m(0, 0.4), m(1, 0.3), m(2, 0.2)}}, []string{"b", "a", "c"}, false, "b", false},
		{"rules unsure, learned topic not offered, very sure on a long text: added first", bText,
			Result{Topics: []Match{m(0, 0.4), m(2, 0.3)}}, []string{"b", "a", "c"}, false, "b", false},
		{"an urgent topic added where nothing is happening: first (without its first action)", aText,
			Result{Topics: []Match{m(1, 0.4), m(2, 0.3)}}, []string{"a", "b", "c"}, false, "a", false},
		{"an urgent topic added where something is happening: first", aText,
			Result{Topics: []Match{m(1, 0.4), m(2, 0.3)}, Why: Why{Now: true}}, []string{"a", "b", "c"}, false, "a", false},
		{"no topic added above the off-topic topic the rules read first", aText,
			Result{Topics: []Match{m(2, 0.4), m(1, 0.3)}, Why: Why{Now: true}}, []string{"c", "b"}, false, "a", false},
		{"added first, at most three offered", bText,
			Result{Topics: []Match{m(0, 0.4), m(2, 0.3), m(2, 0.2)}}, []string{"b", "a", "c"}, false, "b", false},
		{"rules unsure, learned topic not offered, the text not long: not added", bShort,
			Result{Topics: []Match{m(0, 0.4), m(2, 0.3)}}, []string{"a", "c"}, false, "b", false},
		{"rules unsure, learned more likely than not of an offered topic: it first", cMid,
			Result{Topics: []Match{m(0, 0.4), m(1, 0.3), m(2, 0.2)}}, []string{"c", "a", "b"}, false, "", false},
		{"rules unsure, learned more likely than not of the off-topic topic they did not offer: added first", cMid,
			Result{Topics: []Match{m(0, 0.4), m(1, 0.3)}}, []string{"c", "a", "b"}, false, "", false},
		{"rules unsure of one topic only: left as they ask it", cMid,
			Result{Topics: []Match{m(0, 0.4)}}, []string{"a"}, false, "", false},
		{"rules sure, learned only more likely than not: unchanged", cMid,
			Result{Topics: []Match{m(0, 0.9), m(2, 0.05)}, Confident: true}, []string{"a", "c"}, true, "", false},
		{"rules found nothing: the learned topic offered", bText,
			Result{}, []string{"b"}, false, "b", false},
		{"agreeing on an urgent topic, long text, a word of the topic: answer", aLongText,
			Result{Topics: []Match{m(0, 0.5)}, Why: Why{Phrases: []string{"a:あんごうか"}}}, []string{"a"}, true, "a", true},
		{"agreeing, long text, something happening: answer", aLongText,
			Result{Topics: []Match{m(0, 0.5)}, Why: Why{Now: true}}, []string{"a"}, true, "a", true},
		{"agreeing, long text, but neither a word nor anything happening: ask", aLongText,
			Result{Topics: []Match{m(0, 0.5)}}, []string{"a"}, false, "a", false},
		{"agreeing on a text of longRunes, without a word: answer", strings.Repeat(aLongText, 3),
			Result{Topics: []Match{m(0, 0.5)}}, []string{"a"}, true, "a", true},
		{"agreeing, but the text is not long enough to answer", aText,
			Result{Topics: []Match{m(0, 0.5)}}, []string{"a"}, false, "a", false},
		{"too short to read", short,
			Result{Topics: []Match{m(2, 0.9)}, Confident: true}, []string{"c"}, true, "", false},
		{"a social turn is left alone", bText,
			Result{Social: "thanks"}, nil, false, "", false},
		{"a request for a person is left alone", bText,
			Result{Topics: []Match{m(2, 0.9)}, Confident: true, Escalate: true}, []string{"c"}, true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.in
			res.scores, res.scoreSum = []float64{1, 1, 1}, 10
			ix.secondReading(b, tt.text, &res)
			var got []string
			for _, x := range res.Topics {
				got = append(got, x.Topic.ID)
			}
			if !slices.Equal(got, tt.want) || res.Confident != tt.confident || res.Why.Learned != tt.learned || res.Why.Agreed != tt.agreedWant {
				t.Errorf("topics %v confident %v learned %q agreed %v; want %v %v %q %v",
					got, res.Confident, res.Why.Learned, res.Why.Agreed, tt.want, tt.confident, tt.learned, tt.agreedWant)
			}
		})
	}
}

// TestLearnedPerson: a request for a person the rules missed, in words like the labelled
// requests, is a request for a person, and the topics the rules read stay with it; one the
// rules read as social, or too short to read, is not.
func TestLearnedPerson(t *testing.T) {
	b, ix := learnedIndex()
	const request = "くわしいかたとはなしたいのでおりかえしください" // 23 characters
	asks := Why{asksSomeone: true}            // the text asks someone for something (personWords)
	tests := []struct {
		name     string
		text     string
		in       Result
		escalate bool
	}{
		{"a request for a person", request, Result{Why: asks}, true},
		{"a request about a matter the rules read", request, Result{Topics: []Match{{Topic: b.topics[1], Confidence: 0.9}}, Confident: true, Why: asks}, true},
		{"a request about a matter the rules are sure of", request, Result{Topics: []Match{{Topic: b.topics[1], Confidence: 0.99999}}, Confident: true, Why: asks}, true},
		{"a social turn", request, Result{Social: "thanks", Why: asks}, false},
		{"a follow-up question (a desk's number)", request, Result{Followup: "contacts", Why: Why{Followup: "contacts", asksSomeone: true}}, false},
		{"declines a person", request, Result{Why: Why{asksSomeone: true, declined: true}}, false},
		{"too short", "はなしたい", Result{Why: asks}, false},
		{"asks for nothing", request, Result{}, false},
		{"a matter, not a request", "ふぁいるがあんごうかされてひらけない", Result{Why: asks}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.in
			res.scores, res.scoreSum = []float64{1, 1, 1}, 10
			topics := slices.Clone(res.Topics)
			ix.secondReading(b, tt.text, &res)
			if res.Escalate != tt.escalate {
				t.Errorf("escalate %v, want %v (learned %q)", res.Escalate, tt.escalate, res.Why.Learned)
			}
			if tt.escalate && (res.Why.Learned != escalateLabel || !slices.Equal(res.Topics, topics)) {
				t.Errorf("learned %q topics %v; want %q and the rules' topics %v", res.Why.Learned, res.Topics, escalateLabel, topics)
			}
		})
	}
}

// TestLearnedSocial: a polite turn like the labelled social turns, in which the rules found
// nothing, is acknowledged; one in which they found a topic word is left to them.
func TestLearnedSocial(t *testing.T) {
	b, ix := learnedIndex()
	const thanks = "おつかれさまでしたわかりやすかったです" // 19 characters
	tests := []struct {
		name   string
		in     Result
		social string
	}{
		{"nothing else in it", Result{Topics: []Match{{Topic: b.topics[2], Confidence: 0.3}}}, learnedSocial},
		{"a topic word in it", Result{Topics: []Match{{Topic: b.topics[2], Confidence: 0.3}}, Why: Why{Phrases: []string{"c:めーる"}}}, ""},
		{"what happened in it", Result{Situations: []string{"paid"}}, ""},
		{"a question in it", Result{Why: Why{question: true}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.in
			res.scores, res.scoreSum = []float64{1, 1, 1}, 10
			ix.secondReading(b, thanks, &res)
			if res.Social != tt.social || tt.social != "" && len(res.Topics) > 0 {
				t.Errorf("social %q topics %v, want %q", res.Social, res.Topics, tt.social)
			}
		})
	}
}

// TestLearnedUnknownText: a text none of whose sequences was learnt has no reading.
func TestLearnedUnknownText(t *testing.T) {
	_, ix := learnedIndex()
	if topic, p := ix.learned.best("xyz 123"); topic != -1 || p != 0 {
		t.Errorf("best = %d, %v; want -1, 0", topic, p)
	}
}

// TestLearnedHalvesReadAsOne: the model learnt in two parts on two goroutines reads every
// labelled text of the seeds (and some cut or lengthened) exactly as the model learnt whole.
func TestLearnedHalvesReadAsOne(t *testing.T) {
	b, err := Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	fold, labelled := foldLabelled(b)
	folded := foldTopics(b, fold)
	texts, outcomes := learnedTexts(b, folded.words, folded.examples, <-labelled)
	halves, whole := newLearned(texts, outcomes), newLearnedWhole(texts, outcomes)
	if len(halves.parts) != 2 || len(halves.parts[trigramKeys].topic) == 0 || len(halves.parts[shortKeys].topic) == 0 {
		t.Fatalf("the halves hold %d parts; want two, neither empty", len(halves.parts))
	}
	read := 0
	for _, list := range texts {
		for i, text := range list {
			variants := []string{text}
			if i%8 == 0 { // a cut text and added words on some: sequences no text holds whole
				variants = append(variants, text[:len(text)/2], text+" vpn あい")
			}
			for _, s := range variants {
				s = strings.ToValidUTF8(s, "")
				ht, hp := halves.best(s)
				wt, wp := whole.best(s)
				if ht != wt || hp != wp {
					t.Fatalf("best(%q): halves %d %v, whole %d %v", s, ht, hp, wt, wp)
				}
				read++
			}
		}
	}
	if read < 10000 {
		t.Errorf("read %d texts; want the seeds' (over 10,000)", read)
	}
}

// TestPlaceTopicKeepsRanking: a moved topic's confidence sits between its new neighbours'.
func TestPlaceTopicKeepsRanking(t *testing.T) {
	m := func(id string, conf float64) Match { return Match{Topic: &Topic{ID: id}, Confidence: conf} }
	tests := []struct {
		name    string
		list    []Match
		pos, at int
		add     Match
		want    []float64
	}{
		{"moved first", []Match{m("a", 0.5), m("b", 0.3), m("c", 0.1)}, 2, 0, Match{}, []float64{0.5, 0.5, 0.3}},
		{"added second", []Match{m("a", 0.8), m("c", 0.15)}, -1, 1, m("b", 0.01), []float64{0.8, 0.15, 0.15}},
		{"added second, above the next", []Match{m("a", 0.8), m("c", 0.15)}, -1, 1, m("b", 0.9), []float64{0.8, 0.8, 0.15}},
		{"added to an empty list", nil, -1, 0, m("b", 0.2), []float64{0.2}},
	}
	for _, tt := range tests {
		var got []float64
		for _, x := range placeTopic(slices.Clone(tt.list), tt.pos, tt.at, tt.add) {
			got = append(got, x.Confidence)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: confidences %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestIncidentFirst: a question carries the first action of its first topic when both readings
// point at that incident, or when the learned reading added it to a text where something is
// happening; not when it added it to a text where nothing is.
func TestIncidentFirst(t *testing.T) {
	const aText = "ふぁいるがあんごうかされてひらけない"
	b, ix := learnedIndex()
	m := func(topic int, conf float64) Match { return Match{Topic: b.topics[topic], Confidence: conf} }
	tests := []struct {
		name string
		in   Result
		want bool
	}{
		{"the rules offer it, the learned reading agrees", Result{Topics: []Match{m(0, 0.4), m(1, 0.3)}}, true},
		{"added where something is happening", Result{Topics: []Match{m(1, 0.4), m(2, 0.3)}, Why: Why{Now: true}}, true},
		{"added where nothing is happening", Result{Topics: []Match{m(1, 0.4), m(2, 0.3)}}, false},
		{"the rules sure of a calm topic", Result{Topics: []Match{m(1, 0.9)}, Confident: true}, true},
		{"the rules sure of a plan, nothing happening", Result{Topics: []Match{m(1, 0.9)}, Confident: true, Why: Why{Intent: "plan"}}, false},
		{"the rules sure of a plan, something happening", Result{Topics: []Match{m(1, 0.9)}, Confident: true, Why: Why{Intent: "plan", Now: true}}, true},
	}
	for _, tt := range tests {
		res := tt.in
		res.scores, res.scoreSum = []float64{1, 1, 1}, 10
		ix.secondReading(b, aText, &res)
		if len(res.Topics) == 0 || res.Topics[0].Topic.ID != "a" || res.IncidentFirst() != tt.want {
			t.Errorf("%s: first %v, IncidentFirst %v; want a first, %v", tt.name, res.Top(), res.IncidentFirst(), tt.want)
		}
	}
}
