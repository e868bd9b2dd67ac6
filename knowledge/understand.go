package knowledge

import (
	"iter"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// understandingFile holds how a message is read beyond the topics' words: denials, planning
// intents, what has already happened, social turns and follow-up questions.
const understandingFile = "understanding.yaml"

// Cue is a named list of words from understanding.yaml: a situation (paid), a social turn
// (thanks), a follow-up (contacts) or an intent (prevention, with the topic it leads to).
type Cue struct {
	ID    string
	Topic string // for an intent: the topic it leads to
	// Topics are, for a situation, where a message saying it happened usually belongs; they
	// count as a weak topic word.
	Topics []string
	Words  []string
	// EvenNow makes an intent apply although the message says something happened: wanting to
	// file a report is about something that happened.
	EvenNow bool
	// Outranks are, for an intent, calm topics whose own words in a plan are only its subject
	// (a company rule for passwords is prevention's, though passwords are general security's):
	// the intent's topic is raised above them. Other calm topics named by their own words make
	// the plan a question of their own (テレワーク規程). Optional.
	Outranks []string
	// Lines are, for a follow-up, the words of the answer's lines that answer it (the inside
	// follow-up, 「上司に言うべき？」, is answered by the steps that name 上司 or 責任者; a demand
	// by the step that says not to pay).
	Lines []string
}

// Understanding is the content of understanding.yaml.
type Understanding struct {
	NegationAfter  []string
	NegationBefore []string
	NotDenials     []string
	Now            []string
	// When are words of time alone (今日, さっき): they say something is happening as Now's do,
	// but not that an incident has (Why.event).
	When         []string
	Over         []string // the incident is over: intents apply again
	Hypothetical []string // the message is a plan or a what-if: intents apply too
	// Elsewhere are words that say nothing has happened to the writer (「うちはまだ何もないんで
	// すが」) or that the incident told is another company's (同業の会社が): it is someone
	// else's, and intents apply too.
	Elsewhere []string
	// NothingHere are words that say nothing has happened (「今のところ何も起きていません」):
	// read as Elsewhere where the text tells no situation of the writer's (a person who opened
	// an attachment and sees nothing yet is still in an incident).
	NothingHere []string
	// Later are words that put a wish after the incident (「落ち着いたら」): an even_now intent
	// beside them is a second wish, and the incident is read first.
	Later []string
	// Advice are words that, right after a situation's word, ask whether to do it rather than
	// say it was done (「警察に電話したほうがいいですか」 has not called).
	Advice []string
	// WishEndings are endings that, overlapping or right after the end of a situation's word,
	// make it a wish: the た of 入力した begins 入力したい, which has not been typed.
	WishEndings []string
	// Threats are generic words for a threat that name no topic (ハッキング, 攻撃): denied, they
	// rule a threat out as a topic's own word does.
	Threats []string
	// Stuck are words that say the person cannot do something (できない, 変えられない): after an
	// answer, such a message says a step did not work, which the answer does not cover.
	Stuck []string
	// ByPhone are words of a question for the desks that wants to call (「電話で話を聞いてもらえる
	// ところ」): the desks with a phone come first. Optional.
	ByPhone []string
	// Openers open a consultation without saying what about (相談があります, 聞きたいことが): a
	// short text that holds one and names nothing is asked what it is about, with the greeting
	// menu, even where nothing in it is about IT.
	Openers []string
	// Corrections say the bot read the matter wrong (「いや、そうじゃなくて」「さっきのは間違い
	// で」): inside a topic, such a message is the matter told again, read without that topic.
	Corrections []string
	// OutsideTokyo are places outside Tokyo (「横浜の店です」「神奈川県警」): 警視庁 is Tokyo's
	// police, so a person elsewhere is shown the prefectural police's desks beside its cards.
	OutsideTokyo []string
	// Also are words that join a second matter to the first (「…のと、あと」): the dialog offers
	// the other matter named under the answer (Result.TwoMatters).
	Also []string
	// AsCompany are words that say the person acted for the company, not as a private person
	// (「会社の口座から振り込んだ」「法人カードで」): desks that take no companies are then not
	// offered, even after an option marked personal.
	AsCompany []string
	// Introductions end a greeting that says who is writing (「はじめまして、着物レンタルの店を
	// やっている者です」): with nothing else told, such a message is a greeting.
	Introductions []string
	// Rather are words that put what follows them first (「迷惑メールも困るけど、それより」):
	// what came before is the second wish.
	Rather []string
	// Hedges are words of doubt (「かも」「気がする」): a short message hedged on its only
	// evidence is asked about rather than answered.
	Hedges []string
	// ThisOne are words that point at a matter already told (こっち, この件): right after a
	// rather word that ends the text (「…も相談したいですが、まずはこちら」) they put first what
	// was told before the clause holding it, and that clause is the second wish. Optional.
	ThisOne []string
	// NotHedges are words that hold a hedge's letters and doubt nothing (「何とかならない」
	// holds かな): a hedge inside one is not read.
	NotHedges []string
	// NotWishes are words that hold a wish ending's letters and wish nothing (出たいくつか holds
	// たい): a wish ending inside one is not read. Optional.
	NotWishes []string
	// Unsure are words that say the writer cannot tell what it is (「ウイルスなのか故障なのか
	// よくわからない」「判断がつかない」): a message holding one is asked about, unless
	// UnsureTopic is read first. UnsureNot are words that, just before or after one of them,
	// make it a question about what to do instead (「どうしたらいいのかわからない」).
	Unsure    []string
	UnsureNot []string
	// UnsureTopic is the topic whose answer is written for a writer who cannot tell what it is
	// (device trouble): read first, it is answered although the text holds an Unsure word.
	UnsureTopic string
	// Merely are words saying that what the writer feared turned out to be only an ordinary
	// fault (「攻撃ではなく、アクセスが集中してサイトが落ちただけです」): with a denied threat in
	// the text, MerelyTopic is read as if named and the incidents count half.
	Merely      []string
	MerelyTopic string
	// Aftermath are the topics of what is done about an incident (reported, a vendor found):
	// beside an incident told happening by its own words, with no plan, they count half and the
	// incident leads (「ランサムウェアに感染しました。復旧してくれる業者を紹介してほしい」), whose
	// answer names their desks. Optional.
	Aftermath []string
	// SocialFillers are what may be left of a social turn besides its words: polite endings,
	// address, interjections (「誠に」「ございました」).
	SocialFillers []string
	Intents       []Cue
	Situations    []Cue
	Social        []Cue
	Followups     []Cue
	// OffTopic is the topic of a message with no topic word, no vague word and none of
	// ITWords: it is not about IT or security.
	OffTopic string
	ITWords  []string
	// Usage are words of a how-to question (やり方, 使い方, how do I): one that names no topic's
	// word and tells nothing that happened asks how to use everyday software or devices (「Word
	// で表の列の幅を揃えるやり方」), an office matter even where it names IT.
	Usage []string
	// Devices name the device a message is about (a phone: スマホ, iPhone): a topic's first aid
	// may hold a line for one among its situations (a phone has no LAN cable to pull).
	Devices []Cue
}

// Understanding returns how messages are read beyond topic words.
func (b *Base) Understanding() *Understanding { return &b.understanding }

// FollowupLines returns the lines: words of the follow-up id (InsideFollowup), or nil.
func (u *Understanding) FollowupLines(id string) []string {
	if i := slices.IndexFunc(u.Followups, func(c Cue) bool { return c.ID == id }); i >= 0 {
		return u.Followups[i].Lines
	}
	return nil
}

// Situation reports whether id is a situation of understanding.yaml.
func (u *Understanding) Situation(id string) bool { return hasCue(u.Situations, id) }

// hasCue reports whether one of cs has the id.
func hasCue(cs []Cue, id string) bool {
	return slices.ContainsFunc(cs, func(c Cue) bool { return c.ID == id })
}

type rawCue struct {
	ID       string   `yaml:"id"`
	Topic    string   `yaml:"topic"`
	Topics   []string `yaml:"topics"`
	Words    []string `yaml:"words"`
	EvenNow  bool     `yaml:"even_now"`
	Outranks []string `yaml:"outranks"`
	Lines    []string `yaml:"lines"`
}

type rawUnderstanding struct {
	Negation struct {
		After      []string `yaml:"after"`
		Before     []string `yaml:"before"`
		NotDenials []string `yaml:"not_denials"`
	} `yaml:"negation"`
	Now         []string `yaml:"now"`
	When        []string `yaml:"when"`
	Over        []string `yaml:"over"`
	Hypo        []string `yaml:"hypothetical"`
	Elsewhere   []string `yaml:"elsewhere"`
	NothingHere []string `yaml:"nothing_here"`
	Later       []string `yaml:"later"`
	Rather      []string `yaml:"rather"`
	Advice      []string `yaml:"advice"`
	WishEndings []string `yaml:"wish_endings"`
	Threats     []string `yaml:"threats"`
	Stuck       []string `yaml:"stuck"`
	Openers     []string `yaml:"openers"`
	ByPhone     []string `yaml:"by_phone"`
	Corrections []string `yaml:"corrections"`
	Outside     []string `yaml:"outside_tokyo"`
	Also        []string `yaml:"also"`
	Intros      []string `yaml:"introductions"`
	AsCompany   []string `yaml:"as_company"`
	Hedges      []string `yaml:"hedges"`
	NotHedges   []string `yaml:"not_hedges"`
	ThisOne     []string `yaml:"this_one"`
	NotWishes   []string `yaml:"not_wishes"`
	Unsure      struct {
		Topic string   `yaml:"topic"`
		Words []string `yaml:"words"`
		Not   []string `yaml:"not"`
	} `yaml:"unsure"`
	Merely struct {
		Topic string   `yaml:"topic"`
		Words []string `yaml:"words"`
	} `yaml:"merely"`
	Aftermath  []string `yaml:"aftermath"`
	Fillers    []string `yaml:"social_fillers"`
	Intents    []rawCue `yaml:"intents"`
	Situations []rawCue `yaml:"situations"`
	Social     []rawCue `yaml:"social"`
	Followups  []rawCue `yaml:"followups"`
	Devices    []rawCue `yaml:"devices"`
	OffTopic   struct {
		Topic   string   `yaml:"topic"`
		ITWords []string `yaml:"it_words"`
		Usage   []string `yaml:"usage"`
	} `yaml:"off_topic"`
}

// socialIDs and followupIDs are the social turns and follow-ups the dialog answers; the file
// must define each (it may not add others: the dialog would not know what to say).
var (
	socialIDs   = []string{"greeting", "resolved", "thanks", "ack", "bye", pingSocial}
	followupIDs = []string{leavingFollowup, "contacts", PrepareFollowup, "steps", "police", questionFollowup, MoreFollowup, InsideFollowup, DemandFollowup}
	// optionalIDs may be left out of the file: a knowledge folder copied before they existed
	// still loads, and their words are read as before (a question, say).
	optionalIDs = []string{MoreFollowup, InsideFollowup, DemandFollowup, pingSocial}
	// linesFollowups are the follow-ups answered by the steps that hold one of their lines: words
	linesFollowups = []string{InsideFollowup, DemandFollowup}
	// partyFollowups may have lines: words, the parties other than the desks their questions
	// name (a bank); without them the question gets what each desk asks for.
	partyFollowups = []string{PrepareFollowup}
)

// PrepareFollowup is the follow-up asking what to tell or prepare for a desk (「何を伝えれば
// いい？」): what each of the topic's desks asks for; asked of another party its lines: name
// (「銀行には何を伝えれば」), the steps that name that party, and the honest "no answer".
const PrepareFollowup = "prepare"

// MoreFollowup is the follow-up asking what else to do once the steps are known ("What else?",
// 「ほかに何をすれば」): the fuller explanation, not the first screen again.
const MoreFollowup = "more"

// InsideFollowup is the follow-up asking whether to tell someone inside the company (「上司に言う
// べき？」「社長に報告したほうがいい？」"Should I tell my boss?"): the steps that say whom to
// tell (its lines: words), or, where the steps name no one, that the bot has no answer.
const InsideFollowup = "inside"

// DemandFollowup is the follow-up telling a demand made after the answer (「また かってきて と
// いわれてる」"They told me to buy more gift cards"): the step that says not to pay (its lines:
// words), then the steps again.
const DemandFollowup = "demand"

// questionFollowup is the follow-up of a question the topic's answer may not cover (「って何」,
// 「教えてください」): asked of a person (「人と話す方法を教えてください」), still a request for one.
const questionFollowup = "question"

// leavingFollowup is the follow-up of a person leaving to act on the answer (「電話してみます」):
// with thanks and nothing else, a social turn.
const leavingFollowup = "leaving"

// listed joins words as a sentence lists them: "a, b and c".
func listed(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func (l *loader) loadUnderstanding() {
	data, ok := l.read(understandingFile)
	if !ok {
		return
	}
	root := l.parseYAML(understandingFile, data)
	if root == nil {
		return
	}
	var r rawUnderstanding
	if !l.decode(understandingFile, root, &r) {
		return
	}
	kl := linesOf(root)
	u := &l.b.understanding
	u.NegationAfter, u.NegationBefore, u.NotDenials = trimAll(r.Negation.After), trimAll(r.Negation.Before), trimAll(r.Negation.NotDenials)
	u.Now, u.Over, u.Hypothetical, u.Later, u.Hedges, u.SocialFillers = trimAll(r.Now), trimAll(r.Over), trimAll(r.Hypo), trimAll(r.Later), trimAll(r.Hedges), trimAll(r.Fillers)
	u.Elsewhere, u.NotHedges, u.ThisOne, u.NotWishes = trimAll(r.Elsewhere), trimAll(r.NotHedges), trimAll(r.ThisOne), trimAll(r.NotWishes)
	u.When, u.NothingHere = trimAll(r.When), trimAll(r.NothingHere)
	u.Advice, u.WishEndings, u.Threats, u.Stuck, u.Openers = trimAll(r.Advice), trimAll(r.WishEndings), trimAll(r.Threats), trimAll(r.Stuck), trimAll(r.Openers)
	u.Corrections, u.OutsideTokyo, u.Also, u.Introductions = trimAll(r.Corrections), trimAll(r.Outside), trimAll(r.Also), trimAll(r.Intros)
	u.AsCompany, u.ByPhone = trimAll(r.AsCompany), trimAll(r.ByPhone)
	u.Unsure, u.UnsureNot, u.UnsureTopic = trimAll(r.Unsure.Words), trimAll(r.Unsure.Not), r.Unsure.Topic
	l.unsureLine = kl.at("unsure")
	u.Merely, u.MerelyTopic = trimAll(r.Merely.Words), r.Merely.Topic
	u.Aftermath = trimAll(r.Aftermath)
	l.aftermathLine = kl.at("aftermath")
	l.merelyLine = kl.at("merely")
	u.Rather = trimAll(r.Rather)
	if len(u.NegationAfter) == 0 {
		l.problem(understandingFile, kl.at("negation"), "negation: needs after: words (「ではなく」)")
	}
	if len(u.Now) == 0 {
		l.problem(understandingFile, kl.at("now"), "now: needs words that say something is happening")
	}
	cues := func(key string, raw []rawCue, known []string) []Cue {
		var out []Cue
		seen := map[string]bool{}
		for i, rc := range raw {
			line := itemLine(root, key, i, kl.at(key))
			switch {
			case !validID(rc.ID):
				l.problem(understandingFile, line, "%s: id %q: want lowercase letters, digits and '-'", key, rc.ID)
				continue
			case seen[rc.ID]:
				l.problem(understandingFile, line, "%s: duplicate id %q", key, rc.ID)
				continue
			case known != nil && !slices.Contains(known, rc.ID):
				l.problem(understandingFile, line, "%s: unknown id %q (known: %s)", key, rc.ID, strings.Join(known, ", "))
				continue
			case len(trimAll(rc.Words)) == 0:
				l.problem(understandingFile, line, "%s: %q has no words", key, rc.ID)
				continue
			case key == "intents" && rc.Topic == "":
				l.problem(understandingFile, line, "intents: %q needs topic:", rc.ID)
				continue
			case key != "intents" && rc.Topic != "":
				l.problem(understandingFile, line, "%s: %q: topic: is only for intents", key, rc.ID)
				continue
			case key != "intents" && rc.EvenNow:
				l.problem(understandingFile, line, "%s: %q: even_now: is only for intents", key, rc.ID)
				continue
			case key != "intents" && len(rc.Outranks) > 0:
				l.problem(understandingFile, line, "%s: %q: outranks: is only for intents", key, rc.ID)
				continue
			case key != "situations" && len(rc.Topics) > 0:
				l.problem(understandingFile, line, "%s: %q: topics: is only for situations", key, rc.ID)
				continue
			case key == "followups" && slices.Contains(linesFollowups, rc.ID) && len(trimAll(rc.Lines)) == 0:
				l.problem(understandingFile, line, "followups: %q needs lines: (the words of the steps that answer it)", rc.ID)
				continue
			case (key != "followups" || !slices.Contains(linesFollowups, rc.ID) && !slices.Contains(partyFollowups, rc.ID)) && len(rc.Lines) > 0:
				l.problem(understandingFile, line, "%s: %q: lines: is only for the %s follow-ups", key, rc.ID, listed(append(slices.Clone(partyFollowups), linesFollowups...)))
				continue
			}
			seen[rc.ID] = true
			if items := child(root, key); items != nil && i < len(items.Content) {
				l.cueWords[key+"/"+rc.ID] = child(items.Content[i], "words")
			}
			for _, id := range rc.Topics {
				l.cueTopicRefs = append(l.cueTopicRefs, situationRef{file: understandingFile, line: line, id: id})
			}
			out = append(out, Cue{ID: rc.ID, Topic: rc.Topic, Topics: rc.Topics, Words: trimAll(rc.Words), EvenNow: rc.EvenNow, Outranks: trimAll(rc.Outranks), Lines: trimAll(rc.Lines)})
		}
		for _, id := range known {
			if !seen[id] && !slices.Contains(optionalIDs, id) {
				l.problem(understandingFile, kl.at(key), "%s: %q is missing", key, id)
			}
		}
		return out
	}
	u.Intents = cues("intents", r.Intents, nil)
	u.Situations = cues("situations", r.Situations, nil)
	u.Social = cues("social", r.Social, socialIDs)
	u.Followups = cues("followups", r.Followups, followupIDs)
	u.Devices = cues("devices", r.Devices, nil)
	for _, d := range u.Devices {
		if u.Situation(d.ID) {
			l.problem(understandingFile, kl.at("devices"), "devices: %q is also a situation (a first aid's line could not tell them apart)", d.ID)
		}
	}
	u.OffTopic, u.ITWords, u.Usage = r.OffTopic.Topic, trimAll(r.OffTopic.ITWords), trimAll(r.OffTopic.Usage)
	l.offTopicLine = kl.at("off_topic")
	if u.OffTopic != "" && len(u.ITWords) == 0 {
		l.problem(understandingFile, l.offTopicLine, "off_topic: needs it_words (without them every message would be off topic)")
	}
	l.intentLines = nil
	for i := range r.Intents {
		l.intentLines = append(l.intentLines, itemLine(root, "intents", i, kl.at("intents")))
	}
}

// checkUnderstanding checks the references of understanding.yaml and of the topics into it,
// once every file is loaded.
func (l *loader) checkUnderstanding() {
	if l.broken[understandingFile] {
		return
	}
	u := &l.b.understanding
	for i, c := range u.Intents {
		if l.b.topicIdx[c.Topic] == nil && i < len(l.intentLines) {
			l.problem(understandingFile, l.intentLines[i], "intents: %q leads to unknown topic %q", c.ID, c.Topic)
		}
	}
	if u.OffTopic != "" && l.b.topicIdx[u.OffTopic] == nil {
		l.problem(understandingFile, l.offTopicLine, "off_topic: unknown topic %q", u.OffTopic)
	}
	if u.UnsureTopic != "" && l.b.topicIdx[u.UnsureTopic] == nil {
		l.problem(understandingFile, l.unsureLine, "unsure: unknown topic %q", u.UnsureTopic)
	}
	if u.MerelyTopic != "" && l.b.topicIdx[u.MerelyTopic] == nil {
		l.problem(understandingFile, l.merelyLine, "merely: unknown topic %q", u.MerelyTopic)
	}
	l.checkCalmTopics(l.aftermathLine, "aftermath", u.Aftermath, "", "what is done about an incident is a calm topic")
	for i, c := range u.Intents {
		if i < len(l.intentLines) {
			l.checkCalmTopics(l.intentLines[i], "intents: outranks", c.Outranks, c.Topic, "a plan's incidents already count half")
		}
	}
	for _, ref := range l.cueTopicRefs {
		if l.b.topicIdx[ref.id] == nil {
			l.problem(ref.file, ref.line, "situations: unknown topic %q", ref.id)
		}
	}
	for _, ref := range l.situationRefs {
		situation, device, onDevice := strings.Cut(ref.id, SituationOnDevice)
		switch {
		case u.Situation(ref.id) || ref.firstAid && hasCue(u.Devices, ref.id):
		case ref.firstAid && onDevice && u.Situation(situation) && hasCue(u.Devices, device):
		case ref.firstAid:
			l.problem(ref.file, ref.line, "unknown situation or device %q (understanding.yaml defines: %s)", ref.id, strings.Join(cueIDs(slices.Concat(u.Situations, u.Devices)), ", "))
		default:
			l.problem(ref.file, ref.line, "unknown situation %q (understanding.yaml defines: %s)", ref.id, strings.Join(cueIDs(u.Situations), ", "))
		}
	}
}

// SituationOnDevice joins a situation and a device in the key of a first aid line for what
// happened on that device (「called@phone」: a phone has no LAN cable to pull).
const SituationOnDevice = "@"

// OnDevice is the first aid key for situation on device (called@phone).
func OnDevice(situation, device string) string { return situation + SituationOnDevice + device }

func cueIDs(cs []Cue) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// situationRef is where a file names a situation (or a situation names a topic), for
// checkUnderstanding.
type situationRef struct {
	file string
	line int
	id   string
	// firstAid marks a first aid's line, which may also be for a device (an option is picked by
	// what happened only)
	firstAid bool
}

// checkCalmTopics reports, at line of understanding.yaml, the ids of a list of calm topics (key:
// aftermath, an intent's outranks) that name no topic, an urgent one (why says why not), own
// (the intent's topic; "" for none) or one listed twice.
func (l *loader) checkCalmTopics(line int, key string, ids []string, own, why string) {
	for i, id := range ids {
		switch t := l.b.topicIdx[id]; {
		case t == nil:
			l.problem(understandingFile, line, "%s: unknown topic %q", key, id)
		case t.Urgent:
			l.problem(understandingFile, line, "%s: %q is urgent; %s", key, id, why)
		case id == own:
			l.problem(understandingFile, line, "%s: %q is the intent's own topic", key, id)
		case slices.Contains(ids[:i], id):
			l.problem(understandingFile, line, "%s: %q is listed twice", key, id)
		}
	}
}

// ---- reading a message

// cueList is a folded word list with the id it stands for.
type cueList struct {
	id, topic string
	topics    []string
	words     []string
	evenNow   bool
	outranks  []string // Cue.Outranks
}

// reader is the folded form of Understanding that Search uses.
type reader struct {
	negAfter, negBefore, notDenials, now, over, itWords []string
	// negations holds negAfter and negBefore, so that a text with none of them is passed over
	// in one scan (denied)
	negations   wordIndex
	offTopic    string
	unsureTopic string   // the topic answered although the writer cannot tell what it is
	merelyTopic string   // the ordinary fault a denied threat merely was
	thisOne     []string // Understanding.ThisOne, folded
	// fillers are SocialFillers folded, longest first.
	fillers []string
	// introductions are Introductions folded.
	introductions []string
	// marks are the social lists' words that fold to nothing (👍, 🙏), by the list's id: a
	// text of them alone is that social turn.
	marks                                  map[rune]string
	intents, situations, social, followups []cueList
	devices                                []cueList
	// cues finds the words of every list above (but the denials) in one pass over a text.
	cues wordIndex
	// the groups of cues: situations, intents, followups and social lists first, each list
	// its own group in that order, then these
	nowGroup, overGroup, itGroup, laterGroup, hedgeGroup, ratherGroup, adviceGroup, unsureGroup, unsureNotGroup, merelyGroup, usageGroup, wishGroup, threatGroup, stuckGroup, openerGroup, correctionGroup, outsideGroup, alsoGroup, companyGroup, elsewhereGroup, notHedgeGroup, whenGroup, nothingHereGroup, notWishGroup int
	// deviceGroup is the group of the first device list; each device list has its own, in order
	deviceGroup int
}

// wordIndex finds many words in a text in one pass: the words are filed under their first
// bigram (or their single character), as the topic phrases are.
type wordIndex map[string][]indexedWord

type indexedWord struct {
	word  string
	group int
}

func (ix wordIndex) add(group int, words []string) {
	for _, w := range words {
		k := firstGram(w)
		ix[k] = append(ix[k], indexedWord{w, group})
	}
}

// hit is one word found: its group and where it is.
type hit struct{ group, from, to int }

// find returns every word of ix in folded text q, Latin words only where they stand whole.
func (ix wordIndex) find(q string) []hit {
	var out []hit
	for pos := 0; pos < len(q); {
		keys, n, next := keysAt(q, pos)
		for _, key := range keys[:n] {
			for _, w := range ix[key] {
				if !strings.HasPrefix(q[pos:], w.word) {
					continue
				}
				end := pos + len(w.word)
				if isLatinWord(w.word) && (pos > 0 && latinLetter(q[pos-1]) || end < len(q) && latinLetter(q[end])) {
					continue
				}
				out = append(out, hit{w.group, pos, end})
			}
		}
		pos = next
	}
	return out
}

func newReader(u *Understanding, norm func(string) string) reader {
	fold := func(ws []string) []string {
		var out []string
		for _, w := range ws {
			if f := foldWord(norm, w); f != "" {
				out = append(out, f)
			}
		}
		// longest first, so that the longest cue at a position is the one reported
		slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
		return out
	}
	lists := func(cs []Cue) []cueList {
		var out []cueList
		for _, c := range cs {
			out = append(out, cueList{id: c.ID, topic: c.Topic, topics: c.Topics, words: fold(c.Words), evenNow: c.EvenNow, outranks: c.Outranks})
		}
		return out
	}
	r := reader{
		negAfter: fold(u.NegationAfter), negBefore: fold(u.NegationBefore), notDenials: fold(u.NotDenials), now: fold(u.Now), over: fold(u.Over),
		itWords: fold(u.ITWords), offTopic: u.OffTopic, unsureTopic: u.UnsureTopic, merelyTopic: u.MerelyTopic, thisOne: fold(u.ThisOne), fillers: fold(u.SocialFillers), introductions: fold(u.Introductions),
		intents: lists(u.Intents), situations: lists(u.Situations), social: lists(u.Social), followups: lists(u.Followups),
		devices: lists(u.Devices),
		cues:    wordIndex{},
		marks:   map[rune]string{},
	}
	for _, c := range u.Social {
		for _, w := range c.Words {
			if flatten(norm(w)) != "" {
				continue
			}
			for _, m := range w {
				if _, taken := r.marks[m]; !taken && !ignoredInMarks(m) { // a mark in two lists is the first one's
					r.marks[m] = c.ID
				}
			}
		}
	}
	group := 0
	for _, ls := range [][]cueList{r.situations, r.intents, r.followups, r.social} {
		for _, l := range ls {
			r.cues.add(group, l.words)
			group++
		}
	}
	// next gives the next group to one list of words, or to several read as one
	next := func(lists ...[]string) int {
		for _, words := range lists {
			r.cues.add(group, words)
		}
		group++
		return group - 1
	}
	r.nowGroup = next(r.now)
	r.overGroup = next(r.over, fold(u.Hypothetical)) // hypothetical reads like over: the incident is not now
	r.itGroup = next(r.itWords)
	r.laterGroup = next(fold(u.Later))
	r.hedgeGroup = next(fold(u.Hedges))
	r.ratherGroup = next(fold(u.Rather))
	r.adviceGroup = next(fold(u.Advice))
	r.unsureGroup = next(fold(u.Unsure))
	r.unsureNotGroup = next(fold(u.UnsureNot))
	r.merelyGroup = next(fold(u.Merely))
	r.usageGroup = next(fold(u.Usage))
	r.wishGroup = next(fold(u.WishEndings))
	r.threatGroup = next(fold(u.Threats))
	r.stuckGroup = next(fold(u.Stuck))
	r.openerGroup = next(fold(u.Openers))
	r.correctionGroup = next(fold(u.Corrections))
	r.outsideGroup = next(fold(u.OutsideTokyo))
	r.alsoGroup = next(fold(u.Also))
	r.companyGroup = next(fold(u.AsCompany))
	r.elsewhereGroup = next(fold(u.Elsewhere))
	r.notHedgeGroup = next(fold(u.NotHedges))
	r.whenGroup = next(fold(u.When))
	r.nothingHereGroup = next(fold(u.NothingHere))
	r.notWishGroup = next(fold(u.NotWishes))
	r.negations = wordIndex{} // one group: only whether any is found matters
	r.negations.add(0, r.negAfter)
	r.negations.add(0, r.negBefore)
	r.deviceGroup = group
	for i, l := range r.devices {
		r.cues.add(r.deviceGroup+i, l.words)
	}
	return r
}

// containsWord reports whether folded text q holds w. Words of Latin letters must stand whole
// ("ok" is not inside "book"); Japanese has no spaces to tell words apart, so a Japanese cue
// matches anywhere. Both sides are written without the spaces typists put between Japanese
// words (Search joins the text, flatten the knowledge's words), so 「どこに そうだん」 holds
// どこにそうだん.
func containsWord(q, w string) bool { return containsUndenied(q, w, nil) }

// containsUndenied is containsWord for a word that must also occur outside the denied spans.
func containsUndenied(q, w string, denied []span) bool {
	if w == "" {
		return false
	}
	latin := isLatinWord(w)
	if !latin && len(denied) == 0 {
		return strings.Contains(q, w)
	}
	for from := 0; ; {
		i := strings.Index(q[from:], w)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(w)
		whole := !latin || (start == 0 || !latinLetter(q[start-1])) && (end == len(q) || !latinLetter(q[end]))
		if whole && !deniedWord(q, denied, start, end) {
			return true
		}
		from = start + 1
	}
}

// foldWord folds word w of the knowledge with norm as Search folds a message: the spaces typed
// between Japanese characters are dropped first (「でんわで はなし」 is 「でんわではなし」), and
// punctuation then folds to the word break it is in a message, after a closing comma too, so
// that 「けど、今」 and 「あと、」 are found where a message writes them, not wherever けど今 or
// あと are. (A closing mark such as ？ folds to nothing: it may end the message, where Normalize
// leaves no break.)
func foldWord(norm func(string) string, w string) string {
	f := norm(joinJapanese(w))
	if f == "" {
		return ""
	}
	if last, _ := utf8.DecodeLastRuneInString(w); last == '、' || last == ',' {
		// a comma goes on (「あと、」); a closing mark may end the message, where Normalize
		// leaves no break (「届いてる？」 is found in 「これ届いてる？」)
		f += " "
	}
	return f
}

// flatten drops the spaces between Japanese characters of folded text, as joinJapanese does to
// a message before it is folded.
func flatten(f string) string {
	if !strings.Contains(f, " ") {
		return f
	}
	return joinJapanese(f)
}

func isLatinWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func latinLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// span is a byte range of a folded text; for a Japanese denial's clause, neg is where the
// denying words begin (「ていない」 in 「つながっていない」), else -1.
type span struct{ from, to, neg int }

// denied returns the clauses of q that a denial covers. In Japanese the clause runs from the
// previous clause break (a space, which is what punctuation folds to, or a connective such as
// けど) to the end of the denial; in English it runs from the denial over the next three words.
// Romaji left in Latin letters (「ransomware toka ja nai」, where English words kept the text
// from being read as romaji) denies over the two words before the denial.
func (r *reader) denied(q string) []span {
	if len(r.negations.find(q)) == 0 {
		return nil // one scan instead of one per denial word: most texts deny nothing
	}
	var out []span
	for _, w := range r.negAfter {
		for from := 0; ; {
			i := strings.Index(q[from:], w)
			if i < 0 {
				break
			}
			at, end := from+i, from+i+len(w)
			from = end
			if r.notADenial(q, at) {
				continue
			}
			start := clauseStart(q, at)
			latin := !HasJapanese(w)
			if latin && (at > 0 && latinLetter(q[at-1]) || end < len(q) && latinLetter(q[end])) {
				continue // whole words only
			}
			if latin {
				start = min(start, wordsBack(q, at, 2))
			}
			if start < at {
				out = append(out, span{start, end, at})
			}
		}
	}
	for _, w := range r.negBefore {
		for from := 0; ; {
			i := strings.Index(q[from:], w)
			if i < 0 {
				break
			}
			at := from + i
			from = at + len(w)
			if at > 0 && latinLetter(q[at-1]) || from < len(q) && latinLetter(q[from]) {
				continue
			}
			end, words := from, 0
			for end < len(q) && words < 3 {
				for end < len(q) && q[end] == ' ' {
					end++
				}
				for end < len(q) && q[end] != ' ' {
					end++
				}
				words++
			}
			out = append(out, span{at, end, -1})
		}
	}
	return out
}

// notADenial reports whether the denial at byte at of q is part of words that only look like
// one: a worried question (「ウイルスではないか心配」), which is about the word, not against it,
// or a phrase the denying words end (「偽サイトって気づかずに」 says it was a fake site;
// 「給与明細がまだ来てない」 complains about the pay slip).
func (r *reader) notADenial(q string, at int) bool {
	for _, w := range r.notDenials {
		// an occurrence of w that starts at or before at and covers it lies in this window
		if strings.Contains(q[max(0, at-len(w)+1):min(len(q), at+len(w))], w) {
			return true
		}
	}
	return false
}

// wordsBack returns where the n space-separated words before byte at of q begin.
func wordsBack(q string, at, n int) int {
	start := at
	for ; n > 0 && start > 0; n-- {
		for start > 0 && q[start-1] == ' ' {
			start--
		}
		for start > 0 && q[start-1] != ' ' {
			start--
		}
	}
	return start
}

// clauseBreaks end a clause inside a sentence typed without punctuation.
var clauseBreaks = []string{"けど", "けれど", "ですが", "だが", "ので", "から"}

// clauseStart returns where the clause holding byte at of q begins: after the last space or
// clause break before it, at most about twenty characters back.
func clauseStart(q string, at int) int {
	start := max(0, at-60) // ~20 Japanese characters
	for start > 0 && !utf8.RuneStart(q[start]) {
		start++
	}
	if i := strings.LastIndexByte(q[start:at], ' '); i >= 0 {
		start += i + 1
	}
	for _, b := range clauseBreaks {
		if i := strings.LastIndex(q[start:at], b); i >= 0 {
			start += i + len(b)
		}
	}
	return start
}

// inSpans reports whether the byte range [from, to) lies inside one of spans.
func inSpans(spans []span, from, to int) bool {
	for _, s := range spans {
		if from >= s.from && to <= s.to {
			return true
		}
	}
	return false
}

// deniedWord reports whether the word at [from, to) of folded text q is denied by one of the
// spans: inside its clause and over before the denial begins. A word that runs into the denying
// words (つながって in 「つながっていない」) says what is wrong, not what is not; one that runs only
// into the copula the denial starts with (攻撃で in 「攻撃ではありません」) is denied.
func deniedWord(q string, spans []span, from, to int) bool {
	for _, s := range spans {
		if from >= s.from && to <= s.to && (s.neg < 0 || to <= s.neg || from < s.neg && denialCopula[q[s.neg:to]]) {
			return true
		}
	}
	return false
}

// denialCopula are the folded beginnings of a denial that only link it to what it denies (で of
// ではない, じゃ of じゃない, と of とは違う): a word running into them is still the denied one.
// They are the grammar of the denial words of understanding.yaml's negation.after, not a list
// an admin keeps: a new denial word starting otherwise needs no entry here.
var denialCopula = map[string]bool{"で": true, "では": true, "でも": true, "じや": true, "と": true, "とは": true}

// exampleText is folded example e as the similarity signals read it: without its denied clauses,
// which are not about its topic, as a message's are not (「標的型メールの訓練じゃなくて、本物が
// 来た」: 訓練 is what the text is not).
func (r *reader) exampleText(e string) string {
	return mask(e, r.denied(e))
}

// mask returns q with the spans blanked out, for the similarity signals.
func mask(q string, spans []span) string {
	if len(spans) == 0 {
		return q
	}
	b := []byte(q)
	for _, s := range spans {
		for i := s.from; i < s.to; i++ {
			b[i] = ' '
		}
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// pingSocial is the id of understanding.yaml's social list of messages that only check the bot
// is there (「届いてますか？」「テストです。届いてる？」): answered with "yes, it reached us"
// and the conversation left where it was, not with topics to choose from or a restart, which
// would reset a live incident.
const pingSocial = "ping"

// greetingSocial is the id of understanding.yaml's social list of greetings.
const greetingSocial = "greeting"

// introduces reports whether folded text q ends in a word of understanding.yaml's
// introductions (「…の店をやっている者です」): the writer says who they are.
func (r *reader) introduces(q string) bool {
	q = strings.TrimSpace(q)
	return slices.ContainsFunc(r.introductions, func(w string) bool { return strings.HasSuffix(q, strings.TrimSpace(w)) })
}

// socialOnly reports whether folded text q is a social turn of list l and nothing more: once the
// social words (and fillers such as です, punctuation) are taken out, at most a few characters
// are left; for a check that the bot is there, at most two (「これ届いてる？」, not 「請求書届いて
// ますか」, which asks about something else that should have arrived).
func (r *reader) socialOnly(q string, l cueList) bool {
	most := socialLeftRunes
	if l.id == pingSocial {
		most = 2
	}
	return r.nonSocialRunes(q, l.words) <= most
}

// onlySocialAfter reports whether folded text rest holds nothing but social words and fillers:
// at most a few characters besides (「。ありがとうございました」).
func (r *reader) onlySocialAfter(rest string) bool {
	return r.nonSocialRunes(rest, nil) <= socialLeftRunes
}

// nonSocialRunes is how many characters of folded text q are left once the social words and
// the fillers are taken out, the words of first before the others (a longer turn, "is this
// working", before the words it holds).
func (r *reader) nonSocialRunes(q string, first []string) int {
	for _, w := range first {
		q = strings.ReplaceAll(q, w, " ")
	}
	for _, l := range r.social {
		for _, w := range l.words {
			q = strings.ReplaceAll(q, w, " ")
		}
	}
	for _, f := range r.fillers {
		q = strings.ReplaceAll(q, f, " ")
	}
	return utf8.RuneCountInString(strings.ReplaceAll(q, " ", ""))
}

// socialLeftRunes is how many characters a social turn may hold besides its words and fillers.
const socialLeftRunes = 4

// Why explains a reading: which words decided it. ask --json prints it.
type Why struct {
	Phrases    []string `json:"phrases,omitempty"`    // topic words found, as "topic:word"
	Denied     []string `json:"denied,omitempty"`     // topic words in a denied clause, counted against their topic
	Intent     string   `json:"intent,omitempty"`     // a planning intent (prevention, subsidy) with nothing happening
	Situations []string `json:"situations,omitempty"` // what has already happened (paid, called)
	Social     string   `json:"social,omitempty"`     // thanks, ack, bye
	Followup   string   `json:"followup,omitempty"`   // a follow-up id of understanding.yaml (leaving, contacts, … question)
	Romaji     bool     `json:"romaji,omitempty"`     // the text was read as romaji
	Now        bool     `json:"now,omitempty"`        // the text says something is happening
	OffTopic   bool     `json:"off_topic,omitempty"`  // nothing in the text is about IT or security
	Hedged     bool     `json:"hedged,omitempty"`     // the text doubts what it says (「かも」)
	Unsure     bool     `json:"unsure,omitempty"`     // the writer cannot tell what it is (「判断がつかない」)
	Merely     bool     `json:"merely,omitempty"`     // a denied threat was merely a fault (「落ちただけです」)
	Device     string   `json:"device,omitempty"`     // the device named (phone), for a first action of its own
	Corrects   bool     `json:"corrects,omitempty"`   // the text says the bot read the matter wrong (「そうじゃなくて」)
	// OutsideTokyo is set when the text names a place outside Tokyo (understanding.yaml's
	// outside_tokyo: 「横浜の店です」), where 警視庁 is not the police to go to.
	OutsideTokyo bool `json:"outside_tokyo,omitempty"`
	// AsCompany is set when the text says the person acted for the company (understanding.yaml's
	// as_company: 「会社の口座から振り込んだ」), to whom desks that take no companies are no help.
	AsCompany bool `json:"as_company,omitempty"`
	// Learned is the topic the learned reading is sure of (learned.go), when it is, or the
	// outcome it read where the rules did not: escalate (a request for a person) or social.
	Learned string `json:"learned,omitempty"`
	// Agreed is set when the rules were unsure and the learned reading's agreement answered.
	Agreed      bool `json:"agreed,omitempty"`
	itWord      bool // the text holds a word about IT (understanding.yaml's it_words)
	declined    bool // the text says it wants no person (menu.yaml's escalate declines)
	asksSomeone bool // the text asks for something and names a person or a way to reach one (personWords)
	request     bool // the text holds a request word (menu.yaml's requests: いただけ, ほしい, please)
	question    bool // the text asks a question (a question mark, or it ends in か)
	asked       bool // the text ends in a bare question mark (「乗っ取り？」)
	ownOffTopic bool // read as off topic on one of the off-topic topic's own words
	// socialWord is the first of the closing social turns (resolved, thanks) whose words the
	// text holds, social only or not: 「ウイルスじゃなかったです、再起動したら直りました」 holds
	// resolved. Only by a word of three characters or more: a shorter one is often part of
	// another word (「子ども」 holds the thanks ども, 「しておけば」 the ack おけ).
	socialWord string
	// merelyWord: the text holds a word of understanding.yaml's merely (「落ちただけです」);
	// deniedIT: an IT word inside a denied clause (「攻撃ではなく」). Search reads Merely from
	// them and the denied topic words.
	merelyWord, deniedIT bool
	// socialEnds: the text ends in such a closing word (「…直りました。ありがとうございました」).
	socialEnds bool
	// usage: the text holds a how-to word of understanding.yaml's off_topic usage (「やり方」).
	usage bool
	// notHappened are the situations the text names only in a denied clause (「添付は開いてない
	// です」): what the person says did not happen.
	notHappened []string
	// also: a word of understanding.yaml's also (「…のと、あと」)
	also bool
	// askedWhether: asked, in a short last clause with no question word (asksWhetherItIs)
	askedWhether bool
	// greets: a word of understanding.yaml's greeting (「はじめまして」), social only or not
	greets bool
	// secondAt is where a second wish begins (a later word: それと, ついでに, 落ち着いたら), or -1:
	// what follows it counts less than what the message is first about.
	secondAt int
	// firstEnds is where a rather word (それより) puts what follows first, or -1: what precedes
	// it counts less.
	firstEnds int
	// pointedBack: a rather word and a word pointing back end the text (pointsBack): what was
	// told before secondAt comes first
	pointedBack bool
	// namedFirst: a topic's word, not denied, lies in what the person put first: after the
	// rather word (firstEnds), or before secondAt where the rather word points back
	namedFirst bool
	// deniedGeneric: a generic word for a threat (understanding.yaml's threats: ハッキング, 攻撃)
	// lies in a denied clause
	deniedGeneric bool
	// wish: a word of understanding.yaml's wish_endings (「変えたい」)
	wish bool
	// stuck: a word of understanding.yaml's stuck (「ログインできなくて」)
	stuck bool
	// opens: a word of understanding.yaml's openers (「相談があります」)
	opens bool
	// advised: what happens in a topic's story followed by a word of understanding.yaml's advice
	// (「カード会社に電話したらいいですか」): the person asks whether to do it, which asks for no
	// one
	advised bool
	// settled: a word of understanding.yaml's over or hypothetical of three characters or more,
	// not denied (「件は落ち着きました」, not a bare 先月), followed by nothing but social words
	// and fillers (not 「駆除しましたが、また同じ警告が出ます」): the matter the text names is put
	// away, so thanks at its end close the conversation (closingSocial).
	settled bool
	// over: a word of understanding.yaml's over, hypothetical or elsewhere (「被害後」「もう止ま
	// って」「万が一の際に」「うちはまだ何もないんですが」): the incident the text names is not
	// happening now, or not here
	over bool
	// event: something has happened by a word of understanding.yaml's now or a situation, not
	// only a time named (when: 「今日の朝礼で…」)
	event bool
	// elsewhere: a word of understanding.yaml's elsewhere (「うちはまだ何もないんですが」「同業の
	// 会社が」), or of nothing_here in a text that tells no situation of the writer's: the
	// incident told is someone else's
	elsewhere bool
}

// readingOf finds the cues of folded text q (before topics are scored). What happened is read
// outside the denied clauses (「攻撃されたわけじゃない」 says nothing happened).
func (r *reader) readingOf(q string, denied []span) Why {
	found := map[int]bool{}     // groups found anywhere
	foundLong := map[int]bool{} // groups found by a word of three characters or more
	endsLong := map[int]bool{}  // groups such a word of which ends the text
	happened := map[int]bool{}  // groups found outside the denied clauses
	inDenied := map[int]bool{}  // groups found inside a denied clause
	first := map[int]int{}      // where each group is first found
	hits := r.cues.find(q)
	for _, h := range hits {
		if at, ok := first[h.group]; !ok || h.from < at {
			first[h.group] = h.from
		}
	}
	second, firstEnds, pointedBack := -1, -1, false
	if at, ok := first[r.laterGroup]; ok {
		second = at
	}
	if at, ok := first[r.ratherGroup]; ok {
		// said outright, what comes first outweighs a later word's reading
		firstEnds, second = at, -1
		if clause, back := r.pointsBack(q, hits, at); back {
			// 「迷惑メール対策も相談したいけど、まずこっち」 at the end: what was told before
			// that clause comes first, the clause is the second wish
			firstEnds, second, pointedBack = -1, clause, true
		}
	} else if second >= 0 && slices.ContainsFunc(hits, func(h hit) bool {
		return h.group == r.overGroup && h.to <= second && utf8.RuneCountInString(q[h.from:h.to]) >= 3
	}) {
		// a matter put away before the later word (「先日の漏えいの件は報告も済みました。今日は別
		// 件で、研修の…」): what follows is what the person came for. Not a bare time (去年, 以前:
		// 「昨年導入したNASが今朝暗号化されました。それと…」 tells this year's incident).
		firstEnds, second = second, -1
	}
	advice := map[int]bool{} // where an advice word starts
	advised := false         // something the person might do asked about (Why.advised)
	var wishes []hit
	for _, h := range hits {
		switch h.group {
		case r.adviceGroup:
			advice[h.from] = true
		case r.wishGroup:
			if !within(hits, r.notWishGroup, h) {
				wishes = append(wishes, h) // not 出たいくつか's たい
			}
		}
	}
	socialFrom := len(r.situations) + len(r.intents) + len(r.followups)
	settledAt := -1 // Why.settledAt
	for _, h := range hits {
		if h.group < len(r.situations) && (advice[h.to] || wished(wishes, h) || r.insideOther(hits, h)) {
			// 「電話したほうがいい？」「入力したいのですが」: asked about or wished, not done;
			// 入れちゃ after アプリ入れ: the app was installed, nothing was typed
			advised = advised || advice[h.to]
			continue
		}
		if h.group == r.nowGroup && wished(wishes, h) {
			continue // 「入れたいのですが」: 入れた begins a wish, nothing has happened
		}
		if h.group >= socialFrom && h.group < socialFrom+len(r.social) && !standsApart(q, h.from, h.to) {
			continue // 「あかうんと」 holds the ack うん
		}
		if h.group == r.hedgeGroup && within(hits, r.notHedgeGroup, h) {
			continue // 「何とかならない」 holds かな
		}
		found[h.group] = true
		if utf8.RuneCountInString(q[h.from:h.to]) >= 3 {
			foundLong[h.group] = true
			if h.group == r.overGroup && !inSpans(denied, h.from, h.to) {
				settledAt = max(settledAt, h.to)
			}
			if h.to == len(q) && !conditional(q[:h.from]) {
				endsLong[h.group] = true
			}
		}
		if !inSpans(denied, h.from, h.to) {
			happened[h.group] = true
		} else {
			inDenied[h.group] = true
		}
	}
	w := Why{secondAt: second, firstEnds: firstEnds, pointedBack: pointedBack, settled: settledAt >= 0 && r.onlySocialAfter(q[settledAt:])}
	group := 0
	for _, l := range r.situations {
		if happened[group] {
			w.Situations = append(w.Situations, l.id)
		} else if inDenied[group] {
			w.notHappened = append(w.notHappened, l.id)
		}
		group++
	}
	w.event = happened[r.nowGroup] || len(w.Situations) > 0
	// found, not happened: these words deny themselves (「何も起きていません」)
	w.elsewhere = found[r.elsewhereGroup] || found[r.nothingHereGroup] && len(w.Situations) == 0
	w.Now = w.event || happened[r.whenGroup]
	for i, l := range r.devices {
		if !happened[r.deviceGroup+i] {
			continue // named only in a denied clause (「パソコンじゃなくてスマホ」): not the one
		}
		if w.Device != "" {
			// two devices named (「スマホで撮った、パソコンの画面」): neither line fits surely
			w.Device = ""
			break
		}
		w.Device = l.id
	}
	for _, l := range r.intents {
		// an intent named only after a second wish begins (「それと研修も」) is that wish, not
		// what the message is about; one named only in a denied clause (「補助金の話じゃなく
		// て」) is not the message's either
		afterSecond := second >= 0 && first[group] > second
		// one named before a rather word (「セミナーの件と、あと至急で…」) is what the person put
		// second
		afterSecond = afterSecond || firstEnds >= 0 && first[group] < firstEnds
		if happened[group] && w.Intent == "" && !afterSecond && (!w.Now || happened[r.overGroup] || w.elsewhere || l.evenNow && !found[r.laterGroup]) {
			w.Intent = l.id
		}
		group++
	}
	for _, l := range r.followups {
		if found[group] && w.Followup == "" {
			w.Followup = l.id
		}
		group++
	}
	for _, l := range r.social {
		if found[group] && w.Social == "" && r.socialOnly(q, l) {
			w.Social = l.id
		}
		w.greets = w.greets || found[group] && l.id == greetingSocial
		if closing(l.id) {
			if foundLong[group] && w.socialWord == "" {
				w.socialWord = l.id
			}
			w.socialEnds = w.socialEnds || endsLong[group]
		}
		group++
	}
	w.itWord = found[r.itGroup]
	w.Hedged = found[r.hedgeGroup]
	w.Unsure = unsure(hits, r.unsureGroup, r.unsureNotGroup)
	w.merelyWord = found[r.merelyGroup]
	w.usage = found[r.usageGroup]
	w.deniedIT = inDenied[r.itGroup] // 「攻撃ではなく」: what is denied is about IT
	w.deniedGeneric = inDenied[r.threatGroup]
	w.stuck = found[r.stuckGroup]
	w.wish = found[r.wishGroup]
	w.advised = advised
	w.opens = found[r.openerGroup]
	w.Corrects = found[r.correctionGroup]
	w.OutsideTokyo = happened[r.outsideGroup] // not a place denied: 「横浜じゃなくて東京の店です」
	w.AsCompany = happened[r.companyGroup]    // not denied: 「会社のお金じゃなくて自分のお金です」
	w.also = found[r.alsoGroup]
	w.over = happened[r.overGroup] || w.elsewhere
	return w
}

// OptionFor returns the option of q that a typed answer picks (「もう払ってしまいました」 for 振り
// 込んでしまった), or nil when it picks none or several equally. res is what Search made of the
// same text. An option is picked by a situation it names, by one of its words or its label in
// the text (the longest wins, so 「含まれない」 beats 「含まれ」), or by the topic it leads to
// when the text is about that topic; where another option is told by its own words, the words
// decide and what happened only breaks their tie (the shop whose customers paid: optionFor).
func (b *Base) OptionFor(q *Question, text string, res Result) *Option {
	f, unquoted := b.optionTexts(text, res)
	o, _ := b.optionFor(q, f, unquoted, res)
	return o
}

// optionTexts is text folded as the options read it, whole and without what it quotes. What a
// quoted mail or screen says (「お前のPCをハッキングした」) tells which mail it is, but not what
// happened to the writer: an option that moves to another topic is not picked by it.
func (b *Base) optionTexts(text string, res Result) (f, unquoted string) {
	f = b.foldedOf(text, res)
	unquoted = f
	if u := withoutQuotes(text); u != text {
		unquoted, _ = b.fold(u)
	}
	return f, unquoted
}

// RefinedOption returns the option of t's questions that a message written after t's answer
// picks, for a person who goes on to say more (「自分のお金で払いました」) without being asked:
// only by what it says happened or by a word of three characters or more, which is stricter than
// OptionFor because no question is on screen.
func (b *Base) RefinedOption(t *Topic, text string, res Result) (*Question, *Option) {
	var found *Option
	var in *Question
	f, unquoted := b.optionTexts(text, res)
	for i := range t.Questions {
		o, score := b.optionFor(&t.Questions[i], f, unquoted, res)
		if o == nil || score < wordScore+refinedRunes {
			continue
		}
		if res.Advised() && len(o.Situations) > 0 && !o.names(res.Situations) {
			// 「かーどがいしゃにも でんわしたほうが いいですか」 asks whether to do it: the
			// option for having called is not what happened
			continue
		}
		if found != nil {
			return nil, nil // options of two questions: too unsure to pick either
		}
		found, in = o, &t.Questions[i]
	}
	return in, found
}

// otherOptionTold reports whether text, read as res, also tells of an option of q other than o: by
// a situation the option names or one of its words of three characters or more.
func (b *Base) otherOptionTold(q *Question, o *Option, text string, res Result) bool {
	f := b.foldedOf(text, res)
	for i := range q.Options {
		other := &q.Options[i]
		if other == o {
			continue
		}
		if other.names(res.Situations) {
			return true
		}
		for _, w := range other.folded {
			if utf8.RuneCountInString(w) >= refinedRunes && containsUndenied(f, w, res.denied) {
				return true
			}
		}
	}
	return false
}

// SituationOption returns the option of t's questions that text answers by saying what has
// already happened (an option naming one of res.Situations, or one marked RuledOut where the
// text rules a threat out; its words break a tie between two such options), or nil: the
// question need not be asked.
func (b *Base) SituationOption(t *Topic, text string, res Result) *Option {
	if len(res.Situations) == 0 && !b.rulesOutThreat(res) {
		return nil
	}
	f, unquoted := b.optionTexts(text, res)
	for i := range t.Questions {
		q := &t.Questions[i]
		o, score := b.optionFor(q, f, unquoted, res)
		if o == nil || score < situationScore {
			continue
		}
		// Two options that both name what happened (「電話して、払わされた」 fits "called" and
		// both "paid" options): the question tells them apart, so it is asked.
		named := 0
		for _, other := range q.Options {
			if other.names(res.Situations) || other.RuledOut && b.rulesOutThreat(res) {
				named++
			}
		}
		if far := q.FurthestOptions(res.Situations); named > 1 && o.names(res.Situations) && !slices.Contains(far, o) {
			// What the person told went further than o (「電話したら…カードで払っちゃいました」):
			// o's own word (「電話した」) restates a step they are past. The furthest step's
			// option answers, or the question asks between its options.
			if len(far) == 1 {
				return far[0]
			}
			return nil
		}
		// Unless the person's own words pick one of them (「3まんえん じぶんの おかねです」).
		if named == 1 || score > situationScore {
			return o
		}
	}
	return nil
}

// rulesOutThreat reports whether the text res was read from rules a threat out: it denies one
// (index.deniesThreat: 「ウイルスではないと思う」) or a denied threat was merely a fault. A denied
// calm word (「故障じゃなくて」) or a symptom (「データも送れていない」) rules out no threat.
func (b *Base) rulesOutThreat(res Result) bool {
	return b.index.deniesThreat(res.Why) || res.Why.Merely
}

// Stuck reports whether the text res was read from says the person cannot do something
// (「パスワードは変えられないんです、ログインできなくて」: understanding.yaml's stuck).
func (r Result) Stuck() bool { return r.Why.stuck }

// Corrects reports whether the text res was read from says the bot read the matter wrong
// (「いや、そうじゃなくて」「さっきのは間違いで」: understanding.yaml's corrections).
func (r Result) Corrects() bool { return r.Why.Corrects }

// TwoMatters reports whether the text res was read from tells a second matter beside the first:
// a word of understanding.yaml's also (「…のと、あと」) or a later word after something (「それと」
// 「ついでに」). A rather word (とりあえず, まずは) orders one matter's steps as often as two
// matters, and does not count.
func (r Result) TwoMatters() bool { return r.folded != "" && (r.Why.also || r.Why.secondAt >= 0) }

// AsksWhether reports whether the text res was read from ends by asking whether it is something,
// in a short last clause with no question word (「ウイルス？」「乗っ取りですか？」「…印刷できない。
// ウイルス？」): a doubt, as 「ウイルスかも」 is. 「どうしたらいい？」 asks something else.
func (r Result) AsksWhether() bool { return r.Why.askedWhether }

// Asks reports whether the text res was read from asks a question: a question mark anywhere, or
// a question's ending (「どうすればいいですか」, romaji "ii desu ka" read as kana).
func (r Result) Asks() bool { return r.Why.question }

// Advised reports whether the text res was read from asks whether to do something that happens
// in a topic's story (「カード会社に電話したらいいですか」): it tells nothing happened.
func (r Result) Advised() bool { return r.Why.advised }

// Closes reports whether the text res was read from thanks or says the matter is resolved, in a
// word of three characters or more (「ありがとう。とりあえず月曜に電話します」): a person who is
// leaving, whatever else the text says.
func (r Result) Closes() bool { return r.Why.socialWord != "" }

// Requests reports whether the text res was read from asks for something: a request word
// (「派遣していただけますか」, "please") or a question.
func (r Result) Requests() bool { return r.Why.request || r.Why.question }

// Named reports whether the text res was read from names topic id by one of its own words.
func (r Result) Named(id string) bool { return holdsTopicWord(r.Why.Phrases, id) }

// Denies reports whether the text res was read from denies a word of topic id (「ウイルスじゃなくて」
// for the virus topic).
func (r Result) Denies(id string) bool { return holdsTopicWord(r.Why.Denied, id) }

// holdsTopicWord reports whether list ("topic:word" entries) holds a word of topic id.
func holdsTopicWord(list []string, id string) bool {
	for range topicWords(list, id) {
		return true
	}
	return false
}

// topicWords yields the words of topic id in list, whose entries are "topic:word" (Why.Phrases,
// Why.Denied).
func topicWords(list []string, id string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, e := range list {
			if w, ok := strings.CutPrefix(e, id+":"); ok && !yield(w) {
				return
			}
		}
	}
}

// DeniesItHappened reports whether the text res was read from says that something that happens
// in topic id did not happen (「添付は開いてないです」 for Emotet or a virus): its first aid, for
// what did, would not fit.
func (b *Base) DeniesItHappened(id string, res Result) bool {
	for _, c := range b.index.read.situations {
		if slices.Contains(res.Why.notHappened, c.id) && slices.Contains(c.topics, id) {
			return true
		}
	}
	return false
}

// SituationFits reports whether what res says happened (opened an attachment) is something that
// happens in topic id (understanding.yaml lists the topics of each situation).
func (b *Base) SituationFits(id string, res Result) bool {
	for _, c := range b.index.read.situations {
		if slices.Contains(res.Situations, c.id) && slices.Contains(c.topics, id) {
			return true
		}
	}
	return false
}

// names reports whether o is the option for one of situations (what a text says happened).
func (o *Option) names(situations []string) bool {
	return slices.ContainsFunc(o.Situations, func(s string) bool { return slices.Contains(situations, s) })
}

// SituationQuestion returns the question of t that two or more of its options answer by what
// res says happened, as far as it went (「もう払いました」 fits both 個人として支払った and 会社とし
// て支払った: Question.FurthestOptions), or nil: asking it tells them apart.
func (b *Base) SituationQuestion(t *Topic, res Result) *Question {
	if len(res.Situations) == 0 {
		return nil
	}
	for i := range t.Questions {
		if len(t.Questions[i].FurthestOptions(res.Situations)) >= 2 {
			return &t.Questions[i]
		}
	}
	return nil
}

// FurthestOptions returns the options of q that name what happened (situations) furthest along:
// the last option naming one of them, and every option sharing a situation with it. A question's
// options come in the order things happen (support-scam's progress: called, then paid as a
// person or as the company), so a person who called and paid is between the two ways of paying.
func (q *Question) FurthestOptions(situations []string) []*Option {
	last := -1
	for i := range q.Options {
		if q.Options[i].names(situations) {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	var out []*Option
	for i := range q.Options {
		if o := &q.Options[i]; o.names(situations) && o.names(q.Options[last].Situations) {
			out = append(out, o)
		}
	}
	return out
}

// situationScore is what a situation adds to an option's score in optionFor: more than any word.
const situationScore = 100

// wordScore is what one of an option's words adds to its score in optionFor, besides its length
// in characters (so that 「含まれない」 beats 「含まれ」).
const wordScore = 10

// refinedRunes is how long an option's word must be to pick the option with no question on
// screen (RefinedOption, otherOptionTold), or to let another option's words overrule what
// happened (optionFor): 「自分のお金」, not 「個人」 said in passing.
const refinedRunes = 3

// foldedOf returns text as the matcher reads it: the reading Search kept in res, or text
// folded now when res was not made from it.
func (b *Base) foldedOf(text string, res Result) string {
	if res.folded != "" {
		return res.folded
	}
	f, _ := b.fold(text)
	return f
}

// withoutQuotes returns text without what it quotes between 「」, 『』 or “”, each quote
// replaced by a space. A quote that another opens inside before it closes, or that never closes,
// is kept as written (「件名が「至急 のメールを…」 keeps the writer's words after the stray 「).
func withoutQuotes(text string) string {
	if !strings.ContainsAny(text, "「『“") {
		return text
	}
	var b strings.Builder
	for rest := text; ; {
		i := strings.IndexAny(rest, "「『“")
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		open, size := utf8.DecodeRuneInString(rest[i:])
		inside := rest[i+size:]
		end := strings.IndexRune(inside, closingQuote[open])
		if end < 0 || strings.ContainsAny(inside[:end], "「『“") {
			b.WriteString(rest[:i+size]) // unclosed, or another opens first: kept
			rest = inside
			continue
		}
		b.WriteString(rest[:i])
		b.WriteByte(' ')
		rest = inside[end+utf8.RuneLen(closingQuote[open]):]
	}
}

// closingQuote is the closing mark of each opening quote withoutQuotes knows.
var closingQuote = map[rune]rune{'「': '」', '『': '』', '“': '”'}

// optionFor scores q's options against folded text f (as Base.fold reads it: an answer typed
// with spaces between its words, 「じぶんの おかねです」, is joined already); the options that move
// to another topic against unquoted, f without what it quotes.
func (b *Base) optionFor(q *Question, f, unquoted string, res Result) (*Option, int) {
	// 「会社のお金じゃなくて自分のお金」 picks the person's option: its denied words do not count
	denied, deniedUnquoted := res.denied, res.denied
	if f != res.folded {
		denied = b.index.read.denied(f)
	}
	if unquoted != f {
		deniedUnquoted = b.index.read.denied(unquoted)
	}
	// What happened picks an option only when no other option is told by its own words: in
	// 「うちの店名とロゴを使ったサイトがあるとお客さんから電話。買って振り込んだのに届かないと」
	// the customers paid, and the writer is the shop whose name was used, so the words decide.
	var scoreBuf, wordBuf [16]int // kept on the stack: Search reads options in every urgent answer
	scores, words := scoreBuf[:0], wordBuf[:0]
	for i := range q.Options {
		o := &q.Options[i]
		score := 0
		if o.names(res.Situations) || o.RuledOut && b.rulesOutThreat(res) {
			score = situationScore
		}
		word := 0
		in, inDenied := f, denied
		if o.Topic != "" {
			in, inDenied = unquoted, deniedUnquoted
		}
		for _, fw := range o.folded {
			if !containsUndenied(in, fw, inDenied) {
				continue
			}
			score := wordScore + utf8.RuneCountInString(fw)
			if len(o.Situations) > 0 && in != unquoted && !containsUndenied(unquoted, fw, deniedUnquoted) {
				// an option of what the writer did, told only inside a quote (「ここで注文した
				// けど届かない」と電話が): someone else did it, as what happened is read outside
				// quotes; the writer's own words win a tie. (A quote still tells which mail or
				// screen it is: options of that kind read it in full.)
				score--
			}
			word = max(word, score)
		}
		score += word
		if o.Topic != "" && res.Confident && res.Top() != nil && res.Top().ID == o.Topic {
			score = max(score, 50)
		}
		scores, words = append(scores, score), append(words, word)
	}
	best, bestScore, tie := pickBest(scores, nil)
	if best >= 0 && !tie && scores[best] >= situationScore && othersTold(words, best) {
		best, _, tie = pickBest(words, scores) // the words decide; what happened breaks their tie
		if best >= 0 {
			bestScore = scores[best]
		}
	}
	if best < 0 || tie {
		return nil, 0
	}
	return &q.Options[best], bestScore
}

// pickBest returns the index of the highest positive score, that score, and whether another
// index has it too; between equal scores, the higher of then (when given) decides.
func pickBest(scores, then []int) (best, bestScore int, tie bool) {
	best = -1
	for i, score := range scores {
		switch {
		case score > bestScore:
			best, bestScore, tie = i, score, false
		case score == bestScore && score > 0:
			switch {
			case then != nil && then[i] > then[best]:
				best, tie = i, false
			case then == nil || then[i] == then[best]:
				tie = true
			}
		}
	}
	return best, bestScore, tie
}

// othersTold reports whether an option other than best is told by one of its own words of
// refinedRunes characters or more (words holds each option's word score).
func othersTold(words []int, best int) bool {
	for i, w := range words {
		if i != best && w >= wordScore+refinedRunes {
			return true
		}
	}
	return false
}

// checkScreen checks an urgent topic's first screen: the one action now, two or three next
// steps, and every variant (each situation's line instead of now) within ScreenRunes.
func (l *loader) checkScreen(file string, kl keyLines, f *FirstAid) {
	if f.Now == "" || len(f.Next) < 2 || len(f.Next) > 3 {
		l.problem(file, kl.entry, "first_aid needs now: (the one action) and next: (two or three short steps) for the first screen")
		return
	}
	steps := 0
	for _, s := range f.Next {
		steps += utf8.RuneCountInString(s) + 3 // "1. " before each
	}
	check := func(line int, what, now string) {
		if n := utf8.RuneCountInString(now) + steps; n > ScreenRunes {
			l.problem(file, line, "first screen with %s has %d characters; at most %d fit a phone's first screen", what, n, ScreenRunes)
		}
	}
	check(kl.at("now"), "now:", f.Now)
	for _, id := range slices.Sorted(maps.Keys(f.Situations)) {
		check(kl.at("situations"), "situations: "+id, f.Situations[id])
	}
}

// unsure reports whether hits hold a word of group unsureGroup (「よくわからない」, "not sure")
// with no word of notGroup (「どうしたらいいのか」, "what to do") just before or just after it: not
// knowing what to do is no doubt about what it is.
func unsure(hits []hit, unsureGroup, notGroup int) bool {
	for _, h := range hits {
		if h.group != unsureGroup {
			continue
		}
		asksWhatToDo := slices.ContainsFunc(hits, func(n hit) bool {
			before := n.to <= h.to && h.from-n.to <= nearWindow
			after := n.from >= h.from && n.from-h.to <= nearWindow
			return n.group == notGroup && (before || after)
		})
		if !asksWhatToDo {
			return true
		}
	}
	return false
}

// standsApart reports whether q[from:to], a word found in folded text q, can be read as a word
// of its own: one of three characters or more, or one that starts or ends q or a
// space-separated word of it. A kana word of one or two characters (うん, はい) is otherwise part
// of a longer one (あかうんと, しはいにん).
func standsApart(q string, from, to int) bool {
	w := q[from:to]
	if utf8.RuneCountInString(w) >= 3 || strings.IndexFunc(w, func(r rune) bool { return kanaScript(r) != 'h' }) >= 0 {
		return true // long, or not kana only (了解, ok)
	}
	return from == 0 || q[from-1] == ' ' || to == len(q) || q[to] == ' '
}

// insideOther reports whether situation word h overlaps a word of another situation that begins
// before it, or at the same place and is longer: that word holds what was acted on (アプリ入れ
// begins before 入れちゃ: an app was installed, nothing was typed).
func (r *reader) insideOther(hits []hit, h hit) bool {
	for _, o := range hits {
		if o.group == h.group || o.group >= len(r.situations) || o.to <= h.from || h.to <= o.from {
			continue
		}
		if o.from < h.from || o.from == h.from && o.to > h.to {
			return true
		}
	}
	return false
}

// backRunes is how much may follow a rather word and a word pointing back (ThisOne) for them to
// end the text: 「でお願いします」.
const backRunes = 7

// pointsBack reports whether the rather word found at byte at of folded text q ends the text
// with a word pointing at a matter already told (「…も相談したいですが、まずはこちら」), and where
// the clause holding it starts (after the last word break before it); not in a text of one
// clause, which has nothing before it to point at.
func (r *reader) pointsBack(q string, hits []hit, at int) (clause int, ok bool) {
	end := at
	for _, h := range hits {
		if h.group == r.ratherGroup && h.from == at {
			end = max(end, h.to)
		}
	}
	// what follows the rather word, without the words pointing back (which may also end the
	// rather word itself: けど、まずこっち)
	after, pointed := q[end:], false
	for _, w := range r.thisOne {
		pointed = pointed || strings.Contains(q[at:], w)
		after = strings.ReplaceAll(after, w, "")
	}
	if !pointed || utf8.RuneCountInString(strings.ReplaceAll(after, " ", "")) > backRunes {
		return 0, false
	}
	i := strings.LastIndex(strings.TrimRight(q[:at], " "), " ")
	if i < 0 {
		return 0, false
	}
	return i + 1, true
}

// within reports whether hit h lies inside one of hits of group (a hedge inside a not-hedge: 何
// とかならない holds かな).
func within(hits []hit, group int, h hit) bool {
	return slices.ContainsFunc(hits, func(o hit) bool { return o.group == group && o.from <= h.from && h.to <= o.to })
}

// wished reports whether one of wishes (understanding.yaml's wish_endings) straddles the end of
// situation word h or begins right after it: the た that ends 電話した begins the たい of 電話し
// たい; アプリ入れ is followed by たい in アプリ入れたい.
func wished(wishes []hit, h hit) bool {
	for _, w := range wishes {
		if w.from <= h.to && h.to < w.to {
			return true
		}
	}
	return false
}

// closing reports whether the social turn id closes a matter (resolved, thanks): its words
// after a ruled-out threat or at the end of a text make the text social (closingSocial).
func closing(id string) bool { return id == "resolved" || id == "thanks" }

// conditional reports whether folded text before ends in a condition (たら, と, ば), which makes
// a thanks after it a request: 「お電話でお話しできたら助かります」 asks for a call.
func conditional(before string) bool {
	before = strings.TrimRight(before, " ")
	return strings.HasSuffix(before, "たら") || strings.HasSuffix(before, "と") || strings.HasSuffix(before, "ば")
}

// socialMark returns the social turn a text of marks alone is (「👍」「🙏🙏」: understanding.yaml's
// social words that fold to nothing), or "" when it holds anything else.
func (r reader) socialMark(text string) string {
	id := ""
	for _, c := range text {
		if ignoredInMarks(c) {
			continue
		}
		m, ok := r.marks[c]
		if !ok || id != "" && m != id {
			return ""
		}
		id = m
	}
	return id
}

// ignoredInMarks reports whether c only joins or modifies the marks around it: spaces, the
// emoji variation selector and joiner, skin tones and the signs a joiner makes a man or a woman
// of (🙇‍♂️).
func ignoredInMarks(c rune) bool {
	return unicode.IsSpace(c) || c == 0xFE0F || c == 0x200D || c >= 0x1F3FB && c <= 0x1F3FF || c == 0x2640 || c == 0x2642
}
