package knowledge

import (
	"math"
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
}

// exampleSecond is how much a topic's second most similar example adds to its best one: two
// near examples are better evidence than one, which may share only incidental words.
const exampleSecond = 0.5

// Match is one ranked topic.
type Match struct {
	Topic      *Topic
	Score      float64 // the raw summed score
	Confidence float64 // probability-like, 0..1, calibrated on the labelled sets
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
	Truncated bool       // the text was longer than the matcher reads
}

// Top returns the best topic, or nil.
func (r Result) Top() *Topic {
	if len(r.Topics) == 0 {
		return nil
	}
	return r.Topics[0].Topic
}

type phrase struct {
	text   string // folded
	topic  int
	weight float64
}

// index is everything the matcher precomputes from a Base.
type index struct {
	fold       folder
	phrases    map[string][]phrase // by the first bigram (or the single rune) of the phrase
	examples   *vectors
	exTopic    []int // topic index of each example
	docs       *vectors
	cases      *vectors
	caseTopic  []int // topic index of each case, -1 when none
	escalate   []string
	people     []string
	asks       []string
	vague      []vagueGroup
	menuWords  map[string]*MenuEntry
	commands   map[string]string // folded word -> command name
	topicCount int
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
}

func buildIndex(b *Base) *index {
	ix := &index{
		fold:       newFolder(b.synonyms),
		phrases:    map[string][]phrase{},
		menuWords:  map[string]*MenuEntry{},
		commands:   map[string]string{},
		topicCount: len(b.topics),
		p:          defaultParams,
	}
	norm := func(s string) string { return ix.fold.fold(Normalize(s)) }
	topicPos := map[string]int{}
	for i, t := range b.topics {
		topicPos[t.ID] = i
	}

	// Phrases: how many topics use each one decides its weight.
	perTopic := make([]map[string]bool, len(b.topics))
	df := map[string]int{}
	for i, t := range b.topics {
		perTopic[i] = map[string]bool{}
		for _, w := range append([]string{t.Title, t.Label}, t.Words...) {
			if f := norm(w); f != "" && !perTopic[i][f] {
				perTopic[i][f] = true
				df[f]++
			}
		}
	}
	for i := range b.topics {
		for f := range perTopic[i] {
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
		for _, e := range t.Examples {
			exDocs = append(exDocs, []field{{norm(e), 1}})
			ix.exTopic = append(ix.exTopic, i)
		}
		doc := []field{{norm(t.Title), 2}, {norm(t.Scope), 1}}
		for _, w := range t.Words {
			doc = append(doc, field{norm(w), 1})
		}
		for _, q := range t.Questions {
			doc = append(doc, field{norm(q.Ask), 0.5})
		}
		topicDocs = append(topicDocs, doc)
	}
	for _, c := range b.cases {
		caseDocs = append(caseDocs, []field{{norm(c.Subject), 2}, {norm(c.Body), 1}, {norm(c.Keywords), 2}})
		pos, ok := topicPos[c.Topic]
		if !ok {
			pos = -1
		}
		ix.caseTopic = append(ix.caseTopic, pos)
	}
	ix.examples, ix.docs, ix.cases = newVectors(exDocs), newVectors(topicDocs), newVectors(caseDocs)
	ix.scratch.New = func() any {
		return &scratch{examples: make([]float64, len(ix.exTopic)), cases: make([]float64, len(ix.caseTopic))}
	}

	for _, m := range b.menu {
		for _, w := range m.Words {
			f := norm(w)
			if m.Action == "escalate" {
				ix.escalate = append(ix.escalate, f)
			} else {
				ix.menuWords[f] = m
			}
		}
		if m.Action == "escalate" {
			for _, w := range m.People {
				ix.people = append(ix.people, norm(w))
			}
			for _, w := range m.Asks {
				ix.asks = append(ix.asks, norm(w))
			}
		}
	}
	for _, g := range b.vague {
		var vg vagueGroup
		for _, w := range g.Words {
			vg.words = append(vg.words, norm(w))
		}
		for _, id := range g.Topics {
			vg.topics = append(vg.topics, topicPos[id])
		}
		ix.vague = append(ix.vague, vg)
	}
	for name, words := range b.commands {
		for _, w := range words {
			ix.commands[norm(w)] = name
		}
	}
	return ix
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

// Fold returns text as the matcher reads it: normalised and with synonyms folded.
func (b *Base) Fold(text string) string { return b.index.fold.fold(Normalize(text)) }

// Command returns the name of the steering command (restart, back, cancel, help) that text is,
// or "" when it is not exactly one of the command words.
func (b *Base) Command(text string) string { return b.FoldedCommand(b.Fold(text)) }

// FoldedCommand is Command for a text that Fold has folded already.
func (b *Base) FoldedCommand(folded string) string { return b.index.commands[folded] }

// Search ranks the topics for a free text and says how sure it is.
func (b *Base) Search(text string) Result {
	ix := b.index
	var res Result
	if utf8.RuneCountInString(text) > ix.p.maxRunes {
		text = string([]rune(text)[:ix.p.maxRunes])
		res.Truncated = true
	}
	q := b.Fold(text)
	if q == "" {
		return res
	}
	res.Escalate = ix.asksForPerson(q)
	ix.rank(b, q, ix.signals(q), ix.p, &res)
	return res
}

// rank turns the signals into ranked topics and the decision, with parameters p (the tuning
// test varies them).
func (ix *index) rank(b *Base, q string, s signals, p params, res *Result) {
	vague := ix.vagueTopics(q)
	scores := make([]float64, ix.topicCount)
	for t := range scores {
		scores[t] = p.phraseWeight*s.phrase[t] + p.exampleWeight*s.example[t] + p.docWeight*s.doc[t] + p.caseWeight*s.cases[t]
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return scores[order[i]] > scores[order[j]] })

	// Softmax over topics plus "none": a calibrated share of belief for each topic.
	sum := math.Exp(p.noneScore / p.temperature)
	for _, sc := range scores {
		sum += math.Exp(sc / p.temperature)
	}
	conf := func(i int) float64 { return math.Exp(scores[i]/p.temperature) / sum }
	top := scores[order[0]]
	add := func(i int) {
		res.Topics = append(res.Topics, Match{Topic: b.topics[i], Score: scores[i], Confidence: conf(i)})
	}
	tooVague := len(vague) > 0 && s.phrase[order[0]] == 0 && utf8.RuneCountInString(q) < p.vagueRunes
	if !hasJapanese(q) && s.phrase[order[0]] == 0 {
		// Latin letters that are none of the topics' words (qwerty, asdf): employees write
		// Japanese, and bigram overlap with romaji is noise.
		top = 0
	}
	if top >= p.floor && conf(order[0]) >= p.confident && !tooVague {
		res.Confident = true
		for _, i := range order[:5] {
			if scores[i] > 0 {
				add(i)
			}
		}
		return
	}
	// Not sure: offer the topics that scored close to the top, then those the generic words of
	// the text point at (メール → phishing, spam, bec ...), at most three.
	if top < p.floor && len(vague) == 0 {
		res.Menu = ix.menuWords[q]
		return
	}
	picked := map[int]bool{}
	sort.SliceStable(vague, func(i, j int) bool { return scores[vague[i]] > scores[vague[j]] })
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
	if tooVague {
		// a short, generic text: what its generic words point at comes first
		offer(vague, false)
		offer(order, true)
	} else {
		offer(order[:3], true)
		offer(vague, false)
	}
}

// hasJapanese reports whether folded text holds kana or kanji of the blocks Japanese is typed in
// (U+3040-30FF, U+3400-4DBF, U+4E00-9FFF). It is deliberately not unicode.In(r, unicode.Hiragana,
// unicode.Katakana, unicode.Han): those tables also hold 々, ㇰ-ㇿ and the kanji beyond the BMP
// (about 70,000 code points that answer differently after Normalize), which would change what the
// Latin-noise rule in rank lets through.
func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30ff || r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf {
			return true
		}
	}
	return false
}

// asksForPerson recognises a request for a person: one of the escalate phrases, or a word for a
// person followed within a few characters by a word asking for them.
func (ix *index) asksForPerson(q string) bool {
	for _, w := range ix.escalate {
		if strings.Contains(q, w) {
			return true
		}
	}
	return near(q, ix.people, ix.asks) || near(q, ix.asks, ix.people)
}

// near reports whether a word of first is followed within a few characters by a word of then:
// "職員の方と話したい" (person, then ask) or "相談できる人" (ask, then person).
func near(q string, first, then []string) bool {
	const window = 12 // bytes between the end of one word and the other: about four characters
	for _, p := range first {
		for from := 0; ; {
			i := strings.Index(q[from:], p)
			if i < 0 {
				break
			}
			end := from + i + len(p)
			rest := q[end:min(len(q), end+window+12)]
			for _, a := range then {
				if j := strings.Index(rest, a); j >= 0 && j <= window {
					return true
				}
			}
			from = end
		}
	}
	return false
}

// vagueTopics returns the topics of every vague group whose words occur in q.
func (ix *index) vagueTopics(q string) []int {
	seen := map[int]bool{}
	var out []int
	for _, g := range ix.vague {
		for _, w := range g.words {
			if strings.Contains(q, w) {
				for _, t := range g.topics {
					if !seen[t] {
						seen[t] = true
						out = append(out, t)
					}
				}
				break
			}
		}
	}
	return out
}

// signals are the four per-topic scores before weighting.
type signals struct {
	phrase, example, doc, cases []float64
}

func (ix *index) signals(q string) signals {
	n := ix.topicCount
	all := make([]float64, 6*n) // the four signals, then two working rows
	s := signals{phrase: all[:n:n], example: all[n : 2*n : 2*n], doc: all[2*n : 3*n : 3*n], cases: all[3*n : 4*n : 4*n]}
	best, second := all[4*n:5*n], all[5*n:]
	// Phrases found in the text. The best phrase counts fully, further ones less, so a topic with
	// a long list does not win by volume.
	seen := map[*phrase]bool{}
	for pos := 0; pos < len(q); {
		_, n1 := utf8.DecodeRuneInString(q[pos:])
		_, n2 := utf8.DecodeRuneInString(q[pos+n1:])
		rest := q[pos:]
		for _, key := range []string{rest[:n1+n2], rest[:n1]} {
			cands := ix.phrases[key]
			for k := range cands {
				p := &cands[k]
				if seen[p] || !strings.HasPrefix(rest, p.text) {
					continue
				}
				seen[p] = true
				if p.weight > best[p.topic] {
					s.phrase[p.topic] += 0.3 * best[p.topic]
					best[p.topic] = p.weight
				} else {
					s.phrase[p.topic] += 0.3 * p.weight
				}
			}
			if n2 == 0 {
				break
			}
		}
		pos += n1
	}
	for t := range s.phrase {
		// saturate: one specific phrase is strong evidence, a pile of them is not much more
		s.phrase[t] = 1 - math.Exp(-(s.phrase[t]+best[t])/3)
	}

	grams := gramCounts(q)
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
