package knowledge

import (
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// English stands beside the Japanese in the same files, each text under an `en:` key next to
// the Japanese it translates (a topic's, a contact's), or in messages.en.yaml with the keys of
// messages.yaml. Facts (phones, URLs, hours) are never retyped: cards take them from the
// Japanese fields. A conversation held in English uses these texts on the emergency path (the
// menu, prompts, the first screen of urgent topics, their questions, the contact names, the
// escalation notices); long standard answers and past cases stay Japanese, introduced by one
// English line.

const messagesENFile = "messages.en.yaml"

// TopicEN is the English of a topic's emergency path.
type TopicEN struct {
	Title, Label string
	// Say is a short Japanese sentence the person can read out on the phone to a desk that
	// answers in Japanese.
	Say       string
	Now       string
	Next      []string
	Situation map[string]string
	Questions map[string]QuestionEN // by question id
}

// QuestionEN is the English of a question and its option labels (by option id).
type QuestionEN struct {
	Ask     string
	Options map[string]string
}

// ContactEN is the English of a contact's name, when-to-call line, what it does not take and
// what to prepare, and of a support programme's status. A card in English shows only the fields
// that have their English.
type ContactEN struct{ Name, When, NotAccepts, Prepare, Status string }

// IntakeQuestionEN is the English of an intake question: each field translates the Japanese
// field of the same name. Options has the Japanese options' count and order (Options[i]
// translates IntakeQuestion.Options[i]).
type IntakeQuestionEN struct {
	Section, Ask string
	// Label names the question in the summary, at most MaxIntakeLabelEN characters.
	Label, Example, Detail string
	Options                []string
}

// MaxIntakeLabelEN is the longest English label of an intake question, in characters: English
// takes about twice the characters of Japanese (MaxIntakeLabel).
const MaxIntakeLabelEN = 2 * MaxIntakeLabel

type rawTopicEN struct {
	Title    string `yaml:"title"`
	Label    string `yaml:"label"`
	Say      string `yaml:"say"`
	FirstAid *struct {
		Now        string            `yaml:"now"`
		Next       []string          `yaml:"next"`
		Situations map[string]string `yaml:"situations"`
	} `yaml:"first_aid"`
	Questions map[string]struct {
		Ask     string            `yaml:"ask"`
		Options map[string]string `yaml:"options"`
	} `yaml:"questions"`
}

type rawIntakeQuestionEN struct {
	Section string   `yaml:"section"`
	Ask     string   `yaml:"ask"`
	Label   string   `yaml:"label"`
	Example string   `yaml:"example"`
	Detail  string   `yaml:"detail"`
	Options []string `yaml:"options"`
}

// contactEN is r's English, each text trimmed.
func (r *rawContactEN) contactEN() ContactEN {
	return ContactEN{Name: strings.TrimSpace(r.Name), When: strings.TrimSpace(r.When), NotAccepts: strings.TrimSpace(r.NotAccepts),
		Prepare: strings.TrimSpace(r.Prepare), Status: strings.TrimSpace(r.Status)}
}

type rawContactEN struct {
	Name       string `yaml:"name"`
	When       string `yaml:"when"`
	NotAccepts string `yaml:"not_accepts"`
	Prepare    string `yaml:"prepare"`
	Status     string `yaml:"status"`
}

// enOnlyMessages are phrases only a conversation in English needs, or the words that switch
// languages, which messages.en.yaml holds besides the keys of messages.yaml.
var enOnlyMessages = map[string]string{
	"english_note":        "before the Japanese sentence to read out to a desk that answers in Japanese",
	"details_in_japanese": "introduces long texts that stay Japanese",
	"switched_english":    "the conversation continues in English; how to switch back",
	"switched_japanese":   "the conversation continues in Japanese (written in Japanese)",
	"label_english":       "button: English",
	"label_japanese":      "button: 日本語",
	"hours_every_day":     "opening hours in English: open every day of the week",
	"hours_no_days":       "opening hours in English: no regular days",
	"hours_all_day":       "opening hours in English: open all day, after the days",
	"hours_closed":        "opening hours in English: the days it is closed; {days} lists them",
	"hours_holidays":      "opening hours in English: the public holidays, as a closed day",
	"hours_and":           "opening hours in English: the word between two closed days",
}

// topicEN reads a topic's en: block and checks it covers the emergency path of an urgent topic:
// every Japanese text the first screen, the questions and the choices show.
func (l *loader) topicEN(file string, root *yaml.Node, r *rawTopicEN, t *Topic) {
	if r == nil {
		if t.Urgent {
			l.problem(file, linesOf(root).entry, "urgent topic %q has no en: (the English of its emergency path)", t.ID)
		}
		return
	}
	kl := linesOf(child(root, "en"))
	en := &TopicEN{Title: strings.TrimSpace(r.Title), Label: strings.TrimSpace(r.Label), Say: strings.TrimSpace(r.Say)}
	if en.Label != "" {
		l.checkLabel(file, kl.at("label"), en.Label)
	}
	t.EN = en
	missing := func(key, what string) { l.problem(file, kl.at(key), "en: %s has no English %s", t.ID, what) }
	if !t.Urgent {
		// A calmer topic may leave its question Japanese; one it translates is translated whole.
		if len(r.Questions) > 0 {
			l.questionsEN(file, kl, r, t, missing)
		}
		return
	}
	if en.Title == "" || en.Label == "" {
		missing("title", "title and label")
	}
	if en.Say == "" {
		missing("say", "say: (a Japanese sentence to read out)")
	}
	if r.FirstAid == nil || strings.TrimSpace(r.FirstAid.Now) == "" || len(trimAll(r.FirstAid.Next)) != len(t.FirstAid.Next) {
		missing("first_aid", "first_aid (now: and as many next: steps as the Japanese)")
	} else {
		en.Now, en.Next, en.Situation = strings.TrimSpace(r.FirstAid.Now), trimAll(r.FirstAid.Next), map[string]string{}
		for _, id := range slices.Sorted(maps.Keys(t.FirstAid.Situations)) {
			s := strings.TrimSpace(r.FirstAid.Situations[id])
			if s == "" {
				missing("first_aid", "line for situation "+id)
				continue
			}
			en.Situation[id] = s
		}
		n := utf8.RuneCountInString(en.Now)
		for _, s := range en.Next {
			n += utf8.RuneCountInString(s) + 3
		}
		if n > ScreenRunes*2 { // English takes about twice the characters of Japanese
			l.problem(file, kl.at("first_aid"), "en: the first screen of %s has %d characters; at most %d fit a phone's first screen", t.ID, n, ScreenRunes*2)
		}
	}
	l.questionsEN(file, kl, r, t, missing)
}

// questionsEN reads the English of t's questions and their options' labels, reporting each one
// without its English.
func (l *loader) questionsEN(file string, kl keyLines, r *rawTopicEN, t *Topic, missing func(key, what string)) {
	en := t.EN
	en.Questions = map[string]QuestionEN{}
	for _, q := range t.Questions {
		rq, ok := r.Questions[q.ID]
		if !ok || strings.TrimSpace(rq.Ask) == "" {
			missing("questions", "question "+q.ID)
			continue
		}
		qe := QuestionEN{Ask: strings.TrimSpace(rq.Ask), Options: map[string]string{}}
		for _, o := range q.Options {
			label := strings.TrimSpace(rq.Options[o.ID])
			if label == "" {
				missing("questions", "label of option "+q.ID+"/"+o.ID)
				continue
			}
			l.checkLabel(file, kl.at("questions"), label)
			qe.Options[o.ID] = label
		}
		en.Questions[q.ID] = qe
	}
}

// intakeEN reads an intake question's en: block (node is the question's entry) and checks that
// it translates every Japanese text the question shows, and nothing the Japanese lacks. Every
// question needs one: 状況を整理する (Sum up my situation) is on the emergency path.
func (l *loader) intakeEN(node *yaml.Node, r *rawIntakeQuestionEN, q *IntakeQuestion) {
	if r == nil {
		l.problem(intakeFile, linesOf(node).entry, "question %q has no en: (the English of 状況を整理する, which is on the emergency path)", q.ID)
		return
	}
	enNode := child(node, "en")
	kl := linesOf(enNode)
	kl.entry = linesOf(node).at("en") // a missing key is reported at en:
	en := &IntakeQuestionEN{Section: strings.TrimSpace(r.Section), Ask: strings.TrimSpace(r.Ask), Label: strings.TrimSpace(r.Label),
		Example: strings.TrimSpace(r.Example), Detail: strings.TrimSpace(r.Detail)}
	for _, f := range []struct{ key, ja, en string }{
		{"section", q.Section, en.Section}, {"ask", q.Ask, en.Ask}, {"label", q.Label, en.Label},
		{"example", q.Example, en.Example}, {"detail", q.Detail, en.Detail},
	} {
		switch {
		case strings.TrimSpace(f.ja) != "" && f.en == "":
			l.problem(intakeFile, kl.at(f.key), "en: question %q has no English %s:", q.ID, f.key)
		case strings.TrimSpace(f.ja) == "" && f.en != "":
			l.problem(intakeFile, kl.at(f.key), "en: question %q has an English %s: but no Japanese one", q.ID, f.key)
		}
	}
	if strings.HasSuffix(en.Detail, ".") {
		l.problem(intakeFile, kl.at("detail"), "en: detail %q is read inside intake_detail (please tell us {detail}.): leave out its full stop", en.Detail)
	}
	if n := utf8.RuneCountInString(en.Label); n > MaxIntakeLabelEN {
		l.problem(intakeFile, kl.at("label"), "en: label %q has %d characters; at most %d read well in the summary", en.Label, n, MaxIntakeLabelEN)
	}
	if len(r.Options) != len(q.Options) {
		l.problem(intakeFile, kl.at("options"), "en: question %q has %d English options for %d Japanese ones (the same options, in the same order)", q.ID, len(r.Options), len(q.Options))
	} else {
		for i, o := range r.Options {
			o = strings.TrimSpace(o)
			l.checkLabel(intakeFile, itemLine(enNode, "options", i, kl.at("options")), o)
			en.Options = append(en.Options, o)
		}
	}
	q.EN = en
}

// loadMessagesEN reads messages.en.yaml: the keys of messages.yaml (every one), and the
// English-only phrases.
func (l *loader) loadMessagesEN() {
	m, kl, ok := l.readPhrases(messagesENFile)
	if !ok {
		return
	}
	l.b.messagesEN = map[string]string{}
	for k, v := range m {
		_, known := messageKeys[k]
		_, enOnly := enOnlyMessages[k]
		if !known && !enOnly {
			l.problem(messagesENFile, kl.at(k), "unknown message %q (the keys are those of messages.yaml and %s)", k, strings.Join(slices.Sorted(maps.Keys(enOnlyMessages)), ", "))
			continue
		}
		l.b.messagesEN[k] = strings.TrimSpace(v)
	}
	for _, k := range slices.Sorted(maps.Keys(messageKeys)) {
		if l.b.messagesEN[k] == "" {
			l.problem(messagesENFile, 0, "message %q has no English (%s)", k, messageKeys[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(enOnlyMessages)) {
		if l.b.messagesEN[k] == "" {
			l.problem(messagesENFile, 0, "message %q is missing (%s)", k, enOnlyMessages[k])
		}
	}
}

// checkEnglishContacts reports the contacts an urgent topic shows that have no English name.
func (l *loader) checkEnglishContacts() {
	for _, ref := range l.refs {
		id := ""
		if n := child(ref.node, "id"); n != nil {
			id = n.Value
		}
		t := l.b.topicIdx[id]
		if t == nil || !t.Urgent {
			continue
		}
		ids := slices.Clone(t.Contacts)
		for _, q := range t.Questions {
			for _, o := range q.Options {
				ids = append(ids, o.Contacts...)
			}
		}
		for _, id := range ids {
			if c := l.b.contactIdx[id]; c != nil && c.EN.Name == "" {
				l.problem(contactsFile, l.contactLines[id], "contact %q (shown by urgent topic %s) has no en: name", id, t.ID)
			}
		}
	}
}

// MessageIn returns one of the bot's phrases in lang ("en" or Japanese otherwise): the English of
// messages.en.yaml when the conversation is in English and it has the phrase, else the Japanese.
func (b *Base) MessageIn(lang, key string) string {
	if lang == "en" {
		if m, ok := b.messagesEN[key]; ok {
			return m
		}
	}
	if m, ok := b.messages[key]; ok {
		return m
	}
	return b.messagesEN[key] // the English-only phrases (the 「English」 button)
}

// Language says which language a message is written in: "en" for English, "ja" for Japanese
// (also typed in romaji), "" when it cannot tell (a number, an emoji, a lone Latin word).
func (b *Base) Language(text string) string {
	latinWords := 0
	if japaneseRunes(text) >= 2 {
		return "ja"
	}
	// Two words at least: a Japanese user's lone "ok" or "help" does not switch the language, nor
	// does an English user's lone "No", which also reads as the romaji の.
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) >= 2 {
			latinWords++
		}
	}
	if latinWords < 2 {
		return ""
	}
	if _, ok := romajiToKana(text, b.index.english); ok {
		return "ja"
	}
	return "en"
}

// WhenIn writes t as When does, in the language lang ("en" or "ja"): English uses the
// when_format and weekday_names of messages.en.yaml.
func (b *Base) WhenIn(lang string, t time.Time) string {
	return FormatWhen(t, b.MessageIn(lang, "when_format"), strings.Fields(b.MessageIn(lang, "weekday_names")))
}
