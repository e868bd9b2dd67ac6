package dialog

import (
	"strconv"
	"strings"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// 状況を整理する: the 問診票 of seed 002, asked one question at a time. The short version comes
// first; the full form continues with the questions not yet answered. Every question can be
// skipped. The result is a summary the user can read out on the phone and staff receive with a
// case.

func (d *decider) startIntake(full bool) {
	c := d.conv
	var answers map[string]string // kept from an earlier form
	if c.Intake != nil {
		answers = c.Intake.Answers
	}
	c.Mode = modeIntake
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
		if q.If != "" && !strings.HasPrefix(in.Answers[q.If], d.msg("label_yes")) {
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
	if in.Detail {
		d.say(strings.ReplaceAll(d.msg("intake_detail"), "{detail}", q.Detail))
		d.offer(intakeChoice(step, q.ID, valSkip), d.msg("label_skip"))
		d.offer(actChoice(actBack), d.msg("label_back"))
		return
	}
	text := questionNumber(d.kb, q) + "　" + q.Ask
	if q.Example != "" {
		text += "\n" + q.Example
	}
	if len(in.Picked) > 0 {
		text += "\n✓ " + strings.Join(in.Picked, "、")
	}
	d.say(text)
	switch q.Kind {
	case "yesno":
		d.offer(intakeChoice(step, q.ID, valYes), d.msg("label_yes"))
		d.offer(intakeChoice(step, q.ID, valNo), d.msg("label_no"))
		d.offer(intakeChoice(step, q.ID, valUnknown), d.msg("label_unknown"))
	case "choice", "multi":
		for i, o := range q.Options {
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
	switch value {
	case valSkip:
		in.answer(q.ID, "")
	case valYes:
		in.answer(q.ID, d.msg("label_yes"))
		if q.Detail != "" {
			in.Detail = true
			d.askIntake()
			return
		}
	case valNo:
		in.answer(q.ID, d.msg("label_no"))
	case valUnknown:
		in.answer(q.ID, d.msg("label_unknown"))
	case valDone:
		in.answer(q.ID, strings.Join(in.Picked, "、"))
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
	}
	d.nextIntake(q.ID)
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
	d.conv.push()
	text = truncateRunes(strings.TrimSpace(text), maxTurnText)
	switch {
	case in.Detail:
		in.answer(q.ID, d.msg("label_yes")+"（"+text+"）")
	case q.Kind == "multi" && len(in.Picked) > 0:
		in.answer(q.ID, strings.Join(in.Picked, "、")+"、"+text)
	default:
		in.answer(q.ID, text)
	}
	d.nextIntake(q.ID)
}

func (d *decider) finishIntake() {
	c := d.conv
	full := c.Intake.Full
	c.Mode = modeAnswered
	c.Intake.Current, c.Intake.Detail, c.Intake.Picked = "", false, nil
	d.reply.Blocks = append(d.reply.Blocks, Block{Kind: SummaryBlock, Title: d.msg("intake_summary"), Items: d.summary()})
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

// summary lists the topic and every intake question answered so far, readable aloud.
func (d *decider) summary() []string {
	return intakeSummary(d.kb, d.conv)
}

func intakeSummary(kb *knowledge.Base, c *Conversation) []string {
	var items []string
	if t := kb.Topic(c.Topic); t != nil {
		items = append(items, t.Title)
	}
	if c.Intake == nil {
		return items
	}
	for _, q := range kb.Intake() {
		a, asked := c.Intake.Answers[q.ID]
		if !asked {
			continue
		}
		if a == "" {
			a = kb.Message("intake_skipped")
		}
		items = append(items, questionNumber(kb, q)+" "+q.Ask+" → "+a)
	}
	return items
}

// questionNumber is how the form numbers a question (問3).
func questionNumber(kb *knowledge.Base, q *knowledge.IntakeQuestion) string {
	return strings.ReplaceAll(kb.Message("intake_number"), "{n}", strconv.Itoa(q.Number))
}
