package decide

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"golang.org/x/text/unicode/norm"
)

// Policy is what the engine needs to know about the helpdesk itself.
type Policy struct {
	// Staffed means escalated cases reach people (a staff channel is configured). Without it,
	// escalation tells the user how to reach the helpdesk directly and never promises a reply.
	Staffed bool
	// Hours are the helpdesk's opening hours; nil means unknown, and no "outside hours" notice
	// is given.
	Hours *knowledge.Schedule
	// IdleTimeout ends a conversation that has been quiet this long; the next message starts
	// again politely. Zero means 24 hours.
	IdleTimeout time.Duration
}

func (p Policy) idle() time.Duration {
	if p.IdleTimeout <= 0 {
		return 24 * time.Hour
	}
	return p.IdleTimeout
}

// maxTextRunes is how much of one message the bot reads; the rest is ignored with a notice.
// knowledge.Search has a limit of its own for matching, but the cut is made here, before any
// use, because the text does not only go to the matcher: during a case it is relayed to staff
// as it is, and the notice tells the user in every mode that the rest was not read.
const maxTextRunes = 2000

// Effects are what a step changes besides the conversation and the reply.
type Effects struct {
	Unanswered *Unanswered // a free text that ended in clarify or fallback
	Counts     []string    // daily counters to increment, e.g. "answer", "escalate"
	Topic      string      // the topic the counters concern
	Handoff    bool        // open a case for this conversation
	Forget     bool        // delete the conversation (the user unfollowed)
	Relay      string      // text to pass to staff (a case is open)
	// FirstAid is the topic whose first action this step showed: with Relay (while the case
	// waits) or Handoff joining an open case, staff are told, so that they neither repeat nor
	// contradict it.
	FirstAid  string
	LeaveCase string // the user left this open case to talk to the bot again
}

// decider makes one step of one conversation. It is pure: knowledge, conversation and message
// in; conversation, reply and effects out. Decide runs it.
type decider struct {
	kb     *knowledge.Base
	policy Policy
	now    time.Time
	conv   *Conversation
	reply  Reply
	fx     Effects
	// oneShot answers at once even where a conversation would first ask (helpdesk ask has no
	// second turn): the standard answer comes first and the question follows.
	oneShot bool
	// heard is the free text that led into a topic and what the matcher made of it: what it
	// says already happened (paid, called) picks the first line of first aid and answers the
	// topic's question before it is asked.
	heard string
	res   knowledge.Result
	// openingRes is the reading of the message that opened the consultation (openingText), read
	// once in a turn however many answers ask of it (openingRead).
	openingRes  knowledge.Result
	openingText string
	typed       string // the text of this message, which a follow-up question inside a topic reads
	redirects   int    // topics entered through an option the heard text answered
	// why is what the matcher made of the last free text, for ask --json.
	why *knowledge.Why
	// caseID is the case an escalation hands the conversation to (In.CaseID).
	caseID string
}

func newDecider(kb *knowledge.Base, policy Policy, conv *Conversation, now time.Time) *decider {
	return &decider{kb: kb, policy: policy, now: now, conv: conv}
}

// leaveCase sends the user back to the bot from an open case: the case ends and staff are told.
func (d *decider) leaveCase() {
	d.fx.LeaveCase = d.conv.CaseID
	d.conv.CaseID = ""
	d.restart()
}

// step decides the reply to m and advances the conversation.
func (d *decider) step(m Message) {
	c := d.conv
	if c.Schema == 0 {
		c.Schema = SchemaVersion
		d.hint(m)
	} else if d.now.Sub(c.Updated) > d.policy.idle() && c.Mode != ModeHandoff {
		// Idle too long: start again politely. A typed text is still answered; a button from
		// the old conversation is not acted on.
		*c = Conversation{Schema: SchemaVersion, Step: c.Step}
		switch {
		case m.Event == EventResume, m.Event == EventText && m.Choice != "":
			d.say(d.msg("expired"))
			d.greet(false)
			d.finish()
			return
		case m.Event == EventText:
			d.say(d.msg("expired"))
		}
	}
	switch m.Event {
	case EventFollow:
		*c = Conversation{Schema: SchemaVersion, Step: c.Step}
		if m.LangHint == "en" {
			c.Lang = "en" // the profile says English: greet in it; Japanese text turns it back
		}
		d.greet(true)
	case EventUnfollow:
		d.fx.Forget = true
		return
	case EventRateLimited:
		d.say(d.msg("rate_limited"))
		return
	case EventUnsupported:
		d.say(d.msg("please_type"))
		d.reoffer()
	case EventGroup:
		d.say(d.msg("group_only"))
		d.reply.Leave = true
		return
	case EventMenu:
		d.greet(true)
	case EventResume:
		if c.Updated.IsZero() {
			d.greet(true)
		} else {
			d.present()
		}
	case EventHelp:
		d.say(d.msg("help"))
		d.offerMenu()
	default:
		if m.Choice != "" {
			d.choose(m.Choice)
		} else {
			d.text(m.Text)
		}
	}
	d.finish()
}

// finish numbers the reply and remembers its choices, so a typed number can pick one.
func (d *decider) finish() {
	d.conv.Updated = d.now
	d.reply.Lang = "ja"
	if d.english() {
		d.reply.Lang = "en"
	}
	d.conv.Choices = d.reply.Choices
	for _, b := range d.reply.Blocks {
		if b.Kind == TextBlock && b.Text != "" {
			d.conv.addTurn("bot", b.Text, d.now)
			break
		}
	}
}

// nextStep starts a reply whose contextual choices must carry a new step number.
func (d *decider) nextStep() int {
	d.conv.Step++
	return d.conv.Step
}

func (d *decider) msg(key string) string { return d.kb.MessageIn(d.conv.Lang, key) }

// english reports whether the conversation is held in English.
func (d *decider) english() bool { return d.conv.Lang == "en" }

// languageWord reports the language a folded text names when it is exactly the label of the
// English or 日本語 button: "en", or "" for Japanese.
func (d *decider) languageWord(folded string) (lang string, ok bool) {
	switch folded {
	case d.kb.Fold(d.kb.MessageIn("en", "label_english")):
		return "en", true
	case d.kb.Fold(d.kb.MessageIn("en", "label_japanese")):
		return "", true
	}
	return "", false
}

// when writes a moment (a desk's next opening) in the conversation's language.
func (d *decider) when(t time.Time) string { return d.kb.WhenIn(d.conv.Lang, t) }

// topicLabel and topicTitle are a topic's button label and title in the conversation's
// language.
func (d *decider) topicLabel(t *knowledge.Topic) string {
	if d.english() && t.EN != nil && t.EN.Label != "" {
		return t.EN.Label
	}
	return t.Label
}

func (d *decider) topicTitle(t *knowledge.Topic) string {
	if d.english() && t.EN != nil && t.EN.Title != "" {
		return t.EN.Title
	}
	return t.Title
}

// questionAsk and optionLabel are a topic's question and option labels in the conversation's
// language.
func (d *decider) questionAsk(t *knowledge.Topic, q *knowledge.Question) string {
	if d.english() && t.EN != nil {
		if qe, ok := t.EN.Questions[q.ID]; ok {
			return qe.Ask
		}
	}
	return q.Ask
}

func (d *decider) optionLabel(t *knowledge.Topic, q *knowledge.Question, o *knowledge.Option) string {
	if d.english() && t.EN != nil {
		if l := t.EN.Questions[q.ID].Options[o.ID]; l != "" {
			return l
		}
	}
	return o.Label
}

// hint holds a new conversation in English when the platform says the person's language is
// English (Message.LangHint) and their first message does not say otherwise: a "?", an emoji, a
// number, a lone word that is neither language, a sticker. What the person writes outranks what
// their settings say (a Japanese employee may keep Slack in English and still write Japanese),
// so text that language can tell apart decides as it always does, and a conversation that
// exists already, whose language the person's own words chose, is left as it is.
func (d *decider) hint(m Message) {
	if m.LangHint == "en" && d.kb.Language(m.Text) == "" {
		d.conv.Lang = "en"
	}
}

// language follows the language the user writes in: English text makes the conversation
// English, Japanese (or romaji) makes it Japanese again; a number or an emoji changes nothing.
// It reports whether the conversation switched to English, which is said in one line.
func (d *decider) language(text string) (toEnglish bool) {
	switch lang := d.kb.Language(text); {
	case lang == "en" && !d.english():
		d.conv.Lang = "en"
		return true
	case lang == "ja" && d.english():
		d.conv.Lang = ""
	}
	return false
}

// switchLanguage holds the conversation in lang ("en" or Japanese) from now on, saying so when it
// becomes English, or Japanese again after English (wasEnglish: the language before this message).
func (d *decider) switchLanguage(lang string, wasEnglish bool) {
	d.conv.Lang = lang
	switch {
	case lang == "en":
		d.say(d.msg("switched_english"))
	case wasEnglish:
		d.say(d.kb.MessageIn("en", "switched_japanese"))
	}
}

// noteAfterFirstAid adds a text block right after the reply's first-aid steps, or first when the
// reply has none.
func (d *decider) noteAfterFirstAid(text string) {
	at := 0
	for i, b := range d.reply.Blocks {
		if b.Kind == StepsBlock {
			at = i + 1
			break
		}
	}
	d.reply.Blocks = slices.Insert(d.reply.Blocks, at, Block{Kind: TextBlock, Text: text})
}

func (d *decider) say(text string) {
	if text != "" {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: text})
	}
}

func (d *decider) offer(id, label string) {
	for _, c := range d.reply.Choices {
		if c.ID == id {
			return
		}
	}
	d.reply.Choices = append(d.reply.Choices, Choice{ID: id, Label: label})
}

// ---- free text

func (d *decider) text(raw string) {
	text := CleanText(raw)
	if n := utf8.RuneCountInString(text); n > maxTextRunes {
		text = string([]rune(text)[:maxTextRunes])
		d.say(strings.ReplaceAll(d.msg("too_long"), "{n}", strconv.Itoa(maxTextRunes)))
	}
	if strings.TrimSpace(text) == "" {
		d.say(d.msg("empty_input"))
		d.reoffer()
		return
	}
	d.conv.addTurn("user", text, d.now)
	wasEnglish := d.english()
	if d.language(text) {
		// the note on the switch follows the first aid, which a frightened person reads first
		defer d.noteAfterFirstAid(d.msg("switched_english"))
	}
	if d.conv.Mode == ModeHandoff {
		// Everything goes to the person who has the case, greetings and 「最初に戻る」 included;
		// only the case's own buttons, tapped or typed, act here.
		if c, ok := d.choiceByLabel(d.kb.Fold(text)); ok && caseChoice(c) {
			d.choose(c)
			return
		}
		d.relay(text)
		return
	}
	if n, ok := typedNumber(text); ok {
		if n >= 1 && n <= len(d.conv.Choices) {
			d.choose(d.conv.Choices[n-1].ID)
			return
		}
		if len(d.conv.Choices) > 0 {
			d.say(strings.ReplaceAll(d.msg("not_a_choice"), "{n}", strconv.Itoa(len(d.conv.Choices))))
			d.reoffer()
			return
		}
	}
	folded := d.kb.Fold(text) // the text as labels and commands are compared
	switch d.kb.FoldedCommand(folded) {
	case "restart":
		d.restart()
		return
	case "back":
		d.back()
		return
	case "cancel":
		d.cancel()
		return
	case "help":
		d.say(d.msg("help"))
		d.offerMenu()
		return
	case "none":
		// 「どれも違います」 typed while topics are offered: what the button 「どれにも当てはまらない」
		// does, not the same choices again; elsewhere it is read as any text
		if slices.ContainsFunc(d.conv.Choices, func(c Choice) bool { return c.ID == actChoice(actNone) }) {
			d.action(actNone)
			return
		}
	}
	if lang, ok := d.languageWord(folded); ok {
		// 「日本語」 or "English" typed: the conversation changes language and shows the menu
		// in it, as the button does; in the middle of the form it stays where it is.
		d.switchLanguage(lang, wasEnglish)
		if d.conv.Mode == ModeIntake && d.intakeQuestion() != nil {
			d.askIntake()
		} else {
			d.greet(false) // as the button does: the menu, in the language now chosen
		}
		return
	}
	if d.conv.Mode == ModeIntake {
		d.intakeText(text, folded)
		return
	}
	if c, ok := d.choiceByLabel(folded); ok {
		d.choose(c)
		return
	}
	res := d.kb.Search(text)
	if d.conv.Topic != "" && (d.conv.Mode == ModeAnswered || d.conv.Mode == ModeQuestion) && res.Social == "" {
		// 「👍」 after an answer acknowledges it (as a first message it is read as nothing)
		if mark := d.kb.SocialMark(text); mark != "" {
			res.Social, res.Why.Social = mark, mark
		}
	}
	if t := d.kb.Topic(d.conv.Topic); t != nil && !t.Urgent && (d.conv.Mode == ModeAnswered || d.conv.Mode == ModeQuestion) &&
		!res.Confident && d.bothReadAnother(t, res) && res.Named(res.Top().ID) {
		// a second matter asked inside a calm topic, read first as another calm topic by both
		// readings and by a word of its own (「それとは別件なんですが、…在宅勤務にしたくて」):
		// answered, not asked about (inside an incident it is offered, the incident beside it)
		res.Confident = true
	}
	d.why, d.typed = &res.Why, text
	told := d.conv.tell(res.Situations, res.Why.Device, res.Why.OutsideTokyo, res.Why.AsCompany)
	if d.inContext(text, res, told) {
		return
	}
	d.freeText(text, res)
}

// inContext reads a free text in the conversation it belongs to, before it is taken as a new
// consultation, in this order: an answer to the question on screen picks its option; a
// follow-up inside the current topic gets that part of the topic's answer; a social turn keeps
// the conversation where it is. It reports whether it answered.
func (d *decider) inContext(text string, res knowledge.Result, told toldNow) bool {
	c := d.conv
	t := d.kb.Topic(c.Topic)
	inTopic := t != nil && (c.Mode == ModeAnswered || c.Mode == ModeQuestion)
	if res.Escalate {
		return false
	}
	if c.Mode == ModeQuestion && t != nil {
		if q := findQuestion(t, c.Question); q != nil {
			// an option leading to another topic is not picked by a word only asked about
			// (「ウイルス？」 to a fault's cause question: the virus's first screen would tell a
			// person who only wonders to stop work and pull the cable)
			if o := d.kb.OptionFor(q, text, res); o != nil && !doubtedElsewhere(o, res) {
				d.conv.addTurn("user", "["+o.Label+"]", d.now)
				d.pickOption(o.ID)
				return true
			}
		}
	}
	if inTopic && c.Mode == ModeAnswered && told.outside && !readsAnotherTopic(c, res) && res.Social == "" && !res.Closes() &&
		!res.Corrects() && len(res.Situations) == 0 && (res.Followup == "" || res.Followup == "police") &&
		slices.ContainsFunc(d.topicContacts(t), d.dependsWhereTheyAre) {
		// 「振り込んだのは埼玉の越谷支店です」 after an answer with 警視庁's cards, saying nothing
		// else: the police to go to are that prefecture's (desksWhereTheyAre). A message that
		// also tells, asks or thanks is read as usual, its cards with the prefecture's police.
		d.followup(t, "police")
		return true
	}
	if also := d.alsoRead(res); inTopic && also != nil {
		// 「プリンタのほうが急ぎです！…」 under the spam answer that offered the printer as the
		// other matter: read first by the rules and named, it is that matter, told unsure
		d.heard, d.res = text, res // what enterTopic reads the answered option from
		d.reply.Outcome = Answer
		d.fx.Counts = append(d.fx.Counts, "consultation", "answer") // as the choice tapped counts
		d.fx.Topic = also.ID
		d.conv.push()
		d.enterTopic(also)
		return true
	}
	if inTopic && res.Social == "" && d.readWithout(t, text, res) {
		return true
	}
	// (or asked as a second matter, read first as another calm topic by both readings: 「それと
	// は別件なんですが、…在宅勤務にしたくて、東京都で相談に乗ってくれるところとかありますか」
	// after a spam answer is telework's question, not spam's desks again)
	newTopic := readsAnotherTopic(c, res) || inTopic && d.bothReadAnother(t, res)
	if newTopic && d.toldFurther(t, res) {
		newTopic = false
	}
	if inTopic && c.Mode == ModeAnswered && t.ID == knowledge.HelpdeskTopic && !newTopic && asksTheDesk(res) {
		// A request to the desk itself after its answer, which says the desk's staff take such
		// requests (「講師を派遣していただくことは可能でしょうか」): handed to them.
		d.reply.Topic, d.reply.Outcome = t.ID, Escalate
		d.escalate()
		return true
	}
	named := d.kb.ContactsNamed(res)
	if inTopic && c.Mode == ModeAnswered && statement(text) && !res.Requests() && res.Why.Intent == "" &&
		!res.Why.Now && len(res.Situations) == 0 && (res.Followup == "leaving" || res.Followup == "" && len(named) > 0) {
		// The person says they will go to a desk (「わかりました、月曜に警察に行ってみます」) or
		// which desk they will call (「法テラスに電話します」): acknowledged, not that desk's topic
		// answered from the start. A wish
		// (「法テラスに相談したい」), a plan or a report, or something that happened is read as
		// usual. With thanks (「個人情報保護委員会ですね。ありがとうございます」), thanked back.
		if res.Closes() {
			d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
			d.say(d.msg("social_thanks"))
			d.reoffer()
			return true
		}
		d.acknowledge(t)
		return true
	}
	if len(named) > 0 && len(named) <= 3 &&
		(res.Asks() || res.Followup != "") && (inTopic && (!newTopic || res.Followup == "contacts" && !urgentTopic(res)) || shortMessage(text) && !(res.Confident && res.Why.Intent != "")) {
		// A question about desks by name (「消費生活センターでもいいですか」「IPAの番号は？」): their
		// cards, whatever the topic lists, also where it reads as a calm topic of its own
		// (「インシデント対応の窓口ってどこ？JPCERTに報告すべき？」 inside an intrusion: not the
		// reporting topic from the start); outside a topic only when short (a first message that
		// tells an incident and names desks in passing is a consultation) and not a plan or a
		// report its topic explains (「IPAへの届出のやり方を教えてください」: how to report).
		var ids []string
		for _, n := range named {
			ids = append(ids, n.ID)
		}
		if d.anyPhone(ids) {
			d.say(d.msg("followup_named"))
		} else {
			d.say(d.msg("followup_named_no_phone")) // a subsidy or a list: nothing to call
		}
		// asked for by name, so shown as the full list shows them: a consumers-only desk
		// too, with what it does not take
		d.contactsTitled(d.msg("contacts_title"), ids)
		if c.Mode == ModeQuestion && t != nil && findQuestion(t, c.Question) != nil {
			// the topic's question still waits: its choices stay below the cards (narrowed
			// ones too, 個人として/会社として支払った)
			d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
			d.reoffer()
		} else if inTopic {
			d.afterAnswer(t)
		} else {
			d.offerMenu()
		}
		return true
	}
	if inTopic && res.Followup != "" && (!newTopic || shortMessage(text)) {
		d.followup(t, res.Followup)
		return true
	}
	if inTopic && c.Mode == ModeAnswered && !newTopic {
		// More about the same matter (「自分のカードで払いました」): the option it fits adds its
		// answer and contacts.
		if q, o := d.kb.RefinedOption(t, text, res); o != nil {
			if o.ID == c.Option && (res.Stuck() || res.Asks()) {
				// a step of the answer did not work (「パスワードは変えられないんです、ログインで
				// きなくて」), or a question beside what the answer was for ("kojin no LINE desu.
				// tomodachi ni dou shirasereba ii desu ka"): the answer's lines about it or the
				// honest "no answer here" with a person, not "noted"
				d.followup(t, "question")
				return true
			}
			if o.ID == c.Option && incidentGoingOn(t, res) && len(told.added) > 0 {
				// something more has happened within the same case (「遠隔操作のソフトも入れさせ
				// られました。まだ入ってます」 after the answer for paying): the first steps for it
				d.firstAidAgain(t, res)
				return true
			}
			if o.ID == c.Option {
				// It says again what the answer was for (「個人情報が入っています」 after the
				// answer for personal data): acknowledged, not answered twice.
				d.acknowledge(t)
				return true
			}
			c.Question = q.ID
			d.conv.addTurn("user", "["+o.Label+"]", d.now)
			d.pickOption(o.ID)
			return true
		}
		if q := d.kb.SituationQuestion(t, res); q != nil {
			// What happened fits two of its options (「もう払いました」: as a person or as the
			// company?): the question tells them apart.
			d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
			d.askAmong(t, q, res.Situations)
			return true
		}
	}
	if inTopic && res.Social == "" && !d.bothReadAnother(t, res) && (res.Why.OffTopic ||
		t.Urgent && (!urgentTopic(res) && shortMessage(text) || d.namesNothing(res, told) || readAsTheMatter(t, res)) ||
		!t.Urgent && !res.Confident && (shortMessage(text) || d.namesNothing(res, told)) && res.Asks() ||
		!t.Urgent && shortMessage(text) && d.namesNothing(res, told) && len(res.Situations) == 0 && res.Followup == "" && statement(text) ||
		!t.Urgent && (c.Mode == ModeQuestion || len(res.Topics) < 2) && !res.Confident && d.namesNothing(res, told) && res.Followup == "" && statement(text) ||
		res.Opener && res.Asks()) {
		// Inside an incident, a short message not about another incident (「どこも電話つながら
		// ない」「LANぬいた」), one naming no topic (namesNothing) or one the statistics read as
		// the incident (readAsTheMatter); a short question inside a calm matter that reads as no
		// topic for sure (「振込先の銀行にも連絡したほうがいいですか？」 after the fake shop's
		// answer), one about nothing IT at all (「相手には何て言えば」), or a question that
		// names nothing either reading knows ("tomodachi ni dou shirasereba ii desu ka" after a
		// LINE take-over), or a fact inside a calm matter, unsure and naming nothing, that would
		// offer at most one topic (「うしろに あおい せんが…さしましたが」 after a fault's answer,
		// which the learned reading alone places elsewhere): all are about the matter at hand,
		// not a new consultation. A question about the incident going on gets its first steps
		// again; another question the honest answer that the knowledge has none, with a person
		// offered; anything else the steps again while the incident goes on, or an
		// acknowledgement.
		if incidentGoingOn(t, res) && res.Top() != nil && res.Top().ID == t.ID && res.Followup == "" && !res.Stuck() {
			// a question about the incident going on, read as it ("The guy is still on the phone
			// with me, should I hang up?"): its first screen's steps, for what it says happened
			d.firstAidAgain(t, res)
		} else if res.Asks() || res.Stuck() || res.Why.OffTopic && knowledge.HasJapanese(text) && !statement(text) {
			// A statement with no topic word (「社長にはまだ言ってない」, "I changed it just
			// now") reads as off topic too; only a question gets the honest "no answer".
			d.followup(t, "question")
		} else if incidentGoingOn(t, res) {
			// 「まだ電話はつながっています。相手が操作しています」: the incident is still going on;
			// its first screen's steps again, for what the person said happened, not an "OK"
			d.firstAidAgain(t, res)
		} else if c.Mode == ModeQuestion && !t.Urgent && d.again(t, res) {
			// 「英語がいっぱい出てます」 while a fault's question waits: more about the matter, its
			// desks and the question again (again), not an "OK" that leaves the question unasked
		} else {
			d.acknowledge(t)
		}
		return true
	}
	// read as off topic only for naming nothing of IT, not for a word of its own ("I'm the buyer.
	// It was for me, not for the company" to a fake shop or online shopping): an answer to the
	// choices on screen may still be in it
	offForNothing := res.Why.OffTopic && len(res.Why.Phrases) == 0
	// A story of what happened, read first as one of the topics offered, tells the matter, also
	// where it ends in doubt ("… mae ni tenpu hiraita kamo desu, wakaranai": its わからない is no
	// "I can't tell" to the choices).
	toldStory := c.Mode == ModeClarify && len(res.Situations) > 0 && res.Why.Now && !shortMessage(text) && res.Top() != nil &&
		slices.Contains(d.offeredTopics(), res.Top().ID)
	if c.Mode == ModeClarify && res.Social == "" && (!res.Confident || offForNothing) && !res.Escalate {
		t := d.offeredTopicAnswered(text, res)
		named := d.offeredTopicNamed(text, res)
		if t == nil || named != nil && named != t && res.Top() != nil && res.Top().ID == named.ID {
			// an offered topic named by its own words and read first outweighs another's option
			// words (「けいじばん です。だれが やったか わかりません」 names the defamation offered;
			// わかりません is also a fault's option, 「セキュリティか分からない」)
			t = named
		}
		if led := d.offeredTopicLed(res); t != nil && led != nil && led != t && t != named {
			// the matter told in words both readings put first as one of the topics the bot
			// offered outweighs another offered topic's option words (a mail-forwarding rule set by
			// an intruder, 「パスワード変更とMFA設定はしました」, while an intrusion and phishing
			// are offered: the password changed is also phishing's option)
			t = led
		}
		if t == nil {
			t = d.offeredTopicLeft(res)
		}
		if t == nil {
			t = d.offeredTopicAlone(text, res)
		}
		if t == nil {
			t = d.offeredTopicRead(res)
		}
		if t == nil && toldStory && res.Top().ID == d.offeredTopics()[0] && !d.kb.DeniesItHappened(res.Top().ID, res) {
			// a story of what happened (「前に添付を開いたかもです」), read first as the topic the
			// bot itself offered first: that topic
			t = d.kb.Topic(res.Top().ID)
		}
		if fits := d.offeredTopicForDevice(res); t != nil && fits != nil && !hasDeviceLine(t, res.Why.Device, res.Situations) {
			// the device named (「アンドロイドです」) has steps of its own in another offered topic
			// (a virus on the phone), not in the one the answer picked for what happened (a
			// support scam's steps for an app installed unplug a computer's LAN cable)
			t = fits
		}
		if t != nil {
			// The person answers in words what one of the offered topics would ask (「何も
			// 入力していません」 to phishing, spam or Emotet): that topic, its question answered;
			// or names one of them in words of their own (「ういるす だと おもいます」).
			d.heard, d.res = text, res // what enterTopic reads the answered option from
			d.reply.Outcome = Answer
			d.fx.Counts = append(d.fx.Counts, "answer")
			d.conv.push()
			d.enterTopic(t)
			return true
		}
	}
	asks := res.Asks()
	steps := res.Followup == "steps" || res.Followup == knowledge.MoreFollowup || res.Followup == knowledge.DemandFollowup
	if c.Mode == ModeClarify && res.Social == "" && ((res.Followup == "question" && !toldStory || steps) && (!res.Confident || utf8.RuneCountInString(text) <= 12) ||
		!res.Confident && len(res.Why.Phrases) == 0 && res.Followup == "" && res.Menu == nil && res.Why.Intent == "" &&
			(shortMessage(text) || asks && !d.placedCalm(res) || res.Why.Learned == "" || len(res.Topics) < 2)) {
		// 「わからない」 to 「いちばん近いものはどれですか？」, or a short message, one neither
		// reading places or one that would offer at most one topic, that names no topic (「写真とった」「LANケーブル抜いたほうがいいですか」
		// 「あんどろいど です。 じぶんの すまほ です。 おかねは はらってません」): the same choices
		// again, and a person, instead of other topics guessed from words of no topic. A longer
		// question the learned reading places in a calm topic (「東京都が中小企業向けに専門家の派遣
		// みたいなのやってるって聞いたんですが、うちでも使えますか」) is a matter told afresh, read
		// below; one it places in an incident is about the one on screen. A question
		// while an incident is offered first gets that incident's first action again: it is what
		// such a question is about.
		if t := d.firstOfferedTopic(); t != nil && t.Urgent && steps && t.FirstAid != nil {
			// 「払ったほうが早いですか？」 while a ransom note is offered first: its first screen's
			// steps, which say what to do and what not to (身代金は払わない)
			d.firstAid(t)
			d.say(d.msg("clarify"))
		} else if t != nil && t.Urgent && res.Followup == "" && asks && d.sayFirstAction(t) {
			d.say(d.msg("clarify"))
		} else if res.Followup == "" && !res.Why.Unsure && (knowledge.HasJapanese(text) || res.Why.Romaji) && statement(text) &&
			(res.Why.OutsideTokyo || res.Why.AsCompany || res.Why.Device != "" || len(res.Situations) > 0 || utf8.RuneCountInString(text) >= toldRunes) {
			// a fact told that names no topic (「工房は埼玉です。都内じゃないです」, in romaji too:
			// "akete nai desu. tenpu file mo sawatte nai", 「がめんに おふらいん と でています」):
			// thanks, and the choices again, not "it's fine not to know", which answers a doubt
			// nobody voiced
			d.say(d.msg("question_again"))
		} else {
			d.say(d.msg("clarify_unsure"))
		}
		d.reoffer()
		return true
	}
	switch res.Social {
	case "":
	case "greeting":
		d.greet(true)
		return true
	case "resolved":
		if inTopic {
			d.action(actResolved)
			return true
		}
		d.say(d.msg("social_thanks"))
		d.offerMenu()
		return true
	default:
		social := res.Social
		if social == "ack" && res.Closes() {
			social = "thanks" // "Thanks, that helps.": read as an acknowledgement, worded as thanks
		}
		d.say(d.msg("social_" + social))
		if inTopic || res.Social != "bye" {
			// 「はい」「うん」 while choices are on screen: they stay (reoffer shows the menu
			// when there are none)
			d.reoffer()
		} else {
			d.offerMenu()
		}
		return true
	}
	// a question for desks read as no IT matter (「うちが作ったサイトじゃない。警察？どこに言えばい
	// いの？」: its only IT word denied) is about the matter offered, not an office one
	offTopic := res.Top() != nil && res.Top().ID == d.kb.Understanding().OffTopic
	if c.Mode == ModeClarify && res.Followup == "contacts" && (!res.Confident && len(res.Why.Phrases) == 0 || offTopic) {
		if t := d.firstOfferedTopic(); t != nil {
			// 「どこに そうだん すれば いいの」 while topics are offered: the desks of the first,
			// the bot's best reading, with the choices still below (a person who cannot choose
			// is not sent back to the menu)
			d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
			d.say(strings.ReplaceAll(d.msg("clarify_contacts"), "{topic}", d.topicLabel(t)))
			d.contacts(t.Contacts)
			d.reoffer()
			return true
		}
	}
	// A question for desks that names what it is about but not surely (「在宅でケア記録を入力さ
	// せる場合の注意点と、相談できる窓口を知りたい」) is asked about with the topics it names, as any
	// unsure message is: the desks come with the topic's answer.
	namesSome := !res.Confident && len(res.Why.Phrases) > 0 && len(res.Topics) > 0
	// A reading made sure by both readings agreeing (Why.Agreed: 「アクセスログに海外IPから秒間数
	// 千リクエスト…どこかに報告した方が」) names its matter in words no list holds.
	namesSome = namesSome || res.Confident && res.Why.Agreed
	if !inTopic && res.Followup == "contacts" && !namesSome && (!res.Confident || len(res.Why.Phrases) == 0 && len(res.Why.Situations) == 0 && shortMessage(text)) {
		if strings.Contains(text, "教えて") || strings.Contains(text, "一覧") {
			// 「電話番号を教えて」 at the menu: the list of contacts, as the menu's button gives.
			d.allContacts("")
			return true
		}
		// 「どこに電話すればいい？」 before saying what happened (a sure reading that tells what
		// already happened, 「でんわばんごうに でんわ しました」, or a longer one that tells the
		// matter in words no list holds, 「…売ってる投稿たくさん見つけた。通報したいんだけどどこに
		// すればいい？」, is a story, not this question):
		// which desk depends on it, and the whole list is three carousels on a phone. Asked what
		// it is about, with the menu (its 相談窓口の一覧 still gives every desk).
		d.say(d.msg("contacts_which"))
		d.offerMenu()
		return true
	}
	return false
}

// again answers a message surely about the topic the conversation is in, written while the
// topic's question waits or right after its answer, and reports whether it did. The topic is not
// started over: more about the matter while its question waits (「出品者と連絡がとれません」 to
// 「どのような立場での取引ですか？」) gets the question again, with a calm topic's desks that fit
// everyone (an incident's first screen showed them); a message after the
// answer (「もう入力しちゃいました」) is acknowledged, with the topic's question if nothing has
// answered it yet; a question after the answer, or a step that did not work, gets the honest
// answer that the knowledge has none.
func (d *decider) again(top *knowledge.Topic, res knowledge.Result) bool {
	c := d.conv
	if !res.Confident && len(res.Why.Phrases) == 0 && len(res.Why.Denied) == 0 && c.Topic != "" {
		// a message that names no topic's word (「えいごが　いっぱい　でてます」「でんげんを　きって
		// つけなおしても　おなじです」), whatever the statistics lean to, while a calm matter's
		// question waits is more about that matter (moreAboutTheMatter decides)
		top = d.kb.Topic(c.Topic)
	}
	if top == nil || res.Escalate || !res.Confident && !d.moreAboutTheMatter(top, res) {
		return false
	}
	if top.ID != c.Topic {
		cur := d.kb.Topic(c.Topic)
		if !d.toldFurther(cur, res) {
			return false
		}
		top = cur
	}
	q := findQuestion(top, c.Question)
	switch {
	case c.Mode == ModeQuestion && q != nil && !top.Urgent && !d.saidLast(d.msg("question_again_desks")):
		// the person goes on about the matter rather than answer: what fits them all (the
		// topic's desks) now, and the question, which picks the one for them, again
		d.say(d.msg("question_again_desks"))
		d.contacts(top.Contacts)
		d.askQuestion(top, q, top.Urgent)
	case c.Mode == ModeQuestion && q != nil:
		// an incident's first screen showed its desks already, and so did the reply before this
		// one where it said more about a calm matter: not the same cards twice in a row
		d.say(d.msg("question_again"))
		d.askQuestion(top, q, top.Urgent)
	case c.Mode == ModeAnswered && (res.Asks() || res.Stuck()):
		// a question about the matter after its answer (「今夜中に報告しないといけないんですか」),
		// or a step that did not work (「パスワードは変えられないんです、ログインできなくて」),
		// tells nothing more: the honest answer that the knowledge has none, with a person
		// offered, not "noted"
		d.followup(top, "question")
		return true
	case c.Mode == ModeAnswered && c.Option == "" && len(top.Questions) > 0:
		d.say(d.msg("same_matter"))
		d.askQuestion(top, &top.Questions[0], true)
	case c.Mode == ModeAnswered:
		d.say(d.msg("same_matter"))
		d.reoffer()
	default:
		return false
	}
	d.reply.Outcome = Answer
	d.reply.Topic, d.reply.Urgent = top.ID, top.Urgent
	return true
}

// readWithout reads a message that says the bot read the matter wrong again, without topic t
// on screen, and reports whether it did: one holding a correction (「いや、そうじゃなくて」) always,
// one that denies a word of t (「いや、ウイルスじゃなくて、うちの店の写真が別のサイトに…」) where
// the reading left is sure of another topic: the rules were, or the learned reading agrees, or
// the threat denied was merely the fault the text tells (「乗っ取りじゃなかったです。管理者IDの
// パスワードを誰も知らないだけでした」). A denial alone that leaves nothing sure (「不正ログインで
// はないと思いたいけど、まだ確認してません」), and a correction whose words read as t itself, are
// read inside t as usual.
func (d *decider) readWithout(t *knowledge.Topic, text string, res knowledge.Result) bool {
	if !res.Corrects() && !res.Denies(t.ID) {
		return false
	}
	if top := res.Top(); top != nil && top.ID == t.ID && (res.Confident || res.Why.Learned == t.ID) {
		// what the correction tells is the matter on screen after all (「いや、そうじゃなくて、ファ
		// イルの名前が全部変わってるんです」 after the ransom note's answer): it stays
		return false
	}
	rest := res
	rest.Topics = slices.DeleteFunc(slices.Clone(res.Topics), func(m knowledge.Match) bool { return m.Topic.ID == t.ID })
	top := rest.Top()
	sure := top != nil && (res.Confident && res.Top().ID == top.ID || res.Why.Learned == top.ID ||
		res.Why.Merely && top.ID == d.kb.Understanding().UnsureTopic)
	if !sure && !res.Corrects() {
		return false
	}
	rest.Confident = sure
	// a consultation of its own, never pulled back into t (again)
	d.hear(text, rest)
	d.consult(text, rest)
	return true
}

// moreAboutTheMatter reports whether an unsure reading is more about the calm matter at hand,
// whose question waits or whose answer was given. While the question waits: the reading puts that
// matter first and names no other topic by a word of its own (an office word such as 近所 aside);
// 「変な広告とか警告は出てないです。5年くらい前に電気屋で買ったやつ」 while a device fault asks
// its cause is the same fault, not a new consultation. After the answer: the learned reading
// places it in the matter and the rules read no topic's word at all.
func (d *decider) moreAboutTheMatter(top *knowledge.Topic, res knowledge.Result) bool {
	c := d.conv
	if top.ID != c.Topic || top.Urgent || (c.Mode != ModeQuestion && c.Mode != ModeAnswered) || res.Social != "" || res.Followup != "" {
		return false
	}
	if c.Mode == ModeAnswered {
		// (「パソコンからもコピーでもだめです。変なメールとかは開いてないです」 after a copier's
		// fault: no support scam or Emotet to choose from; a word of a topic, the matter's own
		// too, is read as usual, an option's words first)
		return res.Why.Learned == c.Topic && len(res.Why.Phrases) == 0
	}
	if res.Why.Learned == c.Topic {
		// the learned reading places it in the matter too: another topic's word read first by
		// neither reading (「わいふぁいの　らんぷが　あかく　ひかってます」: Wi-Fi is also a word
		// of general security) does not move it
		return true
	}
	offTopic := d.kb.Understanding().OffTopic
	for _, p := range res.Why.Phrases {
		if id, _, _ := strings.Cut(p, ":"); id != c.Topic && id != offTopic {
			return false
		}
	}
	return true
}

// toldFurther reports whether a message that reads as another topic only tells what happened in
// the matter at hand, t: it names nothing of the other topic by its words, and what it says
// happened is something that happens in t (「添付は先週開いたかもしれません」 after the answer
// about Emotet mail is still about Emotet, though opened attachments also lead to targeted
// attacks); or it tells, asking no question, of nothing happening now, in words t's own
// examples use too (「受信者には削除をお願いして、削除したと返事をもらいました」 after the
// answer about a mis-sent mail: a deletion asked of its recipient, not a post to take down); or
// it asks whether to do something, nothing happening now (「かーどがいしゃにでんわしたらいいの
// ですか」 after the phishing answer: 電話したら is also what a support scam's victims did).
func (d *decider) toldFurther(t *knowledge.Topic, res knowledge.Result) bool {
	top := res.Top()
	if t == nil || top == nil || top.ID == t.ID {
		return false
	}
	calm := !res.Why.Now && len(res.Situations) == 0 && res.Why.Intent == ""
	toldInItsWords := calm && !res.Asks() && d.kb.WordsAlsoOf(t.ID, res)
	askedWhatToDo := calm && res.Asks() && res.Advised()
	// 「uirusu ja nai desu ka?」 inside a fault, 「ウイルスじゃないですか？」 inside a support
	// scam: an incident only wondered about, nothing happening, is a question about the matter
	// at hand. (Inside an incident, a closing question mark alone is no doubt: 「うちも調べたほう
	// がいい？」 asks about another incident.)
	wondered := calm && top.Urgent && (res.Why.Hedged || !t.Urgent && res.AsksWhether())
	return !res.Named(top.ID) && d.kb.SituationFits(t.ID, res) || toldInItsWords || askedWhatToDo || wondered
}

// placedCalm reports whether the learned reading placed res in a calm topic (the support
// schemes, a policy), which a question asked while other topics are offered turns to.
func (d *decider) placedCalm(res knowledge.Result) bool {
	t := d.kb.Topic(res.Why.Learned)
	return t != nil && !t.Urgent
}

// toldRunes is how long a statement must be to tell a fact (「がめんに おふらいん と でています」),
// not a hesitation (「わからん」「ちょっとまって」).
const toldRunes = 12

// shortMessage reports whether text is short enough to be about the matter at hand rather than
// a new consultation: 30 characters of Japanese, or ten words of English.
func shortMessage(text string) bool {
	if knowledge.HasJapanese(text) {
		return utf8.RuneCountInString(text) <= 30
	}
	return len(strings.Fields(text)) <= 10
}

// bothReadAnother reports whether the message asks for something (a request word or a question)
// that both readings of the matcher are sure is another topic than t, a calm one the person turns
// to from the incident: the rules and the learned reading agree, or the rules read a plan
// (「業者に調べてもらいたい。どこに頼めばいいですか」, 「緊急で対応してくれる会社の一覧はあり
// ますか」 during an infection: the vendors), or, unsure, a question told as a second matter that
// both put first. A remark (「研修はちゃんとやっていたのに」) stays.
func (d *decider) bothReadAnother(t *knowledge.Topic, res knowledge.Result) bool {
	top := res.Top()
	if top == nil || top.ID == t.ID || top.Urgent || top.ID == d.kb.Understanding().OffTopic {
		return false
	}
	// (unsure, a question told as a second matter that both read first: 「ついでに聞きたいんだけ
	// ど、うちみたいな10人の製本所でまず何からセキュリティ対策すればいい？」 after a spam answer)
	return res.Confident && res.Requests() && (res.Why.Learned == top.ID || res.Why.Intent != "") ||
		!res.Confident && res.TwoMatters() && res.Asks() && res.Why.Learned == top.ID
}

// namesNothing reports whether res found no topic's word (but the office matters') and no plan in
// its text, so that it is more about the matter at hand, however long: read unsure, or sure only by the statistics
// agreeing (Why.Agreed) on a calm topic or about the device the conversation was already about
// (「アンドロイドです、会社のじゃなくて自分のスマホ。いれたのはさっき」 inside a virus on the
// phone). A new incident the statistics are sure of on another device, or on none (「それと、さっ
// き会社のノートパソコンを落としてしまいました」 inside a phishing answer), is a matter of its own.
func (d *decider) namesNothing(res knowledge.Result, told toldNow) bool {
	// a word of the office matters (お昼, 会議室) is the setting of the matter at hand, not one
	office := d.kb.Understanding().OffTopic + ":"
	if slices.ContainsFunc(res.Why.Phrases, func(p string) bool { return !strings.HasPrefix(p, office) }) || res.Why.Intent != "" {
		return false
	}
	if !res.Confident || len(res.Situations) == 0 && res.Why.Learned == "" {
		// unsure, or sure only by what its sentences share with a topic's examples, with nothing
		// happening in it and the statistics not reading it as that topic either (「USB wa
		// torihikisaki kara moratta mono」 inside a virus: 取引先から is how fraud mails start)
		return true
	}
	sameDevice := res.Why.Device != "" && res.Why.Device == told.deviceBefore
	return res.Why.Agreed && (res.Top() == nil || !res.Top().Urgent || sameDevice)
}

// acknowledge says 「承知しました」 inside topic t, with the choices on screen kept.
func (d *decider) acknowledge(t *knowledge.Topic) {
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	d.say(d.msg("social_ack"))
	d.reoffer()
}

// asksToCall reports whether the text typed asks for desks to call (understanding.yaml's
// by_phone words).
func (d *decider) asksToCall() bool {
	return d.firstWordIn(d.kb.Fold(d.typed), d.kb.Understanding().ByPhone) != ""
}

// firstWordIn returns the first of words that folded text holds, compared as the knowledge folds
// text, or "".
func (d *decider) firstWordIn(folded string, words []string) string {
	for _, w := range words {
		if f := d.kb.Fold(w); f != "" && strings.Contains(folded, f) {
			return w
		}
	}
	return ""
}

// hasPhone reports whether contact id has a phone number.
func (d *decider) hasPhone(id string) bool {
	c := d.kb.Contact(id)
	return c != nil && c.Phone != ""
}

// anyPhone reports whether one of the contacts ids has a phone to tap.
func (d *decider) anyPhone(ids []string) bool {
	return slices.ContainsFunc(ids, d.hasPhone)
}

// incidentGoingOn reports whether t is an incident with first steps and res says something is
// happening in it.
func incidentGoingOn(t *knowledge.Topic, res knowledge.Result) bool {
	return t.Urgent && res.Why.Now && t.FirstAid != nil
}

// firstAidAgain shows incident t's first screen's steps again, their first line for what res
// says happened, and the one desk to call, with the choices on screen kept.
func (d *decider) firstAidAgain(t *knowledge.Topic, res knowledge.Result) {
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	d.res = res
	d.stepsAgain(t)
	if q := findQuestion(t, d.conv.Question); d.conv.Mode == ModeQuestion && d.conv.Topic == t.ID && q != nil {
		// the question still waits: asked again above its choices, which would otherwise stand
		// under the steps with nothing saying what they answer
		if len(d.narrowedOptions(t)) > 0 {
			d.say(d.msg("situation_which"))
		} else {
			d.say(d.questionAsk(t, q))
		}
	}
	d.reoffer()
}

// stepsAgain shows t's first-aid steps again with one card under them, the desk open now or
// opening soonest (and the line that none is open, when so): the steps end with 「下の窓口に相談
// する」.
func (d *decider) stepsAgain(t *knowledge.Topic) {
	d.firstAid(t)
	if none := d.screenContactsAtMost(d.topicContacts(t), 1); none != "" {
		d.say(none)
	}
}

// readAsTheMatter reports whether res, unsure and with no plan, is what the statistics read as
// topic t (「相手の会社には削除をお願いするメールを送りました。返事はまだです」 inside a mis-sent
// mail, where 削除をお願い is also defamation's word): more about the matter at hand.
func readAsTheMatter(t *knowledge.Topic, res knowledge.Result) bool {
	return !res.Confident && res.Why.Intent == "" && res.Why.Learned == t.ID
}

// urgentTopic reports whether the matcher is sure of an urgent topic: only another incident
// moves a conversation out of one on a short message.
func urgentTopic(res knowledge.Result) bool {
	return res.Confident && res.Top() != nil && res.Top().Urgent
}

// statement reports whether a Japanese text tells rather than asks: no question word (何, どう,
// どこ, 誰, いつ, いくら, どれ, なぜ) and no question ending (knowledge.AsksSomething). 「相手には何て言えば」
// asks; 「お金はまだ払っていません」 tells.
func statement(text string) bool {
	if knowledge.AsksSomething(text) {
		return false
	}
	// words that begin like a question word and are not one: いつも, なんか, どうも, どのみち
	text = strings.NewReplacer("いつも", "", "なんか", "", "なんとか", "", "どうも", "", "どのみち", "").Replace(text)
	for _, w := range []string{"何", "なに", "なん", "どう", "どこ", "誰", "だれ", "いつ", "いくら", "どれ", "どの", "なぜ", "どうして"} {
		if strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// followup answers a question asked inside topic t about its answer: the contacts again, what to
// tell them, the police, the steps, or, for a question the knowledge cannot answer, says so and
// offers a person.
func (d *decider) followup(t *knowledge.Topic, kind string) {
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	ids := d.topicContacts(t)
	switch kind {
	case "leaving":
		// going to a desk, said while a question waits: noted, the question stays
		d.say(d.msg("social_ack"))
	case "contacts":
		toCall := d.asksToCall()
		key := "followup_contacts"
		switch {
		case !d.anyPhone(ids):
			key = "followup_contacts_no_phone" // nothing to tap (ECネットワーク: a web form)
		case toCall && slices.ContainsFunc(ids, func(id string) bool { return !d.hasPhone(id) }):
			key = "followup_contacts_by_phone" // some have none: those with one first, said so
		}
		d.say(strings.ReplaceAll(d.msg(key), "{topic}", d.topicTitle(t)))
		// Where some desk is closed now, in the order the first screen shows them (byAvailability:
		// 「いま電話できるところは？」 on a Saturday night finds the ones that may answer first),
		// with the line saying which opens first when none can be called now; in open hours, in
		// the topic's own order, which puts the desk that fits best first.
		ordered := d.byAvailability(ids)
		if slices.ContainsFunc(ordered, d.closedNow) {
			ids = ids[:0:0]
			for _, c := range ordered {
				ids = append(ids, c.ID)
			}
		}
		if toCall {
			// 「電話で話を聞いてもらえるところ」: the desks with a phone first, in the same order
			withPhone, without := []string{}, []string{}
			for _, id := range ids {
				if d.hasPhone(id) {
					withPhone = append(withPhone, id)
				} else {
					without = append(without, id)
				}
			}
			ids = append(withPhone, without...)
		}
		d.contacts(ids) // the cards, and the line saying which opens first when none can be called now
	case knowledge.PrepareFollowup:
		if d.sayLinesNamingParty(t) {
			break
		}
		var items []string
		for _, id := range ids {
			c := d.kb.Contact(id)
			switch {
			case c == nil:
			case d.english() && c.EN.Prepare != "":
				items = append(items, c.EN.Name+": "+c.EN.Prepare)
			case !d.english() && c.Prepare != "":
				items = append(items, c.Name+"："+c.Prepare)
			}
		}
		if len(items) == 0 {
			d.noAnswer()
			break
		}
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: d.msg("followup_prepare")},
			Block{Kind: SummaryBlock, Items: items})
	case "police":
		var police []string
		for _, id := range ids {
			if isPolice(id) {
				police = append(police, id)
			}
		}
		if len(police) == 0 {
			if crime := d.kb.Topic("cybercrime"); crime != nil {
				police = crime.Contacts
			}
		}
		d.say(d.msg("followup_police"))
		d.contacts(police)
	case knowledge.MoreFollowup:
		// the first screen is known: the rest of the steps, and why; not while the topic's question
		// waits (its choices stay), nor where the device named has a first line of its own (the
		// full steps are a computer's), nor in English (the explanation is Japanese): there, the
		// first screen again
		if t.FirstAid != nil && !d.english() && d.conv.Mode == ModeAnswered && !hasDeviceLine(t, d.conv.Device, d.conv.Told) {
			d.details(t)
			return
		}
		d.followup(t, "steps")
		return
	case knowledge.InsideFollowup:
		// 「上司に言うべき？」: the step that says whom to tell inside the company (the first: the
		// first screen's short step and the full steps say it twice), else the honest "no
		// answer" with a person; not a line of a calm topic's answer that names the owner for
		// another reason (spam's 「社員全員（経営者を含む）に…徹底しましょう」)
		if !d.sayStepWithLines(t, kind) {
			d.noAnswer()
		}
	case knowledge.DemandFollowup:
		// 「また かってきて と いわれてる」: the step that says not to pay first, then the steps
		// again (those for what happened: paid, the police)
		d.sayStepWithLines(t, kind)
		d.followup(t, "steps")
		return
	case "steps":
		switch o := d.pickedOption(t); {
		case t.FirstAid != nil:
			d.stepsAgain(t)
		case o != nil && o.Answer != "":
			// the case picked first (「はらわなくて いいのかね」 after the answer to a threat from
			// one's own address: its 「お金は払わず…」), then, unless it stands alone, the topic's
			// answer, as the answer gave them
			d.say(o.Answer)
			if !o.Alone {
				d.say(withoutRepeats(t.Answer, o.Answer))
			}
		default:
			d.say(t.Answer)
		}
	default:
		lines, steps := d.linesNamed(t, d.typed)
		if len(lines) == 0 && t.Urgent {
			// 「でんわ しなくて いいの」「どうやって けすの」 inside a fake warning: no step names
			// what the question names, but the first line (do not call, do not pay) is what a
			// frightened person needs to hear again before being sent to a person
			if now, _ := d.firstAidLines(t); now != "" {
				d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: d.msg("followup_first")},
					Block{Kind: SummaryBlock, Items: []string{now}})
			}
		}
		if len(lines) > 0 {
			// 「LANケーブル抜いたほうがいいですか」 after the first aid that says to: the steps
			// that name what the question names; a question of what something is
			// (「EmoCheckってどこにあるの」) also gets the honest "no answer" with a person
			intro := d.msg("followup_steps")
			if !steps {
				intro = d.msg("followup_lines") // lines of an answer, which are no steps
			}
			d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: intro},
				Block{Kind: SummaryBlock, Items: lines})
			if d.why == nil || d.why.Followup != "question" {
				break
			}
		}
		d.noAnswer()
		if len(lines) == 0 && d.conv.Mode == ModeQuestion && d.conv.Topic == t.ID {
			// asked before the topic's answer was shown (「らんけーぶる って どれ ですか」 while
			// the cause question waits): the desks of the matter, so that whoever cannot answer
			// the question has someone to call
			d.contacts(ids)
		}
	}
	if d.conv.Mode == ModeQuestion && d.conv.Topic == t.ID && findQuestion(t, d.conv.Question) != nil {
		// the topic's question still waits: its choices stay below (narrowed ones too)
		if len(d.reply.Choices) == 0 {
			d.reoffer()
		}
		return
	}
	d.afterAnswer(t)
}

// linesNamed returns the lines of t's first aid, in the conversation's language, that name a word
// of question: a run of katakana, Latin letters and digits, or kanji, of three characters or
// more (LANケーブル, Wi-Fi, EmoCheck, ウイルス対策ソフト), compared as the knowledge folds text;
// steps reports whether they are all first-aid lines. In Japanese, where no first-aid line names
// it, the answer of the option picked in t is read (「カード会社にも電話したほうがいいですか」
// after paying with one's own card: what card companies have said), and where that names nothing
// either, the topic's own answer (「添付ファイルも開いてません。無視していいですか？」 after the
// answer for a fake bill; 「ウイルスじゃないですか？」 inside a support scam: the answer says the
// warning of an infection is fake). Lines come without their bullet.
func (d *decider) linesNamed(t *knowledge.Topic, question string) (lines []string, steps bool) {
	if question == "" {
		return nil, false
	}
	return d.linesWith(t, namingRuns(question))
}

// sayLinesNamingParty answers a question of what to tell a party other than the desks (one of
// the prepare follow-up's lines: words, named in the sentence that asks: 「銀行には何を伝えれば」
// after money sent to a fraudster, not 「銀行にはもう連絡しました。警察には何を伝えれば」): the
// first line of t's first aid, or of its answer, that names the party (「いますぐ取引銀行に連絡
// し…」), then that the bot has nothing on what to tell them (followup_party_unknown). It
// reports whether it answered.
func (d *decider) sayLinesNamingParty(t *knowledge.Topic) bool {
	party := d.partyAsked()
	if party == "" {
		return false
	}
	lines, steps := d.linesWith(t, []string{party})
	if len(lines) == 0 {
		return false
	}
	intro := d.msg("followup_steps")
	if !steps {
		intro = d.msg("followup_lines")
	}
	d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: intro}, Block{Kind: SummaryBlock, Items: lines[:1]})
	d.say(strings.ReplaceAll(d.msg("followup_party_unknown"), "{party}", party))
	return true
}

// partyAsked returns the party (a lines: word of the prepare follow-up) named in a sentence of
// the text typed that is read as the prepare follow-up, or "".
func (d *decider) partyAsked() string {
	parties := d.kb.Understanding().FollowupLines(knowledge.PrepareFollowup)
	if len(parties) == 0 {
		return ""
	}
	sentences := strings.FieldsFunc(d.typed, func(r rune) bool { return strings.ContainsRune("。．.？?！!\n", r) })
	for _, sentence := range sentences {
		// one sentence is the text already read as the follow-up; of several, the one that asks
		if len(sentences) > 1 && d.kb.Search(sentence).Followup != knowledge.PrepareFollowup {
			continue
		}
		if party := d.firstWordIn(d.kb.Fold(sentence), parties); party != "" {
			return party
		}
	}
	return ""
}

// sayStepWithLines says the first of t's first-aid lines that holds a lines: word of follow-up
// kind (understanding.yaml), under followup_steps, and reports whether one did; a line of the
// answer, which is no step, does not count.
func (d *decider) sayStepWithLines(t *knowledge.Topic, kind string) bool {
	lines, steps := d.linesWith(t, d.kb.Understanding().FollowupLines(kind))
	if len(lines) == 0 || !steps {
		return false
	}
	d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: d.msg("followup_steps")}, Block{Kind: SummaryBlock, Items: lines[:1]})
	return true
}

// linesWith returns the lines of t's first aid, in the conversation's language, that hold one of
// words (compared as the knowledge folds text), else those of its answer (steps is then false).
func (d *decider) linesWith(t *knowledge.Topic, named []string) (lines []string, steps bool) {
	fa := t.FirstAid
	if len(named) == 0 || fa == nil && d.english() {
		return nil, false
	}
	var words []string
	for _, w := range named {
		words = append(words, d.kb.Fold(w))
	}
	var out []string
	add := func(from []string) {
		for _, l := range from {
			l = bulletless(l)
			folded := d.kb.Fold(l)
			if l != "" && !slices.Contains(out, l) && slices.ContainsFunc(words, func(w string) bool { return w != "" && strings.Contains(folded, w) }) {
				out = append(out, l)
			}
		}
	}
	if fa != nil {
		now, next := d.firstAidLines(t)
		add(append([]string{now}, next...))
		if !d.english() {
			add(fa.Steps)
		}
	}
	// the answers are read only where no first-aid line named it: what is found is all steps, or
	// none is
	if steps = len(out) > 0; steps || d.english() {
		return out, steps
	}
	answerLines := func(text string) []string { return strings.Split(strings.TrimSpace(text), "\n") }
	o := d.pickedOption(t)
	if o != nil {
		add(answerLines(o.Answer))
	}
	if len(out) == 0 && (o == nil || !o.Alone) {
		add(answerLines(t.Answer))
	}
	return out, false
}

// namingRuns returns the runs of text that name things, three characters or more: katakana with
// Latin letters and digits (LANケーブル, Wi-Fi), or kanji (遠隔操作) with the honorific お or ご
// before them (お客様). Other hiragana, spaces and
// punctuation separate them. A run of Latin letters alone names a thing only when it has a
// capital after its first letter (LAN, EmoCheck, Wi-Fi), not an everyday word ("Should", "the").
func namingRuns(text string) []string {
	const (
		separator    = iota
		katakanaLike // katakana, Latin letters, digits
		kanji
	)
	class := func(r rune) int {
		switch {
		case r >= 'ァ' && r <= 'ヺ' || r == 'ー' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' ||
			r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ' || r >= 'ｦ' && r <= 'ﾟ':
			return katakanaLike
		case r >= 0x4e00 && r <= 0x9fff:
			return kanji
		}
		return separator
	}
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); {
		c := class(runes[i])
		j := i + 1
		for j < len(runes) && class(runes[j]) == c {
			j++
		}
		from := i
		if c == kanji && i > 0 && (runes[i-1] == 'お' || runes[i-1] == 'ご') && (j == len(runes) || !strings.ContainsRune(verbEndings, runes[j])) {
			from = i - 1 // an honorific prefix names with its kanji (お客様, ご家族), not a verb's (ご連絡ください)
		}
		if run := string(runes[from:j]); c != separator && j-from >= 3 && (!isASCII(run) || strings.ContainsFunc(run[1:], unicode.IsUpper)) {
			out = append(out, run)
		}
		i = j
	}
	return out
}

// verbEndings are the kana after a kanji run that make it a verb (ご連絡します, ご相談させ, お電話
// ください, ご確認いただく): with an honorific prefix, such a run asks or offers, it names nothing.
const verbEndings = "しすさせくい頂致"

// isASCII reports whether s holds ASCII characters only.
func isASCII(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
}

// noAnswer says honestly that the knowledge has no answer to the question, and who has: a person
// where staff take cases, else the desks (an unstaffed bot never offers to connect anyone).
func (d *decider) noAnswer() {
	if d.policy.Staffed {
		d.say(d.msg("followup_unknown"))
		return
	}
	d.say(d.msg("followup_unknown_nostaff"))
}

// topicContacts are the contacts of the conversation's topic: those of the option the user
// picked first, then the topic's own. A question on screen narrowed to the options that name
// what the person said happened (「個人として／会社として支払った」 after 「もう払いました」)
// puts the contacts of those options before them: whichever they pick, those desks are theirs
// (a refund of what a person paid is the consumer hotline's).
func (d *decider) topicContacts(t *knowledge.Topic) []string {
	var ids []string
	for _, o := range d.narrowedOptions(t) {
		ids = append(ids, o.Contacts...)
	}
	o := d.pickedOption(t)
	if o != nil {
		ids = append(ids, o.Contacts...)
	}
	if o != nil && o.Alone {
		return d.forUser(ids) // the option's side of the matter only
	}
	return d.forUser(append(ids, t.Contacts...))
}

// desksWhereTheyAre fits ids to a person outside Tokyo (Conversation.OutsideTokyo): each card
// that names a desk for elsewhere (Contact.OutsideTokyo: the prefectural police's) has that
// desk before it, and the desks for Tokyo only (警視庁's cyber desk and switchboard) are left
// out. 警視庁's phishing report line, which takes reports from anywhere, stays.
func (d *decider) desksWhereTheyAre(ids []string) []string {
	if !d.conv.OutsideTokyo || !slices.ContainsFunc(ids, d.changesOutsideTokyo) {
		return ids
	}
	out := make([]string, 0, len(ids)+1)
	for _, id := range ids {
		c := d.kb.Contact(id)
		if c != nil && c.OutsideTokyo != "" && !slices.Contains(out, c.OutsideTokyo) {
			out = append(out, c.OutsideTokyo)
		}
		if (c != nil && c.TokyoOnly) || slices.Contains(out, id) {
			continue
		}
		out = append(out, id)
	}
	return out
}

// changesOutsideTokyo reports whether contact id's card changes for a person outside Tokyo.
func (d *decider) changesOutsideTokyo(id string) bool {
	c := d.kb.Contact(id)
	return c != nil && (c.TokyoOnly || c.OutsideTokyo != "")
}

// dependsWhereTheyAre reports whether contact id is a desk whose card depends on where the person
// is: one that changes outside Tokyo, or the desk shown there in its place.
func (d *decider) dependsWhereTheyAre(id string) bool {
	return d.changesOutsideTokyo(id) ||
		slices.ContainsFunc(d.kb.Contacts(), func(c *knowledge.Contact) bool { return c.OutsideTokyo == id })
}

// isPolice reports whether contact id is a police desk.
func isPolice(id string) bool { return strings.HasPrefix(id, "police-") }

// asksTheDesk reports whether res asks the desk itself for something (「講師を派遣していただくこと
// は可能でしょうか」): a request or a question, with nothing happening and no follow-up or social
// turn in it.
func asksTheDesk(res knowledge.Result) bool {
	return res.Requests() && !res.Why.Now && len(res.Situations) == 0 && res.Followup == "" && res.Social == ""
}

// readsAnotherTopic reports whether res reads, for sure, a topic other than the conversation's.
func readsAnotherTopic(c *Conversation, res knowledge.Result) bool {
	return res.Confident && res.Top() != nil && res.Top().ID != c.Topic
}

// narrowedOptions are the options of t's question on screen when only some of them are offered
// (askAmong), or nil.
func (d *decider) narrowedOptions(t *knowledge.Topic) []*knowledge.Option {
	if d.conv.Mode != ModeQuestion || d.conv.Topic != t.ID {
		return nil
	}
	q := findQuestion(t, d.conv.Question)
	if q == nil {
		return nil
	}
	var offered []*knowledge.Option
	for _, ch := range d.conv.Choices {
		c := parseChoice(ch.ID)
		if c.kind != choiceOption || c.target != q.ID {
			continue
		}
		for i := range q.Options {
			if q.Options[i].ID == c.value {
				offered = append(offered, &q.Options[i])
			}
		}
	}
	if len(offered) == len(q.Options) {
		return nil // the whole question: nothing was narrowed
	}
	return offered
}

// pickedOption is the option the user picked in topic t, remembered in the conversation's
// answers, or nil.
func (d *decider) pickedOption(t *knowledge.Topic) *knowledge.Option {
	id := d.conv.Option
	if id == "" {
		return nil
	}
	for i := range t.Questions {
		for j := range t.Questions[i].Options {
			if o := &t.Questions[i].Options[j]; o.ID == id {
				return o
			}
		}
	}
	return nil
}

// CleanText drops control characters (keeping line breaks) so they reach neither the matcher
// nor the staff.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// typedNumber recognises a message that is only a small number, in any width (３ or 3).
func typedNumber(s string) (int, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "."), "番")
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// choiceByLabel lets a user type a button's label instead of tapping it; folded is the text
// as kb.Fold returns it.
func (d *decider) choiceByLabel(folded string) (string, bool) {
	for _, c := range d.conv.Choices {
		if d.kb.Fold(c.Label) == folded {
			return c.ID, true
		}
	}
	return "", false
}

// freeText answers, clarifies, escalates or falls back on res, what the matcher made of text: a
// message more about the topic at hand stays in it (again), anything else is a consultation.
func (d *decider) freeText(text string, res knowledge.Result) {
	d.hear(text, res)
	if d.again(res.Top(), res) {
		return
	}
	d.consult(text, res)
}

// hear notes a free text and what the matcher made of it, as the reply and the counts need it.
func (d *decider) hear(text string, res knowledge.Result) {
	d.conv.noteFirst(text, d.now)
	d.reply.Ranked = ranked(res)
	d.heard, d.res = text, res
	d.fx.Counts = append(d.fx.Counts, "consultation")
}

// consult answers, clarifies, escalates or falls back on res as a consultation of its own.
func (d *decider) consult(text string, res knowledge.Result) {
	top := res.Top()
	switch {
	case res.Escalate:
		d.reply.Outcome = Escalate
		switch {
		case res.Why.OffTopic && d.conv.Topic != "":
			// A request that says nothing about IT ("I'd rather speak to an actual person
			// about this") is about the matter at hand: the case keeps the conversation's topic.
			if cur := d.kb.Topic(d.conv.Topic); cur != nil {
				d.reply.Topic, d.reply.Urgent = cur.ID, cur.Urgent
			}
		case top != nil && res.Confident && !res.Why.OffTopic:
			// (an off-topic reading of a bare request for a person, "Can I talk to a real
			// person?", is no matter: its desks would be the off-topic topic's)
			d.reply.Topic, d.reply.Urgent = top.ID, top.Urgent
			if d.conv.Topic != top.ID {
				// the option picked in another topic says nothing about this one
				d.conv.Option, d.conv.Question = "", ""
			}
			d.conv.Topic = top.ID
			if top.Urgent {
				d.firstAid(top)
			}
		}
		d.escalate()
	case top != nil && res.Confident:
		d.reply.Outcome = Answer
		d.fx.Counts = append(d.fx.Counts, "answer")
		if d.conv.Topic != "" && d.conv.Topic != top.ID && d.conv.Mode != ModeMenu {
			d.say(strings.ReplaceAll(d.msg("topic_changed"), "{topic}", d.topicTitle(top)))
		}
		d.conv.push()
		d.enterTopic(top)
	case res.Menu != nil:
		if res.Menu.Action == "topics" {
			// 「緊急」「助けて」 typed: the entry's list is the question
			d.clarifying()
		}
		d.menuEntry(res.Menu)
	case res.Opener:
		// 「ちょっと相談があります」「すみません、ちょっといいですか」: what is it about, with the
		// greeting menu
		d.clarifying()
		d.fx.Unanswered = &Unanswered{Text: text, Outcome: Clarify}
		d.conv.Mode = ModeMenu
		d.say(d.msg("opener"))
		d.offerMenu()
	case top != nil:
		d.clarifying()
		d.fx.Unanswered = &Unanswered{Text: text, Outcome: Clarify, Topics: topicIDs(res, 3)}
		d.conv.push()
		d.conv.Mode = ModeClarify
		if first := res.Topics[0].Topic; res.IncidentFirst() {
			// Both readings point at an incident, yet the bot asks: its first action does not
			// wait for the tap (a ransom screen at night, the PC still on the network), nor
			// the desk every incident offered sends the person to.
			if d.sayFirstAction(first) {
				if shared := d.forUser(sharedDesks(res.Topics[:min(3, len(res.Topics))])); len(shared) > 0 {
					// one card, as the first screen shows it (an open desk first): the question
					// stays on a phone's screen
					d.say(d.msg("clarify_shared_desks"))
					if none := d.screenContactsAtMost(shared, 1); none != "" {
						d.say(none)
					}
				}
			}
		}
		d.say(d.msg("clarify"))
		var plain map[string]string // 「ういるす」 alone: what may have happened, in plain words
		if !d.english() {
			plain = d.kb.BareLabels(text)
		}
		for i, m := range res.Topics {
			if i == 3 {
				break
			}
			d.offer(topicChoice(m.Topic.ID), cmp.Or(plain[m.Topic.ID], d.topicLabel(m.Topic)))
		}
		d.offer(actChoice(actNone), d.msg("clarify_none"))
		d.offer(actChoice(actPerson), d.msg("label_person"))
	default:
		d.reply.Outcome = Fallback
		d.fx.Counts = append(d.fx.Counts, "fallback")
		d.fx.Unanswered = &Unanswered{Text: text, Outcome: Fallback}
		d.say(d.msg("fallback"))
		d.offerMenu()
	}
	if d.reply.Outcome != "" && d.fx.Topic == "" {
		d.fx.Topic = d.reply.Topic
	}
}

// clarifying marks the reply as a question with choices, and counts it so.
func (d *decider) clarifying() {
	d.reply.Outcome = Clarify
	d.fx.Counts = append(d.fx.Counts, "clarify")
}

func ranked(res knowledge.Result) []TopicScore {
	var out []TopicScore
	for _, m := range res.Topics {
		out = append(out, TopicScore{ID: m.Topic.ID, Title: m.Topic.Title, Score: round2(m.Confidence)})
	}
	return out
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func topicIDs(res knowledge.Result, n int) []string {
	var ids []string
	for i, m := range res.Topics {
		if i == n {
			break
		}
		ids = append(ids, m.Topic.ID)
	}
	return ids
}

// ---- choices

func (d *decider) choose(id string) {
	ch := parseChoice(id)
	if ch.malforms {
		d.stale()
		return
	}
	if label := d.labelOf(id); label != "" {
		d.conv.addTurn("user", "["+label+"]", d.now)
	}
	if d.conv.Mode == ModeHandoff {
		switch {
		case ch.kind == choiceAction && (action(ch.target) == actCancelCase || action(ch.target) == actRestart):
			// Ending the request takes a confirmation that names the case (an older reply's
			// 「最初に戻る」 asks the same).
			d.say(strings.ReplaceAll(d.msg("cancel_case_confirm"), "{case}", d.conv.CaseID))
			d.offer(actChoice(actCancelCaseYes), d.msg("label_cancel_case_yes"))
			d.offer(actChoice(actCancelCaseNo), d.msg("label_cancel_case_no"))
		case ch.kind == choiceAction && action(ch.target) == actCancelCaseYes:
			d.leaveCase()
		case ch.kind == choiceAction && action(ch.target) == actCancelCaseNo:
			d.say(d.msg("cancel_case_kept"))
			d.offer(actChoice(actCancelCase), d.msg("label_cancel_case"))
		default:
			// Other buttons are passed on as what the user pressed.
			d.relay("[" + d.labelOf(id) + "]")
		}
		return
	}
	switch ch.kind {
	case choiceMenu:
		entry := d.kb.MenuEntry(ch.target)
		if entry == nil {
			d.stale()
			return
		}
		d.conv.push()
		d.menuEntry(entry)
	case choiceTopic:
		t := d.kb.Topic(ch.target)
		if t == nil {
			d.stale()
			return
		}
		d.fx.Counts = append(d.fx.Counts, "consultation", "answer")
		d.fx.Topic = t.ID
		d.reply.Outcome = Answer
		d.conv.push()
		d.enterTopic(t)
	case choiceAction:
		d.action(action(ch.target))
	case choiceOption:
		if ch.step != d.conv.Step || d.conv.Mode != ModeQuestion || ch.target != d.conv.Question {
			d.stale()
			return
		}
		d.pickOption(ch.value)
	case choiceIntake:
		if ch.step != d.conv.Step || d.conv.Mode != ModeIntake || d.conv.Intake == nil || ch.target != d.conv.Intake.Current {
			d.stale()
			return
		}
		d.intakeChoice(ch.value)
	}
}

func (d *decider) labelOf(id string) string {
	for _, c := range d.conv.Choices {
		if c.ID == id {
			return c.Label
		}
	}
	return ""
}

func (d *decider) action(a action) {
	switch a {
	case actRestart:
		d.restart()
	case actBack:
		d.back()
	case actPerson:
		d.reply.Outcome = Escalate
		if t := d.kb.Topic(d.conv.Topic); t != nil {
			d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
		}
		d.escalate()
	case actResolved:
		d.fx.Counts = append(d.fx.Counts, "resolved")
		d.fx.Topic = d.conv.Topic
		d.say(d.msg("resolved_thanks"))
		d.conv.Mode, d.conv.Topic, d.conv.Question, d.conv.Intake, d.conv.Back = ModeMenu, "", "", nil, nil
		d.conv.forgetConsultation()
		d.offerMenu()
	case actOther, actNone:
		d.conv.push()
		d.conv.Mode, d.conv.Topic, d.conv.Question = ModeMenu, "", ""
		d.say(d.msg("other_prompt"))
		d.offerMenu()
	case actIntake:
		d.conv.push()
		d.startIntake(false)
	case actFullIntake:
		d.conv.push()
		d.startIntake(true)
	case actFAQ:
		d.showFAQ()
	case actEnglish, actJapanese:
		lang := "" // Japanese
		if a == actEnglish {
			lang = "en"
		}
		d.switchLanguage(lang, d.english())
		d.greet(false)
	case actDetails:
		t := d.kb.Topic(d.conv.Topic)
		if t == nil {
			d.stale()
			return
		}
		d.details(t)
	case actContacts:
		if t := d.kb.Topic(d.conv.Topic); t != nil {
			d.contacts(t.Contacts)
			d.afterAnswer(t)
			return
		}
		d.allContacts("")
	default:
		d.stale()
	}
}

// stale answers a button that no longer applies with a polite restart.
func (d *decider) stale() {
	d.say(d.msg("stale_choice"))
	d.conv.Mode, d.conv.Topic, d.conv.Question, d.conv.Back = ModeMenu, "", "", nil
	d.offerMenu()
}

func (d *decider) restart() {
	d.conv.Mode, d.conv.Topic, d.conv.Question, d.conv.Intake, d.conv.Back = ModeMenu, "", "", nil, nil
	d.conv.forgetConsultation()
	d.greet(false)
}

func (d *decider) back() {
	if !d.conv.pop() {
		d.restart()
		return
	}
	d.present()
}

// cancel leaves a form, a question or a clarification and returns to what came before it;
// outside one, or with nothing before it, it restarts.
func (d *decider) cancel() {
	left := false
	for cancellable(d.conv.Mode) && d.conv.pop() {
		left = true
	}
	if !left || cancellable(d.conv.Mode) {
		d.restart()
		return
	}
	d.present()
}

// cancellable reports whether cancel leaves a conversation in this mode.
func cancellable(mode Mode) bool {
	return mode == ModeIntake || mode == ModeQuestion || mode == ModeClarify
}

// present re-draws the current position, after back or cancel.
func (d *decider) present() {
	c := d.conv
	t := d.kb.Topic(c.Topic)
	switch {
	case c.Mode == ModeIntake && c.Intake != nil && c.Intake.Current != "":
		d.askIntake()
	case c.Mode == ModeQuestion && t != nil:
		if q := findQuestion(t, c.Question); q != nil {
			d.askQuestion(t, q, false)
			return
		}
		d.restart()
	case (c.Mode == ModeAnswered || c.Mode == ModeQuestion) && t != nil && t.Urgent:
		d.firstScreen(t, d.pickedOption(t))
	case (c.Mode == ModeAnswered || c.Mode == ModeQuestion) && t != nil:
		d.answer(t, nil)
		d.afterAnswer(t)
	case c.Topic != "" && t == nil:
		d.stale() // the topic was removed by a reload
	default:
		d.greet(false)
	}
}

// ---- menu

func (d *decider) greet(hello bool) {
	if hello {
		d.say(d.msg("greeting"))
	} else {
		d.say(d.msg("menu_prompt"))
	}
	d.offerMenu()
}

// offerMenu offers the greeting menu in the conversation's language, and the other language.
func (d *decider) offerMenu() {
	for _, c := range MenuChoices(d.kb, d.conv.Lang) {
		d.offer(c.ID, c.Label)
	}
}

// MenuChoices are the greeting menu's buttons in lang ("en" or Japanese), and the button for the
// other language.
func MenuChoices(kb *knowledge.Base, lang string) []Choice {
	var out []Choice
	for _, e := range kb.Menu() {
		label := e.Label
		if lang == "en" && e.LabelEN != "" {
			label = e.LabelEN
		}
		out = append(out, Choice{ID: menuChoice(e.ID), Label: label})
	}
	if lang == "en" {
		return append(out, Choice{ID: actChoice(actJapanese), Label: kb.MessageIn("en", "label_japanese")})
	}
	return append(out, Choice{ID: actChoice(actEnglish), Label: kb.MessageIn("en", "label_english")})
}

// menuPrompt is a menu entry's prompt in the conversation's language.
func (d *decider) menuPrompt(e *knowledge.MenuEntry) string {
	if d.english() && e.PromptEN != "" {
		return e.PromptEN
	}
	return e.Prompt
}

// reoffer repeats the last reply's choices, e.g. after an empty message.
func (d *decider) reoffer() {
	if len(d.conv.Choices) == 0 {
		d.offerMenu()
		return
	}
	d.reply.Choices = append(d.reply.Choices, d.conv.Choices...)
}

func (d *decider) menuEntry(e *knowledge.MenuEntry) {
	switch e.Action {
	case "escalate":
		d.reply.Outcome = Escalate
		d.escalate()
	case "contacts":
		d.allContacts(d.menuPrompt(e))
	default:
		d.conv.Mode = ModeMenu
		d.say(d.menuPrompt(e))
		for _, id := range e.Topics {
			if t := d.kb.Topic(id); t != nil {
				d.offer(topicChoice(t.ID), d.topicLabel(t))
			}
		}
		d.offer(actChoice(actBack), d.msg("label_back"))
		d.offer(actChoice(actPerson), d.msg("label_person"))
	}
}

// allContacts lists every public contact under title (default: contacts_prompt).
func (d *decider) allContacts(title string) {
	if title == "" {
		title = d.msg("contacts_prompt")
	}
	var ids []string
	for _, c := range d.kb.Contacts() {
		if !c.Internal {
			ids = append(ids, c.ID)
		}
	}
	d.contactsTitled(title, ids)
	d.offer(actChoice(actRestart), d.msg("label_restart"))
	d.offer(actChoice(actPerson), d.msg("label_person"))
}

// ---- topics

// enterTopic starts a topic: urgent ones answer at once, first-aid steps first, and ask their
// questions afterwards; the others ask their questions first and then answer.
func (d *decider) enterTopic(t *knowledge.Topic) {
	c := d.conv
	c.Topic, c.Question, c.Option = t.ID, "", ""
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	if o := d.answeredOption(t); o != nil {
		// The message said already what the question asks (「もう払ってしまった」): answer that
		// case at once instead of asking.
		if o.Topic != "" {
			if next := d.kb.Topic(o.Topic); next != nil && next.ID != t.ID {
				d.redirects++
				d.reply.Outcome = Answer
				d.enterTopic(next)
				return
			}
		}
		c.Option = o.ID
		if t.Urgent {
			d.firstScreen(t, o)
			return
		}
		d.answer(t, o)
		d.afterAnswer(t)
		return
	}
	if t.Urgent {
		d.firstScreen(t, nil)
		return
	}
	if t.ID == knowledge.HelpdeskTopic && d.policy.Staffed && d.heard != "" && asksTheDesk(d.res) {
		// A request to the desk itself (「講師の方に来ていただくことはできますか」): its answer,
		// which says the desk's staff take such requests, and the request handed to them at
		// once, as the topic promises; not a button to press for what was asked already. With
		// nobody staffing the desk, the answer's cards are the way to it, and stand alone.
		d.answer(t, nil)
		d.reply.Outcome = Escalate
		d.escalate()
		return
	}
	// A person who asks whom to call (「だれに でんわ すれば いい？」) is answered with the desks
	// at once, and asked afterwards.
	if len(t.Questions) > 0 && !d.oneShot && d.res.Followup != "contacts" {
		d.askQuestion(t, &t.Questions[0], false)
		return
	}
	d.answer(t, nil)
	if len(t.Questions) > 0 {
		d.askQuestion(t, &t.Questions[0], true)
		return
	}
	d.afterAnswer(t)
}

// answeredOption returns the option of t's questions that the free text that led here answers
// already, by saying what happened or by naming the option in its words (「自分のアドレスから
// 脅迫メールが来た」 answers 「どのようなメールですか？」), or nil.
func (d *decider) answeredOption(t *knowledge.Topic) *knowledge.Option {
	if d.redirects > 2 {
		return nil // a topic's option may lead to another topic; never round in circles
	}
	if d.heard != "" {
		if o, decided := d.answeredBy(t, d.heard, d.res); o != nil || decided {
			return o
		}
	}
	// The message that opened the consultation, where it offered t (「じぶんの めーるあどれすから
	// … おかねをはらえ と かいてある」, then 「びっとこいんで 10まんえん」 or a tap on spam): what it
	// told answers the question too, within t (the doubt it opened with, 「ウイルス？」, was what
	// the choice answered: it moves nowhere).
	if res, ok := d.openingRead(t); ok && d.offeredFrom(res) {
		if o, _ := d.answeredBy(t, d.openingText, res); o != nil && (o.Topic == "" || o.Topic == t.ID) {
			return o
		}
	}
	return nil
}

// openingRead returns the reading of the message that opened the consultation and whether it
// read topic t, when that message is not the one being answered (First is kept cut to
// MaxTurnText, so the message being answered is compared as it would be kept). It is read once
// in a turn: the answer's options and its programmes both ask of it.
func (d *decider) openingRead(t *knowledge.Topic) (knowledge.Result, bool) {
	first := d.conv.First.Text
	if first == "" || first == Truncate(d.heard, MaxTurnText) {
		return knowledge.Result{}, false
	}
	if d.openingText != first {
		d.openingRes, d.openingText = d.kb.Search(first), first
	}
	return d.openingRes, d.openingRes.Reads(t.ID)
}

// offeredFrom reports whether the topics offered on screen are those res read, so that the
// question was asked of the message res was read from (not a menu's list, nor the topics of a
// later message, after the consultation it opened was over).
func (d *decider) offeredFrom(res knowledge.Result) bool {
	offered := d.offeredTopics()
	return len(offered) > 0 && !slices.ContainsFunc(offered, func(id string) bool { return !res.Reads(id) })
}

// answeredBy returns the option of t's questions that text (read as res) answers, or nil; decided
// is set when what it says happened fits two options, which the question must tell apart.
func (d *decider) answeredBy(t *knowledge.Topic, text string, res knowledge.Result) (o *knowledge.Option, decided bool) {
	if o := d.kb.SituationOption(t, text, res); o != nil {
		return o, true
	}
	if d.kb.SituationQuestion(t, res) != nil {
		return nil, true // what happened fits two options: the question tells them apart
	}
	_, o = d.kb.RefinedOption(t, text, res)
	if o != nil && doubtedElsewhere(o, res) {
		return nil, true
	}
	return o, o != nil
}

// doubtedElsewhere reports whether option o leads to another topic by a word the writer only
// doubts (「プリンタが動かないです。ウイルスかも」, or asks about: 「大判プリンタが急にオフライ
// ンになって印刷できない。ウイルス？」, to a fault's cause question): the move is made only when
// the whole message reads as that topic.
func doubtedElsewhere(o *knowledge.Option, res knowledge.Result) bool {
	return o.Topic != "" && (res.Why.Hedged || res.AsksWhether()) && res.Why.Learned != o.Topic
}

// offeredTopicForDevice returns the one offered topic whose first screen has a line for the device
// res names, or nil when it names none or several topics have one.
func (d *decider) offeredTopicForDevice(res knowledge.Result) *knowledge.Topic {
	var found *knowledge.Topic
	for _, id := range d.offeredTopics() {
		if t := d.kb.Topic(id); t != nil && hasDeviceLine(t, res.Why.Device, res.Situations) {
			if found != nil {
				return nil
			}
			found = t
		}
	}
	return found
}

// hasDeviceLine reports whether t's first screen has a line of its own for device (a situation
// id of understanding.yaml's devices, "" for none), or for one of situations on that device
// (called@phone: a support scam's number called from a phone).
func hasDeviceLine(t *knowledge.Topic, device string, situations []string) bool {
	if device == "" || t.FirstAid == nil {
		return false
	}
	if _, ok := t.FirstAid.Situations[device]; ok {
		return true
	}
	return slices.ContainsFunc(situations, func(s string) bool {
		_, ok := t.FirstAid.Situations[knowledge.OnDevice(s, device)]
		return ok
	})
}

// offeredTopicAnswered is the one topic among the choices on screen that text answers an
// option of, by that option's words, or nil when none or several do. Where several do, the one
// the person's own words answer, rather than only what they say happened, is it: 「ふりこみま
// した じぶんの かいものです」 fits a fake shop's buyer who paid, and names the shopping
// consumer's own purchase.
func (d *decider) offeredTopicAnswered(text string, res knowledge.Result) *knowledge.Topic {
	if t := d.offeredTopicAnsweredBy(text, res); t != nil || len(res.Situations) == 0 {
		return t
	}
	byWords := res
	byWords.Situations = nil
	return d.offeredTopicAnsweredBy(text, byWords)
}

// offeredTopicAnsweredBy is offeredTopicAnswered by what res says happened and by words.
func (d *decider) offeredTopicAnsweredBy(text string, res knowledge.Result) *knowledge.Topic {
	var found *knowledge.Topic
	for _, id := range d.offeredTopics() {
		t := d.kb.Topic(id)
		if t == nil {
			continue
		}
		_, o := d.kb.RefinedOption(t, text, res)
		if o == nil || doubtedElsewhere(o, res) {
			continue // 「ウイルスかなと思ったけど、ほかにおかしなことはない」 to "is it a fault?"
		}
		if found != nil {
			return nil // it answers two topics' questions: the choice stays the person's
		}
		found = t
	}
	return found
}

// offeredTopics are the ids of the topics among the choices on screen, in their order.
func (d *decider) offeredTopics() []string {
	var ids []string
	for _, ch := range d.conv.Choices {
		if c := parseChoice(ch.ID); c.kind == choiceTopic {
			ids = append(ids, c.target)
		}
	}
	return ids
}

// sayFirstAction says topic t's one action now, while t is offered among other topics
// (clarify_if_urgent), and reports whether t has one.
func (d *decider) sayFirstAction(t *knowledge.Topic) bool {
	now, _ := d.firstAidLines(t)
	if now == "" {
		return false
	}
	d.say(strings.NewReplacer("{topic}", d.topicLabel(t), "{now}", now).Replace(d.msg("clarify_if_urgent")))
	return true
}

// sharedDesks are the contacts every offered topic lists, where two or more of them are urgent, in
// the order of the first: a virus or Emotet, IPA either way; none where a calm topic is offered
// too that lists none of them.
func sharedDesks(offered []knowledge.Match) []string {
	urgent := 0
	for _, m := range offered {
		if m.Topic.Urgent {
			urgent++
		}
	}
	if urgent < 2 {
		return nil
	}
	var shared []string
	for _, id := range offered[0].Topic.Contacts {
		if !slices.ContainsFunc(offered[1:], func(m knowledge.Match) bool { return !slices.Contains(m.Topic.Contacts, id) }) {
			shared = append(shared, id)
		}
	}
	return shared
}

// firstOfferedTopic is the first topic of the choices on screen, or nil.
func (d *decider) firstOfferedTopic() *knowledge.Topic {
	if ids := d.offeredTopics(); len(ids) > 0 {
		return d.kb.Topic(ids[0])
	}
	return nil
}

// offeredTopicNamed returns the one offered topic whose words the text names (「ういるす だと
// おもいます」 while unauthorised access, a virus and phishing are offered), or nil when it names
// none of them or several: a choice typed in words of its own rather than its label. A text that
// also names a matter not offered is read as a consultation of its own, unless the offered topic
// it names is the one the rules read first (「ランサムウェアだと思います。土曜の夜だけど、どこも
// 電話つながらないんですか」: the phone words are about the desks, not a new matter). Of several
// offered topics named, the one both readings put first is the one meant (「削除をお願いしたいし、
// 家族が怖がっているので人権の相談も」 names defamation and harassment; both read defamation).
func (d *decider) offeredTopicNamed(text string, res knowledge.Result) *knowledge.Topic {
	offered, named, other := d.offeredTopics(), "", false
	for _, p := range res.Why.Phrases {
		topic, _, _ := strings.Cut(p, ":")
		switch {
		case !slices.Contains(offered, topic):
			other = true
		case named != "" && named != topic:
			if top := res.Top(); top == nil || top.ID != res.Why.Learned || !slices.Contains(offered, top.ID) || res.Why.Hedged {
				return nil
			}
			named = res.Top().ID
		case named == "":
			named = topic
		}
	}
	// a doubt counts against it, unless both readings put it first in a longer story (「…かもし
	// れません」 in one that names the offered take-over by its own words and a report beside it);
	// a short doubt (「迷惑メールを開いたらウイルスかも」) is a doubt
	doubted := res.Why.Hedged && (res.Why.Learned != named || shortMessage(text))
	if named == "" || other && (res.Top() == nil || res.Top().ID != named || doubted) {
		return nil
	}
	return d.kb.Topic(named)
}

// offeredTopicRead returns the offered topic the learned reading is sure of, for a text that names
// no topic's word, where the rules read it first too (「ずっと出品者と連絡がとれません」 while
// online shopping and a fake shop are offered) or the bot itself offered it first (「お金はらえっ
// て書いてある」 under a ransom note offered first), or nil: the person told more in words of
// their own. An incident is picked so only where the text says something happened or the bot
// offered it first, and none of what happened in it is denied: its answer starts with first aid.
func (d *decider) offeredTopicRead(res knowledge.Result) *knowledge.Topic {
	offered := d.offeredTopics()
	// Words of the rules decide, unless both readings put first the topic the bot offered first
	// (「びっとこいんで 10まんえん と かいてある」 to a choice led by spam: the rules' word is a
	// crime's, their first topic still spam)
	if len(res.Why.Phrases) > 0 && !bothLeadWithOffered(offered, res) || !slices.Contains(offered, res.Why.Learned) {
		return nil
	}
	// the rules read it first too, or the bot itself offered it first (「お金はらえって書いてあ
	// る」 while a ransom note is offered first: the rules find no IT word in it)
	lead := offered[0] == res.Why.Learned
	if !lead && (len(res.Topics) == 0 || res.Why.Learned != res.Topics[0].Topic.ID) {
		return nil
	}
	if t := d.kb.Topic(res.Why.Learned); t != nil && (!t.Urgent || (res.Why.Now || lead) && !d.kb.DeniesItHappened(t.ID, res)) {
		return t
	}
	// An incident's first aid is for what has happened: 「添付は開いてないです。取引先の名前に
	// なってるけど、アドレスが全然違う」 read as Emotet would get "disconnect it now".
	return nil
}

// offeredTopicLed returns the offered topic both readings read the text first as, when none of
// what happened in it is denied and, for an incident, the text says something happened; or nil.
func (d *decider) offeredTopicLed(res knowledge.Result) *knowledge.Topic {
	lead := bothLead(res)
	if lead == "" || !slices.Contains(d.offeredTopics(), lead) {
		return nil
	}
	t := d.kb.Topic(lead)
	if t == nil || t.Urgent && !res.Why.Now || d.kb.DeniesItHappened(t.ID, res) {
		return nil
	}
	return t
}

// bothLeadWithOffered reports whether both readings of res put first the topic offered first.
func bothLeadWithOffered(offered []string, res knowledge.Result) bool {
	return len(offered) > 0 && bothLead(res) == offered[0]
}

// bothLead returns the topic both readings of res put first, or "".
func bothLead(res knowledge.Result) string {
	if len(res.Topics) == 0 || res.Topics[0].Topic.ID != res.Why.Learned {
		return ""
	}
	return res.Why.Learned
}

// offeredTopicLeft returns the one offered topic the text leaves when it denies the others and
// names nothing else (「ウイルスじゃなくて、ルーター替えてからずっとです」 while a virus and a
// device fault are offered), or nil.
func (d *decider) offeredTopicLeft(res knowledge.Result) *knowledge.Topic {
	if len(res.Why.Phrases) > 0 || len(res.Why.Denied) == 0 {
		return nil
	}
	offered := d.offeredTopics()
	left := slices.Clone(offered)
	for _, p := range res.Why.Denied {
		topic, _, _ := strings.Cut(p, ":")
		if !slices.Contains(offered, topic) {
			return nil
		}
		left = slices.DeleteFunc(left, func(id string) bool { return id == topic })
	}
	if len(left) != 1 {
		return nil
	}
	return d.kb.Topic(left[0])
}

// offeredTopicAlone returns the topic offered alone (「一般的なセキュリティ相談」 with none and a
// person beside it) when the text tells more of the matter and names nothing else: no topic's
// word, nothing happened, no question for desks, something of IT read in it (「じむしょの ぱそこん
// です うりあげの けいさんに つかってます」 after 「うぃんどうず10 まだつかえますか」; not 「特に
// ないです」 nor 「家のテレビが映らなくなりました」), or nil.
func (d *decider) offeredTopicAlone(text string, res knowledge.Result) *knowledge.Topic {
	offered := d.offeredTopics()
	if len(offered) != 1 || len(res.Why.Phrases) > 0 || len(res.Situations) > 0 || res.Followup != "" || !statement(text) ||
		res.Why.OffTopic || len(res.Topics) == 0 {
		return nil
	}
	return d.kb.Topic(offered[0])
}

func findQuestion(t *knowledge.Topic, id string) *knowledge.Question {
	for i := range t.Questions {
		if t.Questions[i].ID == id {
			return &t.Questions[i]
		}
	}
	return nil
}

// askAmong asks question q of t, already answered, offering only the options for the furthest
// step the user told (Question.FurthestOptions): having said 「もう払いました」, they choose
// between paying as a person and as the company, and are not asked again how far it went.
func (d *decider) askAmong(t *knowledge.Topic, q *knowledge.Question, situations []string) {
	d.conv.Mode, d.conv.Topic, d.conv.Question = ModeQuestion, t.ID, q.ID
	d.say(d.msg("situation_which"))
	d.offerAmong(t, q, situations)
	d.afterAnswerChoices(t)
}

// offerAmong offers the options of q for the furthest step the user told.
func (d *decider) offerAmong(t *knowledge.Topic, q *knowledge.Question, situations []string) {
	step := d.nextStep()
	for _, o := range q.FurthestOptions(situations) {
		d.offer(optChoice(step, q.ID, o.ID), d.optionLabel(t, q, o))
	}
}

func (d *decider) askQuestion(t *knowledge.Topic, q *knowledge.Question, answered bool) {
	step := d.nextStep()
	d.conv.Mode, d.conv.Topic, d.conv.Question = ModeQuestion, t.ID, q.ID
	d.say(d.questionAsk(t, q))
	for i := range q.Options {
		d.offer(optChoice(step, q.ID, q.Options[i].ID), d.optionLabel(t, q, &q.Options[i]))
	}
	if answered {
		// the answer came first (urgent topics): the question only refines it
		d.afterAnswerChoices(t)
		return
	}
	d.offer(actChoice(actBack), d.msg("label_back"))
	d.offer(actChoice(actPerson), d.msg("label_person"))
}

func (d *decider) pickOption(optID string) {
	t := d.kb.Topic(d.conv.Topic)
	if t == nil {
		d.stale()
		return
	}
	q := findQuestion(t, d.conv.Question)
	if q == nil {
		d.stale()
		return
	}
	for i := range q.Options {
		o := &q.Options[i]
		if o.ID != optID {
			continue
		}
		d.conv.push()
		d.conv.Option = o.ID
		if o.Topic != "" {
			next := d.kb.Topic(o.Topic)
			if next == nil {
				d.stale()
				return
			}
			d.fx.Topic = next.ID
			d.fx.Counts = append(d.fx.Counts, "answer")
			d.reply.Outcome = Answer
			d.enterTopic(next)
			return
		}
		d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
		if t.Urgent {
			// the first screen was given already: add what this case needs, and its contacts
			d.conv.Mode, d.conv.Question = ModeAnswered, ""
			if d.english() && o.Answer != "" {
				d.say(d.msg("details_in_japanese")) // the answers are the helpdesk's Japanese texts
			}
			d.say(o.Answer)
			ids := o.Contacts
			if len(ids) == 0 {
				ids = t.Contacts
			}
			none := d.screenContacts(ids)
			d.nextStep()
			d.say(d.screenNext(none))
			d.screenChoices(t)
			return
		}
		d.answer(t, o)
		d.afterAnswer(t)
		return
	}
	d.stale()
}

// answer gives a topic's standard answer (after an option's tailored one, or only that one where
// the option stands alone), the current alerts and the contact cards.
func (d *decider) answer(t *knowledge.Topic, o *knowledge.Option) {
	d.conv.Mode, d.conv.Topic, d.conv.Question = ModeAnswered, t.ID, ""
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	var ids []string
	if d.english() && (o != nil && o.Answer != "" || t.Answer != "") {
		d.say(d.msg("details_in_japanese")) // the answers are the helpdesk's Japanese texts
	}
	said := ""
	if o != nil {
		d.say(o.Answer)
		said = o.Answer
		ids = append(ids, o.Contacts...)
	}
	if o == nil || !o.Alone { // an option that stands alone is its side of the matter only
		d.say(withoutRepeats(t.Answer, said))
		ids = append(ids, t.Contacts...)
	}
	d.alerts(t)
	d.contacts(append(d.programmesNamed(t), ids...))
}

// programmesNamed are the support programmes and subsidies the message being answered names, or
// the one that opened the consultation where it offered t (「国のIT導入補助金は使えますか」,
// answered after a question): their cards come first with t's answer, whether t lists them or
// not, so that the person reads what the knowledge says of the one they asked about (that it has
// ended, say).
func (d *decider) programmesNamed(t *knowledge.Topic) []string {
	named := d.kb.ContactsNamed(d.res)
	if res, ok := d.openingRead(t); ok {
		named = append(named, d.kb.ContactsNamed(res)...)
	}
	var ids []string
	for _, c := range named {
		if c.Programme && !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// alerts adds the topic's dated alerts, newest first: those still current (by the engine's
// clock, not the wall clock) under alerts_title, older ones under alerts_past_title, one block
// per year, so a 2022 alert is never called current in 2026.
func (d *decider) alerts(t *knowledge.Topic) {
	var current []string
	var past [][]string // per year, newest year first
	var years []int
	for _, a := range d.kb.Alerts(t.ID) {
		line := a.Title + "（" + a.Date.Format("2006.1.2") + "）"
		if a.URL != "" {
			line += " " + a.URL
		}
		if d.kb.Current(a, d.now) {
			current = append(current, line)
			continue
		}
		if y := a.Date.Year(); len(years) == 0 || years[len(years)-1] != y {
			years, past = append(years, y), append(past, nil)
		}
		past[len(past)-1] = append(past[len(past)-1], line)
	}
	if len(current) > 0 {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: AlertsBlock, Title: d.msg("alerts_title"), Items: current})
	}
	for i, items := range past {
		title := strings.ReplaceAll(d.msg("alerts_past_title"), "{year}", strconv.Itoa(years[i]))
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: AlertsBlock, Title: title, Items: items})
	}
}

func (d *decider) afterAnswer(t *knowledge.Topic) {
	d.nextStep()
	d.say(d.msg("after_answer"))
	d.afterAnswerChoices(t)
}

func (d *decider) afterAnswerChoices(t *knowledge.Topic) {
	d.offerAlso(t)
	d.offer(actChoice(actIntake), d.msg("label_intake"))
	d.offer(actChoice(actPerson), d.msg("label_person"))
	d.offer(actChoice(actResolved), d.msg("label_resolved"))
	d.offer(actChoice(actOther), d.msg("label_other"))
	if len(t.FAQ) > 0 {
		d.offer(actChoice(actFAQ), d.msg("label_faq"))
	}
	d.offer(actChoice(actRestart), d.msg("label_restart"))
}

// offerAlso offers, under the answer for t, the other matter a message telling two (TwoMatters)
// named by a word of its own (「迷惑メールがめっちゃ来るのと、あとプリンタが全然印刷しないんです」 answered
// as spam: the printer's fault), so that the second matter is one tap away rather than lost. A
// matter denied, the office-matters topic, an incident named in a plan (「ランサムウェアの研修
// をしたい」) and an incident beside the incident answered (「ランサムウェアに感染したかも」 names
// the virus topic's 感染: one incident's words overlap another's) are not offered.
func (d *decider) offerAlso(t *knowledge.Topic) {
	res := d.res
	if !res.TwoMatters() {
		return // 「サイトが落ちてる…つながらない」 names a fault's word for the same matter
	}
	for _, m := range res.Topics {
		id := m.Topic.ID
		if id == t.ID || !res.Named(id) || res.Denies(id) || id == d.kb.Understanding().OffTopic || m.Topic.Urgent && (t.Urgent || res.Why.Intent != "") {
			continue
		}
		d.offer(topicChoice(id), strings.ReplaceAll(d.msg("label_also"), "{topic}", d.topicLabel(m.Topic)))
		return
	}
}

// alsoRead returns the other matter offered under the last answer (offerAlso) when res reads it
// first and names it by a word of its own, not denied (「紙詰まりじゃないし」 denies one word of
// the printer's fault, not the fault), or nil.
func (d *decider) alsoRead(res knowledge.Result) *knowledge.Topic {
	top := res.Top()
	if top == nil || res.Escalate || res.Social != "" || !res.Named(top.ID) {
		return nil
	}
	if slices.Contains(d.offeredTopics(), top.ID) {
		return top
	}
	return nil
}

func (d *decider) showFAQ() {
	t := d.kb.Topic(d.conv.Topic)
	if t == nil || len(t.FAQ) == 0 {
		d.stale()
		return
	}
	// Past answers, edited in form only (faq.yaml), under a line that says they are past
	// examples: what was true then (a desk's name, a number) may have changed since.
	d.say(d.msg("faq_intro"))
	for _, p := range d.kb.PastAnswers(t.ID) {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Title: d.msg("faq_title") + Colon(d.conv.Lang) + p.Subject, Text: p.Text})
	}
	d.afterAnswer(t)
}

// contacts adds the cards of the given contact ids, each once, public ones with their status.
// A desk that takes no companies is left out unless the user said they act as a private person.
func (d *decider) contacts(ids []string) {
	d.contactsTitled(d.msg("contacts_title"), d.forUser(ids))
}

// forUser drops the contacts marked consumers_only (消費者ホットライン) unless the option the
// user picked in the current topic is marked personal and they have not said they acted for the
// company (Conversation.AsCompany: 「会社の口座から振り込んだ」): the helpdesk serves companies, and
// offering such a desk to a company sends a frightened clerk to a number that will turn them
// away. The full list of contacts (allContacts) still shows them, with what they do not take.
// A person outside Tokyo gets the prefectural police's desks too (desksWhereTheyAre).
//
// While the question whether they paid as a person or as the company is on screen (the
// narrowed options are alternatives of one situation, such as paid), such a desk is offered
// too, with the card that says it takes no companies. A question still open between a
// company whose name was used and a buyer does not offer it: the company would be sent to a
// desk that turns it away.
func (d *decider) forUser(ids []string) []string {
	ids = d.desksWhereTheyAre(ids)
	if t := d.kb.Topic(d.conv.Topic); t != nil && !d.conv.AsCompany {
		if o := d.pickedOption(t); o != nil && o.Personal {
			return ids
		}
		narrowed := d.narrowedOptions(t)
		if slices.ContainsFunc(narrowed, func(o *knowledge.Option) bool { return o.Personal }) && shareSituation(narrowed) {
			return ids
		}
	}
	var out []string
	for _, id := range ids {
		if c := d.kb.Contact(id); c == nil || !c.ConsumersOnly {
			out = append(out, id)
		}
	}
	return out
}

// shareSituation reports whether one situation (paid, called, ...) is carried by every option,
// so that they differ only in who acted.
func shareSituation(options []*knowledge.Option) bool {
	if len(options) == 0 {
		return false
	}
	for _, s := range options[0].Situations {
		if !slices.ContainsFunc(options[1:], func(o *knowledge.Option) bool { return !slices.Contains(o.Situations, s) }) {
			return true
		}
	}
	return false
}

func (d *decider) contactsTitled(title string, ids []string) {
	seen := map[string]bool{}
	var cards []Contact
	var shown []*knowledge.Contact
	for _, id := range ids {
		c := d.kb.Contact(id)
		if c == nil || seen[id] {
			continue
		}
		seen[id] = true
		cards = append(cards, d.card(c))
		shown = append(shown, c)
	}
	d.markUnknownHours(cards, shown, shown)
	if len(cards) > 0 {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: ContactsBlock, Title: title, Contacts: cards,
			CallLabel: d.msg("label_call"), WebLabel: d.msg("label_web")})
	}
	if line := d.noneOpen(shown); line != "" {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: TextBlock, Text: line})
	}
}

// markUnknownHours tags the cards of public desks whose phone has no hours in the knowledge
// (hours_unknown, with no Status) when a desk among those the cards were picked from is closed
// now: at 23:00 on a Sunday a number without a tag, first in the list, would look like one that
// answers. When every desk with hours is open, such cards stay as they are. cards[i] is the card
// of shown[i].
func (d *decider) markUnknownHours(cards []Contact, shown, among []*knowledge.Contact) {
	if !slices.ContainsFunc(among, d.closedNow) {
		return
	}
	for i, c := range shown {
		if c.Phone != "" && c.Schedule == nil && !c.Internal {
			cards[i].OpenLabel = d.msg("hours_unknown")
		}
	}
}

// noneOpen is the line that follows the cards when no phone among them with known hours can be
// called now: every public contact with a phone and opening hours is closed. It says which opens
// first, and when; where some phones have no hours in the knowledge (their cards tagged
// hours_unknown), it says none is known to be open (none_open_known): at 21:00 on a Saturday
// "call the desks above" would send a frightened person to numbers that are mostly closed.
// One's own IT person or vendor (an internal contact) keeps hours of their own, so then there is
// no line.
func (d *decider) noneOpen(shown []*knowledge.Contact) string {
	var first *knowledge.Contact
	var when time.Time
	unknown := false
	for _, c := range shown {
		if c.Internal {
			return "" // one's own IT person or vendor keeps no hours the knowledge knows: not all are closed
		}
		if c.Phone == "" {
			continue
		}
		if c.Schedule == nil {
			unknown = true
			continue
		}
		if c.Schedule.OpenAt(d.now, d.kb.Holidays()) {
			return ""
		}
		if next, ok := c.Schedule.NextOpen(d.now, d.kb.Holidays()); ok && (first == nil || next.Before(when)) {
			first, when = c, next
		}
	}
	if first == nil {
		return ""
	}
	// "until then, do the steps above" follows an urgent topic's first aid; a calmer answer has
	// no steps above (the _later lines)
	later := !d.reply.Urgent && !slices.ContainsFunc(d.reply.Blocks, func(b Block) bool { return b.Kind == StepsBlock })
	var key string
	switch {
	case unknown && later:
		key = "none_open_known_later"
	case unknown:
		key = "none_open_known"
	case later:
		key = "none_open_later"
	default:
		key = "none_open"
	}
	return strings.NewReplacer("{when}", d.when(when), "{name}", first.Name).Replace(d.msg(key))
}

func (d *decider) card(c *knowledge.Contact) Contact {
	card := Contact{Name: c.Name, Phone: c.Phone, Tel: telURI(c.Phone), Email: c.Email, URL: c.URL, Hours: c.Hours}
	when, accepts, notAccepts, prepare, prepareNotUrgent, status := c.When, c.Accepts, c.NotAccepts, c.Prepare, c.PrepareNotUrgent, c.Status
	if d.english() {
		// Under English labels, only English: the texts no one has translated are left out
		// (the phone, the web page and the hours say how to reach the desk).
		when, accepts, notAccepts, prepare, prepareNotUrgent, status = c.EN.When, "", c.EN.NotAccepts, c.EN.Prepare, "", c.EN.Status
		if c.EN.Name != "" {
			// the English name, and the Japanese one a desk answering in Japanese will recognise
			card.Name = c.EN.Name + "（" + c.Name + "）"
		}
	}
	if c.Schedule != nil {
		if c.Schedule.OpenAt(d.now, d.kb.Holidays()) {
			card.Status, card.OpenLabel = "open", d.msg("open_now")
		} else {
			card.Status, card.OpenLabel = "closed", d.msg("closed_now")
			if next, ok := c.Schedule.NextOpen(d.now, d.kb.Holidays()); ok {
				card.OpenLabel = strings.ReplaceAll(d.msg("closed_next"), "{when}", d.when(next))
			}
		}
	}
	add := func(key, value, kind, uri string) {
		if value != "" {
			card.Fields = append(card.Fields, Field{Label: d.msg(key), Value: value, Kind: kind, URI: uri})
		}
	}
	add("field_when", when, "", "")
	add("field_phone", c.Phone, "phone", card.Tel)
	hours := c.Hours
	if d.english() && c.Schedule != nil {
		// written from the same schedule that says "open now", so both always agree
		hours = d.kb.HoursIn(c.Schedule)
	}
	add("field_hours", hours, "", "")
	add("field_url", c.URL, "url", c.URL)
	for _, l := range c.Links {
		if d.english() {
			add("field_url", l.URL, "", "") // the link's title is Japanese
		} else {
			add("field_url", l.Title+" "+l.URL, "", "")
		}
	}
	mailto := ""
	if c.Email != "" {
		mailto = "mailto:" + c.Email
	}
	add("field_email", c.Email, "email", mailto)
	add("field_accepts", accepts, "", "")
	add("field_not_accepts", notAccepts, "", "")
	add("field_prepare", prepare, "", "")
	if !d.reply.Urgent {
		// Reading a FAQ first is advice for a calm moment, not for an incident.
		add("field_prepare", prepareNotUrgent, "", "")
	}
	add("field_note", status, "", "")
	return card
}

// ---- escalation

// escalate hands the conversation to a person when staff are reachable, and otherwise says how
// to reach the helpdesk directly. It never promises an answer nobody will give.
func (d *decider) escalate() {
	d.fx.Counts = append(d.fx.Counts, "escalate")
	if d.fx.Topic == "" {
		d.fx.Topic = d.reply.Topic
	}
	if !d.policy.Staffed {
		d.directly()
		d.fx.Handoff = true // recorded as a request, with nobody notified
		d.reply.Handoff = &Handoff{CaseID: d.caseID, Topic: d.reply.Topic, Urgent: d.reply.Urgent}
		d.offer(actChoice(actRestart), d.msg("label_restart"))
		return
	}
	d.fx.Handoff = true
	d.reply.Handoff = &Handoff{CaseID: d.caseID, Topic: d.reply.Topic, Urgent: d.reply.Urgent, Staffed: true, Lang: d.conv.Lang}
	d.conv.push()
	d.conv.Mode, d.conv.Relayed = ModeHandoff, 0
	if d.policy.Hours != nil && !d.policy.Hours.OpenAt(d.now, d.kb.Holidays()) {
		hours := ""
		if next, ok := d.policy.Hours.NextOpen(d.now, d.kb.Holidays()); ok {
			hours = d.when(next)
		}
		d.say(strings.NewReplacer("{hours}", hours, "{case}", d.caseID).Replace(d.msg("escalate_offhours")))
		if t := d.kb.Topic(d.conv.Topic); t != nil {
			// not the cards this reply shows already (the answer to a request to the desk itself)
			if open := slices.DeleteFunc(d.openNow(t.Contacts), d.shownInReply); len(open) > 0 {
				d.say(d.msg("escalate_offhours_desks"))
				d.contacts(open)
			}
		}
	} else {
		d.say(strings.ReplaceAll(d.msg("escalate_staffed"), "{case}", d.caseID))
	}
	d.offer(actChoice(actCancelCase), d.msg("label_cancel_case"))
}

// shownInReply reports whether the reply being built shows contact id's card already.
func (d *decider) shownInReply(id string) bool {
	c := d.kb.Contact(id)
	if c == nil {
		return false
	}
	for _, b := range d.reply.Blocks {
		for _, card := range b.Contacts {
			if card.Name == c.Name || strings.HasSuffix(card.Name, "（"+c.Name+"）") {
				return true
			}
		}
	}
	return false
}

// relay passes what the user wrote (or pressed) to the person who has the case, and tells the
// user it was passed on: the first time with what happens next, then in a word.
func (d *decider) relay(text string) {
	d.fx.Relay = text
	if d.conv.Relayed == 0 {
		d.say(d.msg("relay_waiting"))
	} else {
		d.say(d.msg("relay_passed"))
	}
	d.conv.Relayed++
	d.firstAidWhileWaiting(text)
	d.offer(actChoice(actCancelCase), d.msg("label_cancel_case"))
}

// firstAidWhileWaiting adds, under the relay's line, the first action for an incident the person
// describes while the case waits for staff (「いま画面にウイルス感染の警告と電話番号が出ていて、
// 音も鳴っています」 at 21:00 on a Saturday): staff may answer only later, and the first step does
// not wait. A case without a topic takes that incident's, so that its next message does not get
// the same steps again.
func (d *decider) firstAidWhileWaiting(text string) {
	res := d.kb.Search(text)
	t := res.Top()
	if !res.Confident || res.Escalate || !res.Why.Now || t == nil || !t.Urgent || t.FirstAid == nil || t.ID == d.conv.Topic {
		return
	}
	d.res = res // what this message says happened picks the first line
	if d.conv.Topic == "" {
		d.conv.Topic = t.ID
	}
	d.say(d.msg("relay_first_aid"))
	d.firstAid(t)
	// the steps end with 「下の窓口に相談する」: the desks they mean, as the first screen shows them
	if none := d.screenContacts(t.Contacts); none != "" {
		d.say(none)
	}
}

// caseChoice reports whether choice id is one of an open case's own buttons.
func caseChoice(id string) bool {
	switch id {
	case actChoice(actCancelCase), actChoice(actCancelCaseYes), actChoice(actCancelCaseNo):
		return true
	}
	return false
}

// directly says that no person can take over here and how to reach the helpdesk directly: the
// helpdesk's own contacts and those of the conversation's topic.
func (d *decider) directly() {
	if d.oneShot {
		// helpdesk ask stores nothing: it must not say the request was recorded
		d.say(d.msg("escalate_directly"))
	} else {
		d.say(d.msg("escalate_nostaff"))
	}
	var ids []string
	if p := d.personEntry(); p != nil {
		ids = append(ids, p.Contacts...)
	}
	if t := d.kb.Topic(d.conv.Topic); t != nil {
		ids = append(ids, t.Contacts...)
	}
	d.contacts(ids)
}

// openNow returns, of ids, the public contacts this person may call that are open now (or whose
// hours are unknown).
func (d *decider) openNow(ids []string) []string {
	var open []string
	for _, id := range d.forUser(ids) {
		c := d.kb.Contact(id)
		if c != nil && !c.Internal && (c.Schedule == nil || c.Schedule.OpenAt(d.now, d.kb.Holidays())) {
			open = append(open, id)
		}
	}
	return open
}

func (d *decider) personEntry() *knowledge.MenuEntry {
	for _, e := range d.kb.Menu() {
		if e.Action == "escalate" {
			return e
		}
	}
	return nil
}

// withoutRepeats returns text without the lines said already in said, a line compared without a
// leading bullet: a topic's answer after an option's often repeats one of its sentences
// (「担当者がいない場合は、…」), which a phone would show twice in one reply. A line that says
// nearly the same in other words (restatedIn: 「障害の相談先は、システム担当者、保守業者、購入先、
// メーカーのサポート窓口です。」 after 「機器やネットワークの障害は、システム担当者、保守業者、購
// 入先、メーカーのサポート窓口に連絡してください。」) is left out too.
func withoutRepeats(text, said string) string {
	seen := map[string]bool{}
	var saidLines []string
	for _, l := range strings.Split(said, "\n") {
		if k := bulletless(l); k != "" {
			seen[k] = true
			saidLines = append(saidLines, k)
		}
	}
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if k := bulletless(l); k == "" || !seen[k] && !restatedIn(k, saidLines) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// restatedShare is how many of a line's two-character sequences one line said before must hold
// for the line to count as said already: the fault's two wordings of its desks share 78% of
// them, the other lines of its answers at most 21%.
const restatedShare = 0.7

// restatedMinRunes is how long a line must be to be compared by its sequences: a short line
// (「下の窓口に相談する。」) shares most of them with many lines by chance.
const restatedMinRunes = 20

// restatedIn reports whether line restates one of said: restatedShare of its two-character
// sequences are in that one line.
func restatedIn(line string, said []string) bool {
	runes := []rune(line)
	if len(runes) < restatedMinRunes {
		return false
	}
	for _, s := range said {
		held, total := 0, 0
		for i := 0; i+1 < len(runes); i++ {
			total++
			if strings.Contains(s, string(runes[i:i+2])) {
				held++
			}
		}
		if float64(held) >= restatedShare*float64(total) {
			return true
		}
	}
	return false
}

// bulletless is line l without its spaces and leading bullet (・).
func bulletless(l string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "・"))
}

// saidLast reports whether the bot's last reply began with text.
func (d *decider) saidLast(text string) bool {
	for i := len(d.conv.Turns) - 1; i >= 0; i-- {
		if t := d.conv.Turns[i]; t.From == "bot" {
			said := strings.TrimSuffix(t.Text, "…")
			return utf8.RuneCountInString(said) >= 10 && strings.HasPrefix(text, said)
		}
	}
	return false
}

// closedNow reports whether c has a phone with opening hours and is closed now.
func (d *decider) closedNow(c *knowledge.Contact) bool {
	return c.Phone != "" && c.Schedule != nil && !c.Schedule.OpenAt(d.now, d.kb.Holidays())
}
