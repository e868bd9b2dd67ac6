package knowledge

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// How the matcher works, and why (measurements are in the README):
//
// Text is folded (Normalize, then the synonym table) and cut into character bigrams. Bigrams
// need no dictionary, cope with typos and with words a morphological analyser does not know, and
// keep two-kanji words (感染) whole, which trigrams lose. Each topic is scored by four signals:
//
//  1. phrases: the topic's curated words (and its title) found verbatim in the folded text,
//     weighted by how few topics share them and by length. This is the sharpest signal: it
//     bridges what no engine infers (身代金 → ランサムウェア, 偽サイト → なりすまし) because
//     people who know the helpdesk wrote the words.
//  2. examples: cosine similarity (TF-IDF over bigrams) with the topic's example messages, the
//     best one counting. It recognises paraphrases that share no curated word.
//  3. document: cosine similarity with the topic's own text (words, title, scope, questions).
//  4. cases: the past consultations of the CSV most similar to the text vote for their topics
//     (via the sub-category each topic claims): the helpdesk's own history as examples.
//
// The weighted sum is turned into a confidence with a softmax over topics plus a "none of them"
// score: answer needs a confident top topic. Otherwise generic words (メール, スマホ) or close
// scores give clarify with up to three topics, and nothing at all gives fallback.

// params are the matcher's weights and thresholds, tuned on knowledge/testdata/queries.tsv and
// holdout.tsv and checked on holdout2.tsv (see TestMatcherQuality).
type params struct {
	phraseWeight  float64
	exampleWeight float64
	docWeight     float64
	caseWeight    float64
	caseNeighbors int
	temperature   float64 // softmax temperature over the summed scores
	noneScore     float64 // the score of "none of these topics"
	// confident is the top-topic probability needed to answer. On holdout.tsv confident-wrong
	// answers stay flat (2) from 0.3 to 0.6 and 0.45 would answer 90% instead of 84%, but below
	// 0.6 vague texts such as お金を払ってしまった get a topic's answer instead of a question, and a
	// question costs a frightened user less than a wrong answer. So 0.6.
	confident    float64
	floor        float64 // top score below which nothing matched (fallback)
	clarifyRatio float64 // topics within this fraction of the top score are offered in clarify
	maxRunes     int     // longer texts are matched on their beginning only
	// vagueRunes: a text shorter than this that uses generic words (メール, 詐欺) and none of
	// the top topic's own words is too vague to answer: the bot asks instead.
	vagueRunes int
	// bareRunes: a text this short naming none of the top topic's words is asked about
	// (「お金払っちゃったかもしれない」 is no virus because virus examples say ちゃった). Chosen
	// by leaving tuning files out, 16 of 12-40: longer, fewer confident wrong answers still (25:
	// 19 fewer than 12 of 10,800 texts, 16: 9 fewer), but 「古いWindowsを使い続けても大丈夫ですか」
	// and 「偽のサポートの番号に電話してしまった」 (golden transcripts) were asked, not answered.
	bareRunes int
	// hedgeRunes: a text this short that doubts what it says (「ウイルスかな？」) is asked about.
	hedgeRunes int
	// nowBoost is what an urgent topic named in a message saying something is happening gains
	// over a calmer topic that scored first.
	nowBoost float64
}

var defaultParams = params{
	phraseWeight:  1,
	exampleWeight: 4,
	docWeight:     2,
	caseWeight:    1,
	caseNeighbors: 5,
	temperature:   0.25,
	noneScore:     1.6,
	confident:     0.6,
	floor:         0.5,
	clarifyRatio:  0.5,
	maxRunes:      2000,
	vagueRunes:    20,
	bareRunes:     16,
	hedgeRunes:    14,
	nowBoost:      0.6,
}

// exampleSecond is how much a topic's second most similar example adds to its best one: two
// near examples are better evidence than one, which may share only incidental words.
const exampleSecond = 0.5

// deniedWeight is how strongly a denied topic word counts against its topic, against 1 for a
// word that counts for it: a denial is sure evidence that the topic is not the one wanted.
const deniedWeight = 1.0

// Match is one ranked topic.
type Match struct {
	Topic *Topic
	Score float64 // the raw summed score
	// Confidence is probability-like, 0..1, calibrated on the labelled sets. A topic the
	// learned reading moves (learned.go) takes a confidence between its neighbours', so that
	// Topics stays ranked by it.
	Confidence float64
}

// CaseMatch is a past consultation similar to a text.
type CaseMatch struct {
	Case  *Case
	Score float64
}

// Result is what the knowledge makes of a free text.
type Result struct {
	Topics    []Match    // ranked, best first, at most 5, only topics that scored
	Confident bool       // the top topic is sure enough to answer
	Escalate  bool       // the text asks for a person
	Menu      *MenuEntry // the text names a menu entry (e.g. 相談窓口の一覧), when no topic did
	// Opener is set when the text names nothing either reading knows and asks for no person:
	// it only opens a consultation (「ちょっと相談があります」「すみません、ちょっといいですか」)
	// or says nothing the knowledge reads at all. The dialog asks what it is about with the
	// greeting menu, not with topics picked by what a few words share with the examples. Topics
	// is then empty.
	Opener    bool
	Truncated bool // the text was longer than the matcher reads
	// Social is set (thanks, ack, bye) when the text is only a social turn; Topics is then
	// empty.
	Social string
	// Followup is set (understanding.yaml's followups: leaving, contacts, prepare, more, demand,
	// steps, police, inside, question) when the text asks something
	// a conversation inside a topic can answer from that topic; the dialog decides whether it
	// applies.
	Followup string
	// Situations are what the text says has already happened (paid, called, typed ...).
	Situations []string
	// Why says which words decided the result.
	Why Why
	// folded is the text as the matcher read it (Base.fold), for the readings that follow on
	// the same text (options, desks by name) so that they do not fold it again.
	folded string
	denied []span // the denied clauses of folded
	// led says index.ledOn put the first topic there: an option of the topic read first, which
	// the text picked by its own words, leads to it
	led bool
	// scores are every topic's summed score and scoreSum the softmax's denominator that turned
	// them into confidences, for a topic the learned reading adds (index.match).
	scores   []float64
	scoreSum float64
	// unread is set when the first topic is an incident only the learned reading offered, or
	// one the rules read as a plan, in a text where nothing is happening: it is asked about
	// first, without its first action. learnedP is how sure the learned reading was of its topic.
	unread   bool
	learnedP float64
}

// IncidentFirst reports whether the first topic of a question is an incident both readings point
// at, the learned one all but certain (incidentSure), whose first action should not wait for the
// person's tap (a ransom screen at night, the PC still on the network); also one the learned
// reading offers where the rules found no topic at all (a ransom note in words the rules miss).
// The same holds for an incident an option of the topic read first led to (index.ledOn: an app
// installed from a phishing SMS, the phone still on the network).
// An incident the learned reading added to the rules' own choices in a text where nothing is
// happening (「該当サーバは隔離済み。どこに報告すべき？」), or put first where the rules read a
// plan, is asked about without it.
func (r Result) IncidentFirst() bool {
	return len(r.Topics) > 0 && r.Topics[0].Topic.Urgent && (r.Why.Learned == r.Topics[0].Topic.ID && !r.unread &&
		r.learnedP >= incidentSure || r.led)
}

// incidentSure is how sure the learned reading must be of an incident for its first action to
// come above a question: the learned reading counts from learnedSure, but an instruction to
// unplug the PC for a mail that merely arrived ("kaisha no pasokon ni hen na mail ga kimashita")
// alarms more than a question costs.
const incidentSure = 0.999

// match is topic i as the rules scored it for res.
func (ix *index) match(b *Base, res *Result, i int) Match {
	return Match{Topic: b.topics[i], Score: res.scores[i], Confidence: math.Exp(res.scores[i]/ix.p.temperature) / res.scoreSum}
}

// Top returns the best topic, or nil.
func (r Result) Top() *Topic {
	if len(r.Topics) == 0 {
		return nil
	}
	return r.Topics[0].Topic
}

// Reads reports whether topic id is among the topics r read (answered or offered).
func (r Result) Reads(id string) bool {
	return slices.ContainsFunc(r.Topics, func(m Match) bool { return m.Topic.ID == id })
}

type phrase struct {
	text   string // folded
	topic  int
	weight float64
}

// index is everything the matcher precomputes from a Base.
type index struct {
	fold folder
	// contactNames are the contacts' folded names and aliases, longest first.
	contactNames []namedContact
	phrases      map[string][]phrase // by the first bigram (or the single rune) of the phrase
	examples     *vectors
	// examplesOf are each topic's examples, folded (WordsAlsoOf)
	examplesOf [][]string
	// learned is the second reading, from the labelled texts' character statistics.
	learned   *learned
	exTopic   []int // topic index of each example
	docs      *vectors
	cases     *vectors
	caseTopic []int    // topic index of each case, -1 when none
	people    []string // menu.yaml's words for a person: one alone asks for them
	// quotes close a quotation and counters count people (menu.yaml's escalate entry), for
	// readPersonWords
	quotes   []string
	counters string
	// personCues finds the words of menu.yaml's escalate entry that say whether a text asks for
	// something or declines a person (personCue groups), in one pass
	personCues wordIndex
	vague      []vagueGroup
	// vagueWords finds the words of the vague groups not alone, in one pass; a hit's group is
	// the group's index in vague
	vagueWords wordIndex
	menuWords  map[string]*MenuEntry
	menuList   []string          // the menu words of three characters or more, sorted, for menuEntry
	commands   map[string]string // folded word -> command name
	topicCount int
	topicIDs   []string
	urgent     []bool
	aftermath  []bool // by topic: one of Understanding.Aftermath (aftermathSecond)
	leadsOn    []bool // by topic: an option of one of its questions leads to another topic (ledOn)
	read       reader
	english    map[string]bool // Latin words of the knowledge, never read as romaji
	p          params
	// scratch holds the per-query buffers of signals (a float per example and per case), so a
	// search does not allocate them anew.
	scratch sync.Pool
}

type scratch struct {
	examples, cases []float64
}

type vagueGroup struct {
	words  []string
	topics []int
	alone  bool // Vague.Alone: the words count only as the whole text
	// generic: Vague.Generic, the words are generic even where a topic lists them
	generic bool
}

// earlyIndex is the part of the index that needs only the topics, the labelled messages and the
// synonyms: each topic's words and examples folded, and the learned reading. Load starts it as
// soon as those files are read (the labelled texts are folded even earlier, while the topics are
// parsed: foldLabelled), so that it runs on the other core while the rest of the knowledge is
// parsed and indexed; learning from the labelled messages is the largest part of a load.
type earlyIndex struct {
	fold     folder
	folded   chan foldedTopics
	learned  chan *learned
	received *foldedTopics // what folded delivered, once received
}

// foldedTopics returns each topic's words and examples as folded early, waiting for them once.
func (e *earlyIndex) foldedTopics() foldedTopics {
	if e.received == nil {
		f := <-e.folded
		e.received = &f
	}
	return *e.received
}

// foldedTopics are each topic's words and examples, folded.
type foldedTopics struct{ words, examples [][]string }

// foldLabelled builds the folder of b's synonyms and folds the texts of b's labelled messages in
// a goroutine, in their order: it needs only the synonyms and the labelled files, so Load starts
// it before the topics are read. b's synonyms and labelled messages must not change afterwards.
func foldLabelled(b *Base) (folder, <-chan []string) {
	fold, done := newFolder(b.synonyms), make(chan []string, 1)
	go func() {
		texts := make([]string, len(b.labelled))
		inHalves(len(texts), func(i int) { texts[i] = fold.fold(Normalize(b.labelled[i].Text)) })
		done <- texts
	}()
	return fold, done
}

// inHalves calls f(i) for every i in [0, n), the second half on a goroutine of its own, and
// returns when every call has returned. Folding the labelled messages is the start of the
// longest chain of a load; on two cores the halves shorten it while the other core parses.
func inHalves(n int, f func(i int)) {
	half := n / 2
	done := make(chan struct{})
	go func() {
		for i := half; i < n; i++ {
			f(i)
		}
		close(done)
	}()
	for i := range half {
		f(i)
	}
	<-done
}

// startEarly builds the rest of the early index in a goroutine, with the folder and the folded
// labelled texts of foldLabelled(b). b's topics must not change afterwards.
func startEarly(b *Base, fold folder, labelled <-chan []string) *earlyIndex {
	e := &earlyIndex{fold: fold, folded: make(chan foldedTopics, 1), learned: make(chan *learned, 1)}
	go func() {
		f := foldTopics(b, fold)
		e.folded <- f
		e.learned <- newLearned(learnedTexts(b, f.words, f.examples, <-labelled))
	}()
	return e
}

// foldTopics folds each of b's topics' words and examples with fold.
func foldTopics(b *Base, fold folder) foldedTopics {
	norm := func(s string) string { return fold.fold(Normalize(s)) }
	f := foldedTopics{words: make([][]string, len(b.topics)), examples: make([][]string, len(b.topics))}
	for i, t := range b.topics {
		for _, w := range t.Words {
			f.words[i] = append(f.words[i], norm(w))
		}
		for _, x := range t.Examples {
			f.examples[i] = append(f.examples[i], norm(x))
		}
	}
	return f
}

// buildIndexFrom builds the index of b with the early part e (startEarly).
func buildIndexFrom(b *Base, e *earlyIndex) *index {
	ix := &index{
		fold:       e.fold,
		phrases:    map[string][]phrase{},
		menuWords:  map[string]*MenuEntry{},
		personCues: wordIndex{},
		vagueWords: wordIndex{},
		commands:   map[string]string{},
		topicCount: len(b.topics),
		p:          defaultParams,
	}
	norm := func(s string) string { return ix.fold.fold(Normalize(s)) }
	for _, t := range b.topics {
		for qi := range t.Questions {
			for oi := range t.Questions[qi].Options {
				o := &t.Questions[qi].Options[oi]
				o.folded = nil
				for _, w := range append([]string{o.Label}, o.Words...) {
					if fw := foldWord(norm, w); fw != "" {
						o.folded = append(o.folded, fw)
					}
				}
			}
		}
	}
	named := slices.Clone(b.contacts)
	for _, p := range b.programmes {
		named = append(named, b.contactIdx[p.ID]) // offered like a contact, named like one
	}
	for _, c := range named {
		if c.Internal {
			continue
		}
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			if w := flatten(norm(name)); utf8.RuneCountInString(w) >= 2 {
				ix.contactNames = append(ix.contactNames, namedContact{w, c})
			}
		}
	}
	slices.SortStableFunc(ix.contactNames, func(a, b namedContact) int { return len(b.word) - len(a.word) })
	topicPos := map[string]int{}
	for i, t := range b.topics {
		topicPos[t.ID] = i
		ix.topicIDs = append(ix.topicIDs, t.ID)
		ix.urgent = append(ix.urgent, t.Urgent)
		ix.aftermath = append(ix.aftermath, slices.Contains(b.understanding.Aftermath, t.ID))
		ix.leadsOn = append(ix.leadsOn, slices.ContainsFunc(t.Questions, func(q Question) bool {
			return slices.ContainsFunc(q.Options, func(o Option) bool { return o.Topic != "" })
		}))
	}
	ix.read = newReader(&b.understanding, norm)

	// Each topic's words and examples were folded once, early: the phrases, the similarity
	// signals and the learned reading all read them.
	folded := e.foldedTopics()
	words, examples := folded.words, folded.examples
	ix.examplesOf = examples

	// Phrases: how many topics use each one decides its weight.
	perTopic := make([]map[string]bool, len(b.topics))
	df := map[string]int{}
	for i, t := range b.topics {
		perTopic[i] = map[string]bool{}
		for _, f := range append([]string{norm(t.Title), norm(t.Label)}, words[i]...) {
			if f != "" && !perTopic[i][f] {
				perTopic[i][f] = true
				df[f]++
			}
		}
	}
	for i := range b.topics {
		for _, f := range slices.Sorted(maps.Keys(perTopic[i])) { // sorted: the same reasons in the same order on every load
			idf := math.Log(1 + float64(len(b.topics))/float64(df[f]))
			n := utf8.RuneCountInString(f)
			length := math.Min(1+0.12*float64(n-2), 1.6)
			if n <= 1 {
				length = 0.5
			}
			ix.addPhrase(phrase{text: f, topic: i, weight: idf * length})
		}
	}

	var exDocs, topicDocs, caseDocs [][]field
	for i, t := range b.topics {
		for _, e := range examples[i] {
			exDocs = append(exDocs, []field{{ix.read.exampleText(e), 1}})
			ix.exTopic = append(ix.exTopic, i)
		}
		doc := []field{{norm(t.Title), 2}, {norm(t.Scope), 1}}
		for _, w := range words[i] {
			doc = append(doc, field{w, 1})
		}
		for _, q := range t.Questions {
			doc = append(doc, field{norm(q.Ask), 0.5})
		}
		topicDocs = append(topicDocs, doc)
	}
	// The past consultations are the largest part of the index: they are folded and vectored
	// on the other core while the examples and the topics' own texts are.
	casesDone := make(chan *vectors)
	go func() {
		for _, c := range b.cases {
			caseDocs = append(caseDocs, []field{{norm(c.Subject), 2}, {norm(c.Body), 1}, {norm(c.Keywords), 2}})
		}
		casesDone <- newVectors(caseDocs)
	}()
	for _, c := range b.cases {
		pos, ok := topicPos[c.Topic]
		if !ok {
			pos = -1
		}
		ix.caseTopic = append(ix.caseTopic, pos)
	}
	ix.examples, ix.docs = newVectors(exDocs), newVectors(topicDocs)
	ix.cases = <-casesDone
	ix.learned = <-e.learned
	ix.scratch.New = func() any {
		return &scratch{examples: make([]float64, len(ix.exTopic)), cases: make([]float64, len(ix.caseTopic))}
	}

	foldAll := func(ws []string) []string {
		out := make([]string, 0, len(ws))
		for _, w := range ws {
			out = append(out, norm(w))
		}
		return out
	}
	var escalate []string // menu words that ask for a person
	for _, m := range b.menu {
		for _, w := range m.Words {
			f := norm(w)
			if m.Action == "escalate" {
				escalate = append(escalate, f)
			} else {
				ix.menuWords[f] = m
			}
		}
		if m.Action == "escalate" {
			people, asks, consults := foldAll(m.People), foldAll(m.Asks), foldAll(m.Consults)
			ix.people = append(ix.people, people...)
			ix.personCues.add(cuePerson, people)
			ix.personCues.add(cueAsk, asks)
			ix.personCues.add(cueConsult, consults)
			ix.personCues.add(cueRequest, foldAll(m.Requests))
			ix.personCues.add(cueWish, foldAll(m.Wishes))
			ix.personCues.add(cueVisit, foldAll(m.Visits))
			ix.personCues.add(cueAbsent, foldAll(m.Absences))
			ix.personCues.add(cueOther, foldAll(m.Others))
			ix.personCues.add(cueOurs, foldAll(m.Ours))
			ix.quotes, ix.counters = foldAll(m.Quotes), strings.Join(m.Counters, "")
			for _, w := range m.Declines {
				group := cueDecline
				if !HasJapanese(w) {
					group = cueDeclineBefore // English declines the person after it
				}
				ix.personCues.add(group, []string{norm(w)})
			}
		}
	}
	for _, g := range b.vague {
		vg := vagueGroup{alone: g.Alone, generic: g.Generic}
		for _, w := range g.Words {
			vg.words = append(vg.words, norm(w))
		}
		for _, id := range g.Topics {
			vg.topics = append(vg.topics, topicPos[id])
		}
		if !vg.alone {
			ix.vagueWords.add(len(ix.vague), vg.words)
		}
		ix.vague = append(ix.vague, vg)
	}
	for name, words := range b.commands {
		for _, w := range words {
			ix.commands[norm(w)] = name
		}
	}
	ix.english = englishWords(b)
	for _, w := range slices.Sorted(maps.Keys(ix.menuWords)) {
		if utf8.RuneCountInString(w) >= 3 {
			ix.menuList = append(ix.menuList, w)
		}
	}
	for _, w := range escalate {
		ix.personCues.add(cueEscalate, []string{flatten(w)})
	}
	return ix
}

// englishWords collects the one-word entries of Latin letters that the knowledge's own lists use
// (hello, ransomware, staff): such a word in a message is English, not romaji to read as kana.
func englishWords(b *Base) map[string]bool {
	out := map[string]bool{}
	add := func(ws ...string) {
		for _, w := range ws {
			// one word of three letters or more: a phrase's small words ("talk to someone")
			// are romaji particles as often as English
			if f := Normalize(w); isLatinWord(f) && len(f) >= 3 && !strings.Contains(f, " ") {
				out[f] = true
			}
		}
	}
	for _, t := range b.topics {
		add(t.Words...)
	}
	for _, g := range b.synonyms {
		add(g...)
	}
	for _, m := range b.menu {
		add(m.Words...)
		add(m.People...)
		add(m.Asks...)
		add(m.Consults...)
	}
	for _, ws := range b.commands {
		add(ws...)
	}
	u := &b.understanding
	for _, cs := range [][]Cue{u.Intents, u.Situations, u.Social, u.Followups} {
		for _, c := range cs {
			add(c.Words...)
		}
	}
	// A social turn is short and made of common words that also read as romaji ("see you"
	// would be せよ): the words of its phrases count as English too.
	for _, c := range u.Social {
		for _, w := range c.Words {
			add(strings.Fields(Normalize(w))...)
		}
	}
	add(u.NegationBefore...)
	add(u.Now...)
	add(u.When...)
	add(u.ITWords...)
	return out
}

func (ix *index) addPhrase(p phrase) {
	key := firstGram(p.text)
	ix.phrases[key] = append(ix.phrases[key], p)
}

func firstGram(s string) string {
	r1, n1 := utf8.DecodeRuneInString(s)
	if r1 == ' ' || n1 == len(s) {
		return s[:n1]
	}
	_, n2 := utf8.DecodeRuneInString(s[n1:])
	return s[:n1+n2]
}

// keysAt returns the keys a word starting at byte pos of folded text q is indexed by
// (firstGram): its first two runes and, unless pos is at the last rune, its first rune alone
// (keys[:n]); next is where the following rune starts. A plain function, not an iterator: the
// phrase scan runs on every search, and a range over a function costs it an allocation.
func keysAt(q string, pos int) (keys [2]string, n, next int) {
	_, n1 := utf8.DecodeRuneInString(q[pos:])
	_, n2 := utf8.DecodeRuneInString(q[pos+n1:])
	keys[0] = q[pos : pos+n1+n2]
	if n2 == 0 {
		return keys, 1, pos + n1
	}
	keys[1] = q[pos : pos+n1]
	return keys, 2, pos + n1
}

// Fold returns text as the matcher reads it: normalised and with synonyms folded.
func (b *Base) Fold(text string) string { return b.index.fold.fold(Normalize(text)) }

// fold reads a message as the matcher does: romaji as hiragana (romaji reports it was), the
// spaces between Japanese words dropped, then Fold.
func (b *Base) fold(text string) (q string, romaji bool) {
	if kana, ok := romajiToKana(text, b.index.english); ok {
		text, romaji = kana, true
	}
	return b.Fold(joinJapanese(text)), romaji
}

// namedContact is one way of naming a contact, folded.
type namedContact struct {
	word    string
	contact *Contact
}

// SocialMark returns the social turn (understanding.yaml's social ids) a text of marks alone is,
// 「👍」「🙏🙏」: the social words that fold to nothing; "" for any other text. Search reads such a
// text as nothing (a stray emoji opening a conversation is no turn of it); inside a
// consultation it answers the bot.
func (b *Base) SocialMark(text string) string {
	return b.index.read.socialMark(text)
}

// ContactsNamed returns the public contacts that the text Search read into res names by their
// name or one of their aliases
// (「消費生活センターでもいいですか」), each once, in the order of the text; a name inside a longer
// name found (IPA inside IPA 情報セキュリティ安心相談窓口) does not count again.
func (b *Base) ContactsNamed(res Result) []*Contact {
	q := res.folded
	type found struct {
		at int
		c  *Contact
	}
	var hits []found
	var taken []span
	for _, n := range b.index.contactNames {
		for from := 0; from < len(q); {
			i := strings.Index(q[from:], n.word)
			if i < 0 {
				break
			}
			at, end := from+i, from+i+len(n.word)
			from = end
			if isLatinWord(n.word) && (at > 0 && latinLetter(q[at-1]) || end < len(q) && latinLetter(q[end])) {
				continue
			}
			if inSpans(taken, at, end) {
				continue
			}
			taken = append(taken, span{at, end, -1})
			if !slices.ContainsFunc(hits, func(h found) bool { return h.c == n.contact }) {
				hits = append(hits, found{at, n.contact})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b found) int { return a.at - b.at })
	var out []*Contact
	for _, h := range hits {
		out = append(out, h.c)
	}
	return out
}

// WordsAlsoOf reports whether res's first topic was read by words of its own and each of them
// also occurs in an example of topic id: words its writers share with that topic's
// (削除をお願い is a post to take down, and also what one asks of the recipient of a mis-sent
// mail).
func (b *Base) WordsAlsoOf(id string, res Result) bool {
	top, t := res.Top(), slices.Index(b.index.topicIDs, id)
	if top == nil || t < 0 {
		return false
	}
	named := false
	for w := range topicWords(res.Why.Phrases, top.ID) {
		named = true
		if !slices.ContainsFunc(b.index.examplesOf[t], func(e string) bool { return strings.Contains(e, w) }) {
			return false
		}
	}
	return named
}

// Command returns the name of the steering command (restart, back, cancel, help) that text is,
// or "" when it is not exactly one of the command words.
func (b *Base) Command(text string) string { return b.FoldedCommand(b.Fold(text)) }

// FoldedCommand is Command for a text that Fold has folded already.
//
// A command typed twice (「てすと てすと」) or politely (「テスト送信です」) is still that command.
func (b *Base) FoldedCommand(folded string) string {
	cmds := b.index.commands
	if c := cmds[folded]; c != "" {
		return c
	}
	for _, end := range []string{"です", "でした", " pls ignore", " please ignore"} {
		if t, ok := strings.CutSuffix(folded, end); ok && cmds[t] != "" {
			return cmds[t]
		}
	}
	words := strings.Fields(folded)
	if len(words) < 2 {
		return ""
	}
	c := cmds[words[0]]
	for _, w := range words[1:] {
		if cmds[w] != c {
			return ""
		}
	}
	return c
}

// readOutsideQuotes reads what has happened in text, and what follows from it, outside what text
// quotes: 「電子マネーを買ってきて」とメッセージが送られています quotes a demand, and nobody has
// paid; 「「振り込んでしまった」という相談を防ぐ研修」 is a plan, nothing happening. why, the
// reading of the whole text, keeps its situations that are also told outside the quotes, and
// takes Now, the intent and the advice asked about from the reading outside them.
func (ix *index) readOutsideQuotes(b *Base, text string, why *Why) {
	u := withoutQuotes(text)
	if u == text {
		return
	}
	f, _ := b.fold(u)
	outside := ix.read.readingOf(f, ix.read.denied(f))
	why.Situations = slices.DeleteFunc(slices.Clone(why.Situations), func(id string) bool { return !slices.Contains(outside.Situations, id) })
	why.Now, why.advised = outside.Now, outside.advised
	if why.Intent == "" {
		why.Intent = outside.Intent
	}
}

// Search ranks the topics for a free text and says how sure it is.
func (b *Base) Search(text string) Result {
	ix := b.index
	var res Result
	if utf8.RuneCountInString(text) > ix.p.maxRunes {
		text = string([]rune(text)[:ix.p.maxRunes])
		res.Truncated = true
	}
	q, romaji := b.fold(text)
	res.Why.Romaji, res.folded = romaji, q
	if q == "" {
		return res
	}
	denied := ix.read.denied(q)
	res.denied = denied
	masked := mask(q, denied)
	why := ix.read.readingOf(q, denied)
	if len(why.Situations) > 0 {
		ix.readOutsideQuotes(b, text, &why)
	}
	why.Romaji = res.Why.Romaji
	why.asked = asksAboutItself(text)
	why.askedWhether = why.asked && asksWhetherItIs(text)
	// a question anywhere in it, or at the end of romaji read as kana ("dou sureba ii desu ka")
	why.question = AsksSomething(text) || why.Romaji && AsksSomething(q)
	res.Why, res.Situations, res.Followup = why, why.Situations, why.Followup
	pw := ix.readPersonWords(q, ix.personCues.find(q))
	res.Why.asksSomeone, res.Why.declined, res.Why.request = pw.asksSomeone, pw.declines, pw.request
	res.Escalate = ix.escalates(q, pw, why)
	if why.Social != "" && !res.Escalate && !(why.opens && (why.Social == "greeting" || why.Social == "ack")) {
		// (「お世話になっております。ご相談したい件がございまして」 opens a consultation: not a
		// greeting; a thanks that mentions the consultation had is one)
		res.Social = why.Social
		return res
	}
	s := ix.signals(q, masked, denied, &res.Why)
	if social := closingSocial(res.Why); social != "" && !res.Escalate {
		res.Social, res.Why.Social = social, social
		return res
	}
	if why.greets && ix.read.introduces(q) && len(res.Why.Phrases) == 0 && len(why.Situations) == 0 && !why.Now && !why.question && !res.Escalate &&
		!why.itWord && len(ix.vagueTopics(q)) == 0 && !ix.learnedSure(masked) {
		// 「はじめまして、着物レンタルの店をやっている者です」: who is writing, and nothing
		// else yet, not even a word of IT or a generic one (「詐欺の被害者です」), nor a matter the
		// statistics are sure of (「知らない人から毎日無言電話がかかってくる店の者です」); greeted,
		// and asked what it is about
		res.Social, res.Why.Social = greetingSocial, greetingSocial
		return res
	}
	// A plan or a subsidy for something that is no IT (「ものづくり補助金で工作機械を買いたい」
	// 「障害者雇用の助成金」) is an office matter too, when the text names one of its own words.
	if (why.Intent == "" || !why.itWord) && ix.menuEntry(q) == nil {
		// read before what happened gives its topics their weak signal: 「鍵をなくした」 is a
		// loss, and losses usually belong to leaks, but an office key is not about IT
		generic := why.Followup == questionFollowup || why.Followup == "steps" || why.Followup == DemandFollowup
		res.Why.OffTopic, res.Why.ownOffTopic = ix.offTopic(q, s, why.itWord, why.usage && !why.Now && utf8.RuneCountInString(q) <= usageRunes, why.Followup != "" && !generic || len(why.Situations) > 0, why.Intent != "")
	}
	ix.situated(s, why.Situations)
	if why.Intent != "" && !res.Why.ownOffTopic {
		// (a plan for an office matter named by its own word, 「給与規程を見直したい」, stays
		// one: the plan's topic is not raised over it)
		ix.plan(s, why.Intent, why.elsewhere)
	}
	if why.Intent == "" && why.event && !why.over && !why.Hedged {
		// an incident happening: what is done about it comes after it
		ix.aftermathSecond(s)
	}
	// 「DoS攻撃じゃなくて、注文が殺到しただけ」: the threat is ruled out, what is left is a fault;
	// what the writer did (「入力はしていません、開いただけです」) is none, nor is what they did
	// not do (「お金は払っていません。ただ警告が消えないだけです」): a threat must be denied
	res.Why.Merely = why.merelyWord && (why.deniedIT || ix.deniesThreat(res.Why)) && len(why.Situations) == 0
	if why.Intent == "" && res.Why.Merely {
		ix.calmFirst(s, slices.Index(ix.topicIDs, ix.read.merelyTopic), nil)
	}
	ix.rank(b, q, s, ix.p, &res)
	ix.secondReading(b, masked, &res)
	ix.ledOn(b, text, &res)
	return res
}

// ledOn puts first the topic that an option of the first topic leads to, where the text says
// something happened and picks that option by its own words, and no other option of its question
// (「アプリを入れて、そのあとIDとパスワードも入れた」 also typed them, which the first topic
// answers): an app installed from a phishing SMS (phishing's
// 「アプリを入れてしまった」, which leads to the virus topic) is a virus on the phone, and the
// phishing answer (the passwords typed) would not fit it.
func (ix *index) ledOn(b *Base, text string, res *Result) {
	top := res.Top()
	if top == nil || !top.Urgent || len(res.Situations) == 0 || res.Escalate || res.Social != "" ||
		!ix.leadsOn[slices.Index(ix.topicIDs, top.ID)] {
		return // a calm topic's option leading to an incident (a fault's 「ウイルス」) is a doubt
	}
	q, o := b.RefinedOption(top, text, *res)
	if o == nil || o.Topic == "" || o.Topic == top.ID || b.otherOptionTold(q, o, text, *res) {
		return
	}
	t := slices.Index(ix.topicIDs, o.Topic)
	if t < 0 || res.Denies(o.Topic) {
		return // 「アプリを入れてしまった、ウイルスではないと思う」: the writer ruled it out
	}
	pos := slices.IndexFunc(res.Topics, func(m Match) bool { return m.Topic == b.topics[t] })
	var m Match
	if pos < 0 {
		m = ix.match(b, res, t)
	}
	res.Topics = placeTopic(res.Topics, pos, 0, m)
	res.Topics = res.Topics[:min(len(res.Topics), maxOffered)]
	res.led = true
}

// escalates reports whether folded text q, whose person words are pw and reading why, asks for
// a person.
func (ix *index) escalates(q string, pw personWords, why Why) bool {
	if pw.declines {
		return false
	}
	asks := false
	if ix.intentTopic(why.Intent) == HelpdeskTopic {
		// A person asked to come and speak is a lecturer, which the helpdesk's own topic
		// answers (「研修で話をしてくれる人いますか 来てもらいたい」「講師として来ていただけるか」):
		// only a phrase that asks for a person in itself, and not to come or speak, hands such
		// a request over.
		asks = pw.escalateNoVisit
	} else {
		asks = ix.asksForPerson(q, pw, len(why.Situations) > 0 || endsInPast(q) && !why.question && !pw.wish)
	}
	// a person thanked is not asked for (「担当の方と電話でお話しできました。ありがとうござい
	// ました」); a thanks after a condition asks (「お話しできたら助かります」: no socialEnds)
	return asks && (!why.socialEnds || pw.request)
}

// deniesThreat reports whether the reading w denies a threat: a word of an urgent topic in a
// denied clause (「ウイルスではない」「乗っ取りじゃない」), or a generic word for a threat
// (「ハッキングとかではないと思います」: Why.deniedGeneric). A denied calm word (「故障じゃなくて」)
// or IT word (「データも送れていない」) denies no threat.
func (ix *index) deniesThreat(w Why) bool {
	if w.deniedGeneric {
		return true
	}
	for _, d := range w.Denied {
		id, _, _ := strings.Cut(d, ":")
		if t := slices.Index(ix.topicIDs, id); t >= 0 && ix.urgent[t] {
			return true
		}
	}
	return false
}

// endsInPast reports whether folded text q ends in a past form (「…と娘に言われました」「電話が
// かかってきた」): a message that ends telling what happened names the people in its story, it
// does not ask for one (「知らない人に私の電話からメールが行ってる」), unless it says what the
// writer wanted (personWords.wish: 「人と話したかった」).
func endsInPast(q string) bool {
	return strings.HasSuffix(strings.TrimRight(q, " "), "た")
}

// closingSocial returns the social turn (resolved, thanks) of a text that says what was feared
// was not it, or that it is fixed, with thanks or that it is solved (「フィッシングじゃなかった
// です。ありがとう」「再起動したら普通に戻りました、もう大丈夫です」), and names no topic word
// but in a matter told as put away (「先月の迷惑メールの件は落ち着きました。ありがとうございまし
// た」), asks nothing and says nothing is happening; "" for any other text. Such a turn keeps the
// conversation where it is, rather than getting the answer for the threat just ruled out. w is
// the reading with its topic words found (index.signals).
func closingSocial(w Why) string {
	if w.socialWord == "" || len(w.Denied) == 0 && !w.socialEnds || len(w.Phrases) > 0 && !w.settled ||
		w.question || w.Now || w.Intent != "" || w.Followup != "" {
		return ""
	}
	return w.socialWord
}

// rivalRatio is how close to the first topic a second one named by its own words may score
// before the reading is unsure: the bot then offers both instead of answering the first.
const rivalRatio = 0.85

// secondWish scales the weight of a topic word named after a second wish begins.
const secondWish = 0.5

// usageRunes is how long a how-to question may be to be read as an office matter although it
// names IT: one about how to use software is short (「Wordで表の列の幅を揃えるやり方」); a longer
// text tells a matter of its own that a how-to word only ends (「…解約の仕方も分かりません」).
// Chosen on the tuning files left out (40: +2, none lost; without it +2, -2).
const usageRunes = 40

// offTopicDamp scales the other topics' scores of a text read as off topic.
const offTopicDamp = 0.5

// situationWeight is the phrase signal a situation gives the topics it usually belongs to: a
// third of a sure topic word.
const situationWeight = 0.35

// situated gives the topics of each situation found their weak phrase signal.
func (ix *index) situated(s signals, situations []string) {
	for _, c := range ix.read.situations {
		if !slices.Contains(situations, c.id) {
			continue
		}
		for _, id := range c.topics {
			if t := slices.Index(ix.topicIDs, id); t >= 0 {
				s.phrase[t] += situationWeight
			}
		}
	}
}

// inflectionRunes is how much of a topic word may be left, as kana, once its generic words are
// taken out, for it to be no more than they are: られ, が.
const inflectionRunes = 3

// onlyVagueWords reports whether every word of topic t among phrases (Why.Phrases, "id:word")
// is made of generic words of the vague groups found in folded text q and kana only: 乗っ取られ
// is 乗っ取 inflected and 情報が漏れ is 情報 and 漏れ, so 「なんか乗っ取られたかも」 names no more
// than a doubt about some account, phone or computer; ネット通販 is more than ネット. With
// onlyGeneric, only the words of groups marked generic count (Vague.Generic: Wi-Fi), and the
// topic word must be one of them whole (ふりーwifi is more than wifi).
func (ix *index) onlyVagueWords(q string, phrases []string, t int, onlyGeneric bool) bool {
	named := false
	for word := range topicWords(phrases, ix.topicIDs[t]) {
		named = true
		rest := word
		for _, g := range ix.vague {
			if g.alone || onlyGeneric && !g.generic {
				continue // its words are the topic's own inside a text
			}
			for _, w := range g.words {
				if strings.Contains(q, w) {
					rest = strings.ReplaceAll(rest, w, "")
				}
			}
		}
		// what is left is an ending or a particle: a few kana (folding made katakana hiragana,
		// so a loanword such as ういるす is kana too, and must have lost a generic word)
		rest = strings.ReplaceAll(rest, " ", "")
		if onlyGeneric && rest != "" {
			return false // ふりーwifi is more than wifi
		}
		if rest == word || utf8.RuneCountInString(rest) > inflectionRunes || strings.IndexFunc(rest, func(r rune) bool { return kanaScript(r) == 0 }) >= 0 {
			return false
		}
	}
	return named
}

// situatedIn reports whether one of situations (what the text says happened) usually belongs to
// topic t (understanding.yaml's situations: topics). rank counts it as a word of the topic where
// the text names a device (「スマホを落としました」: a lost phone is a possible leak); without one
// (「添付ファイル開いた」「間違えて送っちゃった」) what happened to what is still to be asked.
func (ix *index) situatedIn(t int, situations []string) bool {
	for _, c := range ix.read.situations {
		if slices.Contains(situations, c.id) && slices.Contains(c.topics, ix.topicIDs[t]) {
			return true
		}
	}
	return false
}

// offTopic reports whether folded text q is about neither IT nor security: no word of an urgent
// topic, no word of a calm one unless the text names one of the off-topic topic's own words and
// none of the IT words, and (see below) no generic word of the vague groups. Its
// off-topic topic then gets the phrase signal of a sure word. own says the text named one of
// that topic's words.
//
// A text must hold none of the IT words, unless it asks how to do something (usage: 「Wordで表の
// 列の幅を揃えるやり方」) and names no topic's word: how to use everyday software is an office
// matter, which generic IT words do not change. One that names one of the off-topic topic's own
// words (トイレ, 給料, 会議室) needs no more to be read as words, and may be a question (「会議室の予約
// ってどうやるの」) or say what happened with a generic word (「オフィスの鍵をなくした」); without
// one, a text must be wordy, hold no generic word of the vague groups, and be neither a follow-up
// that asks for desks, what to prepare or the police, which is about the matter at hand, nor what
// happened (situated). A text with an intent (a plan, a subsidy) needs one of those words
// (needOwn). A generic question (「って何」「どうすれば」) does not stop it: office
// matters are asked that way too, and inside a topic the dialog keeps an off-topic question
// there.
func (ix *index) offTopic(q string, s signals, itWord, usage, situated, needOwn bool) (off, own bool) {
	target := slices.Index(ix.topicIDs, ix.read.offTopic)
	if target < 0 {
		return false, false
	}
	own = s.phrase[target] > 0
	if needOwn && !own {
		return false, false
	}
	if itWord && !usage || !own && (situated || !wordy(q) || len(ix.vagueTopics(q)) > 0) {
		return false, false
	}
	for t, v := range s.phrase {
		// the off-topic topic's own words (トイレ, 給料) do not make a text about IT
		// where nothing names IT, the office matter's own word outweighs a calm topic's (研修 in
		// 「メンタルヘルスの研修」), never an incident's (「会議室のPCがランサムウェアにやられた」)
		if t != target && v > 0 && (itWord || !own || ix.urgent[t]) {
			return false, false
		}
	}
	s.phrase[target] = 1
	return true, own
}

// asksAboutItself reports whether text ends in a bare question mark (「乗っ取り？」「ウイルス…？」):
// a short message that only asks whether it is X doubts X as much as one saying 「Xかも」, which
// matters where X's answer is first aid (「補助金はある？」 is simply answered).
func asksAboutItself(text string) bool {
	t, ok := beforeQuestionMark(text)
	if !ok {
		return false
	}
	// 「…いいですか？」 asks a question of its own, about what to do; 「ウイルスですか？」 asks
	// whether it is X, as 「ウイルス？」 does
	for _, copula := range []string{"ですか", "でしょうか"} {
		if noun, ok := strings.CutSuffix(t, copula); ok {
			clause := noun[strings.LastIndexAny(noun, "。、 　!！?？")+1:]
			n := utf8.RuneCountInString(clause)
			return n >= 2 && n <= 6 && !strings.HasSuffix(clause, "い") // 「いい」「ない」: a question of its own
		}
	}
	return !strings.HasSuffix(t, "か") && !strings.HasSuffix(t, "の") && !strings.HasSuffix(t, "でしょう")
}

// asksWhetherItIs reports whether text's last clause asks whether it is something: short (ten
// characters at most, its copula ですか or でしょうか left out), ending in a question mark, with no
// question word (「…印刷できない。ウイルス？」「乗っ取りですか？」, not 「どうしたらいい？」
// 「何をすればいいですか？」).
func asksWhetherItIs(text string) bool {
	t, ok := beforeQuestionMark(text)
	if !ok {
		return false
	}
	for _, copula := range []string{"でしょうか", "ですか"} {
		t = strings.TrimSuffix(t, copula)
	}
	clause := t[strings.LastIndexAny(t, "。、 　!！?？\n")+1:]
	n := utf8.RuneCountInString(clause)
	if n == 0 || n > 10 || strings.HasSuffix(clause, "い") {
		return false // 「いい」「ない」: a question of its own
	}
	lower := strings.ToLower(clause)
	for _, w := range []string{"何", "なに", "なん", "どう", "どこ", "誰", "だれ", "いつ", "いくら", "どれ", "どの", "なぜ", "what", "how", "who", "where", "when", "which", "why"} {
		if strings.Contains(lower, w) {
			return false
		}
	}
	return true
}

// beforeQuestionMark returns text without its closing punctuation and question marks, and
// whether it ended in a question mark at all.
func beforeQuestionMark(text string) (string, bool) {
	t := strings.TrimRight(text, " 　!！。.…")
	if !strings.HasSuffix(t, "?") && !strings.HasSuffix(t, "？") {
		return "", false
	}
	return strings.TrimRight(t, "?？ 　"), true
}

// wordy reports whether folded text q reads as words rather than keys pressed at random: two
// kanji or more in four characters or more, or four Latin words.
func wordy(q string) bool {
	kanji := 0
	for _, r := range q {
		if r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf {
			kanji++
		}
	}
	if kanji >= 2 {
		return utf8.RuneCountInString(strings.ReplaceAll(q, " ", "")) >= 4
	}
	return !HasJapanese(q) && len(strings.Fields(q)) >= 4
}

// joinJapanese drops the spaces that all-hiragana typists put between Japanese words
// (「すまほ なくしました かいしゃの でんわちょう」), so that the text reads as Japanese is written
// and the knowledge's words, written without spaces, meet it; a space before a vowel that would
// read as lengthening the kana before it stays (lengthens).
func joinJapanese(text string) string {
	if !strings.ContainsAny(text, " 　") {
		return text
	}
	rs := []rune(text)
	out := rs[:0:0]
	for i, r := range rs {
		if (r == ' ' || r == '　') && i > 0 && i+1 < len(rs) && japaneseRune(rs[i-1]) && japaneseRune(rs[i+1]) &&
			!lengthens(rs[i-1], rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// lengthens reports whether kana next, written right after prev, would be read as only
// lengthening it (Normalize drops it: 「おしたら あぷり」 joined would lose the あ of あぷり), so
// that the space between them stays.
func lengthens(prev, next rune) bool {
	return kanaScript(prev) != 0 && kanaScript(prev) == kanaScript(next) && longVowel(foldRune(prev), foldRune(next))
}

// japaneseRunes counts the kana and kanji of text.
func japaneseRunes(text string) int {
	n := 0
	for _, r := range text {
		if japaneseRune(r) {
			n++
		}
	}
	return n
}

// japaneseRune reports whether r is kana or a CJK ideograph.
func japaneseRune(r rune) bool {
	return r >= 0x3040 && r <= 0x30ff || r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf
}

// intentTarget reports whether topic t is where an intent leads (prevention, support-services ...).
func (ix *index) intentTarget(t int) bool {
	for _, c := range ix.read.intents {
		if c.topic == ix.topicIDs[t] {
			return true
		}
	}
	return false
}

// plan reads a message with a planning intent and nothing happening (「ランサムウェアの研修を
// したい」): the intent's topic is what the person needs, the threat it names is only its subject,
// so the intent's topic gets the phrase signal of a sure word and the urgent topics, whose first
// aid would be wrong here, lose half of theirs; where the incident told is someone else's
// (elsewhere), half again.
func (ix *index) plan(s signals, intent string, elsewhere bool) {
	target := -1
	var outranks []string
	for _, c := range ix.read.intents {
		if c.id == intent {
			target, outranks = slices.Index(ix.topicIDs, c.topic), c.outranks
		}
	}
	ix.calmFirst(s, target, outranks)
	if elsewhere && target >= 0 {
		// the incident told is someone else's (「同業の会社がやられたそうです。うちは…」): its
		// topic is only the plan's subject, halved once more
		ix.halveUrgent(s)
	}
}

// aftermathSecond halves the signals of the topics that are what is done about an incident
// (Understanding.Aftermath: reported, a vendor found) where an incident topic is named by its own words:
// 「ランサムウェアに感染しました。復旧してくれる業者を紹介してほしい」 is the incident, whose
// answer names those desks.
func (ix *index) aftermathSecond(s signals) {
	incident := false
	for t, worded := range s.worded {
		incident = incident || worded && ix.urgent[t]
	}
	if !incident {
		return
	}
	for t, after := range ix.aftermath {
		if after {
			s.halve(t)
		}
	}
}

// halveUrgent halves the urgent topics' signals.
func (ix *index) halveUrgent(s signals) {
	for t := range s.phrase {
		if ix.urgent[t] {
			s.halve(t)
		}
	}
}

// halve halves topic t's phrase, example and case signals.
func (s signals) halve(t int) {
	s.phrase[t] *= 0.5
	s.example[t] *= 0.5
	s.cases[t] *= 0.5
}

// calmFirst gives the calm topic target (-1: none) the phrase signal of a sure word, raised
// above the rest unless another calm topic names its own words, and halves the urgent topics'
// signals: what the text is about is not an incident, whose first aid would be wrong. The
// topics of outranks (the intent's Cue.Outranks) are only the plan's subject.
func (ix *index) calmFirst(s signals, target int, outranks []string) {
	if target < 0 {
		return
	}
	ix.halveUrgent(s)
	// A calmer topic that names its own words (テレワーク規程) is a planning question of its
	// own, unless the intent outranks it (パスワードのルールを全社で統一: prevention's): the
	// intent's topic is then raised to a sure word only, not above it.
	boost := 0.8
	for t := range s.phrase {
		if t != target && !ix.urgent[t] && s.worded[t] && !ix.intentTarget(t) && !slices.Contains(outranks, ix.topicIDs[t]) {
			boost = 0
		}
	}
	s.phrase[target] = max(s.phrase[target], 0.9) + boost
}

// rank turns the signals into ranked topics and the decision, with parameters p (the tuning
// test varies them).
func (ix *index) rank(b *Base, q string, s signals, p params, res *Result) {
	vague := ix.vagueTopics(q)
	latin := !HasJapanese(q)
	scores := make([]float64, ix.topicCount)
	for t := range scores {
		scores[t] = p.phraseWeight*s.phrase[t] + p.exampleWeight*s.example[t] + p.docWeight*s.doc[t] + p.caseWeight*s.cases[t]
		if latin && s.phrase[t] <= 0 {
			// Latin letters without a topic's word (qwerty, or English the topic's words do
			// not cover): letter bigrams shared with its examples are noise, not evidence.
			scores[t] = 0
		}
	}
	if res.Why.ownOffTopic {
		// The text names what it is about (トイレ, 会議室), and nothing in it is about IT: what
		// the other topics' examples share with it is grammar (「ってどうやるの」), not evidence.
		target := slices.Index(ix.topicIDs, ix.read.offTopic)
		for t := range scores {
			if t != target {
				scores[t] *= offTopicDamp
			}
		}
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return scores[order[i]] > scores[order[j]] })
	if res.Why.Now && res.Why.Intent == "" && !ix.urgent[order[0]] {
		// Something is happening, and a topic that needs first aid is named beside a calmer one
		// (「在宅勤務中のPCがウイルスに感染した」): the incident comes first.
		for t := range scores {
			if ix.urgent[t] && s.phrase[t] > 0 {
				scores[t] += p.nowBoost
			}
		}
		sort.SliceStable(order, func(i, j int) bool { return scores[order[i]] > scores[order[j]] })
	}

	// Softmax over topics plus "none": a calibrated share of belief for each topic.
	sum := math.Exp(p.noneScore / p.temperature)
	for _, sc := range scores {
		sum += math.Exp(sc / p.temperature)
	}
	conf := func(i int) float64 { return math.Exp(scores[i]/p.temperature) / sum }
	res.scores, res.scoreSum = scores, sum
	top := scores[order[0]]
	add := func(i int) {
		res.Topics = append(res.Topics, Match{Topic: b.topics[i], Score: scores[i], Confidence: conf(i)})
	}
	short := utf8.RuneCountInString(strings.ReplaceAll(q, " ", ""))
	// Too vague to answer: a short text with generic words (メール, 詐欺) and none of the top
	// topic's, or a very short one that names none of its words at all (「警告が出た」
	// 「クリックしちゃった」): example similarity alone on a few characters is no evidence. A
	// writer who doubts what it is and names only generic words (「どうすればいいかわからない、
	// 会社のパソコンの件」) is asked up to twice that length, unless the topic read is the one whose
	// answer is written for such a writer (a fault); a longer story carries its own evidence
	// (「うちの会社名とロゴを使った通販サイトがある。お客さんから…」). What happened to a device
	// counts as a word of the topic it belongs to (situatedIn).
	// A generic group's word said with nothing of it, not asked about, wished or told happening
	// (「Wi-Fiの件で」, not 「Wi-Fiのパスワードを変えたい」「フリーWi-Fiって危ない？」), is as vague.
	saysNothingOf := !res.Why.question && !res.Why.Now && !res.Why.wish
	tooVague := len(vague) > 0 && short < p.vagueRunes && (s.phrase[order[0]] == 0 || saysNothingOf && ix.onlyVagueWords(q, res.Why.Phrases, order[0], true)) ||
		s.worded != nil && !s.worded[order[0]] && !(res.Why.Device != "" && ix.situatedIn(order[0], res.Situations)) && short <= p.bareRunes ||
		res.Why.Hedged && !res.Why.Now && short <= p.hedgeRunes ||
		res.Why.asked && ix.urgent[order[0]] && !res.Why.Now && short <= 2*p.hedgeRunes ||
		res.Why.Hedged && len(vague) > 0 && short < 2*p.vagueRunes && b.topics[order[0]].ID != ix.read.unsureTopic && (s.phrase[order[0]] == 0 || ix.onlyVagueWords(q, res.Why.Phrases, order[0], false)) ||
		ix.bareVague(q)
	// Two topics named and close, or the writer saying they cannot tell what it is: a question
	// (unless the topic read first is the one whose answer is written for such a writer).
	// An incident that has happened, not put away or doubted, read first beside a calm matter
	// named as closely (「NASが暗号化された。あと、お助け隊サービスって…」): no rival, the calm
	// matter waits.
	incidentLeads := res.Why.event && !res.Why.over && !res.Why.Hedged && ix.urgent[order[0]] && !ix.urgent[order[1]]
	rival := s.worded != nil && s.worded[order[0]] && s.worded[order[1]] && scores[order[1]] >= rivalRatio*top && !incidentLeads ||
		res.Why.Unsure && b.topics[order[0]].ID != ix.read.unsureTopic
	// What the person put first with a rather word (「セミナーもやってほしいんですが、それより今
	// まさに怪しい添付を開いた社員がいて」) names no topic's word the rules know: what they read is
	// the part the person said matters less, so they ask.
	unnamedFirst := (res.Why.firstEnds >= 0 || res.Why.pointedBack) && !res.Why.namedFirst
	// Nothing named (no topic's word, device or generic word), and, where it reads as an office
	// matter, nothing but a wish to consult on no word of the matter's own (「いろいろあって、
	// まとめて相談したいです」): not answered; asked below what it is about.
	namesNothing := nothingRead(res.Why) && res.Why.Device == "" && !slices.Contains(s.worded, true) && len(vague) == 0
	onlyOpens := namesNothing && res.Why.OffTopic && !res.Why.ownOffTopic && res.Why.opens && short <= openerRunes
	if top >= p.floor && conf(order[0]) >= p.confident && !tooVague && !rival && !unnamedFirst && !onlyOpens {
		res.Confident = true
		for _, i := range order[:5] {
			if scores[i] > 0 {
				add(i)
			}
		}
		return
	}
	if nothingRead(res.Why) && !slices.Contains(s.worded, true) && mashed(q) {
		// keys pressed, not words (「あｓｄｆ」「ててててて」「あいうえおかきくけこ」): the menu,
		// not three topics picked by what a few kana share with the examples
		return
	}
	// Not sure: offer the topics that scored close to the top, then those the generic words of
	// the text point at (メール → phishing, spam, bec ...), at most three.
	if top < p.floor && len(vague) == 0 {
		res.Menu = ix.menuEntry(q)
		return
	}
	if namesNothing && (!res.Why.OffTopic || onlyOpens) {
		// Nothing named (「ちょっと聞きたいんだけど」「相談があります」): the topics the examples
		// would offer share a few words of asking, not the matter. A menu entry named (緊急: the
		// emergency list) is shown, else the greeting menu. An office matter read on no word of
		// its own is one only when more than a wish to consult is said (「税理士を探しています」).
		res.Menu = ix.menuEntry(q)
		res.Opener, res.Why.OffTopic = res.Menu == nil && !res.Escalate, false
		return
	}
	picked := map[int]bool{}
	vague = ix.byVagueGroup(q, vague, scores)
	offer := func(list []int, close bool) {
		for _, i := range list {
			if len(res.Topics) == 3 {
				return
			}
			if close && (top < p.floor || scores[i] < top*p.clarifyRatio) {
				return
			}
			if !picked[i] {
				picked[i] = true
				add(i)
			}
		}
	}
	if tooVague && (s.worded == nil || !s.worded[order[0]]) {
		// a short, generic text: what its generic words point at comes first (a text that
		// names its topic but doubts it, 「DoS攻撃？」, offers that topic first)
		offer(vague, false)
		offer(order, true)
	} else {
		offer(order[:3], true)
		offer(vague, false)
	}
}

// HasJapanese reports whether text holds kana or kanji of the blocks Japanese is typed in
// (U+3040-30FF, U+3400-4DBF, U+4E00-9FFF). It is deliberately not unicode.In(r, unicode.Hiragana,
// unicode.Katakana, unicode.Han): those tables also hold 々, ㇰ-ㇿ and the kanji beyond the BMP
// (about 70,000 code points that answer differently after Normalize), which would change what the
// Latin-noise rule in rank lets through.
func HasJapanese(s string) bool {
	return strings.ContainsFunc(s, japaneseRune)
}

// menuEntry returns the menu entry a text names: exactly one of its words, or, for a short text
// (「窓口を教えてください」), one of its words within it.
func (ix *index) menuEntry(q string) *MenuEntry {
	if m := ix.menuWords[q]; m != nil {
		return m
	}
	if utf8.RuneCountInString(q) > 20 {
		return nil
	}
	for _, w := range ix.menuList {
		if containsWord(q, w) {
			return ix.menuWords[w]
		}
	}
	return nil
}

// asksForPerson recognises a request for a person: one of the escalate phrases (pw, of folded
// text q), or a word for a person followed within a few characters by a word asking for them. A
// message that is narrated (it tells what already happened) needs a request word beside the
// phrase, and the second kind does not count in it.
func (ix *index) asksForPerson(q string, pw personWords, narrated bool) bool {
	if slices.Contains(ix.people, strings.TrimSpace(q)) {
		return true // a person named and nothing else (「担当者」, "agent"): who else would be wanted
	}
	if pw.escalate && (!narrated || pw.request) {
		// In a message that tells what happened, a phrase that names a person or a call back
		// without asking for it is part of the story (「電話をかけたら、オペレーターの女性が
		// 出ました」); with a request word it is a request (「払ってしまいました。折り返しくだ
		// さい」).
		return true
	}
	if narrated {
		// 「マイクロソフトって人に電話したら」: a person named beside an ask word in a message
		// that tells what happened is part of the story, not a request.
		return false
	}
	return pw.personNearAsk
}

// The groups of index.personCues.
const (
	cueEscalate = iota // the entry's words: a request for a person in itself
	cuePerson
	cueAsk
	cueConsult // asks to consult, naming no one: an ask beside a person, else a request of this desk
	cueRequest
	cueDecline       // declines a person or an ask shortly before it: 人と話す必要はない
	cueDeclineBefore // declines a person shortly after it: no need for a human
	cueWish          // says what the writer wants or wanted: 話したかった
	cueVisit         // asks someone to come or speak: 来てもらえ, 話してくれる人いますか
	cueAbsent        // says no such person is at hand: わかる人いないんです
	cueOther         // a person who is not this desk's staff: 警察の人, 担当者名
	cueOurs          // makes the person that follows this desk's own: そちらの
)

// personWords is what the words of menu.yaml's escalate entry (index.personCues) say of a text.
type personWords struct {
	// escalate: one of the entry's words, a request for a person in itself (not quoted, and not
	// 人 counted)
	escalate bool
	// escalateNoVisit: such a word that is not inside a word asking someone to come or speak
	// (menu.yaml's visits)
	escalateNoVisit bool
	request         bool // a request word (ほしい, いただけ, please)
	// asksSomeone: it asks for something (a request word or an ask) and names a person or a
	// way to reach one (a word for a person or an ask); 「助けてください、大変なことになって
	// ます」 asks for help, not for a person
	asksSomeone bool
	// wish: a word of what the writer wants or wanted (menu.yaml's wishes: 話したくて)
	wish bool
	// personNearAsk: a word for a person and an ask (or a word asking to consult) within
	// nearWindow of each other, in either order, neither of them asking for nobody here
	// (asksForNobody)
	personNearAsk bool
	// declines: a word for a person, an ask or a phrase asking for a person shortly before a
	// decline (「人と話す必要はないです」「人間の方と話す必要はないです」), or an English decline
	// shortly before one of them ("no need for a human", "I don't need to talk to anyone")
	declines bool
}

// readPersonWords reads the hits of personCues.find in a text. A text that declines a person is
// handed over by neither reading; the learned reading hands over only a text that asks someone.
func (ix *index) readPersonWords(q string, hits []hit) personWords {
	var pw personWords
	asked, named := false, false
	declinedTo := 0  // where the last decline of a person or an ask ends
	var buf [32]bool // kept on the stack for a message of ordinary length
	nobody := buf[:0]
	for _, a := range hits {
		nobody = append(nobody, ix.asksForNobody(q, hits, a))
	}
	for i, a := range hits {
		if nobody[i] {
			continue
		}
		switch a.group {
		case cueEscalate:
			if ix.quoted(q, hits, a) {
				break
			}
			pw.escalate = true
			pw.escalateNoVisit = pw.escalateNoVisit || !slices.ContainsFunc(hits, func(v hit) bool {
				return v.group == cueVisit && v.from < a.to && a.from < v.to
			})
		case cueAsk:
			asked, named = true, true
		case cueConsult:
			asked = true
		case cueRequest:
			asked, pw.request = true, true
		case cuePerson:
			named = true
		case cueWish:
			pw.wish = true
		}
		for j, b := range hits {
			if b.from < a.to || b.from-a.to > nearWindow {
				continue
			}
			if personAndAsk(a.group, b.group) && !nobody[j] {
				pw.personNearAsk = true
			}
			if (a.group == cuePerson || a.group == cueAsk || a.group == cueConsult || a.group == cueEscalate) && b.group == cueDecline ||
				a.group == cueDeclineBefore && (b.group == cuePerson || b.group == cueAsk || b.group == cueConsult || b.group == cueEscalate) {
				pw.declines, declinedTo = true, max(declinedTo, b.to)
			}
		}
	}
	if pw.declines && slices.ContainsFunc(hits, func(a hit) bool {
		return a.from >= declinedTo && (a.group == cuePerson || a.group == cueEscalate) && !ix.asksForNobody(q, hits, a)
	}) {
		// a person asked for after what was declined (「電話じゃなくていいので、チャットで人間の
		// 担当者さんと」): the decline was of the way to reach them, not of a person
		pw.declines = false
	}
	pw.asksSomeone = asked && named
	return pw
}

// asksForNobody reports whether hit a of folded text q asks for no one here although its words
// would: 人 counted (counted), or a word for a person, an ask or a phrase asking for a person that
// is told absent (toldAbsent) or lies inside a word for someone who is not this desk's staff
// (menu.yaml's others: 「警察の人に相談したい」「担当者名指しで来てる」).
func (ix *index) asksForNobody(q string, hits []hit, a hit) bool {
	if ix.counted(q, a) {
		return true
	}
	if a.group != cuePerson && a.group != cueAsk && a.group != cueEscalate {
		return false
	}
	return ix.toldAbsent(q, hits, a) ||
		slices.ContainsFunc(hits, func(b hit) bool {
			switch {
			case b.group != cueOther || b.from > a.from || oursBefore(hits, b):
				return false
			case a.from < b.to:
				return true // inside a word for someone who is not this desk's staff
			}
			// an ask or a request for a person right after one (「人事の担当者に代わって」「総務ご
			// 担当の方へお取次ぎ」: put through to them, not to staff here), or the person it goes
			// on to name (「人事の担当の人」)
			gap := q[b.to:a.from]
			return a.group != cuePerson && len(gap) <= otherAskGap || gap == "の"
		})
}

// oursBefore reports whether one of hits, a word of menu.yaml's ours, ends right where hit b
// begins (「そちらの」 before 「IT担当の方」).
func oursBefore(hits []hit, b hit) bool {
	return slices.ContainsFunc(hits, func(o hit) bool { return o.group == cueOurs && o.to == b.from })
}

// otherAskGap is how far (in bytes of folded text: five kana, 「の方へお」) an ask or a request for
// a person may follow a word for someone who is not this desk's staff and still be asked of them.
const otherAskGap = 15

// personAndAsk reports whether a word of group a followed closely by one of group b names a
// person and asks for one: 担当者と話したい, 電話できる人.
func personAndAsk(a, b int) bool {
	isAsk := func(g int) bool { return g == cueAsk || g == cueConsult }
	return a == cuePerson && isAsk(b) || isAsk(a) && b == cuePerson
}

// toldAbsent reports whether hit a (a word for a person, an ask or a phrase asking for one) is
// told absent: one of menu.yaml's absences overlaps it or follows it closely, and its clause
// does not go on to a question's ending. 「うちはパソコンわかる人いないんです」 tells the writer's
// situation; 「わかる人いないんですか」「詳しい人いないんでしょうか」 ask. (A question mark is
// gone from folded text; the clause's ending is what is left of it.)
func (ix *index) toldAbsent(q string, hits []hit, a hit) bool {
	return slices.ContainsFunc(hits, func(b hit) bool {
		if b.group != cueAbsent || b.to <= a.from || b.from-a.to > nearWindow {
			return false
		}
		if slices.ContainsFunc(hits, func(c hit) bool { return c.group == cueAbsent && c.from == b.from && c.to > b.to }) {
			return false // the longest absence read there decides (いないんで of いないんですか)
		}
		clause := q[b.to:]
		if i := strings.IndexByte(clause, ' '); i >= 0 {
			clause = clause[:i] // a space is where punctuation was: the clause ends there
		}
		if q[b.from:b.to] == "いない" && strings.Trim(q[b.to:], " w笑") == "" {
			// 「詳しい人いない？」「誰か生きてる人いない？ｗ」: a bare いない that ends the message
			// asks as often as it tells, and its question mark is gone from folded text
			return false
		}
		return !strings.HasSuffix(clause, "か") && !strings.HasSuffix(clause, "かな") && !strings.HasSuffix(clause, "かね") && !strings.HasSuffix(clause, "の")
	})
}

// counted reports whether hit a of folded text q begins with 人 counted by a number before it
// (「フォロワー3000人いるのに」「何人いるの」: a digit or one of menu.yaml's counters): people
// counted, not a person asked for.
func (ix *index) counted(q string, a hit) bool {
	if !strings.HasPrefix(q[a.from:], "人") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(q[:a.from])
	return r >= '0' && r <= '9' || strings.ContainsRune(ix.counters, r)
}

// quoted reports whether hit a of folded text q is a request quoted: it holds a request word and
// one of menu.yaml's quotes follows it, after the spaces (where a closing bracket was) and the
// digits of a phone number the quote gave: 「お電話ください」という, 「今すぐサポートにお電話ください
// 0120-000-000」と出て. A person named before と (「窓口の人とZoomで話せますか」) is no quote.
func (ix *index) quoted(q string, hits []hit, a hit) bool {
	if !slices.ContainsFunc(hits, func(r hit) bool { return r.group == cueRequest && a.from <= r.from && r.to <= a.to }) {
		return false
	}
	rest := strings.TrimLeft(q[a.to:], " 0123456789〇")
	for _, w := range ix.quotes {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// openerRunes is how long a text read as an office matter on no word of its own may be and still
// be an opener when it holds an opener's words: 「お世話になっております。少々ご相談したい件が
// ございまして、ご連絡いたしました」 says nothing more.
const openerRunes = 40

// nearWindow is how far apart two words may be to be read together, in bytes between the end of
// one and the start of the other: about four characters.
const nearWindow = 12

// vagueTopics returns the topics of every vague group whose words occur in q.
func (ix *index) vagueTopics(q string) []int {
	seen := map[int]bool{}
	var out []int
	named := ix.vagueNamed(q)
	for i, g := range ix.vague {
		if !named[i] {
			continue
		}
		for _, t := range g.topics {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// BareLabels returns the labels of the vague group alone whose word is the whole of text
// (Vague.Labels: 「ういるす」 offers 「ウイルスに感染したかも」), or nil.
func (b *Base) BareLabels(text string) map[string]string {
	q, _ := b.fold(text)
	if i := b.index.bareGroup(q); i >= 0 {
		return b.vague[i].Labels
	}
	return nil
}

// bareVague reports whether folded text q is nothing but one word of a vague group alone
// (Vague.Alone: 「ウイルス」「偽サイト？」「個人情報」): a thing named, not what happened to it.
// (A bare word of another group, 「不正ログイン」「流出」, names what happened.)
func (ix *index) bareVague(q string) bool { return ix.bareGroup(q) >= 0 }

// bareGroup returns the index (in ix.vague, as in Base.vague) of the group alone one of whose
// words is the whole of folded text q, or -1.
func (ix *index) bareGroup(q string) int {
	return slices.IndexFunc(ix.vague, func(g vagueGroup) bool { return g.alone && g.whole(q) })
}

// vagueNamed reports, for each vague group (as in ix.vague), whether its words are in folded
// text q: one of them found (a Latin one standing whole), or, for a group alone, the whole of q.
func (ix *index) vagueNamed(q string) []bool {
	named := make([]bool, len(ix.vague))
	for _, h := range ix.vagueWords.find(q) {
		named[h.group] = true
	}
	for i, g := range ix.vague {
		named[i] = named[i] || g.alone && g.whole(q)
	}
	return named
}

// whole reports whether one of the group's words is the whole of folded text q (its marks
// aside), as a group alone is named.
func (g vagueGroup) whole(q string) bool { return slices.Contains(g.words, bare(q)) }

// bare returns folded text q without the spaces and marks around it.
func bare(q string) string { return strings.Trim(q, " ?？!！。、.") }

// byVagueGroup orders vague, the topics of the vague groups named in q, for a question: the
// best-scoring topic of each group first, so that each thing the text names has a choice (「へんな
// めーるが きて ぱそこんが おかしい」 offers a mail topic beside the computer's), then the rest,
// each part by score.
func (ix *index) byVagueGroup(q string, vague []int, scores []float64) []int {
	var leads []int
	led := map[int]bool{}
	named := ix.vagueNamed(q)
	for i, g := range ix.vague {
		if !named[i] {
			continue
		}
		best := slices.MaxFunc(g.topics, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
		if !led[best] {
			led[best] = true
			leads = append(leads, best)
		}
	}
	rest := slices.DeleteFunc(slices.Clone(vague), func(t int) bool { return led[t] })
	byScore := func(a, b int) int { return cmp.Compare(scores[b], scores[a]) }
	slices.SortStableFunc(leads, byScore)
	slices.SortStableFunc(rest, byScore)
	return append(leads, rest...)
}

// signals are the four per-topic scores before weighting.
type signals struct {
	phrase, example, doc, cases []float64
	// worded marks the topics one of whose own words the text holds (not only a situation's
	// hint or a planning intent).
	worded []bool
}

// signals scores every topic for folded text q. Topic words inside a denied clause count against
// their topic, and the similarity signals read masked, which is q without those clauses. The
// words found are added to why.
func (ix *index) signals(q, masked string, denied []span, why *Why) signals {
	n := ix.topicCount
	all := make([]float64, 6*n) // the four signals, then two working rows
	s := signals{phrase: all[:n:n], example: all[n : 2*n : 2*n], doc: all[2*n : 3*n : 3*n], cases: all[3*n : 4*n : 4*n]}
	best, second := all[4*n:5*n], all[5*n:]
	against := make([]float64, n)
	// Phrases found in the text. The best phrase counts fully, further ones less, so a topic with
	// a long list does not win by volume.
	seen := map[*phrase]bool{}
	found := ix.phrasesIn(q)
	for i, f := range found {
		p, pos := f.p, f.pos
		if seen[p] || f.coveredBy(found, i) {
			continue
		}
		seen[p] = true
		if len(denied) > 0 && deniedWord(q, denied, pos, pos+len(p.text)) {
			against[p.topic] += p.weight
			if why != nil {
				why.Denied = append(why.Denied, ix.topicIDs[p.topic]+":"+p.text)
			}
			continue
		}
		if why != nil {
			why.Phrases = append(why.Phrases, ix.topicIDs[p.topic]+":"+p.text)
		}
		weight := p.weight
		if why != nil && (why.secondAt >= 0 && pos > why.secondAt || why.firstEnds >= 0 && pos < why.firstEnds) {
			weight *= secondWish
		}
		if why != nil && (why.firstEnds >= 0 && pos >= why.firstEnds || why.pointedBack && pos < why.secondAt) {
			why.namedFirst = true
		}
		if weight > best[p.topic] {
			s.phrase[p.topic] += 0.3 * best[p.topic]
			best[p.topic] = weight
		} else {
			s.phrase[p.topic] += 0.3 * weight
		}
	}
	s.worded = make([]bool, n)
	for t := range s.phrase {
		s.worded[t] = best[t] > 0
		// saturate: one specific phrase is strong evidence, a pile of them is not much more
		s.phrase[t] = 1 - math.Exp(-(s.phrase[t]+best[t])/3)
		if against[t] > 0 {
			s.phrase[t] -= deniedWeight * (1 - math.Exp(-against[t]/3))
		}
	}

	grams := gramCounts(masked)
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	if len(ix.exTopic) > 0 {
		sims := sc.examples
		clear(sims)
		ix.examples.similarity(grams, sims)
		// each topic's best example counts fully, its second best half
		for e, sim := range sims {
			t := ix.exTopic[e]
			if sim > s.example[t] {
				second[t], s.example[t] = s.example[t], sim
			} else if sim > second[t] {
				second[t] = sim
			}
		}
		for t := range s.example {
			s.example[t] += exampleSecond * second[t]
		}
	}
	ix.docs.similarity(grams, s.doc)
	for _, c := range ix.nearestCases(grams, ix.p.caseNeighbors, sc.cases) {
		if t := ix.caseTopic[c.i]; t >= 0 {
			s.cases[t] += c.score
		}
	}
	return s
}

// foundPhrase is a phrase found in a folded text, at byte pos.
type foundPhrase struct {
	p   *phrase
	pos int
}

// phrasesIn returns every phrase of the index found in the folded text q, by position.
func (ix *index) phrasesIn(q string) []foundPhrase {
	var found []foundPhrase
	for pos := 0; pos < len(q); {
		keys, n, next := keysAt(q, pos)
		for _, key := range keys[:n] {
			cands := ix.phrases[key]
			for k := range cands {
				text := cands[k].text
				if pos > 0 && 'a' <= q[pos-1] && q[pos-1] <= 'z' && latinLetter(text[0]) {
					continue // a Latin word begins a word: "rent" is not in "parents"
				}
				if strings.HasPrefix(q[pos:], text) {
					found = append(found, foundPhrase{&cands[k], pos})
				}
			}
		}
		pos = next
	}
	return found
}

// coveredBy reports whether found[i] lies inside a longer phrase of another topic found in the
// same text: the longer word says what the shorter means there (暗号化 inside 「wifi 暗号化」 is
// Wi-Fi's, not ransomware's).
func (f foundPhrase) coveredBy(found []foundPhrase, i int) bool {
	end := f.pos + len(f.p.text)
	for j, g := range found {
		if j != i && g.p.topic != f.p.topic && g.pos <= f.pos && end <= g.pos+len(g.p.text) && len(g.p.text) > len(f.p.text) {
			return true
		}
	}
	return false
}

// ranked is a document index with its score.
type ranked struct {
	i     int
	score float64
}

// nearestCases returns the k past consultations most similar to the bigram counts of a folded
// text, best first, ties in file order. sims is a buffer of one float per case.
func (ix *index) nearestCases(grams map[string]int, k int, sims []float64) []ranked {
	clear(sims)
	ix.cases.similarity(grams, sims)
	return topK(sims, k)
}

// topK returns the k highest scores with their indexes, highest first, ties in index order.
// Selecting by insertion costs len(scores)·k, well below a sort for the few neighbours wanted.
func topK(scores []float64, k int) []ranked {
	k = max(0, min(k, len(scores)))
	top := make([]ranked, 0, k)
	for i, sc := range scores {
		if len(top) == k && (k == 0 || sc <= top[k-1].score) {
			continue
		}
		at := len(top)
		for at > 0 && top[at-1].score < sc {
			at--
		}
		if len(top) < k {
			top = append(top, ranked{})
		}
		copy(top[at+1:], top[at:])
		top[at] = ranked{i, sc}
	}
	return top
}

// Similar returns up to n past consultations most similar to text, best first.
func (b *Base) Similar(text string, n int) []CaseMatch {
	sc := b.index.scratch.Get().(*scratch)
	defer b.index.scratch.Put(sc)
	var out []CaseMatch
	for _, c := range b.index.nearestCases(gramCounts(b.Fold(text)), n, sc.cases) {
		if c.score <= 0 {
			break
		}
		out = append(out, CaseMatch{Case: b.cases[c.i], Score: c.score})
	}
	return out
}

// nothingRead reports whether a reading found no cue at all: nothing happening or done, no
// intent, follow-up, doubt or denial.
func nothingRead(w Why) bool {
	return len(w.Phrases) == 0 && len(w.Denied) == 0 && len(w.Situations) == 0 && w.Intent == "" && w.Followup == "" &&
		!w.Now && !w.Hedged && !w.Unsure && !w.itWord
}

// gojuon is the kana table in its order, which a hand running over the keys types
// (「あいうえおかきくけこ」).
const gojuon = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"

// mashed reports whether folded text q is keys pressed rather than words: a word with Latin
// letters after kana, no vowel among them and no kanji or katakana after them (「あｓｄｆ」
// 「ふじこｌｐ」: the input method switched halfway), one kana four times or more and nothing else (「ててててて」), or four kana
// or more of the kana table in its order (「あいうえお」).
func mashed(q string) bool {
	flat := strings.ReplaceAll(q, " ", "")
	if utf8.RuneCountInString(flat) >= 4 && strings.Contains(gojuon, flat) {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(flat); utf8.RuneCountInString(flat) >= 4 && strings.Trim(flat, string(r)) == "" {
		return true
	}
	for _, w := range strings.Fields(q) {
		kana, latinAfterKana, vowel, wordsAfter := false, false, false, false
		for _, r := range w {
			switch {
			case kanaScript(r) == 'h':
				kana = true
			case r >= 'a' && r <= 'z':
				latinAfterKana = latinAfterKana || kana
				vowel = vowel || strings.ContainsRune("aeiou", r)
			case japaneseRune(r):
				wordsAfter = wordsAfter || latinAfterKana
			}
		}
		// 「vpnがつながらない」 has its Latin letters first, as a word is written; 「測量用の
		// GNSS受信機の…」 goes on in kanji after them, as a sentence naming a device does, where a
		// hand on the keys goes on in kana (「ｓｄｆさｄｆさｄｆ」)
		if latinAfterKana && !vowel && !wordsAfter {
			return true
		}
	}
	return false
}
