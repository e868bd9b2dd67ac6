package knowledge

import (
	"math"
	"math/bits"
	"slices"
	"sync"
	"unicode/utf8"
)

// learned is the second reading of a message: which topic its character sequences make most
// likely, learnt at load time from every text the knowledge labels with a topic (the topics'
// words and examples and the labelled messages of labelled/*.tsv). It is a naive Bayes model
// over the one-, two- and three-character sequences of the folded text (a Latin word counts as
// one unit, and a long one also by its first letters), each counted once per text. Besides the
// topics it knows two more classes: the person, learnt from the labelled requests for a person
// (label escalate), which people word in more ways than a list of phrases holds (「詳しい方から
// 折り返しをいただけると」, "is there a human I can ring"), and the social turn (label social),
// so that a polite thanks the rules' words miss is not taken for the polite request for a
// person it most resembles.
//
// It reads differently from the rules of signals and rank: the rules know what a word means
// (a denial, a situation, a plan), the statistics know how people who wrote about a topic
// happened to put it, including words nobody listed. Where the two agree the bot can answer
// at once; where they disagree it asks. Measured by leaving each labelled file out in turn
// (TestRegisterQuality, registerSet), not by reading held-out sets.
type learned struct {
	// parts are the model's sequences in two halves, the short ones (one and two characters,
	// Latin words) and the three-character ones, learnt at once on two cores: naive Bayes adds
	// the evidence of each sequence on its own, so the halves read as one model
	// (TestLearnedHalvesReadAsOne).
	parts []learnedPart
	outcomeClasses
	// base is, by topic, the log-probability of a sequence none of its texts holds.
	base []float64
	// scratch holds *bestScratch for best: readings run concurrently.
	scratch sync.Pool
}

// learnedPart is one half of the learned model (learned.parts).
type learnedPart struct {
	grams gramTable // sequence key (appendGramKeys) -> index into start
	// The topics whose texts hold sequence i are topic[start[i]:start[i+1]], and weight says
	// for each how much more likely the sequence is under it than under a topic none of whose
	// texts holds it: log(1+n/learnedAlpha) for a sequence n of its texts hold.
	start  []int32
	topic  []uint16
	weight []float32
}

// The kinds of sequence key, by which the learned model is cut in parts: part i holds the keys
// of kind i. allKeys is every kind, for a model of one part.
const (
	shortKeys   = 0 // one and two characters, Latin words and stems
	trigramKeys = 1 // three characters
	allKeys     = -1
)

// keyKind is the kind of sequence key k (runeKey, latinKey, stemKey).
func keyKind(k uint64) int {
	if k>>63 == 0 && k&(1<<21-1) != 0 { // a third rune
		return trigramKeys
	}
	return shortKeys
}

// learnedAlpha is the smoothing: the count a sequence gets under a topic none of whose texts
// holds it. Small, because the labelled texts are few and short: a sequence seen under one
// topic only is strong evidence. Chosen by leaving tuning files out (0.02 of 0.005-1).
const learnedAlpha = 0.02

// learnedSure is how sure the learned reading must be (its posterior for its best topic) to
// count: naive Bayes is overconfident, so only near-certainty is evidence. Chosen by leaving
// tuning files out: 0.99 of 0.99-0.9999 (with twenty files, 0.999 left 5 more confident wrong
// answers and 7 fewer right first readings).
const learnedSure = 0.99

// learnedOrders is how sure the learned reading must be of a topic, short of learnedSure, to put
// it first among the choices the rules offer when they ask: surer of it than of all other classes
// together. Chosen by leaving tuning files out: 699 missed lines of 16,675 without it, 690 at 0.3
// to 0.5, 691 at 0.8, 693 at 0.9, 696 at 0.95; adding the office-matters topic the rules did not
// offer took 4 more (686), adding any other topic lost 4; keeping a topic the rules read by a
// word of its own above one they read by none, 2 more (684). A question of one topic is left as
// the rules ask it.
const learnedOrders = 0.5

// learnedMinRunes is how long a text must be for the learned reading to count at all: on a few
// characters (「不正アクセスされた」) it is sure of whichever topic's texts happen to share them.
const learnedMinRunes = 10

// learnedAdd and addRunes are how sure the learned reading must be, and how long the text, for
// it to add a topic to the rules' question that the rules did not offer. Chosen on two tuning
// files read before their misses were (0.99999 and 15; 0.999 and 10 did as well).
const (
	learnedAdd = 0.99999
	addRunes   = 15
)

// learnedSocial is the social turn (understanding.yaml's social ids) a turn the learned reading
// reads as social is taken for: an acknowledgement, whose reply keeps the conversation where it
// is, fits a thanks, an "ok" and a "sorry" alike.
const learnedSocial = "ack"

// longRunes is how long a text must be for the two readings' agreement to answer it without a
// topic word or anything happening in it: a long text gives the learned reading evidence enough
// (chosen on the left-out tuning files: 60 moved no answer to a wrong one, 40 three).
const longRunes = 60

// maxOffered is how many topics a question offers at most.
const maxOffered = 3

// rulesSure is the rules' confidence past which the learned reading does not overturn their
// answer: the top topic leads by about one strong topic word of its own (2.3 points), and
// what the statistics see is then the incidental rest of the sentence (「会社のサーバーが
// 不正アクセスされた」 reads as reporting an incident, because people who report incidents
// write that).
const rulesSure = 0.9999

// agreedRunes is how long a text must be for the learned reading's agreement to turn the rules'
// question into an answer: a short text is what people write when they do not yet know what
// is wrong, and asking it costs little.
const agreedRunes = 20

// outcomeClasses are the classes of the learned reading that are not topics, numbered after
// them; -1 when the knowledge labels no such message.
type outcomeClasses struct {
	person int // requests for a person
	social int // greetings, thanks, acknowledgements
}

// newLearned learns from texts, by class: texts[i] are the folded texts of class i (at most
// 65,536 classes); outcomes says which classes are not topics. The two parts are learnt on two
// goroutines: learning is the tail of a load, which the other core would otherwise wait out.
func newLearned(texts [][]string, outcomes outcomeClasses) *learned {
	m := &learned{parts: make([]learnedPart, 2), base: make([]float64, len(texts)), outcomeClasses: outcomes}
	var trigrams partCounts
	done := make(chan struct{})
	go func() {
		trigrams = m.parts[trigramKeys].learn(texts, trigramKeys)
		close(done)
	}()
	short := m.parts[shortKeys].learn(texts, shortKeys)
	<-done
	m.setBase(short, trigrams)
	return m
}

// newLearnedWhole is newLearned with the model in one part, learnt on one goroutine: what the
// halves must read as.
func newLearnedWhole(texts [][]string, outcomes outcomeClasses) *learned {
	m := &learned{parts: make([]learnedPart, 1), base: make([]float64, len(texts)), outcomeClasses: outcomes}
	m.setBase(m.parts[0].learn(texts, allKeys))
	return m
}

// partCounts is what learning one part counted: how many sequences it holds, and by class how
// many (sequence, text) pairs its texts hold.
type partCounts struct {
	sequences int
	totals    []float64
}

// setBase sets the base log-probabilities from the counts of every part.
func (m *learned) setBase(parts ...partCounts) {
	m.scratch.New = func() any { return new(bestScratch) }
	v := 0.0
	totals := make([]float64, len(m.base))
	for _, c := range parts {
		v += float64(c.sequences)
		for i, t := range c.totals {
			totals[i] += t
		}
	}
	for i, total := range totals {
		m.base[i] = math.Log(learnedAlpha / (total + learnedAlpha*v))
	}
}

// learn learns p from the sequences of kind kind (allKeys for every kind) of texts, by class.
//
// It runs on every load, over about 11,000 texts, so it avoids the obvious shapes: sequences are
// counted once per text by remembering the last text that held each (no sort), counted per
// topic in one array of counts, and the (sequence, topic, count) entries are laid out by
// sequence with a counting sort.
func (p *learnedPart) learn(texts [][]string, kind int) partCounts {
	size := 0 // bytes of text: about the number of sequences, three per character of three bytes
	for _, list := range texts {
		for _, text := range list {
			size += len(text)
		}
	}
	if kind != allKeys {
		size /= 2
	}
	p.grams = newGramTable(size / 12)
	type entry struct {
		gram  int32
		topic uint16
		n     uint16 // texts of the topic holding the sequence, at most 65,535 counted
	}
	var (
		count   = make([]int32, 0, size/12) // by sequence: how many of the current topic's texts hold it
		touched []int32                     // the sequences the current topic's texts hold
		entries = make([]entry, 0, size/5)
		keys    []uint64
		textNo  int32
	)
	totals := make([]float64, len(texts))
	for topic, list := range texts {
		for _, text := range list {
			textNo++
			keys = appendKeysOfKind(keys[:0], text, kind)
			for _, k := range keys {
				s := p.grams.add(k, int32(len(count)))
				if s.id == int32(len(count)) {
					count = append(count, 0)
				}
				if s.last == textNo {
					continue
				}
				s.last = textNo
				id := s.id
				if count[id] == 0 {
					touched = append(touched, id)
				}
				count[id]++
				totals[topic]++
			}
		}
		for _, id := range touched {
			entries = append(entries, entry{id, uint16(topic), uint16(min(count[id], math.MaxUint16))})
			count[id] = 0
		}
		touched = touched[:0]
	}
	// counting sort by sequence; a sequence's entries stay in topic order
	n := len(count)
	p.start = make([]int32, n+1)
	for _, e := range entries {
		p.start[e.gram+1]++
	}
	for i := 1; i <= n; i++ {
		p.start[i] += p.start[i-1]
	}
	p.topic = make([]uint16, len(entries))
	p.weight = make([]float32, len(entries))
	next := slices.Clone(p.start[:n])
	var weights [64]float32 // log1p(n/alpha) for the small counts nearly every entry has
	for c := range weights {
		weights[c] = float32(math.Log1p(float64(c) / learnedAlpha))
	}
	for _, e := range entries {
		at := next[e.gram]
		next[e.gram]++
		p.topic[at] = e.topic
		if int(e.n) < len(weights) {
			p.weight[at] = weights[e.n]
		} else {
			p.weight[at] = float32(math.Log1p(float64(e.n) / learnedAlpha))
		}
	}
	return partCounts{sequences: n, totals: totals}
}

// best returns the class the folded text makes most likely and its posterior probability
// (classes equally likely beforehand); -1 when the text holds no sequence the model knows.
func (m *learned) best(text string) (int, float64) {
	s := m.scratch.Get().(*bestScratch)
	defer m.scratch.Put(s)
	if s.stamp == nil {
		s.stamp, s.logp = make([][]uint32, len(m.parts)), make([]float64, len(m.base))
		for i, p := range m.parts {
			s.stamp[i] = make([]uint32, len(p.start)-1)
		}
	}
	if s.gen++; s.gen == 0 { // wrapped: old stamps would look current
		for _, stamp := range s.stamp {
			clear(stamp)
		}
		s.gen = 1
	}
	clear(s.logp)
	logp := s.logp
	var buf [256]uint64
	known := 0
	for _, k := range appendGramKeys(buf[:0], text) {
		part := 0
		if len(m.parts) > 1 {
			part = keyKind(k)
		}
		p, stamp := &m.parts[part], s.stamp[part]
		id := p.grams.find(k)
		if id < 0 || stamp[id] == s.gen {
			continue // unknown to every class (no evidence), or counted already: once per text
		}
		stamp[id] = s.gen
		known++
		for e := p.start[id]; e < p.start[id+1]; e++ {
			logp[p.topic[e]] += float64(p.weight[e])
		}
	}
	if known == 0 {
		return -1, 0
	}
	top := 0
	for i := range logp {
		logp[i] += float64(known) * m.base[i]
		if logp[i] > logp[top] {
			top = i
		}
	}
	sum := 0.0
	for _, lp := range logp {
		sum += math.Exp(lp - logp[top])
	}
	return top, 1 / sum
}

// bestScratch is what one reading needs besides the model, kept between readings: by sequence,
// the number of the reading that last counted it (gen), by part, and by class the
// log-likelihoods.
type bestScratch struct {
	stamp [][]uint32
	gen   uint32
	logp  []float64
}

// gramTable maps sequence keys to ids: an open-addressing hash table with linear probing, about
// four times faster than a Go map for the million lookups of a load. Keys are never 0 (a
// sequence holds at least one rune, and a Latin word's key has its top bit set), so 0 marks an
// empty slot. It grows at three quarters full: with Fibonacci hashing the probes stay short,
// and the larger part of a load's model (about 70,000 three-character sequences) fits 131,072
// slots without growing. A slot holds what learning reads of a sequence at every occurrence
// (its id and the last text that held it), so that an occurrence costs one cache line rather
// than one per array: learning got a third faster for 4 bytes a slot (about 1 MiB) kept after.
type gramTable struct {
	slots []gramSlot
	n     int
	shift uint // 64 - log2(len(slots))
}

// gramSlot is one slot of a gramTable.
type gramSlot struct {
	key  uint64
	id   int32
	last int32 // while learning: the last text (numbered from 1) that held the sequence
}

func newGramTable(expect int) gramTable {
	size := 1 << 10
	for 3*size < 4*expect {
		size <<= 1
	}
	return gramTable{slots: make([]gramSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

// slot is where key k's probe starts: Fibonacci hashing, the key's top bits after a multiply.
func (t *gramTable) slot(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> t.shift) }

// find returns k's id, or -1.
func (t *gramTable) find(k uint64) int32 {
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.slots[i].key {
		case k:
			return t.slots[i].id
		case 0:
			return -1
		}
	}
}

// add returns k's slot, giving it id when it has none. The slot is valid until the next add.
func (t *gramTable) add(k uint64, id int32) *gramSlot {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch s.key {
		case k:
			return s
		case 0:
			s.key, s.id = k, id
			t.n++
			return s
		}
	}
}

func (t *gramTable) grow() {
	bigger := newGramTable(len(t.slots))
	for _, s := range t.slots {
		if s.key != 0 {
			*bigger.add(s.key, s.id) = s
		}
	}
	*t = bigger
}

// appendGramKeys appends to keys the sequences of folded text: every one-, two- and
// three-character sequence inside each space-separated word that holds Japanese, and each other
// word whole (a Latin word's letters say little one by one) and, when longer than latinStem
// letters, by its first latinStem letters too. A sequence may come more than once.
func appendGramKeys(keys []uint64, text string) []uint64 {
	return appendKeysOfKind(keys, text, allKeys)
}

// appendKeysOfKind is appendGramKeys keeping only the keys of kind kind (keyKind; allKeys for
// every one). Words are cut at ASCII spaces, the only separator a folded text holds (FuzzFold);
// the cut is by bytes, since learning reads every labelled text twice.
func appendKeysOfKind(keys []uint64, text string, kind int) []uint64 {
	short, trigrams := kind != trigramKeys, kind != shortKeys
	for start := 0; start < len(text); {
		end := start
		for end < len(text) && text[end] != ' ' { // words are short: a loop beats IndexByte
			end++
		}
		word := text[start:end]
		start = end + 1
		if word == "" {
			continue
		}
		if !HasJapanese(word) {
			if !short {
				continue
			}
			keys = append(keys, latinKey(word))
			if len(word) > latinStem {
				// "encrypted" and "encryption", "phishing" and "phished" meet
				keys = append(keys, stemKey(word[:latinStem]))
			}
			continue
		}
		var r0, r1 rune // the two runes before c
		n := 0
		for _, c := range word {
			n++
			if short {
				keys = append(keys, runeKey(c, 0, 0))
				if n >= 2 {
					keys = append(keys, runeKey(r1, c, 0))
				}
			}
			if trigrams && n >= 3 {
				keys = append(keys, runeKey(r0, r1, c))
			}
			r0, r1 = r1, c
		}
	}
	return keys
}

// runeKey packs up to three runes (21 bits each; 0 for none) into a key whose top bit is clear.
func runeKey(a, b, c rune) uint64 {
	return uint64(a)<<42 | uint64(b)<<21 | uint64(c)
}

// latinStem is how many first letters of a long Latin word count as a key of their own: a
// crude stem, chosen by leaving tuning files out (the learned reading alone on English, 96.5% →
// 97.8%, and romaji left in Latin letters; 5 of 4-6 letters).
const latinStem = 5

// latinKey is a word's key: its 64-bit FNV-1a hash with the top bit set, apart from runeKey's.
func latinKey(word string) uint64 {
	return fnv1a(word) | 1<<63
}

// stemKey is the key of a word's first letters: their hash with one more byte, a space, which
// no word holds, so that the stem "phish" and the word "phish" differ.
func stemKey(stem string) uint64 {
	return (fnv1a(stem)^' ')*1099511628211 | 1<<63
}

func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// secondReading weighs the learned reading of the masked text (its denied clauses removed)
// against the rules' result, when the text is long enough and the learned reading is sure:
//   - it reads a request for a person the rules' phrases missed, in a text that asks for
//     something (menu.yaml's requests and asks), declines no person and is no follow-up question:
//     the bot hands over, with the topics the rules read;
//   - it reads a social turn the rules' words missed, in which they found nothing else and
//     which asks no question: an acknowledgement;
//   - the rules found no topic ("our files cannot be opened and there is a note asking for
//     bitcoin", hiragana without a word they know): its topic is offered, a question rather
//     than "I do not understand";
//   - the rules are sure of another topic, though not beyond rulesSure: the bot asks between
//     the two, the rules' topic first unless only the learned one is urgent or the learned
//     reading is surer still (learnedAdd: on the tuning files, each left out, its topic was
//     the right one 111 times where the rules' was 40);
//   - the rules are unsure and offer the learned topic among others: it is offered first; one
//     they do not offer is added first only when the learned reading is surer still and the
//     text longer (learnedAdd, addRunes: on a vague text, 「メールのことで相談があります」, the
//     statistics are sure of whatever topic's people wrote 「相談があります」), never above the
//     off-topic topic the rules read first (an office matter shares grammar with IT ones), and
//     without its first action above the question when it is urgent and nothing is happening
//     in the text (Result.IncidentFirst);
//   - in the two cases above, the learned topic goes second instead of first where the writer
//     ruled its incident out as merely a fault (Why.Merely), or where an incident is happening
//     and the calmer topic's wish comes after a later word (「あとで補助金の話も」);
//   - the writer cannot tell what it is (Why.Unsure) and the rules read an incident first: the
//     calm topic the learned reading is sure of (a fault) is offered second, never first;
//   - it is sure of the off-topic topic where the rules found no IT word but read another topic
//     into the text: the off-topic topic is offered first, as a question;
//   - both point at the same urgent topic, the text is not short and the rules found a word of
//     a topic or something happening in it, or it is long (longRunes): the bot answers
//     ("something weird is happening with my computer" is asked about).
//
// Social turns, requests the rules read for a person or to the desk itself (an intent of
// understanding.yaml leading to helpdesk-request) are left alone. A text that opens a consultation
// in words of understanding.yaml's openers (「相談があります」) is read as social only beside a
// closing word (thanks, resolved), and an incident read only in its wording is not offered.
func (ix *index) secondReading(b *Base, masked string, res *Result) {
	if ix.learned == nil || res.Social != "" || res.Escalate || ix.intentTopic(res.Why.Intent) == HelpdeskTopic {
		return // a request to the desk itself (a lecturer, the guidebook) says what it wants
	}
	runes := utf8.RuneCountInString(masked)
	if runes < learnedMinRunes {
		return
	}
	// A question for a desk's number (「電話番号を教えてください」) reads like a request for a
	// person; the rules know it as a follow-up for the desks. A question of the other kind
	// ("hito to hanasu houhou wo oshiete kudasai") may still ask for one. A text that asks for
	// nothing (「社内の担当者に聞いてみます」) or declines a person is no request either.
	mayAsk := (res.Why.Followup == "" || res.Why.Followup == questionFollowup) && !res.Why.declined && res.Why.asksSomeone && !res.Why.advised
	// A polite turn the rules' social words miss (「説明めっちゃわかりやすかったです、さすがで
	// す」, "you're a lifesaver") is acknowledged only when the rules found nothing else in it
	// either and it asks nothing (「ありがとうございます、でもまだ不安です。本当に大丈夫でしょ
	// うか」). Saying one will now call (「ありがとうございます、電話してみます」) is such a turn.
	maySocial := len(res.Why.Phrases) == 0 && len(res.Situations) == 0 && (res.Why.Followup == "" || res.Why.Followup == leavingFollowup) &&
		res.Why.Intent == "" && !res.Why.question && (!res.Why.opens || res.Why.socialWord != "")
	// Past rulesSure, what the statistics see of a topic is the incidental rest of the sentence.
	rulesSettled := len(res.Topics) > 0 && res.Confident && res.Topics[0].Confidence >= rulesSure
	if rulesSettled && !mayAsk && !maySocial {
		return // nothing the learned reading could say would change the result
	}
	t, p := ix.learned.best(masked)
	res.learnedP = p
	if t >= 0 && t < len(ix.topicIDs) && p < learnedSure && p >= learnedOrders && !res.Confident && len(res.Topics) > 1 {
		// Not sure enough to count as a reading, but surer of one topic than of all others
		// together: where the rules ask anyway, their choices are put in its order. The
		// office-matters topic the rules did not offer is added first, so that an office or life
		// matter offers "not an IT matter" before three topics its grammar resembles. A topic the
		// rules read by a word of its own is not put below one they read by none (「侵入されたので
		// 被害届を出したい」 names the police report; the statistics lean to a report to IPA).
		pos := slices.IndexFunc(res.Topics, func(m Match) bool { return m.Topic == b.topics[t] })
		if pos > 0 && (res.Named(ix.topicIDs[t]) || !res.Named(res.Topics[0].Topic.ID)) || pos < 0 && ix.topicIDs[t] == ix.read.offTopic {
			ix.offer(b, res, t, pos, 0, maxOffered)
		}
		return
	}
	switch {
	case t < 0 || p < learnedSure:
		return
	case t == ix.learned.person:
		if mayAsk {
			// the topics stay, so that a request about a known matter is handed over with it
			res.Escalate, res.Why.Learned = true, escalateLabel
		}
		return
	case t == ix.learned.social:
		if maySocial {
			res.Social, res.Topics, res.Why.Learned = learnedSocial, nil, socialLabel
		}
		return
	case len(res.Topics) == 0 && res.Opener && res.Why.opens && ix.urgent[t]:
		// 「むすこに いわれて このらいんに れんらく しました」: the incident the statistics read
		// is in the wording of how the person came here, which some topic's writers share; a
		// calm topic they are sure of, in words the rules do not know, is still offered
		return
	case len(res.Topics) == 0:
		res.Why.Learned = ix.topicIDs[t]
		ix.offer(b, res, t, -1, 0, maxOffered)
		res.Opener = false // the learned reading names the matter
		return
	case rulesSettled:
		return
	}
	res.Why.Learned = ix.topicIDs[t]
	// the rules read an incident first, the statistics a calmer topic
	calmAfterIncident := len(res.Topics) > 0 && res.Topics[0].Topic.Urgent && !ix.urgent[t]
	// The learned topic goes second at most where the writer ruled its incident out as merely a
	// fault (Why.Merely: the statistics read the fault's words as the incident's), or where an
	// incident is happening and the calmer topic's wish comes after a later word (「ランサムウェア
	// にやられた。あとで補助金の話も」: the statistics read the wish) or before a rather word that
	// names the incident (「お助け隊ってどこに頼めば？あ、今まさに総当たりのログインが」).
	second := res.Why.Merely && ix.urgent[t] || res.Why.Now && res.Why.secondAt >= 0 && calmAfterIncident ||
		res.Why.event && !res.Why.over && res.Why.firstEnds >= 0 && res.Why.namedFirst && calmAfterIncident ||
		res.Why.OffTopic && res.Why.usage && len(res.Topics) > 0 && res.Topics[0].Topic.ID == ix.read.offTopic
	pos := slices.IndexFunc(res.Topics, func(m Match) bool { return m.Topic == b.topics[t] })
	if res.Why.Unsure && pos != 0 && calmAfterIncident {
		// 「ランサムウェアなのか故障なのか分からない」: the statistics read the doubt's wording,
		// which fault reports share; the incident the rules read first stays first, the fault
		// second (one the rules did not offer only where the learned reading is surer still)
		if ix.topicIDs[t] != ix.read.offTopic && (pos > 0 || p >= learnedAdd) {
			res.Confident = false
			ix.offer(b, res, t, pos, 1, maxOffered)
		}
		return
	}
	switch {
	case pos != 0 && ix.topicIDs[t] == ix.read.offTopic && !res.Why.itWord:
		// an office or life matter, sure, in which the rules found no IT word but read a topic
		// into other words (「中古車オークションの落札相場を調べる方法」): offered first, asked
		res.Confident = false
		ix.offer(b, res, t, pos, 0, maxOffered)
	case pos == 0:
		// a topic the writer ruled out (「DDoSじゃないと言われて」) is not confirmed by the
		// statistics, which read its word
		if !res.Confident && ix.urgent[t] && !res.Denies(ix.topicIDs[t]) && runes >= agreedRunes && (len(res.Why.Phrases) > 0 || res.Why.Now || runes >= longRunes) {
			res.Confident, res.Why.Agreed = true, true
		}
		// a calm topic both readings put first, named by a word of its own in a long text that
		// tells one matter, without doubt (「先月ECサイトに不正ログインあり、対応は完了済み。IPAに
		// 不正アクセスの届出を出しておきたい。様式どこ？」): answered, its desk on the first screen. (Shorter
		// texts, or two matters, stay asked: agreement there answered wrong as often as right.)
		if !res.Confident && !ix.urgent[t] && res.Named(ix.topicIDs[t]) && !res.Denies(ix.topicIDs[t]) && runes >= longRunes && !res.TwoMatters() && !res.Why.Hedged && !res.Why.Unsure {
			res.Confident, res.Why.Agreed = true, true
		}
		// an office or life matter both readings agree on, named by one of its own words and no
		// word of IT (「通勤手当って定期代と回数券どっちで計算するのが普通ですか」): answered as
		// what this desk does not handle, not offered as the only choice
		if !res.Confident && ix.topicIDs[t] == ix.read.offTopic && res.Why.OffTopic && res.Why.ownOffTopic {
			res.Confident, res.Why.Agreed = true, true
		}
	case res.Confident && ix.urgent[t] && !res.Topics[0].Topic.Urgent && ix.evenNowIntent(res.Why.Intent) && res.Why.over:
		// the rules read an intent about an incident itself (a report: understanding.yaml's
		// even_now) on one the text says is over (「端末は隔離済み。公的な届出ってどこに出すのが
		// 筋？」): the statistics read the incident's story, the person asks where to report it.
		// (A plan's intent is not enough: 「紛失したときの報告義務を決めておきたい」 is as often
		// about the leak's duties.)
	case res.Confident:
		res.Confident = false
		at := 1
		switch {
		case second:
		case ix.urgent[t] && !res.Topics[0].Topic.Urgent && !(res.Why.Intent != "" && res.Why.over):
			// an incident comes first: a ransom screen read as spam mail by the rules; not one
			// that is over, beside the plan the text makes (「ランサムの被害後、復旧を頼める業者を
			// 探してます」)
			at = 0
		case p >= learnedAdd && !(ix.urgent[t] && res.Why.Intent != "" && res.Why.over):
			// surer still, the learned reading is right more often than the rules below
			// rulesSure: a plan read as the threat it names (「サイバー保険はランサムウェアの
			// 身代金も補償されますか」), a buyer's fraud read as the fake shop, an office matter
			// that names an IT word (「給与振込の口座を変更したい」); not an incident that is over
			// beside the plan the text makes, however sure
			at = 0
		}
		// first where the rules read a plan and nothing happening ("How should I educate
		// employees about ransomware?"): without its first action above the question
		res.unread = at == 0 && res.Why.Intent != "" && !res.Why.Now
		// the question is between these two: a third topic would only blur it
		ix.offer(b, res, t, pos, at, 2)
	case pos > 0 && second:
		ix.offer(b, res, t, pos, 1, maxOffered)
	case pos > 0:
		// the rules' question (at most three topics) with the learned topic first
		ix.offer(b, res, t, pos, 0, maxOffered)
	case p >= learnedAdd && runes >= addRunes && res.Topics[0].Topic.ID != ix.read.offTopic:
		// the rules' question with the learned topic added first, still at most three; an
		// incident the rules did not think of, in a text where nothing is happening (「該当サー
		// バは隔離済み。どこに報告すべき？」), without its first action above the question
		ix.offer(b, res, t, -1, 0, maxOffered)
		res.unread = ix.urgent[t] && !res.Why.Now
	}
}

// offer moves the learned topic t to position at of res's question, which keeps at most most
// topics; pos is where the rules ranked t, -1 when they did not (it is then added with the score
// they gave it).
func (ix *index) offer(b *Base, res *Result, t, pos, at, most int) {
	var m Match
	if pos < 0 {
		m = ix.match(b, res, t)
	}
	res.Topics = placeTopic(res.Topics, pos, at, m)
	res.Topics = res.Topics[:min(len(res.Topics), most)]
}

// HelpdeskTopic is the topic of requests to the desk itself (the topic contract): a lecturer, the
// guidebook, a seminar. Its answer says the desk's staff take such requests.
const HelpdeskTopic = "helpdesk-request"

// evenNowIntent reports whether intent id holds while something is happening (understanding.yaml's
// even_now: a report).
func (ix *index) evenNowIntent(id string) bool {
	return slices.ContainsFunc(ix.read.intents, func(c cueList) bool { return c.id == id && id != "" && c.evenNow })
}

// learnedSure reports whether the learned reading is sure of a topic for masked text.
func (ix *index) learnedSure(masked string) bool {
	if ix.learned == nil || utf8.RuneCountInString(masked) < learnedMinRunes {
		return false
	}
	t, p := ix.learned.best(masked)
	return t >= 0 && t < len(ix.topicIDs) && p >= learnedSure
}

// intentTopic is the topic the intent id of understanding.yaml leads to, or "".
func (ix *index) intentTopic(id string) string {
	for _, c := range ix.read.intents {
		if c.id == id && id != "" {
			return c.topic
		}
	}
	return ""
}

// placeTopic moves the match at pos (or m, when pos is -1) to position at. Its confidence is
// brought between its new neighbours', so that the list stays ranked by confidence (ask --json
// shows the confidences as the topics' scores, best first).
func placeTopic(list []Match, pos, at int, m Match) []Match {
	if pos >= 0 {
		m = list[pos]
		list = slices.Delete(list, pos, pos+1)
	}
	at = min(at, len(list))
	if at < len(list) {
		m.Confidence = max(m.Confidence, list[at].Confidence)
	}
	if at > 0 {
		m.Confidence = min(m.Confidence, list[at-1].Confidence)
	}
	return slices.Insert(list, at, m)
}

// learnedTexts are the folded texts of each class of the learned reading: each topic's words
// and examples and the labelled messages with its id as their label, and after the topics the
// labelled requests for a person and social turns, whose classes it returns. All come folded
// already: labelled[i] is the text of b.labelled[i].
func learnedTexts(b *Base, words, examples [][]string, labelled []string) ([][]string, outcomeClasses) {
	texts := make([][]string, len(b.topics))
	pos := make(map[string]int, len(b.topics))
	for i, t := range b.topics {
		pos[t.ID] = i
		texts[i] = append(append(texts[i], words[i]...), examples[i]...)
	}
	byLabel := map[string][]string{}
	for j, m := range b.labelled {
		if i, ok := pos[m.Topic()]; ok {
			texts[i] = append(texts[i], labelled[j])
		} else if m.Label == escalateLabel || m.Label == socialLabel {
			byLabel[m.Label] = append(byLabel[m.Label], labelled[j])
		}
	}
	class := func(label string) int {
		if len(byLabel[label]) == 0 {
			return -1
		}
		texts = append(texts, byLabel[label])
		return len(texts) - 1
	}
	return texts, outcomeClasses{person: class(escalateLabel), social: class(socialLabel)}
}
