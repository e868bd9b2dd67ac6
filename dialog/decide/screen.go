package decide

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// The first screen of an urgent answer is laid out for a phone at night: a chat app scrolls to
// the newest message, so an answer must be read from its first message down without scrolling
// back, in at most three messages:
//
//  1. the one action for the person's situation now and the two or three next steps (at most
//     150 characters with its heading);
//  2. the contacts, the one open now (or opening soonest) first, one card per number, each
//     saying in a few words what it is for;
//  3. what to do next, with the next steps as choices: the topic's question, or 「詳しい説明」
//     (the full first aid, why, the standard answer, the alerts and the full cards), the
//     intake, a person.

// firstScreen answers urgent topic t. o is the option the user's message answered already, or
// nil; its contacts come first.
func (d *decider) firstScreen(t *knowledge.Topic, o *knowledge.Option) {
	c := d.conv
	c.Mode, c.Topic, c.Question = ModeAnswered, t.ID, ""
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	d.firstAid(t)
	var ids []string
	if o != nil {
		ids = append(ids, o.Contacts...)
	}
	none := d.screenContacts(append(ids, t.Contacts...))
	next := d.screenNext(none)
	if d.english() && t.EN != nil && t.EN.Say != "" {
		// the desks answer in Japanese: a sentence to read out to them
		say := d.msg("english_note") + " 「" + t.EN.Say + "」"
		none, next = joinLines(say, none), joinLines(say, next)
	}
	if q := d.kb.SituationQuestion(t, d.res); o == nil && q != nil {
		// What the person told fits two of the question's options (paid, as a person or as the
		// company?): the question asks between them alone.
		c.Mode, c.Question = ModeQuestion, q.ID
		d.say(joinLines(none, d.msg("situation_which")))
		d.offerAmong(t, q, d.res.Situations)
		d.screenChoices(t)
		return
	}
	if o == nil && len(t.Questions) > 0 {
		// The question tells the cases of the topic apart; its options are the next steps.
		q := &t.Questions[0]
		step := d.nextStep()
		c.Mode, c.Question = ModeQuestion, q.ID
		d.say(joinLines(none, d.questionAsk(t, q)))
		for i := range q.Options {
			d.offer(optChoice(step, q.ID, q.Options[i].ID), d.optionLabel(t, q, &q.Options[i]))
		}
		d.screenChoices(t)
		return
	}
	d.nextStep()
	d.say(next)
	d.screenChoices(t)
}

// screenChoices are the next steps after a first screen: the details, the intake, a person.
func (d *decider) screenChoices(t *knowledge.Topic) {
	d.offerAlso(t)
	d.offer(actChoice(actDetails), d.msg("label_details"))
	d.offer(actChoice(actIntake), d.msg("label_intake"))
	d.offer(actChoice(actPerson), d.msg("label_person"))
	d.offer(actChoice(actResolved), d.msg("label_resolved"))
	d.offer(actChoice(actRestart), d.msg("label_restart"))
}

// firstAid adds the first screen of t's first aid: the one action now, for the situation the
// user described, and the next steps.
func (d *decider) firstAid(t *knowledge.Topic) {
	if now, next := d.firstAidLines(t); now != "" {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: StepsBlock, Title: d.msg("first_aid_title"), Text: now, Items: next})
		d.fx.FirstAid = t.ID
	}
}

// firstAidLines is the one action now and the next steps of t's first aid, in the conversation's
// language, for what the person said happened; "" when t has no first aid.
func (d *decider) firstAidLines(t *knowledge.Topic) (now string, next []string) {
	fa := t.FirstAid
	if fa == nil {
		return "", nil
	}
	situations := d.situations(t)
	now, next = fa.ScreenNow(situations), fa.Next
	if now == "" { // a knowledge folder without a first screen: the full first aid
		now, next = fa.Lead, fa.Steps
	}
	if d.english() && t.EN != nil && t.EN.Now != "" {
		now, next = t.EN.Now, t.EN.Next
		for _, s := range situations {
			if l, ok := t.EN.Situation[s]; ok {
				now = l
				break
			}
		}
	}
	return now, next
}

// screenNext is the text under the first screen's cards: call a desk when the steps are done, or,
// when none is the line that no desk is open now (which says when to call instead), that line;
// then where the fuller explanation is.
func (d *decider) screenNext(none string) string {
	if none == "" {
		none = d.msg("screen_next")
	}
	return joinLines(none, d.msg("screen_details"))
}

// situations is what happened, for topic t's first aid: what this message says, then what the
// option picked confirms of what this consultation was told (「でんわしたら…」, then 「もう
// はらっちゃった…みせのじゃなくて」 picks paying as a private person: the line for someone who
// paid, when told to buy more), then what it was told, in the order told (「LANケーブルは抜きまし
// た」, then 「次は？」; a first message that said it paid keeps the line for paying when the
// steps are shown again), then what the option picked earlier said (「どうしたらいいですか」 after
// 「電話してしまった」 gets the line for someone who called; an option tapped before paying was
// told does not outrank it), and last the device it is about as last named (a phone), whose line
// counts only where none of what happened has one. Where a device is named, each of what
// happened comes first on that device (called@phone): a line for it there wins.
func (d *decider) situations(t *knowledge.Topic) []string {
	var picked []string
	if o := d.pickedOption(t); o != nil {
		picked = o.Situations
	}
	var confirmed []string
	for _, s := range picked {
		if slices.Contains(d.conv.Told, s) {
			confirmed = append(confirmed, s)
		}
	}
	all := slices.Concat(d.res.Situations, confirmed, d.conv.Told, picked)
	if device := cmp.Or(d.res.Why.Device, d.conv.Device); device != "" {
		// what happened on that device first (called@phone), then what happened, then the device
		onDevice := make([]string, 0, len(all)+1)
		for _, s := range all {
			onDevice = append(onDevice, knowledge.OnDevice(s, device))
		}
		all = append(append(onDevice, all...), device)
	}
	return all
}

// details is 「詳しい説明」: everything the first screen left out.
func (d *decider) details(t *knowledge.Topic) {
	d.reply.Topic, d.reply.Urgent = t.ID, t.Urgent
	if d.english() {
		d.say(d.msg("details_in_japanese"))
	}
	if fa := t.FirstAid; fa != nil {
		lead := fa.Lead
		if now := fa.ScreenNow(d.situations(t)); now != fa.Now && now != "" {
			// the line for what the person said happened (「電話した」) leads, not the advice
			// for before it (「電話せず」)
			lead = now
		}
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: StepsBlock, Title: d.msg("first_aid_title"), Text: lead, Items: fa.Steps})
		d.say(fa.Why)
	}
	said := ""
	if o := d.pickedOption(t); o != nil {
		d.say(o.Answer)
		said = o.Answer
	}
	d.say(withoutRepeats(t.Answer, said))
	d.alerts(t)
	d.contacts(d.topicContacts(t))
	d.afterAnswer(t)
}

// screenContacts adds the contacts of the first screen: each number once, the ones open now
// first, then those whose hours are not known (they may answer), then the closed ones by when
// they open, then those without a phone; each card holds the phone, the hours and, in a few
// words, what the contact is for. It returns the line to say when no phone can be called now.
func (d *decider) screenContacts(ids []string) string { return d.screenContactsAtMost(ids, 0) }

// screenContactsAtMost is screenContacts showing the first most cards only (0: all).
func (d *decider) screenContactsAtMost(ids []string, most int) string {
	all := d.byAvailability(ids)
	list := all
	if most > 0 && len(list) > most {
		list = list[:most]
	}
	var cards []Contact
	var shown []*knowledge.Contact
	for _, c := range list {
		cards = append(cards, d.screenCard(c))
		shown = append(shown, c)
	}
	d.markUnknownHours(cards, shown, all)
	if len(cards) > 0 {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: ContactsBlock, Title: d.msg("contacts_title"), Contacts: cards,
			CallLabel: d.msg("label_call"), WebLabel: d.msg("label_web")})
	}
	return d.noneOpen(shown)
}

// screenCard is the card of the first screen: the full card's when-to-call, phone, hours and
// web rows (the contact's brief when it has no when-to-call), instead of what it accepts and
// what to prepare.
func (d *decider) screenCard(c *knowledge.Contact) Contact {
	card := d.card(c)
	var fields []Field
	for _, f := range card.Fields {
		if f.Kind == "phone" || f.Kind == "url" || f.Label == d.msg("field_hours") || f.Label == d.msg("field_when") {
			fields = append(fields, f)
		}
	}
	if c.Brief != "" && c.When == "" && !d.english() { // the when-to-call line says it already; the brief is Japanese
		fields = append(fields, Field{Label: d.msg("field_brief"), Value: c.Brief})
	}
	card.Fields = fields
	return card
}

// joinLines joins the non-empty lines.
func joinLines(lines ...string) string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// byAvailability returns the contacts of ids for this user, each phone number once, in the order
// a person who must call now needs them: the ones open now first, then those whose hours are not
// known and one's own IT person or vendor (they may answer), then the closed ones by when they
// open, then those without a phone.
func (d *decider) byAvailability(ids []string) []*knowledge.Contact {
	type ranked struct {
		c    *knowledge.Contact
		rank int
		next time.Time
	}
	var list []ranked
	seen := map[string]bool{}
	for _, id := range d.forUser(ids) {
		c := d.kb.Contact(id)
		if c == nil || seen[id] || c.Phone != "" && seen["tel:"+c.Phone] {
			continue
		}
		seen[id], seen["tel:"+c.Phone] = true, true
		r := ranked{c: c, rank: 1}
		switch {
		case c.Internal, c.Phone != "" && c.Schedule == nil:
			// one's own IT person or vendor (reached as the company reaches them), or a phone whose
			// hours are not known: either may answer now
		case c.Phone == "":
			r.rank = 3
		case d.closedNow(c):
			r.rank = 2
			r.next, _ = c.Schedule.NextOpen(d.now, d.kb.Holidays())
		default:
			r.rank = 0
		}
		list = append(list, r)
	}
	slices.SortStableFunc(list, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), a.next.Compare(b.next))
	})
	out := make([]*knowledge.Contact, len(list))
	for i, r := range list {
		out[i] = r.c
	}
	return out
}
