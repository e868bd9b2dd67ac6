package decide

import (
	"strconv"
	"strings"
)

// Choice ids are what a button carries back (a LINE postback's data, a Slack action's value).
// They are short, ASCII and self-describing:
//
//	m:<menu entry>            a greeting menu entry
//	t:<topic>                 a topic
//	a:<action>                intake, person, resolved, other, restart, back, faq, contacts,
//	                          full-intake, details, cancel-case, cancel-case-yes,
//	                          cancel-case-no, english, japanese, none
//	o:<step>:<question>:<opt> an option of a question inside the current topic
//	i:<step>:<question>:<val> an answer to the current intake question
//
// Menu, topic and action choices mean the same thing whenever they are pressed. Options and
// intake answers only make sense as answers to the question just asked, so they carry the step
// of the reply that offered them; pressed later, they are stale and the user is greeted again.

// action is what an "a:" choice asks for.
type action string

// The actions an "a:" choice can name.
const (
	actIntake     action = "intake"
	actPerson     action = "person"
	actResolved   action = "resolved"
	actOther      action = "other"
	actRestart    action = "restart"
	actBack       action = "back"
	actFAQ        action = "faq"
	actContacts   action = "contacts"
	actFullIntake action = "full-intake"
	actDetails    action = "details" // 「詳しい説明」: what the first screen of an urgent answer left out
	// An open case ends only through 「担当者への相談を取り消す」 and a confirmation.
	actCancelCase    action = "cancel-case"
	actCancelCaseYes action = "cancel-case-yes"
	actCancelCaseNo  action = "cancel-case-no"
	// The language of the conversation, picked from the menu.
	actEnglish  action = "english"
	actJapanese action = "japanese"
	actNone     action = "none"
)

// Intake answer values of an "i:" choice besides an option's index.
const (
	valYes     = "yes"
	valNo      = "no"
	valUnknown = "unknown"
	valSkip    = "skip"
	valDone    = "done"
)

// choiceKind is the letter a choice id starts with: what kind of choice it is.
type choiceKind byte

// The kinds of choice.
const (
	choiceMenu   choiceKind = 'm' // a greeting menu entry
	choiceTopic  choiceKind = 't' // a topic
	choiceAction choiceKind = 'a' // an action
	choiceOption choiceKind = 'o' // an option of the question just asked
	choiceIntake choiceKind = 'i' // an answer to the intake question just asked
)

type choiceID struct {
	kind     choiceKind
	step     int
	target   string // menu entry, topic, action, or question
	value    string // option or intake value
	malforms bool
}

// maxChoiceID bounds a choice id: LINE postback data allows 300 characters, Slack values 2000.
const maxChoiceID = 300

func parseChoice(s string) choiceID {
	bad := choiceID{malforms: true}
	if len(s) < 3 || len(s) > maxChoiceID || s[1] != ':' {
		return bad
	}
	kind, rest := choiceKind(s[0]), s[2:]
	switch kind {
	case choiceMenu, choiceTopic, choiceAction:
		if rest == "" || strings.Contains(rest, ":") {
			return bad
		}
		return choiceID{kind: kind, target: rest}
	case choiceOption, choiceIntake:
		parts := strings.SplitN(rest, ":", 3)
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return bad
		}
		step, err := strconv.Atoi(parts[0])
		if err != nil || step < 0 {
			return bad
		}
		return choiceID{kind: kind, step: step, target: parts[1], value: parts[2]}
	}
	return bad
}

// MenuChoice is the choice id of a greeting menu entry, for buttons made outside the engine
// (a LINE rich menu).
func MenuChoice(id string) string { return menuChoice(id) }

func menuChoice(id string) string  { return "m:" + id }
func topicChoice(id string) string { return "t:" + id }
func actChoice(a action) string    { return "a:" + string(a) }
func optChoice(step int, q, o string) string {
	return "o:" + strconv.Itoa(step) + ":" + q + ":" + o
}
func intakeChoice(step int, q, v string) string {
	return "i:" + strconv.Itoa(step) + ":" + q + ":" + v
}
