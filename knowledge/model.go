// Package knowledge loads the helpdesk's knowledge (contacts, triage topics, first-aid steps,
// alerts, the intake form, support programmes, the bot's phrases and the consultation CSV) from
// an fs.FS, validates it as a whole, and ranks topics, standard answers and past consultations
// for a free text.
//
// A *Base is never modified after Load returns, so any number of goroutines may read and search
// it without locks. A Library holds the Base currently served and swaps in a new one only when it
// loaded cleanly.
package knowledge

import "time"

// Source is one of the seed documents every entry of the knowledge names as its origin.
type Source struct {
	ID    string // short name used in the sources: lists of other files, e.g. "faq"
	File  string // path inside the knowledge folder
	Title string
	Date  string // as the document itself states it; empty when it states none
	Note  string
}

// Link is a titled URL taken from a seed.
type Link struct {
	Title string
	URL   string
}

// Contact is a public (or internal) place to call, write to or report to.
type Contact struct {
	ID    string
	Name  string
	Org   string
	Phone string // as dialled in Japan, e.g. "03-5978-7509" or "188"
	Email string
	URL   string
	Links []Link // further pages: report forms, lists, manuals
	Hours string // opening hours as the seed words them
	// When says in one line when to call this contact rather than another desk of the same
	// organisation shown beside it (「被害届を出すとき」). Load requires it of every contact that a
	// topic shows together with another contact of the same organisation.
	When       string
	Schedule   *Schedule
	Accepts    string // what it takes
	NotAccepts string // what it does not take, e.g. companies for 消費者ホットライン
	Prepare    string // what to have ready before calling
	Brief      string // in a few words, what to tell or prepare: the line of a card on the first screen
	// Aliases are the short names people use for the desk (IPA, 消費生活センター): a question
	// that names one gets this desk's card (Base.ContactsNamed).
	Aliases []string
	// PrepareNotUrgent is advice before calling that only fits when there is time (read the
	// FAQ first): the cards of an urgent topic leave it out, so that a person in an incident is
	// never told to read first and call later.
	PrepareNotUrgent string
	Internal         bool // a role inside the user's own company, not a public body
	Programme        bool // a support programme, vendor list or subsidy of programmes.yaml, offered like a contact
	// ConsumersOnly marks a desk that takes no companies (消費者ホットライン). The dialog offers
	// it only to a user who picked an option marked Personal (acting as a private person).
	ConsumersOnly bool
	// TokyoOnly marks a desk that serves Tokyo only (警視庁's cyber desk and switchboard): a
	// person who is elsewhere is not shown it. Its phishing report line, which takes reports
	// from anywhere, is not TokyoOnly.
	TokyoOnly bool
	// OutsideTokyo names the desk a person outside Tokyo is shown before this one (the
	// prefectural police's), in its place when this one is TokyoOnly.
	OutsideTokyo string
	Status       string // for a support programme: 終了, 募集終了 ..., as the seed says
	Sources      []string
	Note         string    // for admins, never shown to users: why a value was chosen where seeds disagree
	EN           ContactEN // the English of the name and when-to-call line; empty when none
}

// Reachable reports whether the contact can actually be reached: it has a phone number or a URL.
func (c *Contact) Reachable() bool { return c.Phone != "" || c.URL != "" }

// FirstAid is what to do right now in an urgent topic, before anything is asked.
//
// Now and Next are the first screen, the message a frightened person reads first on a phone:
// the one action now and the two or three next steps, together at most ScreenRunes characters.
// Lead, Steps and Why are the full first aid, one tap away.
type FirstAid struct {
	Lead  string   // what to do now, in full
	Steps []string // numbered steps, in full
	Why   string   // why, in a sentence or two
	Now   string   // the one action now, for the first screen
	Next  []string // the next two or three steps, in a few words each
	// Situations replace Now for a person who says it has already happened (paid, called):
	// the first line is what to do now, not what to do before.
	Situations map[string]string
}

// ScreenRunes bounds the first screen's text (the one action now and the next steps) so that,
// with its heading and numbers, the first message of an urgent answer stays within 150
// characters: what a phone shows without scrolling.
const ScreenRunes = 120

// ScreenNow returns the one action now for a person in the given situations: the first
// situation with a line of its own, else Now.
func (f *FirstAid) ScreenNow(situations []string) string {
	for _, s := range situations {
		if l, ok := f.Situations[s]; ok {
			return l
		}
	}
	return f.Now
}

// Option is one answer to a question inside a topic. Picking it either adds a tailored answer
// (and possibly other contacts) or moves the conversation to another topic.
type Option struct {
	ID       string
	Label    string
	Answer   string
	Contacts []string
	Topic    string // move to this topic instead of answering here
	// Personal marks an option by which the user says they act as a private person
	// (「個人として支払った」): only then are contacts marked ConsumersOnly offered.
	Personal bool
	// RuledOut marks the option a message picks by ruling a threat out (「ウイルスではないと
	// 思う」「攻撃されたわけじゃない」): the fault, not the incident, is what the person thinks.
	RuledOut bool
	// Alone marks an option whose answer and contacts replace the topic's (a fake shop's buyer
	// reads nothing of what the shop whose name was used should do).
	Alone bool
	// Words are what people type for this option instead of tapping it; Situations (ids of
	// understanding.yaml) pick it before the question is even asked.
	Words      []string
	Situations []string
	// folded are Label and Words as the matcher reads them, made once when the index is built.
	folded []string
}

// Question tells the cases of a topic apart (e.g. the impersonated company or a buyer).
type Question struct {
	ID      string
	Ask     string
	Options []Option
}

// Topic is one triage topic of the topic contract (seeds/README.md).
type Topic struct {
	ID         string
	Title      string
	Label      string // at most 20 characters, for buttons and quick replies
	Scope      string
	Urgent     bool
	Words      []string // what people type for it, variants included
	Examples   []string // whole messages people write about it, for similarity matching
	FirstAid   *FirstAid
	Questions  []Question
	Answer     string
	Contacts   []string
	Links      []Link
	FAQ        []string // 受理番号 of CSV rows whose 【FAQ用】標準回答 belongs here
	Categories []string // CSV 相談内容分類 values whose records are past cases of this topic
	Sources    []string
	EN         *TopicEN // the English of the emergency path; nil when the topic has none
}

// Alert is a dated warning from CHECK1 ("what is happening now").
type Alert struct {
	ID     string
	Title  string
	Date   time.Time
	Topics []string
	URL    string
	Source string
}

// IntakeQuestion is one question of the 問診票 (seed 002), asked by 状況を整理する.
type IntakeQuestion struct {
	ID      string
	Number  int // 問N
	Section string
	Ask     string
	// Label names the question in the summary (外部からの連絡：はい), at most MaxIntakeLabel
	// characters, so that the summary can be read out on the phone.
	Label   string
	Example string
	Kind    string   // "yesno", "choice", "multi" or "text"
	Options []string // for choice and multi; yesno offers はい/いいえ/わからない
	// Detail is the follow-up asked after はい, e.g. 連絡元と連絡の内容; in a choice or multi
	// question it is asked when the option DetailFor (e.g. その他) was chosen.
	Detail    string
	DetailFor string
	Short     bool   // part of the short version asked first
	If        string // asked only when this question was answered はい
	// EN is the English of the question, for a conversation held in English. Load requires it
	// of every question (状況を整理する is on the emergency path), so it is never nil in a
	// loaded Base.
	EN *IntakeQuestionEN
}

// Programme is a support programme, vendor list or subsidy of seed 000.
type Programme struct {
	ID          string
	Name        string
	Org         string
	Kind        string // "support", "vendors", "subsidy", "portal"
	Description string
	Status      string // e.g. 終了, 今年度は募集終了, as the seed says
	Phone       string
	URL         string
	Sources     []string
}

// MenuEntry is one entry of the greeting menu.
type MenuEntry struct {
	ID     string
	Label  string
	Prompt string
	// LabelEN and PromptEN are the English of Label and Prompt (menu.yaml's en: block), for a
	// conversation in English; PromptEN may be empty where Prompt is.
	LabelEN, PromptEN string
	Topics            []string // topics offered as choices
	Action            string   // "topics", "contacts" or "escalate"
	// People and Asks recognise a request for a person that Words does not list: a word for a
	// person (担当, 職員, スタッフ) followed closely by a word asking for them (話, つないで, 呼んで).
	People []string
	Asks   []string
	// Consults ask to consult or to ask without naming anyone (相談したい, 聞きたい): beside a
	// word for a person they ask for one (相談できる人), as Asks do; alone they ask this desk,
	// which is what the person is already doing (「ちょっと相談したいことがあって」).
	Consults []string
	// Declines are words that turn a person or an ask close before or after them into its
	// opposite: 「人と話す必要はないです」, "no need for a human" ask for no one.
	Declines []string
	// Requests are the words that make a text a request (ほしい, いただけ, please). The learned
	// reading hands a text over only when it holds one of them or an ask: 「社内の担当者に聞い
	// てみます」 reads like a request for a person, but asks for nothing.
	Requests []string
	// Wishes say what the writer wants or wanted (話したくて, 話したかった): a message that ends
	// telling what happened names the people of its story, unless it holds one of them.
	Wishes []string
	// Visits ask someone to come or to speak (来てもらえ, 話してくれる人いますか). In a request to
	// the desk itself (a lecture, a seminar) they ask for the lecturer, which that topic answers,
	// not for staff to take the conversation over.
	Visits []string
	// Quotes close a quotation (という, って, と表示): a phrase asking for a person with a
	// request word in it, right before one, is someone's words quoted (「至急お電話ください」という
	// SMS, a scam screen's 「こちらにお電話ください」と表示), not the writer's request.
	Quotes []string
	// Counters are the numerals that, right before 人, count people (3人, 何人): 「フォロワー
	// 3000人いるのに」 asks for no one. Digits count always.
	Counters []string
	// Absences say no such person is at hand (いないんです, いないので): a word for a person or an
	// ask right before one tells the writer's situation (「パソコンわかる人いないんです」), not a
	// request, unless a question follows (「わかる人いないんですか」).
	Absences []string
	// Others are words for people who are not this desk's staff (警察の人, 担当者名): a word for
	// a person or an ask inside one asks for no one here.
	Others []string
	// Ours are words that, right before a word of Others, make that person this desk's own
	// (「そちらのIT担当の方」): asked for here after all.
	Ours  []string
	Words []string // free text that picks this entry, e.g. 担当者と話したい for escalate
	// Contacts are shown with the entry; for escalate, how to reach the helpdesk directly.
	Contacts []string
}

// Case is one record of the consultation CSV, read as exported.
type Case struct {
	File     string // the CSV file the record was read from
	Row      int    // line of the record in the CSV, for error messages
	No       string // 受理番号
	Kind     string // 相談種別ID
	Class    string // 相談内容分類（ガイドブックmission1）
	Category string // the unnamed 5th column, e.g. "051.ウイルス感染"
	Subject  string // 件名
	Body     string // 相談内容
	Remarks  string // 相談備考
	Handling string // 対応状況
	Notes    string // 処置備考
	Keywords string // 【FAQ用】検索キーワード
	FAQ      string // 【FAQ用】標準回答（案）
	FAQRefs  string // 【FAQ用】対策のための参考資料・サイト
	Topic    string // topic id derived from Category, empty when no topic claims it
}

// PastAnswer is the standard answer of a past consultation as the bot shows it: the CSV's
// 【FAQ用】標準回答（案） edited in form only (polite です・ます, typos fixed) in faq.yaml. The CSV
// stays as exported; No and Source name the row the text was edited from.
type PastAnswer struct {
	No      string // 受理番号
	Source  string // the CSV file that holds the row
	Subject string // 件名, edited the same way
	Text    string
}

// Vague is a group of generic words (メール, スマホ, 詐欺) that say what a text is about without
// saying which topic: when nothing else is sure, the bot asks which of Topics it means.
type Vague struct {
	Words  []string
	Topics []string
	// Alone makes the words count only as the whole message (「ウイルス」「偽サイト？」): a thing
	// named with nothing said of it. Inside a longer text they are the topic's own words.
	Alone bool
	// Generic makes the words generic even where a topic lists them as its own: a short text
	// whose top topic's words are only these (「Wi-Fiのことなんですけど」: Wi-Fi is general
	// security's word, but nothing is said of it) is asked about, as one with no topic word.
	Generic bool
	// Labels are, by topic, the choices' labels when the bot asks about a word of the group
	// alone (Base.BareLabels): what may have happened, in plain words (「ウイルスに感染したかも」),
	// in the place of the topic's label (サポート詐欺, Emotet). Optional.
	Labels map[string]string
}
