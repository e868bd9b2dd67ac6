package knowledge

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The bot's own phrases live in messages.yaml, so that every Japanese sentence a user reads comes
// from the knowledge folder and admins can reword it without a release. messageKeys lists every
// phrase the bot needs, with what it is for; a folder missing one does not load. Phrases may hold
// placeholders in braces ({topic}, {hours}, {n}, {case}) that the dialog fills in.
var messageKeys = map[string]string{
	"greeting":                "first words: says it is a bot and that a person is available",
	"menu_prompt":             "asks what the user needs, above the menu",
	"opener":                  "asks what a message that only opens a consultation is about, above the menu",
	"help":                    "what the bot can do and how to steer it",
	"fallback":                "nothing matched: say so, offer the menu and a person",
	"clarify":                 "the text fits several topics: ask which",
	"clarify_none":            "label: none of these choices fits",
	"clarify_if_urgent":       "above a question whose first choice is urgent and read by both readings: that topic's first action, {topic} and {now}",
	"clarify_shared_desks":    "an incident is offered first among two or more: the first desk every offered incident lists follows",
	"clarify_contacts":        "「どこに相談すれば」 while topic choices wait: the first choice's desks, {topic}, the choices below",
	"first_aid_title":         "heading above the first-aid steps",
	"contacts_title":          "heading above the contact cards",
	"alerts_title":            "heading above the current alerts",
	"alerts_past_title":       "heading above alerts older than current_for_days (alerts.yaml); {year} is their year",
	"faq_title":               "heading above a standard answer from past consultations (faq.yaml), followed by its subject",
	"faq_intro":               "before the past answers: they are examples of past consultations, and desks or numbers may have changed since",
	"after_answer":            "asks what next after an answer",
	"label_intake":            "label: 状況を整理する",
	"label_person":            "label: 担当者に相談",
	"label_resolved":          "label: 解決した",
	"label_other":             "label: 別の相談",
	"label_restart":           "label: 最初に戻る",
	"label_back":              "label: 戻る",
	"label_skip":              "label: skip an intake question",
	"label_yes":               "label: はい",
	"label_no":                "label: いいえ",
	"label_unknown":           "label: わからない",
	"label_done":              "label: finish a multiple-choice question",
	"label_full_intake":       "label: continue with the full 問診票",
	"label_faq":               "label: show a standard answer from past consultations",
	"label_contacts":          "label: show the contacts again",
	"resolved_thanks":         "thanks after 解決した",
	"other_prompt":            "after 別の相談: ask for the new matter",
	"expired":                 "the conversation was idle too long and starts again",
	"stale_choice":            "a button that no longer applies was pressed",
	"internal_error":          "apology when something failed inside the bot; offers a person",
	"empty_input":             "the message was empty",
	"not_a_choice":            "a number that is not among the choices; {n} is the number of choices",
	"too_long":                "the message was cut to the first {n} characters",
	"please_type":             "a sticker, image, file or location arrived: ask for text",
	"group_only":              "the bot was added to a group: it works one to one",
	"rate_limited":            "the user sent too many messages in a short time",
	"intake_intro":            "before the intake questions: what they are for, that any can be skipped",
	"intake_detail":           "asks for the details after はい; {detail} is what to describe",
	"intake_text_prompt":      "asks the user to type an answer to a free-text question",
	"intake_summary":          "heading of the intake summary the user can read out on the phone",
	"intake_short_done":       "after the short form: offer the full 問診票",
	"intake_line":             "one line of the summary: {label} of what (a question, the date, the first message) and its {answer}",
	"intake_when":             "summary label: when the summary was made (the value is written by when_format)",
	"intake_topic":            "summary label: the topic of the consultation",
	"intake_first":            "summary label: the first message of the consultation, in the user's words",
	"escalate_staffed":        "a person will take over; {case} is the case id",
	"escalate_offhours":       "outside the helpdesk's hours: when a person will answer; {hours} is written by when_format",
	"escalate_offhours_desks": "after escalate_offhours, only when desks that may answer now are shown below it",
	"escalate_nostaff":        "no staff channel: how to reach the helpdesk directly; never promises a reply",
	"escalate_directly":       "like escalate_nostaff, where nothing is recorded (helpdesk ask): how to reach the helpdesk directly",
	"staff_joined":            "a staff member has joined the conversation",
	"case_closed":             "the case was closed by staff; the bot answers again",
	"handed_back":             "staff handed the conversation back to the bot",
	"relay_waiting":           "the user's message was passed to staff, who will answer",
	"contacts_prompt":         "above the list of public contacts",
	"open_now":                "marks a contact that is open now",
	"closed_now":              "marks a contact that is closed now",
	"field_when":              "contact card row: when to call this desk rather than another of the same organisation",
	"field_phone":             "contact card row: phone",
	"field_email":             "contact card row: e-mail",
	"field_url":               "contact card row: web site",
	"field_hours":             "contact card row: opening hours",
	"field_accepts":           "contact card row: what the contact takes",
	"field_not_accepts":       "contact card row: what it does not take",
	"field_prepare":           "contact card row: what to have ready",
	"field_note":              "contact card row: status of a programme (e.g. 終了)",
	"label_call":              "button: call the contact",
	"label_web":               "button: open the contact's web site",

	// Phrases for helpdesk staff in the staff channel (also Japanese: staff work in Japanese).
	"staff_new_case":      "title of a new case; {case} id, {topic} title, {urgent} the urgency mark",
	"staff_urgent":        "the urgency mark of an urgent case",
	"staff_summary":       "heading of the summary (date, first message, intake answers) in a case",
	"staff_said":          "heading of what the user said",
	"staff_told":          "heading of what the bot last told the user",
	"staff_similar":       "heading of similar past consultations",
	"staff_user_message":  "prefix of a relayed user message",
	"staff_bot_first_aid": "under a relayed user message: the bot showed the user {topic}'s first action while the case waits",
	"staff_claimed":       "notice: {staff} took the case",
	"staff_resolved":      "notice: {staff} resolved the case; {note} the note",
	"staff_returned":      "notice: {staff} handed the case back to the bot",
	"staff_user_left":     "notice: the user went back to the bot",
	"staff_case_expired":  "notice: the case was closed because nobody touched it for {days} days, and its texts erased",
	"staff_closed_case":   "reply to a staff message in a closed case's thread: nothing was relayed",
	"label_claim":         "button: 担当する",
	"label_resolve":       "button: 解決",
	"label_handback":      "button: ボットに戻す",
	"resolve_title":       "title of the resolve form",
	"resolve_note":        "label of the one-line note in the resolve form",
	"resolve_topic":       "label of the topic in the resolve form",
	"resolve_submit":      "submit button of the resolve form",
	"staff_not_permitted": "reply when someone outside the staff channel presses a staff button",
	"admin_refused":       "reply to /helpdesk reload or stats from someone not in HELPDESK_ADMINS",
	"admin_help":          "the admin sub-commands of /helpdesk",
	"richmenu_bar":        "the LINE chat bar text that opens the rich menu (at most 14 characters)",
	"intake_number":       "how an intake question is numbered; {n} is its number",
	"when_format":         "how a moment is written (Base.When): {month} {day} {weekday} {hour} {minute}, e.g. {month}月{day}日（{weekday}）{hour}:{minute}",
	"weekday_names":       "the seven weekday names for {weekday}, Sunday first, separated by spaces",
	"closed_next":         "marks a contact that is closed now; {when} is when it opens next",
	"none_open":           "after the contacts when none with a phone is open now: {when} and {name} of the one that opens first",
	"none_open_later":     "none_open for an answer without first-aid steps above it: {when} and {name} of the one that opens first",

	"none_open_known":       "none_open where some desks with a phone have no hours in the knowledge (their cards tagged hours_unknown): none is known to be open; {when} and {name} of the one with hours that opens first",
	"none_open_known_later": "none_open_known for an answer without first-aid steps above it",

	// Reading in context (understanding.yaml): social turns, follow-ups inside a topic, a
	// change of topic.
	"social_thanks":              "reply to thanks; the conversation stays where it was",
	"social_ack":                 "reply to an acknowledgement (わかりました); the conversation stays where it was",
	"social_bye":                 "reply to a goodbye",
	"social_ping":                "reply to a message that only checks the bot is there (届いてますか): yes; the conversation stays where it was",
	"followup_contacts":          "above the contacts of the current topic, asked again; {topic} is its title",
	"followup_prepare":           "above what to tell or have ready for each contact of the current topic",
	"followup_police":            "above the police contacts, asked for inside a topic",
	"followup_unknown":           "the knowledge has no answer to a question inside a topic: say so, offer a person",
	"followup_steps":             "before the first-aid lines that name what a question inside an urgent topic names",
	"followup_lines":             "above the lines of the topic's or the picked option's answer that name what a question inside the topic names (followup_steps when they are all first-aid steps)",
	"followup_first":             "before an incident's first line, shown again above followup_unknown where a question inside it names no step",
	"followup_unknown_nostaff":   "followup_unknown where no staff take cases: say so, point to the desks shown (never offer a person)",
	"followup_party_unknown":     "after the line of the steps that names a party other than the desks (a bank) the person asked what to tell: the bot has nothing on that; {party} is the party",
	"label_cancel_case":          "button while a case is open: 担当者への相談を取り消す",
	"cancel_case_confirm":        "asks to confirm ending the open case; {case} is its number",
	"label_cancel_case_yes":      "button: yes, end the case",
	"label_cancel_case_no":       "button: no, keep waiting for the person",
	"cancel_case_kept":           "the user chose to keep waiting for the person",
	"relay_passed":               "a later message was passed to the person who has the case",
	"relay_first_aid":            "above the first action for an incident described while the case waits for staff",
	"clarify_unsure":             "the user does not know which choice fits: offer them again, and a person",
	"followup_named":             "the user asked about desks by name: their cards follow",
	"followup_contacts_by_phone": "followup_contacts asked for desks to call (understanding.yaml's by_phone) where some have no phone: those with one are listed first; {topic} is its title",
	"followup_contacts_no_phone": "followup_contacts where none of the topic's contacts has a phone (nothing to tap); {topic} is its title",
	"followup_named_no_phone":    "the user asked about desks or programmes by name, none with a phone: their cards follow",
	"same_matter":                "the user wrote again about the topic already answered: acknowledged, and its question asked if it was not answered yet",
	"question_again":             "the user told more about an incident instead of answering the topic's question: it is asked again",
	"question_again_desks":       "the user told more about a calm matter instead of answering the topic's question: the topic's desks, and the question again",
	"staff_english":              "marks a case whose user writes English (staff may answer in simple Japanese or English)",
	"screen_next":                "under an urgent answer's first screen: call a desk when the steps are done (screen_details follows)",
	"screen_details":             "last under an urgent answer's first screen, after screen_next or none_open: where the fuller explanation is",
	"label_details":              "label: 詳しい説明, the full first aid and answer behind a first screen",
	"field_brief":                "contact card row on the first screen: what the contact is for, in a few words",
	"topic_changed":              "one line when a message moves the conversation to another topic; {topic} is its title",
	"contacts_which":             "asked which desk to call before saying what happened: ask what it is about, above the menu",
	"situation_which":            "what the user said happened fits two options of a question (paid: as a person or as the company?): asks which, above only those options",
	"hours_unknown":              "tag of a desk card whose phone has no opening hours in the knowledge, shown when another desk on screen is closed now",
	"label_also":                 "label of a choice under an answer: the other matter the user's message named, {topic} is its label (a LINE quick reply shows 20 characters)",
}

// When writes t, in Japan time, as the when_format message says, e.g. 12月7日（月）8:30: the
// hour without a leading zero, the minute with one, the weekday from weekday_names.
func (b *Base) When(t time.Time) string {
	return FormatWhen(t, b.messages["when_format"], strings.Fields(b.messages["weekday_names"]))
}

// FormatWhen writes t, in Japan time, by layout, replacing {month}, {day}, {weekday}, {hour}
// and {minute}: month, day and hour without leading zeros, the minute with two digits, and the
// weekday as weekdays[t.Weekday()] (weekdays holds seven names, Sunday first; with fewer,
// {weekday} is left empty).
func FormatWhen(t time.Time, layout string, weekdays []string) string {
	t = t.In(Tokyo)
	weekday := ""
	if int(t.Weekday()) < len(weekdays) {
		weekday = weekdays[t.Weekday()]
	}
	return strings.NewReplacer(
		"{month}", strconv.Itoa(int(t.Month())),
		"{day}", strconv.Itoa(t.Day()),
		"{weekday}", weekday,
		"{hour}", strconv.Itoa(t.Hour()),
		"{minute}", fmt.Sprintf("%02d", t.Minute()),
	).Replace(layout)
}
