package decide

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// 状況を整理する: the 問診票 of seed 002, asked one question at a time. The short version comes
// first; the full form continues with the questions not yet answered. Every question can be
// skipped. The result is a summary the user can read out on the phone and staff receive with a
// case: the date, the topic, the message that opened the consultation and one short line per
// answered question.

func (d *decider) startIntake(full bool) {
	c := d.conv
	var answers map[string]string // kept from an earlier form
	if c.Intake != nil {
		answers = c.Intake.Answers
	}
	c.Mode = ModeIntake
	c.Intake = &IntakeState{Full: full, Answers: answers}
	if !full {
		d.say(d.msg("intake_intro"))
	}
	d.nextIntake("")
}

// nextIntake moves to the first question after `after` that belongs to the current form, is not
// answered yet and whose condition holds; at the end it shows the summary.
func (d *decider) nextIntake(after string) {
	in := d.conv.Intake
	in.Current, in.Detail, in.Picked = "", false, nil
	qs := d.kb.Intake()
	start := 0
	if after != "" {
		for i, q := range qs {
			if q.ID == after {
				start = i + 1
			}
		}
	}
	for _, q := range qs[start:] {
		if !in.Full && !q.Short {
			continue
		}
		if _, done := in.Answers[q.ID]; done {
			continue
		}
		if q.If != "" && !strings.HasPrefix(in.Answers[q.If], d.kb.Message("label_yes")) {
			continue
		}
		in.Current = q.ID
		d.askIntake()
		return
	}
	d.finishIntake()
}

func (d *decider) intakeQuestion() *knowledge.IntakeQuestion {
	if d.conv.Intake == nil {
		return nil
	}
	for _, q := range d.kb.Intake() {
		if q.ID == d.conv.Intake.Current {
			return q
		}
	}
	return nil
}

func (d *decider) askIntake() {
	q := d.intakeQuestion()
	if q == nil { // the form changed under a reload
		d.stale()
		return
	}
	in := d.conv.Intake
	step := d.nextStep()
	en := d.english() && q.EN != nil
	if in.Detail {
		detail := q.Detail
		if en && q.EN.Detail != "" {
			detail = q.EN.Detail
		}
		d.say(strings.ReplaceAll(d.msg("intake_detail"), "{detail}", detail))
		d.offer(intakeChoice(step, q.ID, valSkip), d.msg("label_skip"))
		d.offer(actChoice(actBack), d.msg("label_back"))
		return
	}
	text := questionNumber(d.kb, d.conv.Lang, q) + "　" + q.Ask
	example := q.Example
	if en {
		text, example = questionNumber(d.kb, d.conv.Lang, q)+" "+q.EN.Ask, q.EN.Example
	}
	if example != "" {
		text += "\n" + example
	}
	if len(in.Picked) > 0 {
		text += "\n✓ " + answerIn(d.kb, d.conv.Lang, q, strings.Join(in.Picked, "、"))
	}
	d.say(text)
	switch q.Kind {
	case "yesno":
		d.offer(intakeChoice(step, q.ID, valYes), d.msg("label_yes"))
		d.offer(intakeChoice(step, q.ID, valNo), d.msg("label_no"))
		d.offer(intakeChoice(step, q.ID, valUnknown), d.msg("label_unknown"))
	case "choice", "multi":
		for i, o := range q.Options {
			if en && i < len(q.EN.Options) {
				o = q.EN.Options[i]
			}
			d.offer(intakeChoice(step, q.ID, strconv.Itoa(i)), o)
		}
		if q.Kind == "multi" {
			d.offer(intakeChoice(step, q.ID, valDone), d.msg("label_done"))
		}
	case "text":
		d.say(d.msg("intake_text_prompt"))
	}
	d.offer(intakeChoice(step, q.ID, valSkip), d.msg("label_skip"))
	d.offer(actChoice(actBack), d.msg("label_back"))
}

// intakeChoice records a tapped answer to the current question.
func (d *decider) intakeChoice(value string) {
	q := d.intakeQuestion()
	if q == nil {
		d.stale()
		return
	}
	in := d.conv.Intake
	d.conv.push()
	if in.Detail && value == valSkip {
		// the answer (はい, the options ticked) stands without its details
		d.nextIntake(q.ID)
		return
	}
	switch value {
	case valSkip:
		in.answer(q.ID, "")
	case valYes:
		in.answer(q.ID, d.kb.Message("label_yes"))
		if q.Detail != "" {
			in.Detail = true
			d.askIntake()
			return
		}
	case valNo:
		in.answer(q.ID, d.kb.Message("label_no"))
	case valUnknown:
		in.answer(q.ID, d.kb.Message("label_unknown"))
	case valDone:
		in.answer(q.ID, strings.Join(in.Picked, "、"))
		if d.askDetailFor(q, in.Picked) {
			return
		}
	default:
		i, err := strconv.Atoi(value)
		if err != nil || i < 0 || i >= len(q.Options) {
			d.stale()
			return
		}
		if q.Kind == "multi" {
			in.Picked = toggle(in.Picked, q.Options[i])
			d.askIntake()
			return
		}
		in.answer(q.ID, q.Options[i])
		if d.askDetailFor(q, []string{q.Options[i]}) {
			return
		}
	}
	d.nextIntake(q.ID)
}

// askDetailFor asks for the details of a choice or multi question when picked holds the option
// they belong to (その他), and reports whether it did. The options stay picked, so the details
// can be written beside that option.
func (d *decider) askDetailFor(q *knowledge.IntakeQuestion, picked []string) bool {
	if q.Detail == "" || q.DetailFor == "" || !slices.Contains(picked, q.DetailFor) {
		return false
	}
	in := d.conv.Intake
	in.Detail, in.Picked = true, picked
	d.askIntake()
	return true
}

// withDetail is the answer to q with the details the user typed: はい（…） after はい, or the
// option they belong to followed by them (…、その他（…）).
func (d *decider) withDetail(q *knowledge.IntakeQuestion, detail string) string {
	in := d.conv.Intake
	if q.Kind == "yesno" || len(in.Picked) == 0 {
		return d.kb.Message("label_yes") + "（" + detail + "）"
	}
	items := slices.Clone(in.Picked)
	for i, o := range items {
		if o == q.DetailFor {
			items[i] = o + "（" + detail + "）"
		}
	}
	return strings.Join(items, "、")
}

func toggle(list []string, v string) []string {
	for i, x := range list {
		if x == v {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return append(list, v)
}

// intakeText records a typed answer: a button's label counts as tapping it; anything else is
// the answer in the user's words (or the details after はい). folded is text as kb.Fold returns it.
func (d *decider) intakeText(text, folded string) {
	q := d.intakeQuestion()
	if q == nil {
		d.stale()
		return
	}
	if id, ok := d.choiceByLabel(folded); ok {
		d.choose(id)
		return
	}
	in := d.conv.Intake
	if q.Kind != "text" && !in.Detail {
		if res := d.kb.Search(text); res.Social != "" && res.Closes() && !res.Asks() {
			// 「ありがとう。とりあえず月曜に電話します」 where a button was expected: the person is
			// leaving the form; what was answered so far is summed up for them
			d.conv.push()
			d.finishIntake()
			return
		}
	}
	if v, ok := d.yesNoTyped(folded); ok && in.Detail && q.Kind == "yesno" {
		// the question answered again where the details of はい were asked (「いいえ」): that
		// answer, not details that would read 「はい（いいえ）」; はい again keeps はい as it is
		if v == valYes {
			v = valSkip
		} else {
			in.Detail = false
		}
		d.intakeChoice(v)
		return
	}
	d.conv.push()
	text = Truncate(strings.TrimSpace(text), MaxTurnText)
	switch {
	case in.Detail, q.DetailFor != "" && slices.Contains(in.Picked, q.DetailFor):
		// typed after ticking その他 is what その他 means
		in.answer(q.ID, d.withDetail(q, text))
	case q.Kind == "multi" && len(in.Picked) > 0:
		in.answer(q.ID, strings.Join(in.Picked, "、")+"、"+text)
	default:
		in.answer(q.ID, text)
	}
	d.nextIntake(q.ID)
}

// yesNoTyped returns the yes/no question's value whose label folded text is (はい, いいえ,
// わからない, in the conversation's language), if any.
func (d *decider) yesNoTyped(folded string) (string, bool) {
	for _, l := range []struct{ value, key string }{{valYes, "label_yes"}, {valNo, "label_no"}, {valUnknown, "label_unknown"}} {
		if folded == d.kb.Fold(d.msg(l.key)) {
			return l.value, true
		}
	}
	return "", false
}

func (d *decider) finishIntake() {
	c := d.conv
	full := c.Intake.Full
	c.Mode = ModeAnswered
	c.Intake.Current, c.Intake.Detail, c.Intake.Picked = "", false, nil
	if d.english() {
		// two summaries, each under its own title: the person reads the English one and shows or
		// reads out the Japanese one to a desk that answers in Japanese
		d.reply.Blocks = append(d.reply.Blocks,
			Block{Kind: SummaryBlock, Title: d.kb.MessageIn("en", "intake_summary"), Items: intakeSummaryIn(d.kb, "en", c, d.now)},
			Block{Kind: SummaryBlock, Title: d.kb.Message("intake_summary"), Items: intakeSummaryIn(d.kb, "ja", c, d.now)})
	} else {
		d.reply.Blocks = append(d.reply.Blocks, Block{Kind: SummaryBlock, Title: d.msg("intake_summary"), Items: d.summary()})
	}
	d.nextStep()
	if !full {
		d.say(d.msg("intake_short_done"))
		d.offer(actChoice(actFullIntake), d.msg("label_full_intake"))
	} else {
		d.say(d.msg("after_answer"))
	}
	d.offer(actChoice(actPerson), d.msg("label_person"))
	if t := d.kb.Topic(c.Topic); t != nil {
		d.offer(actChoice(actContacts), d.msg("label_contacts"))
	}
	d.offer(actChoice(actResolved), d.msg("label_resolved"))
	d.offer(actChoice(actRestart), d.msg("label_restart"))
}

// summary is the intake summary as of this step.
func (d *decider) summary() []string {
	return IntakeSummary(d.kb, d.conv, d.now)
}

// IntakeSummary is what the user reads out on the phone and staff receive with a case, one short
// line each: when (now), the topic, the message that opened the consultation, and the questions
// answered so far, by their labels. Skipped questions are left out. A conversation in English
// gets the summary in English followed by the same summary in Japanese: the person reads the
// one and shows or reads out the other to a desk that answers in Japanese, and staff read both.
func IntakeSummary(kb *knowledge.Base, c *Conversation, now time.Time) []string {
	if c.Lang == "en" {
		return append(intakeSummaryIn(kb, "en", c, now), intakeSummaryIn(kb, "ja", c, now)...)
	}
	return intakeSummaryIn(kb, "ja", c, now)
}

func intakeSummaryIn(kb *knowledge.Base, lang string, c *Conversation, now time.Time) []string {
	line := func(label, answer string) string {
		return strings.NewReplacer("{label}", label, "{answer}", answer).Replace(kb.MessageIn(lang, "intake_line"))
	}
	items := []string{line(kb.MessageIn(lang, "intake_when"), kb.WhenIn(lang, now))}
	if t := kb.Topic(c.Topic); t != nil {
		title := t.Title
		if lang == "en" && t.EN != nil && t.EN.Title != "" {
			title = t.EN.Title
		}
		items = append(items, line(kb.MessageIn(lang, "intake_topic"), title))
	}
	if c.First.Text != "" {
		items = append(items, line(kb.MessageIn(lang, "intake_first"), c.First.Text))
	}
	if c.Intake == nil {
		return items
	}
	for _, q := range kb.Intake() {
		if a := c.Intake.Answers[q.ID]; a != "" {
			label := q.Label
			if lang == "en" && q.EN != nil {
				label = q.EN.Label
			}
			items = append(items, line(label, answerIn(kb, lang, q, a)))
		}
	}
	return items
}

// answerIn writes a stored answer to q in lang. Answers are stored in Japanese (はい, the
// options' Japanese words, 、 between ticked options) so that the form's conditions and the
// staff's summary do not depend on the language; English replaces the yes/no/unknown labels
// and the options by their English, and leaves what the person typed as typed.
func answerIn(kb *knowledge.Base, lang string, q *knowledge.IntakeQuestion, answer string) string {
	if lang != "en" || q.EN == nil {
		return answer
	}
	english := map[string]string{}
	for _, key := range []string{"label_yes", "label_no", "label_unknown"} {
		english[kb.Message(key)] = kb.MessageIn("en", key)
	}
	for i, o := range q.Options {
		if i < len(q.EN.Options) {
			english[o] = q.EN.Options[i]
		}
	}
	parts := strings.Split(answer, "、")
	for i, p := range parts {
		head, detail, hasDetail := strings.Cut(p, "（")
		en, known := english[head]
		if !known {
			continue // typed by the person: kept as typed
		}
		head = en
		if hasDetail {
			parts[i] = head + " (" + strings.TrimSuffix(detail, "）") + ")"
		} else {
			parts[i] = head
		}
	}
	return strings.Join(parts, ", ")
}

// questionNumber is how the form numbers a question, in lang (問3, Q3).
func questionNumber(kb *knowledge.Base, lang string, q *knowledge.IntakeQuestion) string {
	return strings.ReplaceAll(kb.MessageIn(lang, "intake_number"), "{n}", strconv.Itoa(q.Number))
}
