package decide

import (
	"maps"
	"slices"
	"time"
)

// SchemaVersion is the version of the stored Conversation encoding. A stored conversation of
// another version is migrated by migrate, or, if that is impossible, restarted politely.
const SchemaVersion = 1

// Mode is where a conversation stands: what kind of message it waits for.
type Mode string

// The modes a conversation can be in.
const (
	ModeMenu     Mode = ""         // at the greeting menu or after an answer: free text expected
	ModeQuestion Mode = "question" // a question inside a topic awaits an option
	ModeAnswered Mode = "answered" // a topic was answered; the after-answer choices are offered
	ModeIntake   Mode = "intake"   // 状況を整理する: an intake question awaits an answer
	ModeClarify  Mode = "clarify"  // topic choices were offered for an unclear text
	ModeHandoff  Mode = "handoff"  // a case is open: messages are relayed to staff
)

// Conversation is where one user's conversation stands. It is stored after every step.
type Conversation struct {
	Schema   int          `json:"v"`
	Step     int          `json:"step"` // counts replies; contextual choices carry it to detect stale buttons
	Mode     Mode         `json:"mode,omitempty"`
	Topic    string       `json:"topic,omitempty"`
	Question string       `json:"question,omitempty"` // pending question id within Topic
	Option   string       `json:"option,omitempty"`   // the option of Topic the user picked (or their message answered)
	Lang     string       `json:"lang,omitempty"`     // "en" when the conversation is held in English, else Japanese
	Intake   *IntakeState `json:"intake,omitempty"`
	Choices  []Choice     `json:"choices,omitempty"` // offered by the last reply, so a typed number can pick one
	Back     []Snapshot   `json:"back,omitempty"`    // earlier positions, newest last, for "back"
	Turns    []Turn       `json:"turns,omitempty"`   // the recent exchange, for the staff summary
	CaseID   string       `json:"case,omitempty"`    // the open case while Mode is handoff
	Relayed  int          `json:"relayed,omitempty"` // messages passed to staff in this case
	People   []string     `json:"people,omitempty"`  // who wrote, when the key is not a person (a thread)
	Updated  time.Time    `json:"updated"`
	// First is the message that opened the consultation, in the user's words. Turns keeps only
	// the recent exchange; the summary and the staff post need the opening one however long
	// the conversation grew.
	First Turn `json:"first,omitzero"`
	// Told is what the person has said already happened in this consultation (situation ids of
	// the knowledge: paid, isolated …), in the order told: a first screen shown again later
	// (「次は何をすれば」) still leads with the line for it.
	Told []string `json:"told,omitempty"`
	// Device is the device this consultation is about as last named (a device id of the
	// knowledge: phone, computer): the first action for it, where none of Told has one.
	Device string `json:"device,omitempty"`
	// OutsideTokyo is set once the person has named a place outside Tokyo in this consultation
	// (「横浜の店です」): police desks then come with the prefectural police's.
	OutsideTokyo bool `json:"outside_tokyo,omitempty"`
	// AsCompany is set once the person has said they acted for the company in this consultation
	// (「会社の口座から振り込んだ」): desks that take no companies are then not offered.
	AsCompany bool `json:"as_company,omitempty"`
}

// Snapshot is a position in the conversation that "back" returns to.
type Snapshot struct {
	Mode     Mode         `json:"mode,omitempty"`
	Topic    string       `json:"topic,omitempty"`
	Question string       `json:"question,omitempty"`
	Option   string       `json:"option,omitempty"`
	Intake   *IntakeState `json:"intake,omitempty"`
}

// Turn is one line of the recent exchange.
type Turn struct {
	From string    `json:"from"` // "user", "bot" or "staff"
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// IntakeState is the progress through the 問診票.
type IntakeState struct {
	Full    bool              `json:"full,omitempty"`    // the full form, after the short one
	Current string            `json:"current,omitempty"` // the question being asked
	Detail  bool              `json:"detail,omitempty"`  // waiting for the details after はい
	Answers map[string]string `json:"answers,omitempty"` // question id -> answer text
	Picked  []string          `json:"picked,omitempty"`  // options ticked so far in a multi question
}

// answer records the answer to question id. The map is made on first use: JSON leaves an empty
// one out, so a stored, decoded or copied form may have none.
func (s *IntakeState) answer(id, text string) {
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	s.Answers[id] = text
}

const (
	maxBack  = 8
	maxTurns = 12
	// MaxTurnText bounds what is kept of one message for the staff summary.
	MaxTurnText = 500
)

func (c *Conversation) position() Snapshot {
	var in *IntakeState
	if c.Intake != nil {
		cp := *c.Intake
		cp.Answers = nil // answers are kept across back; only the position is restored
		in = &cp
	}
	return Snapshot{Mode: c.Mode, Topic: c.Topic, Question: c.Question, Option: c.Option, Intake: in}
}

// push remembers the current position before moving on.
func (c *Conversation) push() {
	c.Back = append(c.Back, c.position())
	if len(c.Back) > maxBack {
		c.Back = c.Back[len(c.Back)-maxBack:]
	}
}

// pop returns to the previous position; false when there is none.
func (c *Conversation) pop() bool {
	if len(c.Back) == 0 {
		return false
	}
	s := c.Back[len(c.Back)-1]
	c.Back = c.Back[:len(c.Back)-1]
	c.Mode, c.Topic, c.Question, c.Option = s.Mode, s.Topic, s.Question, s.Option
	if s.Intake != nil {
		var answers map[string]string
		if c.Intake != nil {
			answers = c.Intake.Answers
		}
		in := *s.Intake
		in.Answers = answers
		c.Intake = &in
	} else if c.Mode != ModeIntake {
		// leaving the form keeps its answers for the summary, but no position
		if c.Intake != nil {
			c.Intake.Current, c.Intake.Detail, c.Intake.Picked = "", false, nil
		}
	}
	return true
}

// noteFirst keeps text, typed as a new consultation, as the message that opened it: when none
// is kept yet, or when it is typed at the menu with no topic chosen (the first contact, or after
// 最初に戻る, 別の相談 or 解決した), where a new consultation starts.
func (c *Conversation) noteFirst(text string, at time.Time) {
	if c.newConsultation() {
		c.First = Turn{From: "user", Text: Truncate(text, MaxTurnText), At: at}
	}
}

// newConsultation reports whether a text typed now starts a new consultation: none is open yet,
// or it is typed at the menu with no topic chosen.
func (c *Conversation) newConsultation() bool {
	return c.First.Text == "" || (c.Mode == ModeMenu && c.Topic == "")
}

// forgetConsultation forgets what the consultation that ended was told (what happened, the
// device, where the person is), so that the next one, started by a tap as well as by text,
// begins with nothing.
func (c *Conversation) forgetConsultation() {
	c.Told, c.Device, c.OutsideTokyo, c.AsCompany = nil, "", false, false
}

// toldNow is what a message told the conversation (Conversation.tell): the situations it had not
// been told, and the device named before it.
type toldNow struct {
	added        []string
	deviceBefore string
	outside      bool // the message is the first to name a place outside Tokyo
}

// tell adds what a message says happened to what this consultation was told, and the device it
// names replaces the one named before (「スマホじゃなくてパソコンでした」); a new consultation
// starts afresh.
func (c *Conversation) tell(situations []string, device string, outside, company bool) toldNow {
	if c.newConsultation() {
		c.forgetConsultation()
	}
	told := toldNow{deviceBefore: c.Device, outside: outside && !c.OutsideTokyo}
	c.OutsideTokyo = c.OutsideTokyo || outside
	c.AsCompany = c.AsCompany || company
	if device != "" {
		c.Device = device
	}
	for _, s := range situations {
		if !slices.Contains(c.Told, s) {
			c.Told = append(c.Told, s)
			told.added = append(told.added, s)
		}
	}
	return told
}

func (c *Conversation) addTurn(from, text string, at time.Time) {
	if text == "" {
		return
	}
	c.Turns = append(c.Turns, Turn{From: from, Text: Truncate(text, MaxTurnText), At: at})
	if len(c.Turns) > maxTurns {
		c.Turns = c.Turns[len(c.Turns)-maxTurns:]
	}
}

// TurnsFrom returns the texts of the turns written by from ("user", "bot" or "staff"), in order.
func TurnsFrom(turns []Turn, from string) []string {
	var out []string
	for _, t := range turns {
		if t.From == from {
			out = append(out, t.Text)
		}
	}
	return out
}

func Truncate(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// Clone returns a deep copy of c: nothing the copy's owner changes shows in c. Empty slices and
// maps become nil, as JSON (omitempty) stores and decodes them.
func (c *Conversation) Clone() *Conversation {
	cp := *c
	cp.Intake = c.Intake.clone()
	cp.Choices = cloneSlice(c.Choices)
	cp.Back = cloneSlice(c.Back)
	for i := range cp.Back {
		cp.Back[i].Intake = cp.Back[i].Intake.clone()
	}
	cp.Turns = cloneSlice(c.Turns)
	cp.People = cloneSlice(c.People)
	cp.Told = cloneSlice(c.Told)
	return &cp
}

func (s *IntakeState) clone() *IntakeState {
	if s == nil {
		return nil
	}
	cp := *s
	cp.Answers = nil
	if len(s.Answers) > 0 {
		cp.Answers = maps.Clone(s.Answers)
	}
	cp.Picked = cloneSlice(s.Picked)
	return &cp
}

// cloneSlice copies s; an empty s gives nil.
func cloneSlice[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
