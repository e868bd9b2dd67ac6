package dialog_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// A person who says what happened, when it fits two options of the topic's question (「もう払い
// ました」: as a person or as the company), is asked only which of those two, not again how far
// it went; a typed answer then picks one and its contacts follow.
func TestSituationNarrowsTheQuestion(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "偽のウイルス警告の番号に電話してしまいました")
	r := te.say(t, "u1", "もう払いました。クレジットカードで4万円です")
	kb := te.lib.Base()
	if !strings.Contains(r.PlainText(), kb.Message("situation_which")) {
		t.Errorf("reply = %q, want the narrowed question %q", r.PlainText(), kb.Message("situation_which"))
	}
	var labels []string
	for _, c := range r.Choices {
		labels = append(labels, c.Label)
	}
	for _, want := range []string{"個人として支払った", "会社として支払った"} {
		if !slices.Contains(labels, want) {
			t.Errorf("choices %v lack %q", labels, want)
		}
	}
	for _, never := range []string{"画面が出ただけ", "電話した・ソフトを入れた"} {
		if slices.Contains(labels, never) {
			t.Errorf("choices %v offer %q, which the user has gone past", labels, never)
		}
	}
	r = te.say(t, "u1", "個人です")
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("shohisha-hotline").Name) {
		t.Errorf("after 個人です the contacts are %v, want the consumer hotline among them", shown)
	}
	// typed in hiragana, as an elderly person types
	te.say(t, "u2", "ぱそこんに　けいこくが　でて　でんわしたら　かーどで　はらえと　いわれた")
	te.say(t, "u2", "もう　はらいました　5まんえん")
	r = te.say(t, "u2", "じぶんの　かーどで　はらいました")
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("shohisha-hotline").Name) {
		t.Errorf("after じぶんの かーどで the contacts are %v, want the consumer hotline among them", shown)
	}
	// a question about one's own PC, after the answer, is no payment
	te.say(t, "u3", "パソコンに警告が出て、書いてある番号に電話しそうになりました")
	r = te.say(t, "u3", "自分のパソコンは大丈夫ですか")
	if strings.Contains(r.PlainText(), "支払った件") {
		t.Errorf("「自分のパソコンは大丈夫ですか」 got the answer for a payment:\n%s", r.PlainText())
	}
	// what happened fits several options, but the person's own words (typed with spaces) pick one
	te.say(t, "u4", "ぱそこんが ぴーぴー なって うぃるす かんせん って でて そこの でんわに かけました")
	r = te.say(t, "u4", "えんかくそうさの あぷり いれられました こんびにで かーど かって ばんごう おしえた 3まんえん じぶんの おかねです")
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("shohisha-hotline").Name) {
		t.Errorf("after じぶんの おかねです the contacts are %v, want the consumer hotline among them", shown)
	}
}

// 詳しい説明 after 「電話してしまいました」 leads with the line for someone who called, not with the
// advice for before it (「電話せず」).
func TestDetailsLeadWithWhatHappened(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	fa := te.lib.Base().Topic("support-scam").FirstAid
	r := te.say(t, "u1", "偽のウイルス警告の番号に電話してしまいました")
	r = te.tap(t, "u1", choiceID(t, r, te.lib.Base().Message("label_details")))
	for _, b := range r.Blocks {
		if b.Kind == dialog.StepsBlock && b.Text != fa.ScreenNow([]string{"called"}) {
			t.Errorf("details lead with %q, want the line for someone who called", b.Text)
		}
	}
}

// What the person said happened earlier in the consultation (「LANケーブルは抜きました」) still
// leads the first screen shown again (「次は何をすればいいですか」): not "unplug it now" again.
func TestStepsAgainKeepWhatWasToldBefore(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	fa := te.lib.Base().Topic("ransomware").FirstAid
	isolated, before := fa.ScreenNow([]string{"isolated"}), fa.ScreenNow(nil)
	if isolated == before {
		t.Fatal("the seeds give ransomware no first line of its own for isolated")
	}
	for i, text := range []string{"ファイルが全部開けなくなって英語の脅迫文が出てる。LANケーブルは抜きました", "次は何をすればいいですか"} {
		if r := te.say(t, "u1", text); !strings.Contains(r.PlainText(), isolated) || strings.Contains(r.PlainText(), before) {
			t.Errorf("turn %d = %q, want the line for someone who has unplugged it (%q)", i+1, r.PlainText(), isolated)
		}
	}
}

// A question inside an urgent topic about something its first aid names (「LANケーブル抜いたほう
// がいいですか」, "Should I unplug the LAN cable?") gets the steps that name it, not "no answer";
// one about something the first aid does not name still gets the honest "no answer".
func TestQuestionAboutAStep(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	tests := []struct {
		first, question, want string
	}{
		{"取引先からうちの名前でZIP付きのメールが届いたと連絡がありました", "LANケーブル抜いたほうがいいですか", "LANケーブル"},
		{"Our files are encrypted and there is a ransom note", "Should I unplug the LAN cable?", "LAN cable"},
		{"取引先からうちの名前でZIP付きのメールが届いたと連絡がありました", "社長にはいつ言えばいいですか", ""},
	}
	for i, tt := range tests {
		user := fmt.Sprintf("u%d", i)
		te.say(t, user, tt.first)
		r := te.say(t, user, tt.question)
		lang := map[bool]string{true: "en", false: ""}[tt.want == "LAN cable"]
		steps := kb.MessageIn(lang, "followup_steps")
		switch {
		case tt.want != "" && (!strings.Contains(r.PlainText(), steps) || !strings.Contains(r.PlainText(), tt.want)):
			t.Errorf("%q: reply %q, want the steps naming %q", tt.question, r.PlainText(), tt.want)
		case tt.want == "" && strings.Contains(r.PlainText(), steps):
			t.Errorf("%q: reply %q, want no steps", tt.question, r.PlainText())
		}
	}
}

// A question inside an incident that no step names (「でんわ しなくて いいの」 in hiragana, which
// no kanji step meets) hears the incident's first line again above the honest "no answer": the
// person asking whether to call the number on a fake warning is told not to, not only to ask
// someone; a question inside a calm topic does not.
func TestQuestionNoStepNamesHearsTheFirstLine(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := kb.Message("followup_first")
	tests := []struct {
		first, question string
		topic, line     string // the topic of the first message; the line to hear again ("" for none)
	}{
		{"すまほ に ういるす に かんせん しました と でて ぶーぶー なって います", "でんわ しなくて いいの", "support-scam", "電話せず"},
		{"パソコンに警告が出て電話番号が表示されています", "どうやって けすの", "support-scam", "電話せず"},
		// asking to be told (oshiete kudasai) asks, in romaji too: not 「承知しました」
		{"pasokon ni keikoku ga dete denwa shiro to iwareta, denwa shite shimatta", "nihongo no kanji ga yomenai desu. romaji de oshiete kudasai", "support-scam", "切り離"},
		// the first line for what the question says was done: unplugged, it stays unplugged
		{"たすけてください　NASのファイルが全部へんな拡張子になってる　ビットコインはらえってテキストが", "らんけーぶる抜いた　NASもぬくの？でんげんきっていい？", "ransomware", "切り離したまま"},
		{"パスワードの使い回しって何がいけないんですか", "社長にはいつ言えばいいですか", "general-security", ""},
	}
	for i, tt := range tests {
		user := fmt.Sprintf("u%d", i)
		if r := te.say(t, user, tt.first); r.Topic != tt.topic {
			t.Fatalf("%q read as %q, want %s", tt.first, r.Topic, tt.topic)
		}
		text := te.say(t, user, tt.question).PlainText()
		heard := strings.Contains(text, first)
		switch {
		case !strings.Contains(text, kb.Message("followup_unknown")):
			t.Errorf("%q: reply %q, want the honest no-answer", tt.question, text)
		case tt.line != "" && (!heard || !strings.Contains(text, tt.line)):
			t.Errorf("%q: reply %q, want %q with the line naming %q", tt.question, text, first, tt.line)
		case tt.line == "" && heard:
			t.Errorf("%q: reply %q, want no first line again in a calm topic", tt.question, text)
		}
	}
}

// A long question inside a calm topic that names nothing either reading knows (「サイトは一旦ク
// ローズしてメンテ画面に差し替えるべきですか？ログ保全の前にやると証拠消えそうで迷ってます」 after
// the answer on reporting) is about the matter at hand: the honest no-answer with a person, not
// topics picked by what its words share with their examples.
func TestLongQuestionNamingNothingInACalmTopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := te.say(t, "u1", "IPAへの届出のやり方を教えてください")
	if first.Topic != "incident-report" {
		t.Fatalf("first message read as %q, want incident-report", first.Topic)
	}
	r := te.say(t, "u1", "サイトは一旦クローズしてメンテ画面に差し替えるべきですか？ログ保全の前にやると証拠消えそうで迷ってます")
	if r.Outcome == dialog.Clarify || !strings.Contains(r.PlainText(), kb.Message("followup_unknown")) {
		t.Errorf("outcome %s, reply %q; want the honest no-answer inside the topic", r.Outcome, r.PlainText())
	}
}

// A question the knowledge cannot answer, asked while the topic's own question waits and before
// its answer was shown (「らんけーぶる って どれ ですか」 while a fault's cause is asked), gets the
// honest no-answer and the matter's desks, so that whoever cannot answer it has someone to ask;
// the question's choices stay.
func TestUnansweredQuestionBeforeTheAnswerShowsTheDesks(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := te.say(t, "u1", "あさ きたら ぱそこんの したの はこの らんぷが きえて います。 いんたーねっとが でません")
	if first.Topic != "device-trouble" || len(first.Choices) == 0 {
		t.Fatalf("first message: topic %q with %d choices, want device-trouble's question", first.Topic, len(first.Choices))
	}
	r := te.say(t, "u1", "らんけーぶる って どれ ですか")
	if !strings.Contains(r.PlainText(), kb.Message("followup_unknown")) {
		t.Errorf("reply %q; want the honest no-answer", r.PlainText())
	}
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("it-staff").Name) {
		t.Errorf("the cards are %v, want the company's IT person among them", shown)
	}
	if len(r.Choices) == 0 || r.Choices[0].Label != first.Choices[0].Label {
		t.Errorf("the question's choices are not kept: %v", r.Choices)
	}
}

// Saying which desk one will call after the answer (「わかりました、法テラスに電話してみます」) is
// acknowledged inside the topic, not answered as that desk's topic from the start; wishing to
// consult it (「法テラスに相談したいです」) is still read as a consultation.
func TestLeavingToCallANamedDesk(t *testing.T) {
	tests := []struct {
		then  string
		acked bool
	}{
		{"わかりました、法テラスに電話してみます", true},
		{"わかりました、月曜に警察に行ってみます", true}, // no desk by name: going to one
		{"法テラスに相談したいです", false},
	}
	for i, tt := range tests {
		te := newTestEngine(t, dialog.Policy{})
		kb := te.lib.Base()
		user := fmt.Sprintf("u%d", i)
		if r := te.say(t, user, "辞めた元従業員が口コミサイトに店の悪口やウソを書き込んでいて困っています。消してもらいたいです"); r.Topic != "defamation" {
			t.Fatalf("first message read as %q, want defamation", r.Topic)
		}
		r := te.say(t, user, tt.then)
		acked := r.Topic == "defamation" && strings.Contains(r.PlainText(), kb.Message("social_ack"))
		if acked != tt.acked {
			t.Errorf("%q: topic %q, reply %q; want acknowledged %v", tt.then, r.Topic, r.PlainText(), tt.acked)
		}
	}
}

// What the first message already told answers the topic's question, so the person is not asked
// it: a card number typed, told in hiragana with spaces, and customers' addresses mis-sent (the
// leak's question whether personal data was in it).
func TestToldAnswersTheTopicsQuestion(t *testing.T) {
	tests := []struct{ text, topic string }{
		{"ぎんこう から SMS が きて かーど の ばんごう を いれて しまいました どうしたら いいですか", "phishing"},
		{"お客様80人分の住所が入ったファイルを、間違えて別の会社にメールで送ってしまいました", "data-leak"},
	}
	for i, tt := range tests {
		te := newTestEngine(t, dialog.Policy{})
		r := te.say(t, fmt.Sprintf("u%d", i), tt.text)
		if r.Topic != tt.topic {
			t.Fatalf("%q read as %q, want %s", tt.text, r.Topic, tt.topic)
		}
		for _, q := range te.lib.Base().Topic(tt.topic).Questions {
			if strings.Contains(r.PlainText(), q.Ask) {
				t.Errorf("%q: the reply asks %q, which the message told", tt.text, q.Ask)
			}
		}
	}
}

// A topic's desks asked for again, none with a phone (online shopping: a web form), are not
// introduced with "tap a phone number to call it".
func TestDesksWithoutAPhoneAreNotToBeTapped(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	te.say(t, "u1", "フリマアプリでレンズ売ったんだけど、相手が「届いたものが壊れてた」って言って受取評価してくれない")
	r := te.say(t, "u1", "第三者に間に入ってもらえるところってない？")
	title := kb.Topic("online-shopping").Title
	want := strings.ReplaceAll(kb.Message("followup_contacts_no_phone"), "{topic}", title)
	tap := strings.ReplaceAll(kb.Message("followup_contacts"), "{topic}", title)
	if !strings.Contains(r.PlainText(), want) || strings.Contains(r.PlainText(), tap) {
		t.Errorf("reply %q; want %q, not %q", r.PlainText(), want, tap)
	}
}

// 「いまでんわできるとこある？」 inside an incident asks for its desks, in hiragana too: their
// cards, not a request for a person.
func TestPhoneableDeskAskedInHiragana(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	te.say(t, "u1", "NASのファイルが全部へんな拡張子になってる　ビットコインはらえってテキストが")
	r := te.say(t, "u1", "いまでんわできるとこある？げつようまでまてない")
	title := strings.Split(kb.Message("followup_contacts"), "{topic}")[0]
	if r.Outcome == dialog.Escalate || !strings.Contains(r.PlainText(), title) {
		t.Errorf("outcome %s, reply %q; want the ransomware desks", r.Outcome, r.PlainText())
	}
}

// A message inside a topic that only tells what happened in it (「添付は先週開いたかもしれない」
// after the answer about Emotet mail), naming nothing of another topic, stays in the topic: an
// opened attachment also belongs to targeted attacks, but the person is telling more about the
// same mail.
func TestToldFurtherStaysInTheTopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if r := te.say(t, "u1", "取引先から、私の名前でZIP付きの変なメールが来ると言われました"); r.Topic != "emotet" {
		t.Fatalf("first message read as %q, want emotet", r.Topic)
	}
	r := te.say(t, "u1", "添付は先週、請求書のメールで開いたかもしれません")
	kb := te.lib.Base()
	if r.Topic != "emotet" {
		t.Errorf("the second message moved the conversation to %q, want it to stay in emotet", r.Topic)
	}
	if changed := strings.Split(kb.Message("topic_changed"), "{topic}")[0]; strings.Contains(r.PlainText(), changed) {
		t.Errorf("reply announces a change of topic: %q", r.PlainText())
	}
}

// While a topic's question waits, a question about a desk by name (「消費生活センターでもいい
// ですか」) gets that desk's card and the question again; the question can then be answered in
// words (「個人です」).
func TestNamedDeskWhileTheQuestionWaits(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u1", "オークションで落札してお金払ったのに届きません"); r.Topic != "online-shopping" || len(r.Choices) == 0 {
		t.Fatalf("first message: topic %q with %d choices, want online-shopping's question", r.Topic, len(r.Choices))
	}
	r := te.say(t, "u1", "消費生活センターみたいなところでもいいですか")
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("shohisha-hotline").Name) {
		t.Errorf("asked about 消費生活センター, the cards are %v", shown)
	}
	if !slices.ContainsFunc(r.Choices, func(c dialog.Choice) bool { return c.Label == "個人として取引した" }) {
		t.Errorf("the question's options are not offered again: %v", r.Choices)
	}
	r = te.say(t, "u1", "個人です")
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("ecnetwork").Name) {
		t.Errorf("after 個人です the cards are %v, want ECネットワーク among them", shown)
	}
}

func contactNames(r dialog.Reply) []string {
	var names []string
	for _, b := range r.Blocks {
		for _, c := range b.Contacts {
			names = append(names, c.Name)
		}
	}
	return names
}

// 「どこに電話すればいい？」 before saying what happened is asked what it is about, with the menu,
// instead of getting every desk (three carousels on a phone); 「窓口を教えて」 still gets the list.
func TestWhichDeskBeforeTheMatter(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	r := te.say(t, "u1", "どこに電話すればいいですか")
	if !strings.Contains(r.PlainText(), kb.Message("contacts_which")) || len(contactNames(r)) > 0 {
		t.Errorf("reply = %q with cards %v, want contacts_which and no cards", r.PlainText(), contactNames(r))
	}
	if r := te.say(t, "u2", "窓口を教えて"); len(contactNames(r)) < 10 {
		t.Errorf("窓口を教えて shows %d cards, want the whole list", len(contactNames(r)))
	}
}

// A question for desks that names what it is about is answered with that topic, or, named not
// surely, asked about with the topics it names: not sent back to the menu as if it had said
// nothing.
func TestWhichDeskNamingTheMatter(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	r := te.say(t, "u1", "ヘルパーさんたちが自宅の私物PCやスマホでケア記録を入力したいと言っています。利用者さんの個人情報を扱うので、在宅で作業させる場合のルールや注意点、相談できる窓口を知りたいです。")
	named := r.Topic == "telework" || slices.ContainsFunc(r.Choices, func(c dialog.Choice) bool { return strings.HasSuffix(c.ID, "telework") })
	if strings.Contains(r.PlainText(), kb.Message("contacts_which")) || !named {
		t.Errorf("reply = %q (topic %q) with choices %v, want telework answered or among the topics offered, not contacts_which", r.PlainText(), r.Topic, r.Choices)
	}
}

// Inside a topic, a statement with no topic word (「社長にはまだ言ってない」) is acknowledged; it is
// not answered as a question the knowledge has no answer to.
func TestStatementInsideTheTopicIsAcknowledged(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	te.say(t, "u1", "パソコンに偽の警告が出て電話したら遠隔操作のソフトを入れられました")
	r := te.say(t, "u1", "社長にはまだ言ってない")
	if strings.Contains(r.PlainText(), kb.Message("followup_unknown")) || !strings.Contains(r.PlainText(), kb.Message("social_ack")) {
		t.Errorf("reply = %q, want social_ack, not followup_unknown", r.PlainText())
	}
}

// An acknowledgement while topic choices are on screen keeps them there.
func TestAcknowledgementKeepsTheChoices(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	before := te.say(t, "u1", "メールがおかしい")
	if before.Outcome != "clarify" || len(before.Choices) == 0 {
		t.Fatalf("first message: outcome %q with %d choices, want clarify", before.Outcome, len(before.Choices))
	}
	after := te.say(t, "u1", "うん")
	if !slices.Equal(choiceLabels(before), choiceLabels(after)) {
		t.Errorf("choices after うん = %v, want those on screen %v", choiceLabels(after), choiceLabels(before))
	}
}

// A message that only checks the bot is there (「テストです。届いてますか？」) is told it arrived:
// as a first message with the menu, not three topics picked by what a few kana share with
// their examples; inside an incident with the conversation left where it was, not restarted.
func TestPingIsAnsweredWherever(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	for _, text := range []string{"テストです。届いてますか？", "これ届いてる？", "is this working?"} {
		r := te.say(t, "first-"+text, text)
		if r.Outcome == "clarify" || !strings.Contains(r.PlainText(), kb.MessageIn(langOf(text), "social_ping")) || len(r.Choices) == 0 {
			t.Errorf("%q as a first message: outcome %q, reply %q with %d choices, want social_ping above the menu", text, r.Outcome, r.PlainText(), len(r.Choices))
		}
	}
	te.say(t, "u1", "会社のパソコンの画面に身代金を要求するメッセージが出て、ファイルが全部開けなくなりました")
	if r := te.say(t, "u1", "届いてますか？"); !strings.Contains(r.PlainText(), kb.Message("social_ping")) {
		t.Errorf("inside an incident: reply %q, want social_ping", r.PlainText())
	}
	if r := te.say(t, "u1", "どこに電話すればいいですか"); r.Topic != "ransomware" {
		t.Errorf("desks asked after the ping: topic %q, want the incident's (ransomware) kept", r.Topic)
	}
}

// langOf is the language the bot answers text in, for the messages a test expects.
func langOf(text string) string {
	if knowledge.HasJapanese(text) {
		return "ja"
	}
	return "en"
}

func choiceLabels(r dialog.Reply) []string {
	var out []string
	for _, c := range r.Choices {
		out = append(out, c.Label)
	}
	return out
}

// 「どうしたらいいですか」 after saying they called the number gets the first action for someone
// who called, not the one for before it (「電話せず」).
func TestStepsAgainKeepWhatHappened(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	te.say(t, "u1", "ぱそこんに けいこくが でて でんわばんごうが でてたので でんわ しました")
	r := te.say(t, "u1", "どうしたら いいですか")
	fa := kb.Topic("support-scam").FirstAid
	called, before := fa.ScreenNow([]string{"called"}), fa.ScreenNow(nil)
	if called == before {
		t.Fatal("the seeds give support-scam no first line of its own for called")
	}
	if !strings.Contains(r.PlainText(), called) || strings.Contains(r.PlainText(), before) {
		t.Errorf("steps again = %q, want the line for someone who called (%q)", r.PlainText(), called)
	}
}

// A story that names the number the person called (「でんわばんごうに でんわ しました」) is read
// as what happened, not as a question for a desk asked before saying what it is about.
func TestStoryNamingTheNumberIsNotAskingForADesk(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	r := te.say(t, "u1", "ぱそこんに へんな がめんが でて でんわばんごうに でんわ しました")
	if r.Topic != "support-scam" {
		t.Errorf("topic = %q, want support-scam; reply %q", r.Topic, r.PlainText())
	}
	which := te.lib.Base().Message("contacts_which")
	if strings.Contains(r.PlainText(), which) {
		t.Errorf("reply asks which desk (%q) of someone who said what happened", which)
	}
}

// While topic choices wait, a short message naming no topic (「写真とった」) gets the same choices
// again, not other topics guessed from a few characters.
func TestShortMessageKeepsTheClarify(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	before := te.say(t, "u1", "メールがおかしい")
	if before.Outcome != "clarify" {
		t.Fatalf("first message: outcome %q, want clarify", before.Outcome)
	}
	after := te.say(t, "u1", "写真とった")
	for _, l := range choiceLabels(before) {
		if !slices.Contains(choiceLabels(after), l) {
			t.Errorf("choices after 写真とった = %v, want those on screen %v", choiceLabels(after), choiceLabels(before))
			break
		}
	}
}

// While an incident is offered first among topic choices, a question naming no topic (「LAN
// ケーブル抜いたほうがいいですか」) gets that incident's first action again with the same
// choices, not other topics guessed from its words.
func TestQuestionWhileAnIncidentIsOffered(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	before := te.say(t, "u1", "「請求書」って件名のエクセルを開いて、黄色いバーのコンテンツの有効化を押しちゃいました。そのあとからパソコンがすごく重いです")
	labels := choiceLabels(before)
	if before.Outcome != "clarify" || len(labels) == 0 || labels[0] != kb.Topic("malware").Label {
		t.Fatalf("first message: outcome %q, choices %v; want malware offered first", before.Outcome, labels)
	}
	after := te.say(t, "u1", "まだネットにつながったままです。LANケーブル抜いたほうがいいですか")
	if !slices.Equal(choiceLabels(after), labels) {
		t.Errorf("choices after the question = %v, want those on screen %v", choiceLabels(after), labels)
	}
	if now := kb.Topic("malware").FirstAid.Now; now == "" || !strings.Contains(after.PlainText(), now) {
		t.Errorf("reply to the question = %q, want malware's first action %q", after.PlainText(), now)
	}
	// a question that says the device is cut off already gets the line for that
	te.say(t, "u2", "「請求書」って件名のエクセルを開いて、黄色いバーのコンテンツの有効化を押しちゃいました。そのあとからパソコンがすごく重いです")
	r := te.say(t, "u2", "ネットワークから外しました。これで大丈夫ですか")
	if isolated := kb.Topic("malware").FirstAid.ScreenNow([]string{"isolated"}); !strings.Contains(r.PlainText(), isolated) {
		t.Errorf("reply to the question = %q, want the line for an isolated device %q", r.PlainText(), isolated)
	}
}

// A word the writer doubts (「ウイルスかなと思ったけど」) does not answer an offered topic's
// question with the option that moves to that word's topic: flaky Wi-Fi with nothing else wrong
// gets no virus first aid.
func TestDoubtedWordDoesNotMoveTheTopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if r := te.say(t, "u1", "ネットが変です"); r.Outcome != "clarify" || !slices.Contains(choiceLabels(r), te.lib.Base().Topic("device-trouble").Label) {
		t.Fatalf("first message: outcome %q, choices %v; want device trouble offered", r.Outcome, choiceLabels(r))
	}
	r := te.say(t, "u1", "会社のWi-Fiが朝からつながったり切れたりしてる。ウイルスかなと思ったけど、ほかにおかしなことはない")
	if r.Topic == "malware" || r.Outcome != "clarify" && r.Topic != "device-trouble" {
		t.Errorf("a doubted virus: outcome %q, topic %q; want device trouble, or the question again:\n%s", r.Outcome, r.Topic, r.PlainText())
	}
}

// A request to the desk itself (a lecturer) gets the answer that says its staff take such
// requests and is handed to them at once, as the topic promises; a request made after that
// answer, where the first message asked for nothing, is handed over too; thanks is not.
func TestRequestToTheDeskIsHandedToStaff(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	r := te.say(t, "u1", "社内研修に講師の方をお招きしたいのですが")
	if r.Topic != "helpdesk-request" || r.Handoff == nil {
		t.Fatalf("first message: outcome %q, topic %q, handoff %v; want the helpdesk's requests answered and handed over", r.Outcome, r.Topic, r.Handoff != nil)
	}
	if first := strings.Split(kb.Topic("helpdesk-request").Answer, "\n")[0]; !strings.Contains(r.PlainText(), first) {
		t.Errorf("handed over without the answer %q:\n%s", first, r.PlainText())
	}
	if r := te.say(t, "u2", "講師派遣"); r.Topic != "helpdesk-request" || r.Handoff != nil {
		t.Fatalf("a bare subject: outcome %q, topic %q, handoff %v; want the answer alone", r.Outcome, r.Topic, r.Handoff != nil)
	}
	if r := te.say(t, "u2", "社員20名ほどに標的型メールの話をしていただきたいです。派遣していただくことは可能でしょうか"); r.Handoff == nil {
		t.Errorf("the request after the answer was not handed to staff: outcome %q, topic %q", r.Outcome, r.Topic)
	}
	te.say(t, "u3", "講師派遣")
	if r := te.say(t, "u3", "ありがとうございます"); r.Handoff != nil {
		t.Errorf("thanks was handed to staff")
	}
}

// Denying one of two offered topics (「いや、ウイルスじゃなくて」) picks the other.
func TestDenyingAnOfferedTopicPicksTheOther(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	r := te.say(t, "u1", "ウイルスかもしれない、ネットが急に遅い")
	kb := te.lib.Base()
	if first := choiceLabels(r)[:2]; r.Outcome != "clarify" || !slices.Contains(first, kb.Topic("malware").Label) || !slices.Contains(first, kb.Topic("device-trouble").Label) {
		t.Fatalf("first message: outcome %q, choices %v; want malware and device trouble offered", r.Outcome, choiceLabels(r))
	}
	r = te.say(t, "u1", "いや、ウイルスじゃなくて、ルーター替えてからずっとです。警告とかは何も出てない")
	if r.Topic != "device-trouble" {
		t.Errorf("after denying the virus: outcome %q, topic %q; want device trouble", r.Outcome, r.Topic)
	}
}

// Asking for desks while topic choices wait still gets the desks; a statement that only starts
// like a question word (いつも, なんか) inside a topic is acknowledged.
func TestContextEdges(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u1", "メールがおかしい"); r.Outcome != "clarify" {
		t.Fatalf("first message: outcome %q, want clarify", r.Outcome)
	}
	if r := te.say(t, "u1", "電話番号を教えて"); len(contactNames(r)) == 0 {
		t.Errorf("電話番号を教えて while choices wait showed no desk: %q", r.PlainText())
	}
	te.say(t, "u2", "パソコンに偽の警告が出て電話したら遠隔操作のソフトを入れられました")
	r := te.say(t, "u2", "社長にはいつも通りまだ言っていません")
	if strings.Contains(r.PlainText(), kb.Message("followup_unknown")) {
		t.Errorf("a statement with いつも was answered as a question: %q", r.PlainText())
	}
}

// A question about a desk while a narrowed question waits keeps the narrowed choices.
func TestNamedDeskKeepsTheNarrowedChoices(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "偽のウイルス警告の番号に電話してしまいました")
	before := te.say(t, "u1", "もう払いました。クレジットカードで4万円です")
	after := te.say(t, "u1", "消費生活センターでもいいですか")
	if !slices.Equal(choiceLabels(before), choiceLabels(after)) {
		t.Errorf("choices after the desk question = %v, want the narrowed ones %v", choiceLabels(after), choiceLabels(before))
	}
}

// When both readings point at an incident and the bot still asks (the rules read the ransom
// note's 「お金を払え」 as spam mail), the incident's first action comes above the question: the
// owner at night should not have to tap before being told to unplug. A vague message gets the
// question alone.
func TestUrgentQuestionCarriesTheFirstAction(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	r := te.say(t, "u1", "たすけてください！！店のパソコンの画面が急に真っ赤になって、ファイルが全部開けません。英語でお金を払えと書いてあります")
	if r.Outcome != dialog.Clarify || len(r.Choices) == 0 || r.Choices[0].Label != kb.Topic("ransomware").Label {
		t.Fatalf("outcome %s, choices %v: want a question with ransomware first", r.Outcome, r.Choices)
	}
	text := r.PlainText()
	lead := kb.Topic("ransomware").Label + "の場合は："
	i, j := strings.Index(text, lead), strings.Index(text, kb.Message("clarify"))
	if i < 0 || j < i {
		t.Errorf("reply = %q, want %q before the question", text, lead)
	}
	r = te.say(t, "u2", "メールのことで相談があります")
	if strings.Contains(r.PlainText(), "の場合は：") {
		t.Errorf("a vague message got a first action: %q", r.PlainText())
	}
}

// What is typed while topic choices are on screen, read in their light: an answer to the question
// an offered topic would ask (「何も入力していません」 while phishing, spam and Emotet are
// offered) picks that topic with its question answered, not 「分からなくても大丈夫です」 and the
// question again; a longer question the learned reading places in a calm topic not on screen
// (support for small companies, while device faults, a virus and telework are offered) is a matter
// told afresh; an answer naming nothing of IT ("I'm the buyer. It was for me, not for the
// company") answers the offered topic whose question it answers, not a matter outside the desk's
// scope; an answer naming the device (an Android phone) picks the offered topic whose first steps
// are written for it (stop using the phone), not a support scam's LAN cable, though it also
// answers that topic's question.
func TestTypedAtTheChoices(t *testing.T) {
	unsure := func(kb *knowledge.Base) []string { return []string{kb.Message("clarify_unsure")} }
	tests := []struct {
		name, first, then string
		topic             string // answered with this topic, or ""
		firstChoice       string // else offered first among the choices
		in, notIn         func(*knowledge.Base) []string
	}{
		{name: "an offered topic's question answered", first: "メールのリンクを押してしまいました", then: "何も入力していません",
			topic: "phishing", notIn: func(kb *knowledge.Base) []string {
				return append(unsure(kb), kb.Topic("phishing").Questions[0].Ask)
			}},
		{name: "a question placed in a calm topic not on screen", first: "社内のパソコンの管理がずっと適当なままで気になっています",
			then: "都の事業でセキュリティの専門家が無料で来てくれるって話、杉並の会社でも申し込めますか", firstChoice: "support-services", notIn: unsure},
		{name: "an answer naming nothing of IT", first: "I ordered a camera from a website that was much cheaper than anywhere else. paid by bank transfer to a personal account. two weeks, nothing arrived, their email bounces",
			then: "I'm the buyer. It was for me, not for the company", topic: "fake-ec-site"},
		{name: "the device named", first: "Hi, a pop up said my company phone has virus and I installed the app it told me. What should I do?",
			then: "I already installed it. Its android", topic: "malware",
			in: func(kb *knowledge.Base) []string { return []string{kb.Topic("malware").EN.Situation["phone"]} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, dialog.Policy{})
			kb := te.lib.Base()
			if r := te.say(t, "u1", tt.first); r.Outcome != dialog.Clarify {
				t.Fatalf("first message: outcome %s, want a question", r.Outcome)
			}
			r := te.say(t, "u1", tt.then)
			if tt.topic != "" && (r.Outcome != dialog.Answer || r.Topic != tt.topic) {
				t.Errorf("outcome %s, topic %q; want %s answered:\n%s", r.Outcome, r.Topic, tt.topic, r.PlainText())
			}
			if tt.firstChoice != "" && (len(r.Choices) == 0 || r.Choices[0].Label != kb.Topic(tt.firstChoice).Label) {
				t.Errorf("choices %+v, want %s offered first", r.Choices, tt.firstChoice)
			}
			texts := func(f func(*knowledge.Base) []string) []string {
				if f == nil {
					return nil
				}
				return f(kb)
			}
			for _, x := range texts(tt.in) {
				if x == "" || !strings.Contains(r.PlainText(), x) {
					t.Errorf("reply:\n%s\nwant %q in it", r.PlainText(), x)
				}
			}
			for _, x := range texts(tt.notIn) {
				if strings.Contains(r.PlainText(), x) {
					t.Errorf("reply:\n%s\nwant no %q in it", r.PlainText(), x)
				}
			}
		})
	}
}

// A choice typed in words of its own (「ういるす だと おもいます」 while a virus is offered) picks
// that topic; a text that names two of the offered topics leaves the choice to the person.
func TestTypedWordPicksAnOfferedTopic(t *testing.T) {
	tests := []struct {
		answer string
		topic  string // "" for the choices again
	}{
		{"ういるす だと おもいます", "malware"},
		{"ウイルスじゃなくて乗っ取りだと思う", "unauthorized-access"},
		{"ウイルスか乗っ取りのどっちかだと思う", ""},
		{"迷惑メールを開いたらウイルスかも", ""}, // names a matter not offered too: read anew
	}
	for i, tt := range tests {
		te := newTestEngine(t, dialog.Policy{})
		user := fmt.Sprintf("u%d", i)
		if r := te.say(t, user, "乗っ取り？ウイルス？よくわからない"); r.Outcome != dialog.Clarify {
			t.Fatalf("outcome %s, want a question first", r.Outcome)
		}
		r := te.say(t, user, tt.answer)
		if tt.topic == "" && r.Outcome != dialog.Clarify || tt.topic != "" && (r.Topic != tt.topic || r.Outcome != dialog.Answer) {
			t.Errorf("%q: outcome %s, topic %q; want topic %q (a question when none)", tt.answer, r.Outcome, r.Topic, tt.topic)
		}
	}
}

// Asked whether they paid as a person or as the company, a person who asks where to go for a
// refund instead gets the desks of both answers, the consumer hotline with the line that it takes
// no companies, and the question stays on screen.
func TestDesksWhileAskedWhoPaid(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	te.say(t, "u1", "偽のウイルス警告の番号に電話してしまいました")
	r := te.say(t, "u1", "もう払いました。クレジットカードで4万円です")
	if !slices.ContainsFunc(r.Choices, func(c dialog.Choice) bool { return c.Label == "個人として支払った" }) {
		t.Fatalf("choices %v, want the question who paid", r.Choices)
	}
	r = te.say(t, "u1", "返金してもらうにはどこに相談すればいいですか")
	names := contactNames(r)
	for _, id := range []string{"shohisha-hotline", "police-cyber"} {
		if !slices.Contains(names, kb.Contact(id).Name) {
			t.Errorf("desks %v, want %s", names, id)
		}
	}
	if !strings.Contains(r.PlainText(), kb.Contact("shohisha-hotline").NotAccepts) {
		t.Errorf("the consumer hotline's card does not say it takes no companies:\n%s", r.PlainText())
	}
	if !slices.ContainsFunc(r.Choices, func(c dialog.Choice) bool { return c.Label == "会社として支払った" }) {
		t.Errorf("choices %v, want the question who paid still on screen", r.Choices)
	}
}

// 「どこに そうだん すれば いいの」 while topics are offered gets the desks of the first of them,
// said to be for that case, and the choices stay below: not the menu.
func TestDesksWhileTopicsAreOffered(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	r := te.say(t, "u1", "へんな めーるが きて ぱそこんが おかしい")
	if r.Outcome != dialog.Clarify || len(r.Choices) == 0 {
		t.Fatalf("outcome %s, want a question first", r.Outcome)
	}
	first := r.Choices[0].Label
	r = te.say(t, "u1", "どこに そうだん すれば いいの")
	if len(contactNames(r)) == 0 {
		t.Errorf("no desks:\n%s", r.PlainText())
	}
	if strings.Contains(r.PlainText(), kb.Message("contacts_which")) {
		t.Errorf("the menu's question instead of desks:\n%s", r.PlainText())
	}
	if len(r.Choices) == 0 || r.Choices[0].Label != first {
		t.Errorf("choices %v, want the offered topics again, %q first", r.Choices, first)
	}
}

// A first message that tells an incident and names desks in passing (「警察署にはもう相談済みで
// す。IPAにも届出したほうが？」) is a consultation, not a question about those desks' numbers.
func TestIncidentNamingDesksIsAConsultation(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	r := te.say(t, "u1", "自社の管理画面に不正アクセスされ、顧客向けページが改ざんされました。所轄の警察署にはもう相談済みです。IPAにも届出したほうがいいでしょうか")
	if r.Outcome != dialog.Answer && r.Outcome != dialog.Clarify {
		t.Fatalf("outcome %q, want an answer or a question about the incident:\n%s", r.Outcome, r.PlainText())
	}
	if r.Outcome == dialog.Clarify && !slices.ContainsFunc(r.Choices, func(c dialog.Choice) bool { return strings.Contains(c.ID, "incident-report") }) {
		t.Errorf("choices %v, want incident reports among them", r.Choices)
	}
	// a short question about a desk by name still gets its card
	if r := te.say(t, "u2", "IPAの番号は？"); len(contactNames(r)) == 0 {
		t.Errorf("「IPAの番号は？」 got no card:\n%s", r.PlainText())
	}
}

// A person whose LINE is set to English is greeted in English when they add the bot; their
// first Japanese message turns the conversation Japanese.
func TestFollowGreetsInTheProfileLanguage(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	r, err := te.Respond(context.Background(), dialog.Message{Channel: "test", UserID: "u1", Event: dialog.EventFollow, LangHint: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.PlainText(), kb.MessageIn("en", "greeting")) || r.Lang != "en" {
		t.Errorf("follow with an English profile: %q (lang %q), want the English greeting", r.PlainText(), r.Lang)
	}
	r = te.say(t, "u1", "ランサムウェアに感染したかもしれません")
	if r.Lang != "ja" {
		t.Errorf("Japanese after an English greeting: lang %q, want ja", r.Lang)
	}
	r, err = te.Respond(context.Background(), dialog.Message{Channel: "test", UserID: "u2", Event: dialog.EventFollow})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.PlainText(), kb.Message("greeting")) {
		t.Errorf("follow without a hint: %q, want the Japanese greeting", r.PlainText())
	}
}

// The platform's hint of the person's language (Slack's locale, sent with every direct message)
// picks English only for the first message of a new conversation, and only when that message is
// in no language of its own; what the person writes, or the language the conversation already
// has, decides everything else, as without a hint.
func TestLanguageHintOnlyWhereTheTextIsSilent(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	tests := []struct {
		name  string
		hint  string
		texts []string // in one conversation, each sent with the hint
		want  string   // the language of the last reply
	}{
		{name: "english_locale_question_mark", hint: "en", texts: []string{"?"}, want: "en"},
		{name: "english_locale_emoji", hint: "en", texts: []string{"👋"}, want: "en"},
		{name: "english_locale_digit", hint: "en", texts: []string{"1"}, want: "en"},
		{name: "english_locale_lone_latin_word", hint: "en", texts: []string{"menu"}, want: "en"},
		{name: "english_locale_japanese_text", hint: "en", texts: []string{"ランサムウェアに感染したかもしれません"}, want: "ja"},
		{name: "english_locale_romaji", hint: "en", texts: []string{"uirusu ni kansen shita kamo"}, want: "ja"},
		{name: "english_locale_english_text", hint: "en", texts: []string{"I think we got ransomware"}, want: "en"},
		{name: "japanese_locale_question_mark", hint: "", texts: []string{"?"}, want: "ja"},
		{name: "japanese_locale_english_text", hint: "", texts: []string{"I think we got ransomware"}, want: "en"},
		{name: "japanese_conversation_then_neutral", hint: "en", texts: []string{"ランサムウェアに感染したかもしれません", "?"}, want: "ja"},
		{name: "japanese_conversation_then_digit", hint: "en", texts: []string{"フィッシングのSMSが来ました", "1"}, want: "ja"},
		{name: "english_start_then_japanese", hint: "en", texts: []string{"?", "ランサムウェアに感染したかもしれません"}, want: "ja"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var r dialog.Reply
			for _, text := range tt.texts {
				var err error
				r, err = te.Respond(context.Background(), dialog.Message{Channel: "test", UserID: tt.name, Text: text, LangHint: tt.hint})
				if err != nil {
					t.Fatalf("Respond(%q): %v", text, err)
				}
			}
			if r.Lang != tt.want {
				t.Errorf("Respond(%q) with hint %q answered in %q, want %q:\n%s", tt.texts, tt.hint, r.Lang, tt.want, r.PlainText())
			}
		})
	}
}

// A request for a person that says nothing about IT, written inside a topic ("I'd rather speak
// to an actual person about this"), is about that topic: the case staff get carries it, and its
// desks, not those of the off-topic topic the words alone would get.
func TestRequestForAPersonKeepsTheTopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if r := te.say(t, "u1", "Someone is sending emails from my account to all my contacts and I did not write them"); r.Topic != "unauthorized-access" {
		t.Fatalf("first message read as %q, want unauthorized-access", r.Topic)
	}
	r := te.say(t, "u1", "I'd rather speak to an actual person about this")
	if r.Outcome != dialog.Escalate {
		t.Fatalf("outcome %q, want escalate", r.Outcome)
	}
	if r.Topic != "unauthorized-access" {
		t.Errorf("the request is handed over with topic %q, want unauthorized-access", r.Topic)
	}
}

// A typed answer that fits one offered topic by what it says happened (a fake shop's buyer who
// paid) and another by the person's own words (the shopping consumer's own purchase) picks the
// one the words name.
func TestOwnWordsPickAmongOfferedTopics(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	if r := te.say(t, "u1", "ねっとで　かった　ふとんが　とどかない　おみせに　でんわしても　つながらない"); r.Outcome != dialog.Clarify {
		t.Fatalf("outcome %s, want a question first", r.Outcome)
	}
	r := te.say(t, "u1", "ぎんこうで　ふりこみました　2まんえん　じぶんの　かいものです")
	if r.Topic != "online-shopping" || !slices.Contains(contactNames(r), te.lib.Base().Contact("shohisha-hotline").Name) {
		t.Errorf("topic %q, desks %v; want online-shopping with the consumer hotline", r.Topic, contactNames(r))
	}
}

// A person who answers offered incidents by telling more in words of their own, none a topic's
// word and nothing happened (「開いてはいません」), is asked again rather than given an incident's
// first aid, which is for what has happened.
func TestNothingHappenedKeepsTheQuestion(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	if r := te.say(t, "u1", "添付付きの怪しいメールが何度も来ています"); r.Outcome != dialog.Clarify {
		t.Fatalf("outcome %s, want a question first", r.Outcome)
	}
	for _, text := range []string{"開いてはいません。送信元は実在の取引先の名前をかたっています", "添付は開いてないです。取引先の名前になってるけど、アドレスが全然違う"} {
		if r := te.say(t, "u1", text); r.Outcome == dialog.Answer || len(r.Choices) == 0 {
			t.Errorf("%q: outcome %s, topic %q, %d choices; want the choices again", text, r.Outcome, r.Topic, len(r.Choices))
		}
	}
}

// A question between two incidents, the first action above it, shows the desk both incidents
// send the person to (a virus or Emotet: IPA), one card, so that a person at night has a number
// before they choose.
func TestQuestionBetweenIncidentsShowsTheSharedDesk(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	r := te.say(t, "u1", "「請求書」って件名のエクセルを開いて、黄色いバーのコンテンツの有効化を押しちゃいました。そのあとからパソコンがすごく重いです")
	if r.Outcome != dialog.Clarify {
		t.Fatalf("outcome %s, want a question between the incidents", r.Outcome)
	}
	if got, want := contactNames(r), []string{te.lib.Base().Contact("ipa-anshin").Name}; !slices.Equal(got, want) {
		t.Errorf("desks %v, want %v", got, want)
	}
}

// A short question inside a calm matter that reads as no topic for sure stays in that matter:
// after the fake shop's answer, 「振込先の銀行にも連絡したほうがいいですか？」 is about the money
// paid to the fake shop, not a business e-mail compromise.
func TestCalmTopicKeepsItsShortQuestion(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "偽サイトで買い物をしてしまいました")
	r := te.say(t, "u1", "買った側です。スニーカーが半額で、銀行振込で払いました。サイトも消えてます")
	if r.Topic != "fake-ec-site" {
		t.Fatalf("topic after the buyer's answer = %q, want fake-ec-site", r.Topic)
	}
	r = te.say(t, "u1", "振込先の銀行にも連絡したほうがいいですか？")
	if r.Topic != "fake-ec-site" || r.Outcome == dialog.Clarify {
		t.Errorf("the short question got %s/%s, want an answer inside fake-ec-site:\n%s", r.Outcome, r.Topic, r.PlainText())
	}
}

// While topics are offered, a long message that names none of them and that neither reading
// places gets the same choices again, not three other topics guessed from its characters.
func TestClarifyKeepsItsChoicesForWhatNothingPlaces(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	first := te.say(t, "u1", "たくはいびんの ふざいつうちが きて ﾘﾝｸ おしたら へんな がめんが でました。 そのあと すまほの ようすが へんな きが します")
	if first.Outcome != dialog.Clarify {
		t.Fatalf("the first message is answered (%s/%s); this test needs one that is asked", first.Outcome, first.Topic)
	}
	r := te.say(t, "u1", "あんどろいど です。 じぶんの すまほ です。 おかねは はらってません")
	var before, after []string
	for _, c := range first.Choices {
		before = append(before, c.Label)
	}
	for _, c := range r.Choices {
		after = append(after, c.Label)
	}
	if !slices.Equal(before, after) {
		t.Errorf("choices went from %v to %v, want the same ones again", before, after)
	}
}

// Naming one of the offered topics picks it even beside words of a matter not offered, when the
// rules read the named one first: the ransom owner's 「どこも電話つながらない」 is about the desks.
func TestOfferedTopicNamedBesideOtherWords(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	r := te.say(t, "u1", "たすけてください　事務所のパソコンのファイルが全部開かなくて、英語で金を払えって書いたファイルがあちこちにあります")
	if r.Outcome != dialog.Clarify || !slices.ContainsFunc(r.Choices, func(c dialog.Choice) bool { return c.Label == te.lib.Base().Topic("ransomware").Label }) {
		t.Fatalf("outcome %s, choices %v; want a question offering ransomware", r.Outcome, r.Choices)
	}
	r = te.say(t, "u1", "ランサムウェアだと思います。土曜の夜だけど、どこも電話つながらないんですか")
	if r.Outcome != dialog.Answer || r.Topic != "ransomware" {
		t.Errorf("outcome %s, topic %q; want the ransomware answer", r.Outcome, r.Topic)
	}
}

// An incident described while the case waits for staff gets its first action and desks under the
// relay's line, once: staff may answer only later, and the first step does not wait.
func TestFirstAidWhileTheCaseWaits(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if r := te.say(t, "u1", "LINEじゃなくて電話で"); r.Outcome != dialog.Escalate {
		t.Fatalf("outcome %s, want the request handed to staff", r.Outcome)
	}
	steps := func(r dialog.Reply) bool {
		return slices.ContainsFunc(r.Blocks, func(b dialog.Block) bool { return b.Kind == dialog.StepsBlock })
	}
	r := te.say(t, "u1", "いま画面にウイルス感染の警告と電話番号が出ていて、音も鳴っています")
	if !steps(r) || len(contactNames(r)) == 0 {
		t.Errorf("the incident told while waiting got no first action or no desks:\n%s", r.PlainText())
	}
	if r = te.say(t, "u1", "まだ鳴ってます。警告の電話番号が出たままです"); steps(r) {
		t.Errorf("the same incident told again got the steps again:\n%s", r.PlainText())
	}
	// staff read, under the message it answered, that the bot showed the steps, and only there
	kb := te.lib.Base()
	note := strings.ReplaceAll(kb.Message("staff_bot_first_aid"), "{topic}", kb.Topic("support-scam").Title)
	var told []string
	for _, d := range pendingAll(t, te) {
		if d.Kind == dialog.KindStaff && strings.Contains(d.Reply.PlainText(), note) {
			told = append(told, d.Text)
		}
	}
	if len(told) != 1 || !strings.Contains(told[0], "音も鳴っています") {
		t.Errorf("staff told of the bot's first aid under %q, want under the one message it answered (%q)", told, note)
	}
}

// Asked what was typed on a phishing page, a person who installed an app instead is taken to the
// virus topic, not told to delete the SMS.
func TestPhishingAppInstalledIsAVirus(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if r := te.say(t, "u1", "宅配業者を名乗るSMSが来て、リンクを開きました"); r.Topic != "phishing" {
		t.Fatalf("topic %q, want phishing with its question", r.Topic)
	}
	if r := te.say(t, "u1", "何も入力していません。アプリを入れただけです"); r.Topic != "malware" {
		t.Errorf("topic %q, want malware:\n%s", r.Topic, r.PlainText())
	}
}

// 「どれも違います」 typed while topics are offered does what the button どれにも当てはまらない does:
// the menu, not the same choices again; typed while a topic's own question waits, it is read as
// any text (malware's question has an option of its own for it).
func TestNoneOfTheseTyped(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u1", "サイバー保険について相談したい"); r.Outcome != dialog.Clarify {
		t.Fatalf("outcome %s, want a question", r.Outcome)
	}
	r := te.say(t, "u1", "どれも違います")
	if !strings.Contains(r.PlainText(), kb.Message("other_prompt")) {
		t.Errorf("「どれも違います」 got:\n%s\nwant %q and the menu", r.PlainText(), kb.Message("other_prompt"))
	}
}

// A phone's infection gets the phone's first action (no LAN cable), also when the phone was named
// in an earlier message; a computer's keeps the cable.
func TestFirstActionForTheDeviceNamed(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	malware := te.lib.Base().Topic("malware").FirstAid
	phone, cable := malware.Situations["phone"], malware.Now
	if phone == "" || phone == cable {
		t.Fatal("the seeds give malware no first line of its own for a phone")
	}
	r := te.say(t, "u1", "スマホに変なアプリを入れてしまって、広告がたくさん出るようになりました")
	if !strings.Contains(r.PlainText(), phone) || strings.Contains(r.PlainText(), cable) {
		t.Errorf("a phone's infection got:\n%s\nwant the phone's line %q", r.PlainText(), phone)
	}
	if r = te.say(t, "u1", "詳しい説明"); !strings.Contains(r.PlainText(), phone) || strings.Contains(r.PlainText(), "LANケーブル") {
		t.Errorf("the details for a phone tell to pull a LAN cable:\n%s", r.PlainText())
	}
	r = te.say(t, "u2", "パソコンがウイルスに感染したみたいです")
	if !strings.Contains(r.PlainText(), cable) {
		t.Errorf("a computer's infection got:\n%s\nwant %q", r.PlainText(), cable)
	}
	// the device last named counts: a phone mentioned first, then the infected computer
	te.say(t, "u3", "スマホで撮った写真を見てください")
	if r = te.say(t, "u3", "パソコンがウイルスに感染しました"); !strings.Contains(r.PlainText(), cable) || strings.Contains(r.PlainText(), phone) {
		t.Errorf("a computer's infection told after a phone was named got:\n%s\nwant %q", r.PlainText(), cable)
	}
}

// What happened on the device named has a line of its own where the seeds give one: a support
// scam's number called from a phone is not answered with a computer's LAN cable.
func TestWhatHappenedOnThePhone(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	scam := te.lib.Base().Topic("support-scam").FirstAid
	onPhone, onComputer := scam.Situations[knowledge.OnDevice("called", "phone")], scam.Situations["called"]
	if onPhone == "" || onPhone == onComputer {
		t.Fatal("the seeds give a support scam no line of its own for a call from a phone")
	}
	r := te.say(t, "u1", "すまほに ういるすに かんせんしました と でて でんわばんごうが でたので でんわしました")
	if !strings.Contains(r.PlainText(), onPhone) || strings.Contains(r.PlainText(), onComputer) {
		t.Errorf("a call from a phone got:\n%s\nwant %q", r.PlainText(), onPhone)
	}
	// told afterwards what the caller demanded: the steps again, which say not to pay
	if r = te.say(t, "u1", "あいちゅーんずの かーどを かってこいと いわれました"); !strings.Contains(r.PlainText(), onPhone) {
		t.Errorf("a demand to buy cards got:\n%s\nwant the steps again, %q", r.PlainText(), onPhone)
	}
	r = te.say(t, "u2", "パソコンにウイルスに感染しましたと出て、表示された番号に電話してしまいました")
	if !strings.Contains(r.PlainText(), onComputer) {
		t.Errorf("a call from a computer got:\n%s\nwant %q", r.PlainText(), onComputer)
	}
}

// A question after an incident's answer that reads as the same incident (「今夜中に報告しないと
// いけないんですか」 after the answer for a lost phone with customers' data) gets the honest
// answer that the knowledge has none, with a person offered, not "noted".
func TestQuestionAfterTheAnswerIsNotNoted(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	te.say(t, "u1", "お客さんの連絡先が入った会社のスマホを飲み会の帰りになくしました")
	te.say(t, "u1", "個人情報が含まれる")
	r := te.say(t, "u1", "今夜中に報告しないといけないんですか")
	if text := r.PlainText(); strings.Contains(text, kb.Message("same_matter")) || !strings.Contains(text, kb.Message("followup_unknown")) {
		t.Errorf("the question got:\n%s\nwant %q", text, kb.Message("followup_unknown"))
	}
}

// A step of the answer that did not work (「パスワードは変えられないんです、ログインできなくて」
// after an account take-over's first screen) gets the answer's steps about it, or the honest
// "no answer here", never 「承知しました」.
func TestStepThatDidNotWorkIsNotNoted(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u1", "うちの店のインスタ乗っ取られました！フォロワー3000人いるのに…"); r.Topic != "unauthorized-access" {
		t.Fatalf("first message: topic %q, want unauthorized-access", r.Topic)
	}
	r := te.say(t, "u1", "ありがとう。パスワードは変えられないんです、ログインできなくて")
	text := r.PlainText()
	if strings.Contains(text, kb.Message("social_ack")) || strings.Contains(text, kb.Message("same_matter")) ||
		!strings.Contains(text, kb.Message("followup_steps")) && !strings.Contains(text, kb.Message("followup_unknown")) {
		t.Errorf("the step that did not work got:\n%s", text)
	}
}

// While topics are offered, a question for desks whose only IT word is denied (「うちが作ったサイト
// じゃない。警察？どこに言えばいいの？」) gets the first offered topic's desks, not the answer for
// an office matter.
func TestDesksAskedUnderOfferedTopicsWithTheITWordDenied(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := te.say(t, "u1", "うちの会社名とロゴを使った通販サイトがあるかもしれない")
	if first.Outcome != dialog.Clarify || len(first.Choices) == 0 || first.Choices[0].Label != kb.Topic("fake-ec-site").Label {
		t.Fatalf("first message got %s %v; this test needs the fake shop offered first", first.Outcome, choiceLabels(first))
	}
	r := te.say(t, "u1", "うちが作ったサイトじゃない。警察？どこに言えばいいの？")
	want := strings.ReplaceAll(kb.Message("clarify_contacts"), "{topic}", kb.Topic("fake-ec-site").Label)
	if r.Topic == "out-of-scope" || !strings.Contains(r.PlainText(), want) {
		t.Errorf("the question got topic %q:\n%s\nwant %q and the fake shop's desks", r.Topic, r.PlainText(), want)
	}
}

// A shop whose name a fake shop uses, telling what its customers paid, is answered as the shop,
// never sent to the consumer hotline; a buyer who paid a fake shop is offered it beside the
// police.
func TestFakeShopSides(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	hotline, desk := kb.Contact("shohisha-hotline").Name, kb.Contact("narisumashi-ec").Name
	for i, text := range []string{
		"うちの店名とロゴを勝手に使った通販サイトがあるって、お客さんから電話がありました。食パンセットを3000円で買って振り込んだのに届かないと。うちはそんなサイト作ってません",
		"うちの会社名とロゴを使った通販サイトがある。お客さんから「注文したのに届かない」って問い合わせが3件来た",
	} {
		r := te.say(t, fmt.Sprintf("shop%d", i), text)
		shown := contactNames(r)
		if r.Topic != "fake-ec-site" || slices.Contains(shown, hotline) || !slices.Contains(shown, desk) {
			t.Errorf("%s\n  = %s with %v, want the fake-shop answer for the shop, without the consumer hotline", text, r.Topic, shown)
		}
	}
	r := te.say(t, "buyer", "相場の半額くらいでスニーカー売ってる偽サイトで買って、個人名義の口座に振り込んでしまいました")
	if shown := contactNames(r); !slices.Contains(shown, hotline) {
		t.Errorf("a buyer who paid a fake shop is shown %v, want the consumer hotline among them", shown)
	}
}

// A message that only opens a consultation is asked what it is about, with the greeting menu;
// the next message is read as the first.
func TestOpenerAsksWhatItIsAbout(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	kb := te.lib.Base()
	r := te.say(t, "u", "ちょっと聞きたいんだけど")
	if r.Outcome != dialog.Clarify || !hasText(r, strings.TrimSpace(kb.Message("opener"))) {
		t.Fatalf("an opener = %s:\n%s\nwant the opener question", r.Outcome, r.PlainText())
	}
	var labels []string
	for _, c := range r.Choices {
		labels = append(labels, c.Label)
	}
	for _, e := range kb.Menu() {
		if !slices.Contains(labels, e.Label) {
			t.Errorf("choices %v lack the menu's %q", labels, e.Label)
		}
	}
	if r = te.say(t, "u", "パソコンの画面に身代金を要求するメッセージが出て、ファイルが開けません"); r.Topic != "ransomware" {
		t.Errorf("the matter after the opener = %s, want ransomware", r.Topic)
	}
}

// A question in romaji inside a topic, which names nothing either reading knows, is about the
// matter at hand: the honest "no answer here", not the opener's "what is it about?".
func TestRomajiQuestionInsideATopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u", "tasukete kudasai. LINE no akaunto ga nottorarete, tomodachi ni hen na messeeji ga okurarete imasu"); r.Topic != "unauthorized-access" {
		t.Fatalf("the take-over = %s/%s, want unauthorized-access", r.Outcome, r.Topic)
	}
	r := te.say(t, "u", "kaisha no janakute kojin no LINE desu. tomodachi ni dou shirasereba ii desu ka")
	if hasText(r, strings.TrimSpace(kb.Message("opener"))) || !hasText(r, strings.TrimSpace(kb.Message("followup_unknown"))) {
		t.Errorf("the question inside the topic got:\n%s\nwant the honest no-answer", r.PlainText())
	}
}

// A word the writer only doubts or asks about (「ウイルスですか？？」「ウイルス？」) does not move a fault to the virus topic's
// first screen: the fault's question is asked.
func TestDoubtedWordOpensNoFirstScreen(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	for _, text := range []string{"プリンタが動かないです。ウイルスですか？？", "事務所のパソコンがめちゃ重いです。ウイルスですか？",
		"大判ﾌﾟﾘﾝﾀが急にｵﾌﾗｲﾝになって印刷できない。ウイルス？"} {
		r := te.say(t, "u1", text)
		if r.Urgent || r.Topic == "malware" {
			t.Errorf("%s: reply topic %q urgent %v, want the fault asked about, not the virus's first screen", text, r.Topic, r.Urgent)
		}
		te.say(t, "u1", "最初に戻る")
	}
	// wondered about after the fault's answer: its question again, not the virus's first screen
	te.say(t, "u3", "pasokon tsukanai desu. dengen botan oshitemo gamen kuroi mama, ranpu mo tsukanai")
	te.say(t, "u3", "kinou kara. kinou ame sugoi de, kaban no naka nureta kamo...")
	if r := te.say(t, "u3", "uirusu ja nai desu ka? kaisha no PC desu."); r.Urgent || r.Topic != "device-trouble" {
		t.Errorf("uirusu ja nai desu ka? after the fault: topic %q urgent %v, want the fault kept", r.Topic, r.Urgent)
	}
	// asked on its own while the fault's cause question waits
	te.say(t, "u2", "大判プリンタが朝からオフラインのまま動かない")
	if r := te.say(t, "u2", "ウイルス？"); r.Urgent || r.Topic == "malware" {
		t.Errorf("ウイルス？ to the cause question: topic %q urgent %v, want the fault kept", r.Topic, r.Urgent)
	}
}

// A person who asks whom to call is shown a calm topic's desks at once, not its question first.
func TestWhomToCallAnswersAtOnce(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	r := te.say(t, "u1", "事務所のプリンターが昨日から印刷できません。誰に電話すればいいですか")
	if shown := contactNames(r); !slices.Contains(shown, kb.Contact("it-vendors").Name) {
		t.Errorf("cards %v, want the vendors' desk among them", shown)
	}
}

// A subsidy named in the message answered comes first among the cards, with what the knowledge
// says of it (ended), though the topic does not list it.
func TestProgrammeNamedComesFirst(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	r := te.say(t, "u1", "セキュリティ対策で業者に頼む費用に、IT導入補助金は使えますか。支援してくれる制度を知りたい")
	shown := contactNames(r)
	if len(shown) == 0 || shown[0] != kb.Contact("it-donyu-hojokin").Name {
		t.Errorf("cards %v, want IT導入補助金 first", shown)
	}
}

// A question about the incident still going on, read as that incident, gets its first steps
// again, not "no answer here".
func TestQuestionDuringTheIncidentGetsItsSteps(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "A warning popped up saying my PC has a virus, I called the number and they asked me to install some remote software")
	r := te.say(t, "u1", "The man is still on the line with me right now, should I hang up?")
	if r.Topic != "support-scam" || !strings.Contains(r.PlainText(), "disconnect") {
		t.Errorf("reply topic %q:\n%s\nwant the support scam's first steps again", r.Topic, r.PlainText())
	}
}

// Inside an incident's answer, something more that has happened (the remote tool is still
// installed) gets the first steps for it, not 「承知しました」; so does "what can I do tonight".
func TestMoreHappenedGetsItsSteps(t *testing.T) {
	tests := []struct{ name, second string }{
		{"installed too", "遠隔操作のソフトも入れさせられました。まだ入ってます"},
		{"what can I do now", "今夜のうちにできることはありますか"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, dialog.Policy{Staffed: true})
			te.say(t, "u1", "パソコンにウイルス警告が出て、サポートに電話したら、ギフトカードを5万円分買って番号を伝えてしまいました")
			r := te.say(t, "u1", tt.second)
			if r.Topic != "support-scam" || !strings.Contains(r.PlainText(), "切り離") {
				t.Errorf("reply to %q, topic %q:\n%s\nwant the support scam's first steps", tt.second, r.Topic, r.PlainText())
			}
		})
	}
}

// More about a mis-sent mail, in words another topic also uses (削除をお願い is a defamation
// removal's), stays with the leak the statistics read it as; a question about telling the
// customers gets the step that names them.
func TestMatterReadByTheStatisticsStays(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "さっき、お客様30人分の名前と電話番号が入ったエクセルを、間違えて別の取引先に送ってしまいました")
	if r := te.say(t, "u1", "相手の会社には削除をお願いするメールを送りました。返事はまだです"); r.Topic != "data-leak" {
		t.Errorf("second turn topic %q (outcome %v), want it kept in data-leak", r.Topic, r.Outcome)
	}
	if r := te.say(t, "u1", "お客様には連絡したほうがいいですか？"); !strings.Contains(r.PlainText(), "お客様など") {
		t.Errorf("third turn:\n%s\nwant the step about the customers", r.PlainText())
	}
}

// An unsure reading that puts the calm matter on screen first, and names no other topic, is more
// about that matter while its question waits: its desks and the question again, not other topics
// to choose from.
func TestUnsureReadingOfTheSameCalmMatterStays(t *testing.T) {
	for _, tt := range []struct{ first, then string }{
		{"プリンタが全然印刷しないんです", "変な広告とか警告は出てないです。5年くらい前に近所の電気屋で買ったやつで、パソコン詳しい人はうちにいない"},
		// romaji: a dead laptop, then the rain that may have wet it
		{"pasokon tsukanai desu. dengen botan oshitemo gamen kuroi mama, ranpu mo tsukanai", "kinou kara. kinou ame sugoi de, kaban no naka nureta kamo..."},
		// hiragana: Wi-Fi is a word of general security too, which neither reading puts first
		{"いんたーねっとが　つながらなくなりました", "わいふぁいの　らんぷが　あかく　ひかってます"},
	} {
		te := newTestEngine(t, dialog.Policy{Staffed: true})
		if r := te.say(t, "u1", tt.first); r.Topic != "device-trouble" {
			t.Fatalf("%s: read as %q, want device-trouble", tt.first, r.Topic)
		}
		r := te.say(t, "u1", tt.then)
		vendors := te.lib.Base().Contact("it-vendors").Name
		if r.Topic != "device-trouble" || !strings.Contains(r.PlainText(), vendors) {
			t.Errorf("%s: topic %q (outcome %v), want device-trouble with %s:\n%s", tt.then, r.Topic, r.Outcome, vendors, r.PlainText())
		}
	}
}

// A first message that already tells which kind of matter it is gets that kind's answer and
// desks at once, without the topic's question; a party of the story (「外注先から」) is no plan
// to outsource.
func TestFirstMessageTellsTheKind(t *testing.T) {
	tests := []struct{ text, topic, contact string }{
		{"医院の問い合わせ用アドレスから、同じアドレス宛てに「お前のデバイスをハッキングした、恥ずかしい動画を撮った」ってメールが来ました", "spam", "police-cyber"},
		{"事務所のアドレスに、身に覚えのない有料動画サイトの利用料金の請求メールが来ました。本日中に払わないと法的手続きに移るって", "spam", "dekyo-spam"},
		{"記帳代行をお願いしている外注先から「振込先口座を変更しました、今月分は本日中に新口座へ」というメールが所長宛に来ました。差出人のドメインがいつもと違います", "bec", "ipa-anshin"},
	}
	for _, tt := range tests {
		te := newTestEngine(t, dialog.Policy{Staffed: true})
		r := te.say(t, "u1", tt.text)
		name := te.lib.Base().Contact(tt.contact).Name
		if r.Topic != tt.topic || !slices.Contains(contactNames(r), name) {
			t.Errorf("%s: topic %q (outcome %v), contacts %v; want %s with %s", tt.text, r.Topic, r.Outcome, contactNames(r), tt.topic, name)
		}
	}
}

// Asked which desk can be called now on a Saturday night, the desks that may answer come before
// the closed ones.
func TestDesksCallableNowComeFirstAtNight(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	te.clock.Set(time.Date(2026, 12, 5, 21, 0, 0, 0, knowledge.Tokyo)) // Saturday night
	te.say(t, "u1", "パソコンに「ファイルは暗号化された、ビットコインを払え」って英語で出てます")
	r := te.say(t, "u1", "いま電話できるところはどこですか？土曜の夜なので")
	var cards []dialog.Contact
	for _, b := range r.Blocks {
		cards = append(cards, b.Contacts...)
	}
	if len(cards) == 0 || cards[0].Status == "closed" {
		t.Errorf("first card %+v, want one that may answer now:\n%s", cards, r.PlainText())
	}
}

// While a calm matter's question waits, messages that name no topic's word are more about it:
// the first gets the matter's desks and the question again, the next the question alone (not the
// same cards twice in a row), never the greeting menu.
func TestNothingNamedWhileACalmQuestionWaits(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if r := te.say(t, "u1", "ぱそこんの　がめんが　まっさおに　なって　うごきません"); r.Topic != "device-trouble" {
		t.Fatalf("first message read as %q, want device-trouble", r.Topic)
	}
	vendors := te.lib.Base().Contact("it-vendors").Name
	r := te.say(t, "u1", "えいごが　いっぱい　でてます")
	if r.Topic != "device-trouble" || !slices.Contains(contactNames(r), vendors) {
		t.Errorf("second turn: topic %q (outcome %v), contacts %v; want device-trouble with %s", r.Topic, r.Outcome, contactNames(r), vendors)
	}
	r = te.say(t, "u1", "でんげんを　きって　つけなおしても　おなじです")
	if r.Topic != "device-trouble" || len(contactNames(r)) > 0 || len(r.Choices) == 0 {
		t.Errorf("third turn: topic %q, contacts %v, %d choices; want device-trouble's question again without the cards", r.Topic, contactNames(r), len(r.Choices))
	}
	// the question answered in hiragana words
	if r = te.say(t, "u1", "こしょう　だと　おもいます"); !strings.Contains(r.PlainText(), strings.SplitN(te.lib.Base().Topic("device-trouble").Answer, "\n", 2)[0]) {
		t.Errorf("「こしょう　だと　おもいます」: want the fault's answer:\n%s", r.PlainText())
	}
	// in kanji, a statement naming nothing of IT is not merely acknowledged
	te.say(t, "u2", "パソコンの画面が真っ青になって動きません")
	if r = te.say(t, "u2", "英語がいっぱい出てます"); !slices.Contains(contactNames(r), vendors) {
		t.Errorf("「英語がいっぱい出てます」 while the fault's question waits: contacts %v, want %s:\n%s", contactNames(r), vendors, r.PlainText())
	}
	// a longer statement whose only topic word is an office matter's (お昼) is the setting of the
	// fault, not a new consultation
	te.say(t, "u3", "事務所のWi-Fiがお昼ごろになるとよく切れます。ハッキングとかですか？")
	if r = te.say(t, "u3", "変なメールとかは来てないです。パソコン3台とも同じように切れます。"); r.Topic != "device-trouble" {
		t.Fatalf("the fault told further: topic %q; this test needs the fault's question on screen", r.Topic)
	}
	if r = te.say(t, "u3", "お昼はみんなスマホで動画見てます。ルーターは家庭用のやつです"); r.Topic != "device-trouble" || !slices.Contains(contactNames(r), vendors) {
		t.Errorf("a statement about lunchtime while the fault's question waits: topic %q (outcome %v), contacts %v; want device-trouble with %s", r.Topic, r.Outcome, contactNames(r), vendors)
	}
}

// A message saying the bot read the matter wrong, by a correction (「いや、そうじゃなくて」) or by
// denying the topic on screen with the matter told again, is read without that topic, and the
// change is said; a denial that leaves nothing sure stays in the topic.
func TestCorrectionReadsTheMatterAgain(t *testing.T) {
	tests := []struct{ first, then, want string }{
		{"うちのホームページ、ウイルスでコピーされたかも？",
			"いや、ウイルスじゃなくて、うちの店の写真とか店名がそのまま別のサイトに使われてて、そこで訪問着とか帯を「閉店セール80%OFF」で売ってるんです", "fake-ec-site"},
		{"電子カルテ乗っ取られた！！開けない",
			"さっきのは間違いで、乗っ取りじゃなかったです。先月辞めた先生の管理者IDじゃないと設定が変えられなくて、そのパスワードを誰も知らないだけでした", "device-trouble"},
		{"フィッシングかもしれないSMSが毎日くる",
			"いや、そうじゃなくて。リンクとかは無くて、先月退会した男性の会員さんから私個人の携帯に毎日「帰り気をつけて」って来ます。昨日はジムの裏の駐輪場で待ってた", "harassment"},
	}
	for _, tt := range tests {
		te := newTestEngine(t, dialog.Policy{Staffed: true})
		first := te.say(t, "u1", tt.first)
		r := te.say(t, "u1", tt.then)
		if r.Topic != tt.want || first.Topic == tt.want {
			t.Errorf("%s: first %q, then topic %q (outcome %v), want %s:\n%s", tt.then, first.Topic, r.Topic, r.Outcome, tt.want, r.PlainText())
		}
	}
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "会社のメールアカウントに海外から不正ログインされました")
	if r := te.say(t, "u1", "不正ログインではないと思いたいけど、まだ確認してません"); r.Topic != "unauthorized-access" {
		t.Errorf("a hope that the matter is not what it seems moved the conversation to %q (outcome %v)", r.Topic, r.Outcome)
	}
	// a correction whose words tell the matter on screen after all
	te.say(t, "u2", "たすけて　パソコンの画面に英語の文章が出てファイルが開けない")
	if r := te.say(t, "u2", "いや、そうじゃなくて、ファイルの名前が全部変わってるんです"); r.Topic != "ransomware" {
		t.Errorf("a correction telling the ransom note's matter moved the conversation to %q (outcome %v)", r.Topic, r.Outcome)
	}
}

// The first steps shown again keep the line for what the person said first (paying) before the
// option the first message also fitted (calling).
func TestStepsAgainLeadWithTheFirstTold(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	first := te.say(t, "u1", "パソコンにサポートの画面が出て電話したら、コンビニでカードを5万円分買うように言われて、番号を教えてしまいました")
	again := te.say(t, "u1", "カードの番号もう使われちゃったかもしれません。グーグルに連絡すれば止めてもらえますか")
	if !strings.Contains(first.PlainText(), "支払った件は警察に相談") || !strings.Contains(again.PlainText(), "支払った件は警察に相談") {
		t.Errorf("first reply:\n%s\nagain:\n%s\nwant both to lead with the line for paying", first.PlainText(), again.PlainText())
	}
}

// TestSecondTurnTopic: what a second message is read as, in the conversation the first one
// started.
func TestSecondTurnTopic(t *testing.T) {
	tests := []struct {
		name, first, second string
		want, notWant       string // the second reply's topic is want ("" for any) and not notWant
	}{
		{
			// an offered topic named by its own words, and read first, outweighs another offered
			// topic whose option its words also fit (わかりません is a fault's 「セキュリティか分から
			// ない」)
			name:   "named offered topic over option words",
			first:  "sumimasen, netto ni watashi no shashin ga agerareteimasu",
			second: "namae to juusho mo kaite arimasu. keijiban desu. dare ga yatta ka wakarimasen",
			want:   "defamation",
		},
		{
			// more about the incident at hand, however long, that names no topic (which phone,
			// when) keeps the conversation in it
			name:   "long detail stays in the incident",
			first:  "スマホに「ウイルスが見つかりました、今すぐ削除」と出て、言われるままアプリを入れたら広告だらけになった",
			second: "アンドロイドです、会社のじゃなくて自分のスマホ。でも職場のグループに入ってるので心配。入れたのは30分くらい前",
			want:   "malware",
		},
		{
			// a new incident the statistics are sure of on a device the conversation was not
			// about is a matter of its own, not the first incident's steps again
			name:    "new incident on another device moves",
			first:   "銀行を名乗るSMSのリンクを開いて、IDとパスワードを入力してしまいました",
			second:  "それと、さっき会社のノートパソコンを落としてしまいました",
			notWant: "phishing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, dialog.Policy{Staffed: true})
			te.say(t, "u1", tt.first)
			r := te.say(t, "u1", tt.second)
			if tt.want != "" && r.Topic != tt.want || tt.notWant != "" && r.Topic == tt.notWant {
				t.Errorf("second turn topic %q (outcome %v), want %q, not %q:\n%s", r.Topic, r.Outcome, tt.want, tt.notWant, r.PlainText())
			}
		})
	}
}

// The steps shown again lead with the line for what the option picked confirms: an elderly owner
// who called a fake warning's number, then paid for his own PC, and is told to buy more cards
// hears first the step not to pay (the demand follow-up), then the line for someone who paid, not
// the one for someone who called; one who picked "called" and then typed that they paid hears
// the line for paying too.
func TestStepsAgainAfterPaying(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	fa := kb.Topic("support-scam").FirstAid
	if r := te.say(t, "u1", "ぱそこんに ういるすの けいこくがでて でんわしたら まいくろそふとの ひとが でた"); r.Topic != "support-scam" {
		t.Fatalf("first message: topic %q; this test needs the support scam", r.Topic)
	}
	r := te.say(t, "u1", "もう はらっちゃった。 こんびにで かーどを かって ばんごうを おしえた 5まんえん。 みせのじゃなくて うちの ぱそこん")
	if hotline := kb.Contact("shohisha-hotline").Name; !slices.Contains(contactNames(r), hotline) {
		t.Errorf("paid for his own PC: cards %v, want %s (as a private person)", contactNames(r), hotline)
	}
	r = te.say(t, "u1", "また かってきて と いわれてる。 どうしたら いい")
	if text := r.PlainText(); !strings.Contains(text, fa.Situations["paid"]) || strings.Contains(text, fa.Situations["called"]) {
		t.Errorf("told to buy more:\n%s\nwant the line for someone who paid (%q)", text, fa.Situations["paid"])
	}
	notPaying := ""
	for _, step := range fa.Steps {
		if strings.Contains(step, "支払いの要求") {
			notPaying = step
		}
	}
	if text := r.PlainText(); notPaying == "" || !strings.Contains(text, notPaying) || strings.Index(text, notPaying) > strings.Index(text, fa.Situations["paid"]) {
		t.Errorf("told to buy more:\n%s\nwant the step not to pay (%q) first", text, notPaying)
	}

	first := te.say(t, "u2", "パソコンに警告が出て電話番号が表示されています")
	te.tap(t, "u2", choiceID(t, first, "電話した・ソフトを入れた"))
	te.say(t, "u2", "そのあと5万円払ってしまいました")
	if r := te.say(t, "u2", "次は何をすればいいですか"); !strings.Contains(r.PlainText(), fa.Situations["paid"]) {
		t.Errorf("paid after picking 'called':\n%s\nwant the line for someone who paid", r.PlainText())
	}
}

// A person asked to choose who tells more instead is read with what they told first: a threat
// from one's own address, then the bitcoin it asks for, is spam's case of a threat from one's own
// address, not the question of what kind of mail it is (the opening message answered it), and
// whether to pay hears that case's answer first, before spam's general one; a story of an attachment
// opened that ends in わからない, to a choice led by Emotet, is Emotet, not "it's fine not to
// know"; a delivery notice's link pressed is phishing, and "a phone, nothing typed, the page
// only showed" after it answers phishing's question, not a support scam's warning; a place
// told to a choice (「工房は埼玉です。都内じゃないです」) gets thanks and the choices again, not
// "it's fine not to know", and so does a fact told in hiragana that names no topic, which the
// learned reading alone would place elsewhere.
func TestClarifyAnsweredByTheStory(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	own := func() *knowledge.Option {
		for i, o := range kb.Topic("spam").Questions[0].Options {
			if o.ID == "extortion-own" {
				return &kb.Topic("spam").Questions[0].Options[i]
			}
		}
		t.Fatal("spam has no extortion-own option")
		return nil
	}()
	if r := te.say(t, "u1", "じぶんの めーるあどれすから めーるがきて おまえのぱそこんを のっとった おかねをはらえ と かいてある"); r.Outcome != dialog.Clarify {
		t.Fatalf("first message: outcome %v, want a question (the test reads the answer to it)", r.Outcome)
	}
	r := te.say(t, "u1", "びっとこいんで 10まんえん と かいてある。 えいごと へんな にほんご")
	if r.Topic != "spam" || !strings.Contains(r.PlainText(), firstLine(own.Answer)) {
		t.Errorf("after the bitcoin: topic %q, want spam with the answer to a threat from one's own address:\n%s", r.Topic, r.PlainText())
	}
	r = te.say(t, "u1", "はらわなくて いいのかね")
	if text := r.PlainText(); !strings.HasPrefix(text, firstLine(own.Answer)) {
		t.Errorf("whether to pay:\n%s\nwant the case's answer first", text)
	}

	if r := te.say(t, "u2", "tenchou ni iwaretan desu kedo, mise no adoresu kara hen na meru ga ippai okurareteru mitai"); r.Outcome != dialog.Clarify {
		t.Fatalf("first message: outcome %v, want a question", r.Outcome)
	}
	r = te.say(t, "u2", `otokuisama kara "zip no tenpu tsuki no meru kita kedo nani?" tte denwa kita. mise no pc de mae ni tenpu hiraita kamo desu, wakaranai`)
	if r.Topic != "emotet" || strings.Contains(r.PlainText(), kb.Message("clarify_unsure")) {
		t.Errorf("the story: topic %q, want emotet:\n%s", r.Topic, r.PlainText())
	}

	if r := te.say(t, "u3", "荷物が届けられませんでした。。という知らせが来て、押してしまいました。。"); r.Topic != "phishing" && (len(r.Choices) == 0 || !strings.Contains(r.PlainText(), kb.Topic("phishing").Title)) {
		t.Fatalf("first message: topic %q, want phishing answered or offered:\n%s", r.Topic, r.PlainText())
	}
	r = te.say(t, "u3", "スマホです。何も入れておりません。画面が出ただけで、こわくなって閉じました。")
	if r.Topic != "phishing" {
		t.Errorf("nothing typed: topic %q, want phishing:\n%s", r.Topic, r.PlainText())
	}

	if r := te.say(t, "u4", "以前外注してたWeb制作の人から「御社の顧客名簿を持ってる。50万払わなければネットに晒す」ってメールがきました"); r.Outcome != dialog.Clarify {
		t.Fatalf("first message: outcome %v, want a question", r.Outcome)
	}
	r = te.say(t, "u4", "工房は埼玉です。都内じゃないです")
	if text := r.PlainText(); strings.Contains(text, kb.Message("clarify_unsure")) || !strings.Contains(text, kb.Message("question_again")) || len(r.Choices) == 0 {
		t.Errorf("a place told: want thanks and the choices again:\n%s", text)
	}

	// what an elderly writer sees, told in hiragana while a fault and a virus are offered: a
	// fact that names no topic, which the learned reading alone places in one unrelated topic,
	// does not take the choices' place; the printer shown offline is the fault; the cable told
	// again after the fault's answer stays in it (not a new question about another topic), and
	// asking where to call gets the fault's desks
	cable := "うしろに あおい せんが ありますが ぬけて いるようです さしましたが"
	r = te.say(t, "u5", "ぷりんたーが いんさつ できません ういるす でしょうか")
	if r.Outcome != dialog.Clarify {
		t.Fatalf("first message: outcome %v, want a question", r.Outcome)
	}
	offered := choiceLabels(r)
	r = te.say(t, "u5", cable)
	if text := r.PlainText(); !strings.Contains(text, kb.Message("question_again")) || !slices.Equal(choiceLabels(r), offered) {
		t.Errorf("the cable told while choices wait: want thanks and the same choices %v:\n%s\nchoices %v", offered, text, choiceLabels(r))
	}
	if r = te.say(t, "u5", "がめんに おふらいん と でています"); r.Topic != "device-trouble" || r.Outcome != dialog.Answer {
		t.Errorf("offline shown: topic %q, outcome %v, want the fault answered:\n%s", r.Topic, r.Outcome, r.PlainText())
	}
	if r = te.say(t, "u5", cable); r.Topic != "device-trouble" || r.Outcome == dialog.Clarify {
		t.Errorf("the cable told after the answer: topic %q, outcome %v, want it kept in the fault:\n%s", r.Topic, r.Outcome, r.PlainText())
	}
	if r = te.say(t, "u5", "まだ だめです どこに でんわすれば いいですか"); r.Topic != "device-trouble" {
		t.Errorf("where to call: topic %q, want the fault's desks:\n%s", r.Topic, r.PlainText())
	}
}

// Follow-ups inside a matter, as people write them, stay in that matter and get what they ask
// for: whether to go to the police, in Japanese or romaji (the romaji question is a question, not
// 「承知しました」), gets the police desks the topic lists; a remark in words the matter's own
// examples use (a mis-sent mail's recipient asked to delete it) is not a post to take down;
// asking, in hiragana, whether to call the card company is no request for a person and no
// support scam, and hears the first line (call the card company now) again; asking where the
// incident desk is and whether a desk named (JPCERT) will do shows its card rather than the
// reporting topic from the start; asking whether to tell one's boss hears the step that says whom
// to tell (in English too), and, where the steps say nothing of it, the honest "no answer";
// asking what to tell the bank hears the step that names it and that the bot has nothing more
// (not where the bank is only mentioned beside the question).
func TestFollowUpsInsideAMatter(t *testing.T) {
	policeDesks := func(kb *knowledge.Base) string { return kb.Message("followup_police") }
	phishingFirst := func(kb *knowledge.Base) string { return kb.Topic("phishing").FirstAid.Now }
	jpcert := func(*knowledge.Base) string { return "JPCERT" }
	itStaff := func(kb *knowledge.Base) string { return kb.Contact("it-staff").Name }
	tellLine := func(topic string, english bool) func(*knowledge.Base) string {
		return func(kb *knowledge.Base) string {
			lines := kb.Topic(topic).FirstAid.Next
			if english {
				lines = kb.Topic(topic).EN.Next
			}
			for _, l := range lines {
				if strings.Contains(l, "上司") || strings.Contains(l, "boss") {
					return l
				}
			}
			return "no step of " + topic + " names the boss"
		}
	}
	tests := []struct {
		name, first, firstTopic, then string
		wantTopic                     string // the topic of the reply, or "" for any
		want                          func(*knowledge.Base) string
	}{
		{"police, Japanese", "社長のLINEが乗っ取られて、取引先に電子マネーを買ってというメッセージが送られています", "",
			"警察に行くべき？", "", policeDesks},
		{"police, romaji", "pasokon ni keikoku ga dete, denwa shitara ensaku sofuto wo irerarete okane mo haratte shimaimashita", "",
			"keisatsu ni iku beki desu ka", "", policeDesks},
		{"told in the matter's words", "設計事務所の者です。お客様の図面を誤って別の宛先にメール送信してしまいました", "data-leak",
			"送り先にはもう削除をお願いして、削除済みと返事をもらっています", "data-leak", nil},
		{"whether to call the card company", "ぎんこうのなまえでしょーとめーるがきて、りんくをおしてかーどのばんごうをいれてしまいました", "phishing",
			"かーどがいしゃにでんわしたらいいのですか", "phishing", phishingFirst},
		{"a desk named inside an incident", "社内のファイルサーバに、海外のIPアドレスから管理者アカウントで不正ログインされた形跡があります。知らないアカウントも作られていました", "unauthorized-access",
			"対応を頼める窓口ってどこですか？JPCERTでいいんでしょうか", "", jpcert},
		{"whether to tell the IT person, while the matter's question waits", "プリンタが全然印刷しないんです", "device-trouble",
			"情シスに言えばいい？", "device-trouble", itStaff},
		{"what else, after a step done", "I clicked a link in an invoice email and typed my Microsoft password on the page. I think it was fake.", "phishing",
			"I already changed my password. What else?", "phishing", func(kb *knowledge.Base) string { return kb.Topic("phishing").EN.Next[0] }},
		{"what else, in Japanese: the fuller explanation", "会社のパソコンの画面に英語で身代金払えって出てファイルが全部開かない", "ransomware",
			"ケーブルは抜きました。ほかに何をすればいいですか", "ransomware", func(kb *knowledge.Base) string { return kb.Topic("ransomware").FirstAid.Why }},
		{"whether to tell the boss", "ウイルスに感染したみたいです", "malware",
			"上司に報告したほうがいいですか", "malware", tellLine("malware", false)},
		{"whether to tell the boss, in English", "My PC shows a ransom note and all files are encrypted", "ransomware",
			"Should I tell my boss?", "ransomware", tellLine("ransomware", true)},
		{"whether to tell the card company is no question of telling the boss", "パスワードを偽サイトに入力してしまいました", "phishing",
			"カード会社に伝えたほうがいいですか", "phishing", phishingFirst},
		{"whether to tell the police is no question of telling the boss", "パスワードを偽サイトに入力してしまいました", "phishing",
			"警察に言わなくてもいいですか", "phishing", policeDesks},
		{"whether to tell the owner, where no step says", "迷惑メールがたくさん来ます", "spam",
			"しゃちょうにいわなきゃだめ？", "spam", func(kb *knowledge.Base) string { return kb.Message("followup_unknown") }},
		{"whether to ask one's own IT person, not a request for this desk's staff", "プリンタが全然印刷しないんです", "device-trouble",
			"本部にシステム担当の人がいるんですけど、その人に聞けばいいですか？それとも買った電器屋さん？", "device-trouble", itStaff},
		{"what to tell the bank: the steps that name it, and a person", "取引先から振込先口座が変わったというメールが来て、その通りに300万円振り込んでしまいました", "bec",
			"銀行には何を伝えればいいですか", "bec", func(kb *knowledge.Base) string { return kb.Topic("bec").FirstAid.Situations["paid"] }},
		{"what to tell the bank, in hiragana", "取引先から振込先口座が変わったというメールが来て、その通りに300万円振り込んでしまいました", "bec",
			"ぎんこうには なにを いえば いいですか", "bec", func(kb *knowledge.Base) string {
				return strings.ReplaceAll(kb.Message("followup_party_unknown"), "{party}", "銀行")
			}},
		{"the bank told already, what to tell the police", "取引先から振込先口座が変わったというメールが来て、その通りに300万円振り込んでしまいました", "bec",
			"銀行にはもう連絡しました。警察には何を伝えればいいですか", "bec", func(kb *knowledge.Base) string { return kb.Message("followup_prepare") }},
		{"what to tell the police: what the police desk asks for", "取引先から振込先口座が変わったというメールが来て、その通りに300万円振り込んでしまいました", "bec",
			"警察には何を伝えればいいですか", "bec", func(kb *knowledge.Base) string { return kb.Message("followup_prepare") }},
		{"fear for one's safety", "元顧客がSNSに私の自宅の住所と家族の写真を載せて悪口を書いています。削除と人権の相談をしたいです", "defamation",
			"子どもの写真もあって怖いです。家に来られたらどうしよう", "defamation", policeDesks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, dialog.Policy{Staffed: true})
			kb := te.lib.Base()
			if r := te.say(t, "u1", tt.first); r.Topic == "" || tt.firstTopic != "" && r.Topic != tt.firstTopic {
				t.Fatalf("first message: topic %q, want %q", r.Topic, cmp.Or(tt.firstTopic, "a topic"))
			}
			r := te.say(t, "u1", tt.then)
			changed := strings.Split(kb.Message("topic_changed"), "{topic}")[0]
			switch {
			case r.Outcome == dialog.Escalate:
				t.Errorf("handed to staff:\n%s", r.PlainText())
			case strings.Contains(r.PlainText(), changed):
				t.Errorf("the reply changes the consultation:\n%s", r.PlainText())
			case tt.wantTopic != "" && r.Topic != tt.wantTopic:
				t.Errorf("topic %q, want %q:\n%s", r.Topic, tt.wantTopic, r.PlainText())
			case tt.want != nil && !strings.Contains(r.PlainText(), tt.want(kb)):
				t.Errorf("reply:\n%s\nwant %q in it", r.PlainText(), tt.want(kb))
			}
		})
	}
}

// A person who says they are outside Tokyo is shown the prefectural police's desks in the place
// of 警視庁's (Tokyo's police), also when they say so after the answer; one who does not is shown
// 警視庁's as before.
func TestPoliceWhereThePersonIs(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	prefectural := kb.Contact("police-prefectural").Name
	first := "店の備品を激安サイトで注文して、8万円振り込んだんですけど届きません。サイトももう開けないです"
	tests := []struct {
		user, then string
		want       bool
	}{
		{"u1", "私がいるのは横浜の店です。どこの警察に行けばいいですか", true},
		{"u2", "神奈川県警に行けばいいですか？どこの警察？", true},
		{"u3", "どこの警察に行けばいいですか", false},
	}
	for _, tt := range tests {
		te.say(t, tt.user, first)
		r := te.say(t, tt.user, tt.then)
		shown := contactNames(r)
		if got := len(shown) > 0 && shown[0] == prefectural; got != tt.want {
			t.Errorf("%s: cards %v, want the prefectural police first: %v", tt.then, shown, tt.want)
		}
		if !tt.want && slices.Contains(shown, prefectural) {
			t.Errorf("%s: cards %v, want no prefectural police in Tokyo", tt.then, shown)
		}
		if tt.want && slices.Contains(shown, kb.Contact("police-station").Name) {
			t.Errorf("%s: cards %v, want no 警視庁 switchboard outside Tokyo", tt.then, shown)
		}
	}
	// told after an answer that showed 警視庁's cards: the police desks again, the prefecture's
	bec := "資材の取引先を名乗る請求書メールに、いつもと違う口座が書いてあって、そのまま振り込んでしまったようです。62万円です"
	te.say(t, "u4", bec)
	r := te.say(t, "u4", "すみません補足です、振り込んだのは本社じゃなくて埼玉の越谷支店で、支店の口座からです")
	if shown := contactNames(r); len(shown) == 0 || shown[0] != prefectural {
		t.Errorf("outside Tokyo told later: cards %v, want the prefectural police first", shown)
	}
	// the next consultation, started by taps from the menu, starts with nothing: 警視庁's cards
	menu := te.say(t, "u4", "解決しました")
	urgent := te.tap(t, "u4", choiceID(t, menu, choiceLabels(menu)[0]))
	r = te.tap(t, "u4", choiceID(t, urgent, kb.Topic("bec").Label))
	if shown := contactNames(r); slices.Contains(shown, prefectural) || !slices.Contains(shown, kb.Contact("police-cyber").Name) {
		t.Errorf("the next consultation: cards %v, want 警視庁's, not the prefecture's", shown)
	}
	// said with thanks, the thanks is answered (the cards carry the prefecture's police anyway)
	te.say(t, "u5", bec)
	if r := te.say(t, "u5", "横浜の支店です、ありがとうございました"); !strings.Contains(r.PlainText(), kb.Message("social_thanks")) {
		t.Errorf("a place said with thanks: reply %q, want thanks back", r.PlainText())
	}
}

// The first steps shown again while the topic's question waits ask it again above its choices:
// the choices do not stand under the steps with nothing saying what they answer.
func TestStepsAgainAskTheQuestionAgain(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := te.say(t, "u1", "ぶらうざに けいこくが でて ぴーぴー なって でんわしたら さんまんえん はらいました")
	if !strings.Contains(first.PlainText(), kb.Message("situation_which")) {
		t.Fatalf("first reply = %q, want the narrowed question", first.PlainText())
	}
	r := te.say(t, "u1", "まだ電話はつながっています。相手が操作しています")
	if !strings.Contains(r.PlainText(), kb.Topic("support-scam").FirstAid.Next[0]) {
		t.Fatalf("reply = %q, want the first steps again", r.PlainText())
	}
	if !strings.Contains(r.PlainText(), kb.Message("situation_which")) || !slices.Equal(choiceLabels(r), choiceLabels(first)) {
		t.Errorf("reply = %q with choices %v, want the question asked again with the choices %v", r.PlainText(), choiceLabels(r), choiceLabels(first))
	}
}

// Asking whether to call someone after the answer for paying (「カード会社にも電話したほうがい
// いですか」) is no news of having called the scammers: the answer picked stays, and what it
// says of card companies is the reply; the hiragana question, which names nothing, gets the
// honest "no answer", not the answer for having called.
func TestAskingWhetherToCallIsNotHavingCalled(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	var called string
	for _, o := range kb.Topic("support-scam").Questions[0].Options {
		if o.ID == "called" {
			called = o.Answer
		}
	}
	if called == "" {
		t.Fatal("support-scam has no option called")
	}
	for user, question := range map[string]string{"u1": "カード会社にも電話したほうがいいですか", "u2": "かーどがいしゃにも でんわしたほうが いいですか"} {
		te.say(t, user, "家のパソコンで警告が出て電話したらサポート代5万円払っちゃいました")
		te.say(t, user, "あ、店のじゃなくて家の自分のパソコンです")
		r := te.say(t, user, question)
		if first := strings.Split(called, "\n")[0]; strings.Contains(r.PlainText(), first) {
			t.Errorf("%s: reply = %q, want no answer for having called", question, r.PlainText())
		}
		if user == "u1" && !strings.Contains(r.PlainText(), "カード会社からは") {
			t.Errorf("%s: reply = %q, want what the answer for paying says of card companies", question, r.PlainText())
		}
	}
}

// A fact told while an incident is offered first, which the rules find no word in and the
// statistics read as that incident (「お金はらえって書いてある」 after a changed file names), picks
// it: the person said more about the matter the bot itself put first.
func TestFactPicksTheIncidentOfferedFirst(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := te.say(t, "u1", "店のパソコンに英語の画面が出てファイルの名前が全部変になってる")
	if labels := choiceLabels(first); first.Outcome != "clarify" || len(labels) == 0 || labels[0] != kb.Topic("ransomware").Label {
		t.Fatalf("first message: outcome %q, choices %v; want ransomware offered first", first.Outcome, labels)
	}
	if r := te.say(t, "u1", "お金はらえって書いてある"); r.Topic != "ransomware" || !r.Urgent {
		t.Errorf("reply topic %q urgent %v, want ransomware's first screen", r.Topic, r.Urgent)
	}
}

// A person locked out of the account taken over is told first to have the service stop it, not
// to change a password they cannot reach, in Japanese and in English.
func TestLockedOutFirstAction(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ua := te.lib.Base().Topic("unauthorized-access")
	tests := []struct{ user, text, want string }{
		{"u1", "会社のインスタが乗っ取られて、パスワードを変えられてログインできなくなりました", ua.FirstAid.Situations["lockedout"]},
		{"u2", "Our company Microsoft 365 account was hacked. Someone changed the password and I can't log in anymore.", ua.EN.Situation["lockedout"]},
		{"u3", "会社のインスタが乗っ取られたみたいです。変な投稿がされています", ua.FirstAid.Now},
	}
	for _, tt := range tests {
		r := te.say(t, tt.user, tt.text)
		if tt.want == "" || !strings.Contains(r.PlainText(), tt.want) {
			t.Errorf("%s: reply = %q, want the first action %q", tt.text, r.PlainText(), tt.want)
		}
	}
}

// A message that tells two matters (「…のと、あと」) gets the first answered and the other offered
// under it, by tap or in words; a message naming a second topic's word for the same matter gets
// no such choice.
func TestTheOtherMatterIsOffered(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	also := strings.ReplaceAll(kb.Message("label_also"), "{topic}", kb.Topic("device-trouble").Label)
	r := te.say(t, "u1", "迷惑メールがめっちゃ来るのと、あとプリンタが全然印刷しないんです")
	if r.Topic != "spam" || !slices.Contains(choiceLabels(r), also) {
		t.Fatalf("first reply: topic %q, choices %v; want spam with %q", r.Topic, choiceLabels(r), also)
	}
	r = te.say(t, "u1", "プリンタのほうが急ぎです！紙詰まりじゃないし、ランプがオレンジで点滅してる。リースの複合機です")
	if r.Topic != "device-trouble" || !slices.Contains(contactNames(r), kb.Contact("it-vendors").Name) {
		t.Errorf("the other matter told: topic %q, cards %v; want the fault answered with its vendors", r.Topic, contactNames(r))
	}
	first := te.say(t, "u2", "迷惑メールがめっちゃ来るのと、あとプリンタが全然印刷しないんです")
	if r := te.tap(t, "u2", choiceID(t, first, also)); r.Topic != "device-trouble" {
		t.Errorf("tapped %q: topic %q, want the fault", also, r.Topic)
	}
	// つながらない is a fault's word too, for the same matter
	r = te.say(t, "u3", "おい、うちのサイトが落ちてる！アクセスが殺到して全然つながらない")
	if r.Topic != "dos" || slices.Contains(choiceLabels(r), also) {
		t.Errorf("one matter told: topic %q, choices %v; want DoS without %q", r.Topic, choiceLabels(r), also)
	}
}

// 「ぎんこう に でんわ したら なにを はなせば いいの」 after the phishing answer asks what to tell
// the bank: the matter at hand, not a support scam read from 「でんわしたら」.
func TestWhatToTellStaysInTheTopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "ぎんこう から の えすえむえす の りんく を おして あんしょうばんごう を いれました")
	if r := te.say(t, "u1", "ぎんこう に でんわ したら なにを はなせば いいの"); r.Topic != "phishing" || r.Urgent && len(contactNames(r)) > 0 {
		t.Errorf("what to tell the bank: topic %q, urgent %v, cards %v; want phishing kept, not a first screen", r.Topic, r.Urgent, contactNames(r))
	}
}

// After a calm topic's answer (a fake bill), a short statement naming nothing (「まだ払ってないで
// す」) is acknowledged in the topic, not a new consultation from the menu; a question naming
// what the answer speaks of (添付ファイル) gets its lines.
func TestAfterACalmAnswer(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u1", "請求書のメールで、お金を払えって書いてあるんです。身に覚えがないです"); r.Topic != "spam" {
		t.Fatalf("first message: topic %q, want spam", r.Topic)
	}
	r := te.say(t, "u1", "まだ払ってないです")
	if r.Topic != "spam" || !strings.Contains(r.PlainText(), kb.Message("social_ack")) {
		t.Errorf("まだ払ってないです: topic %q, reply %q; want an acknowledgement in the topic", r.Topic, r.PlainText())
	}
	r = te.say(t, "u1", "添付ファイルも開いてません。無視していいですか？")
	if r.Topic != "spam" || !strings.Contains(r.PlainText(), "添付ファイルを開くと") {
		t.Errorf("a question about the attachment: topic %q, reply %q; want the answer's line about attachments", r.Topic, r.PlainText())
	}
}

// At night, a desk whose phone has no hours in the knowledge is tagged as such beside the closed
// ones, not left looking like one that answers; in open hours it is not tagged.
func TestUnknownHoursTaggedWhenOthersAreClosed(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	tag := func(r dialog.Reply, name string) string {
		for _, b := range r.Blocks {
			for _, c := range b.Contacts {
				if c.Name == name {
					return c.OpenLabel
				}
			}
		}
		return "(not shown)"
	}
	jpcert := kb.Contact("jpcert-incident").Name
	if got := tag(te.say(t, "u1", "店のパソコンに身代金を払えっていう英語の画面が出て、ファイルが開けません"), jpcert); got != "" {
		t.Errorf("in open hours: JPCERT/CC's tag %q, want none", got)
	}
	te.clock.Set(time.Date(2026, 12, 6, 23, 0, 0, 0, knowledge.Tokyo)) // a Sunday night
	if got := tag(te.say(t, "u2", "店のパソコンに身代金を払えっていう英語の画面が出て、ファイルが開けません"), jpcert); got != kb.Message("hours_unknown") {
		t.Errorf("on a Sunday night: JPCERT/CC's tag %q, want %q", got, kb.Message("hours_unknown"))
	}
}

// Inside an incident, a message sure of another topic only by what its sentences share with that
// topic's examples, with nothing happening in it and no word of that topic (「USB wa torihikisaki
// kara moratta mono」: 取引先から is how fraud mails start), is about the matter at hand.
func TestSimilarityAloneMovesNoTopic(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "USB sashitara anti-virus ga keikoku dashita. \"kiken na file\" tte")
	if r := te.say(t, "u1", "kaisha no PC desu. USB wa torihikisaki kara moratta mono. mada nanimo hiraite nai"); r.Topic != "malware" {
		t.Errorf("more about the USB stick: topic %q, want malware kept", r.Topic)
	}
}

// Thanks said with a desk's name or on the way to one (「個人情報保護委員会ですね。ありがとうござい
// ます」「ありがとうございます、行ってきます」), or in words the statistics read ("Thanks, that
// helps."), is thanked back, not answered 「承知しました」.
func TestThanksIsThankedBack(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	te.say(t, "u1", "お客様のデータを別の取引先にメールで誤送信してしまいました")
	for _, text := range []string{"個人情報保護委員会ですね。ありがとうございます", "ありがとうございます、行ってきます"} {
		if r := te.say(t, "u1", text); !strings.Contains(r.PlainText(), kb.Message("social_thanks")) {
			t.Errorf("%s: reply %q, want thanks back", text, r.PlainText())
		}
	}
	te.say(t, "u2", "Our website was defaced this morning")
	if r := te.say(t, "u2", "Thanks, that helps."); !strings.Contains(r.PlainText(), "welcome") {
		t.Errorf("Thanks, that helps.: reply %q, want thanks back", r.PlainText())
	}
}

// 「ウイルスじゃないですか？」 inside a support scam wonders about the warning: the topic's answer
// about fake infection warnings, not the virus's first screen.
func TestWonderedInsideAnIncident(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	te.say(t, "u1", "スマホで記事を読んでたら、ウイルスに感染しましたって画面が出て電話番号が書いてあります。電話はしていません")
	r := te.say(t, "u1", "ウイルスじゃないですか？")
	if r.Topic != "support-scam" || !strings.Contains(r.PlainText(), "偽の警告画面") {
		t.Errorf("topic %q, reply %q; want the support scam's line about fake warnings", r.Topic, r.PlainText())
	}
}

// Messages written while topics are offered, and a question for desks that tells its matter: two
// offered topics named, the one both readings put first is taken; 「どこにすればいい？」 asks for
// the desks of the first offered; a long story ending in that question is answered as its matter;
// social media named alone offers the topics it is usually about, and the story told next is the
// offered topic both readings put first.
func TestWhileTopicsAreOffered(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	first := te.say(t, "u1", "道場を辞めた生徒の親御さんが、SNSに私の自宅の住所と家族の写真を載せて「体罰師範」と書いています")
	if first.Outcome != dialog.Clarify || !slices.Contains(choiceLabels(first), kb.Topic("harassment").Label) {
		t.Fatalf("first message got %s %v; this test needs defamation and harassment offered", first.Outcome, choiceLabels(first))
	}
	if r := te.say(t, "u1", "体罰はしていません。削除をお願いしたいし、家族が怖がっているので人権の相談もしたいです"); r.Outcome != dialog.Answer || r.Topic != "defamation" {
		t.Errorf("both offered topics named: %s %q, want the defamation answer", r.Outcome, r.Topic)
	}

	first = te.say(t, "u2", "業者からUTM入れませんかと言われてるけど高い。東京都で補助金みたいなのありますか")
	if first.Outcome != dialog.Clarify || len(first.Choices) == 0 {
		t.Fatalf("first message got %s %v; this test needs topics offered", first.Outcome, choiceLabels(first))
	}
	r := te.say(t, "u2", "申し込みの相談はどこにすればいい？")
	if want := strings.ReplaceAll(kb.Message("clarify_contacts"), "{topic}", first.Choices[0].Label); !strings.Contains(r.PlainText(), want) {
		t.Errorf("「どこにすればいい？」 while topics are offered got:\n%s\nwant %q and its desks", r.PlainText(), want)
	}

	// a longer story naming the offered topic, which both readings put first, picks it although it
	// doubts something else in it (「…見られたかもしれません」)
	first = te.say(t, "u4", "クラウド会計のアカウントなんですけど、ちょっと気になることがあって")
	if first.Outcome != dialog.Clarify || len(first.Choices) == 0 || first.Choices[0].Label != kb.Topic("unauthorized-access").Label {
		t.Fatalf("first message got %s %v; this test needs unauthorised access offered first", first.Outcome, choiceLabels(first))
	}
	if r := te.say(t, "u4", "ログイン履歴に、誰も使ってない深夜3時にシンガポールからのログインが2回ありました。パスワードは変えて二段階認証も今つけました。顧問先のデータが見られたかもしれません。どこかに届け出たほうがいいですか"); r.Topic != "unauthorized-access" || r.Outcome == dialog.Clarify {
		t.Errorf("a story naming the offered take-over: %s %q, want its answer", r.Outcome, r.Topic)
	}

	// one topic offered alone, and more of the matter told in words that name nothing else: that one
	first = te.say(t, "u5", "うぃんどうず10 まだつかえますか")
	if labels := choiceLabels(first); first.Outcome != dialog.Clarify || len(labels) == 0 || labels[0] != kb.Topic("general-security").Label ||
		slices.ContainsFunc(first.Choices[1:], func(c dialog.Choice) bool {
			return slices.ContainsFunc(kb.Topics(), func(tp *knowledge.Topic) bool { return tp.Label == c.Label })
		}) {
		t.Fatalf("first message got %s %v; this test needs general security offered alone", first.Outcome, choiceLabels(first))
	}
	if r := te.say(t, "u5", "じむしょの ぱそこんです うりあげの けいさんに つかってます いんたーねっとにも つないでます"); r.Topic != "general-security" || r.Outcome == dialog.Clarify {
		t.Errorf("more told while one topic is offered: %s %q, want its answer", r.Outcome, r.Topic)
	}

	r = te.say(t, "u3", "SNSで「手押し」「野菜あります」みたいな大麻売ってる投稿たくさん見つけた。通報したいんだけどどこにすればいい？")
	if r.Outcome != dialog.Answer || r.Topic != "illegal-content" {
		t.Errorf("a story ending in 「どこにすればいい？」: %s %q, want the illegal content answer", r.Outcome, r.Topic)
	}

	// social media named without what happened offers the topics it is usually about; the story
	// told next, which both readings put first as one of them (not the one offered first), is
	// that topic, not another offered topic whose option word it holds (アカウント)
	first = te.say(t, "u6", "SNSのことで相談してもいいでしょうか")
	if first.Outcome != dialog.Clarify || !slices.Contains(choiceLabels(first), kb.Topic("defamation").Label) {
		t.Fatalf("a social-media opener: %s %v; want defamation among the topics offered", first.Outcome, choiceLabels(first))
	}
	r = te.say(t, "u6", "看護学校で教えています。匿名のアカウントに、授業中の私の写真を勝手に載せられて「更年期ババア」「学生いじめで有名」などと書かれています。学校の名前も出ています")
	if r.Topic != "defamation" {
		t.Errorf("a post about the teacher told after the choices: topic %q (outcome %v), want defamation:\n%s", r.Topic, r.Outcome, r.PlainText())
	}
}

// A buyer who says the company paid a fake shop is not offered the consumer hotline, which takes no
// companies; one who paid privately is.
func TestCompanyBuyerGetsNoConsumerDesk(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	hotline := te.lib.Base().Contact("shohisha-hotline").Name
	tests := []struct {
		user, text string
		want       bool
	}{
		{"u1", "会社の備品をネットの通販サイトで買って、会社の口座から5万円振り込んだのに商品が届きません。サイトも消えてます", false},
		{"u2", "ネットの通販サイトで自分の服を買って、5万円振り込んだのに商品が届きません。サイトも消えてます", true},
	}
	for _, tt := range tests {
		r := te.say(t, tt.user, tt.text)
		if r.Topic != "fake-ec-site" {
			t.Fatalf("%s: topic %q; this test needs the fake shop's answer", tt.text, r.Topic)
		}
		if got := slices.Contains(contactNames(r), hotline); got != tt.want {
			t.Errorf("%s: cards %v, consumer hotline shown %v, want %v", tt.text, contactNames(r), got, tt.want)
		}
		// a buyer reads the buyer's side only: not what the shop whose name was used should do
		kb := te.lib.Base()
		if company := kb.Contact("narisumashi-ec").Name; slices.Contains(contactNames(r), company) || strings.Contains(r.PlainText(), "名前を使われた事業者は") {
			t.Errorf("%s: the buyer got the company's side:\n%s", tt.text, r.PlainText())
		}
	}
}

// A programme named in the message that opened the consultation (IT導入補助金) has its card with
// the answer, first when the message is answered at once, and also when the answer comes after a
// question.
func TestProgrammeNamedBeforeAQuestion(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	// told as one matter it is answered at once, the programme's card first
	answered := te.say(t, "u0", "IT導入補助金を使って、UTMとウイルス対策ソフト、バックアップ用のNASを導入したいと考えております。セキュリティ対策の製品も補助の対象になるのでしょうか。")
	if names := contactNames(answered); answered.Outcome != dialog.Answer || len(names) == 0 || names[0] != kb.Contact("it-donyu-hojokin").Name {
		t.Errorf("the programme named in one matter: %s, cards %v; want answered with %s first", answered.Outcome, names, kb.Contact("it-donyu-hojokin").Name)
	}
	first := te.say(t, "u1", "IT導入補助金を使って、UTMとウイルス対策ソフト、バックアップ用のNASを導入したいと考えております。あと、セキュリティ対策の製品も補助の対象になるのでしょうか。")
	if first.Outcome != dialog.Clarify || !slices.Contains(choiceLabels(first), kb.Topic("support-services").Label) {
		t.Fatalf("first message got %s %v; this test needs support services offered", first.Outcome, choiceLabels(first))
	}
	r := te.tap(t, "u1", choiceID(t, first, kb.Topic("support-services").Label))
	if programme := kb.Contact("it-donyu-hojokin").Name; !slices.Contains(contactNames(r), programme) {
		t.Errorf("support services after the question: cards %v, want %s", contactNames(r), programme)
	}
}

// A question told as a second matter after an answer (「ついでに聞きたいんだけど…」), which both
// readings put on another calm topic though unsure, offers that topic first (or answers it, where
// the rules name it: 何からセキュリティ対策) instead of the honest "no answer" of the matter
// answered; where the rules also name that topic by a word of its own
// (「それとは別件なんですが、…在宅勤務にしたくて」), it is answered, the change said in one line,
// not the first matter's desks again.
func TestSecondMatterAskedAfterAnAnswer(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	if r := te.say(t, "u1", "自分のアドレスから自分宛に「お前のPCをハッキングした、ビットコインで15万円払え」ってメールが来た。本当にハッキングされてる？"); r.Topic != "spam" {
		t.Fatalf("first message: topic %q; this test needs the spam answer", r.Topic)
	}
	r := te.say(t, "u1", "ついでに聞きたいんだけど、うちみたいな10人の製本所でまず何からセキュリティ対策すればいい？パスワードのルールとか全然ないんだよね")
	if labels := choiceLabels(r); !(r.Outcome == dialog.Answer && r.Topic == "prevention") && (r.Outcome != dialog.Clarify || len(labels) == 0 || labels[0] != kb.Topic("prevention").Label) {
		t.Errorf("the second matter: %s %v, want prevention answered or offered first:\n%s", r.Outcome, labels, r.PlainText())
	}

	if r := te.say(t, "u2", "会社のアドレスに「未払い料金があります」みたいなメールが毎日50通くらい来る。開いてはいない"); r.Topic != "spam" {
		t.Fatalf("first message: topic %q; this test needs the spam answer", r.Topic)
	}
	r = te.say(t, "u2", "了解です、ありがとうございます！フィルタ設定してみます。それとは別件なんですが、来月から事務2名を在宅勤務にしたくて、東京都で相談に乗ってくれるところとかありますか")
	changed := strings.ReplaceAll(kb.Message("topic_changed"), "{topic}", kb.Topic("telework").Title)
	if r.Outcome != dialog.Answer || r.Topic != "telework" || !strings.Contains(r.PlainText(), changed) {
		t.Errorf("the second matter named: %s %q, want telework answered with the change said:\n%s", r.Outcome, r.Topic, r.PlainText())
	}
}

// The review's cases: a buyer's follow-ups keep to the buyer's side; "what else" while topics are
// offered keeps them; a topic offered alone is not taken for a text about nothing of IT; a
// programme named at the start stays out of an unrelated answer later in the consultation.
func TestRoundReviewCases(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	company := kb.Contact("narisumashi-ec").Name
	te.say(t, "u1", "ネットの通販サイトで自分の服を買って、5万円振り込んだのに商品が届きません。サイトも消えてます")
	for _, then := range []string{"どこに相談すればいいですか", "どうすればいいですか"} {
		if r := te.say(t, "u1", then); slices.Contains(contactNames(r), company) || strings.Contains(r.PlainText(), "名前を使われた事業者は") {
			t.Errorf("the buyer's %q got the shop's side:\n%s", then, r.PlainText())
		}
	}

	first := te.say(t, "u2", "スマホに変な警告が出ました")
	if first.Outcome != dialog.Clarify {
		t.Fatalf("first message got %s; this test needs topics offered", first.Outcome)
	}
	if r := te.say(t, "u2", "ほかに何をすればいいですか"); !slices.Equal(choiceLabels(r), choiceLabels(first)) {
		t.Errorf("「ほかに何をすればいいですか」 while topics are offered: choices %v, want %v kept", choiceLabels(r), choiceLabels(first))
	}

	for i, then := range []string{"特にないです", "家のテレビが映らなくなりました"} {
		user := fmt.Sprintf("u3-%d", i)
		te.say(t, user, "うぃんどうず10 まだつかえますか")
		if r := te.say(t, user, then); r.Topic == "general-security" && r.Outcome == dialog.Answer {
			t.Errorf("%q while general security is offered alone got its answer", then)
		}
	}

	te.say(t, "u4", "IT導入補助金を使いたいです")
	r := te.say(t, "u4", "話は変わりますが、うちの店の名前を使った偽の通販サイトがあってお客さんから問い合わせが来ています")
	if programme := kb.Contact("it-donyu-hojokin").Name; r.Topic == "fake-ec-site" && slices.Contains(contactNames(r), programme) {
		t.Errorf("the fake shop's answer carries %s, named at the start of another matter: %v", programme, contactNames(r))
	}
}

// This round's tuning dialogs: hearsay about a desk asks for it; a matter both readings put first as
// the topic offered first outweighs another offered topic's option words; a fault asked about as
// a virus is still a fault; a fault's screen after its answer is more about the fault; a place to
// consult by phone is a desk, not a person.
func TestRoundTwentyCases(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()

	te.say(t, "u1", "私の出自について差別的な書き込みが、教室の名前と一緒にまとめサイトに転載されています")
	r := te.say(t, "u1", "自分でサイトに削除依頼を出しましたが無視されました。法務省が削除の要請をしてくれる制度があると聞いたんですが")
	if name := kb.Contact("moj-jinken").Name; !slices.Contains(contactNames(r), name) {
		t.Errorf("hearsay about the ministry's requests: contacts %v, want %s:\n%s", contactNames(r), name, r.PlainText())
	}

	if first := te.say(t, "u2", "M365で、営業の子のアカウントに「ナイジェリアからサインイン」って通知が来ました"); first.Outcome != dialog.Clarify {
		t.Fatalf("the sign-in notice got %s; this test needs topics offered", first.Outcome)
	}
	r = te.say(t, "u2", "確認したら受信メールを全部外部のGmailに転送するルールが仕掛けてありました。パスワード変更とMFA設定、ルール削除はしました。1週間前から転送されてたみたいです")
	if r.Topic != "unauthorized-access" {
		t.Errorf("a forwarding rule set by an intruder, the password changed: topic %q (outcome %v), want unauthorized-access", r.Topic, r.Outcome)
	}

	r = te.say(t, "u3", "コピー機から印刷できなくなりました。ウイルスでしょうか？明日のテストのプリントが刷れません")
	vendors := kb.Contact("it-vendors").Name
	if r.Topic != "device-trouble" || !slices.Contains(contactNames(r), vendors) {
		t.Fatalf("a copier asked about as a virus: topic %q, contacts %v; want device-trouble with %s", r.Topic, contactNames(r), vendors)
	}
	r = te.say(t, "u3", "パソコンからもコピーでもだめです。変なメールとかは開いてないです")
	if r.Topic != "device-trouble" || r.Outcome == dialog.Clarify {
		t.Errorf("more about the copier after its answer: topic %q (outcome %v, choices %v), want it kept in device-trouble", r.Topic, r.Outcome, choiceLabels(r))
	}
	r = te.say(t, "u3", "画面に「サービスコール E-204」と出ています")
	if fault := "機器やネットワークの障害は"; !strings.HasPrefix(r.PlainText(), fault) {
		t.Errorf("the copier's service call code: want the fault's answer (%s…):\n%s", fault, r.PlainText())
	}

	// romaji: a fact told while topics are offered is thanked for, and where to report gets the
	// desks of the topic offered first
	if first := te.say(t, "u5", `sumimasen. mise no mail ni eigo no hen na mail takusan kimasu. "your invoice" "payment failed" nado. 1nichi 30 kurai`); first.Outcome != dialog.Clarify {
		t.Fatalf("the romaji spam got %s; this test needs topics offered", first.Outcome)
	}
	if r := te.say(t, "u5", "akete nai desu. tenpu file mo link mo sawatte nai. tenchou wa pc yowai desu"); !strings.HasPrefix(r.PlainText(), kb.Message("question_again")) {
		t.Errorf("a fact told in romaji while topics are offered:\n%s\nwant the thanks and the choices (%s)", r.PlainText(), kb.Message("question_again"))
	}
	if r := te.say(t, "u5", "tenchou ni nan to iu? doko ni houkoku dekimasu ka"); !slices.Contains(contactNames(r), kb.Contact("dekyo-spam").Name) {
		t.Errorf("where to report, in romaji, while spam is offered first: contacts %v, want %s", contactNames(r), kb.Contact("dekyo-spam").Name)
	}

	// customers' data on the ransomed PC (お客さん, the seeds' 顧客): the leak's desk, not the LAN
	// cable again
	te.say(t, "u6", "たすけてください！店のパソコンに英語で身代金を払えって画面が出てファイルが開けない！どうしたらいいの")
	if r := te.say(t, "u6", "お客さんの名前と電話番号が入ってたパソコンなんだけど、お客さんに連絡しないといけないの？"); !slices.Contains(contactNames(r), kb.Contact("ppc").Name) {
		t.Errorf("customers' data on the ransomed PC: contacts %v, want %s:\n%s", contactNames(r), kb.Contact("ppc").Name, r.PlainText())
	}

	te.say(t, "u4", "娘の写真と家の住所が、ツイッターというのでしょうか、そこに出ていると近所の人から聞きました")
	r = te.say(t, "u4", "娘は店を手伝っております。悪いことは何もしておりません。電話で相談できるところはございますか")
	if r.Outcome == dialog.Escalate || !slices.Contains(contactNames(r), kb.Contact("jinken110").Name) {
		t.Errorf("a place to consult by phone: outcome %v, contacts %v; want the desks, with %s", r.Outcome, contactNames(r), kb.Contact("jinken110").Name)
	}
}

// A thumbs-up or folded hands after an answer acknowledge it, its choices kept; the same mark
// opening a conversation is read as nothing, as the labelled sets' authors read a stray emoji.
func TestMarksAfterAnAnswer(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	answer := te.say(t, "u1", "迷惑メールが毎日たくさん来ます")
	for _, mark := range []string{"👍", "🙏🙏", "🙇‍♂️"} {
		r := te.say(t, "u1", mark)
		if r.Outcome == dialog.Fallback || !slices.Equal(choiceLabels(r), choiceLabels(answer)) {
			t.Errorf("%s after an answer: outcome %v, choices %v; want it acknowledged, the answer's choices %v kept", mark, r.Outcome, choiceLabels(r), choiceLabels(answer))
		}
	}
	// while the topic's question waits: noted, the question kept, its desks not shown again
	asked := te.say(t, "u3", "プリンターから印刷できなくなりました")
	if len(asked.Choices) == 0 {
		t.Fatalf("the printer got no question; this test needs one waiting")
	}
	if r := te.say(t, "u3", "👍"); r.Outcome == dialog.Fallback || len(contactNames(r)) > 0 || !slices.Equal(choiceLabels(r), choiceLabels(asked)) {
		t.Errorf("👍 while a question waits: outcome %v, contacts %v, choices %v; want it noted, the choices %v kept", r.Outcome, contactNames(r), choiceLabels(r), choiceLabels(asked))
	}
	if r := te.say(t, "u2", "👍"); r.Outcome != dialog.Fallback {
		t.Errorf("👍 opening a conversation: outcome %v, want fallback", r.Outcome)
	}
}

// firstLine is the first line of text.
func firstLine(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return line
}

// Asked for a desk to call (「電話で話を聞いてもらえるところ」), the desks with a phone come first;
// asked for the desks in other words, they keep the topic's order.
func TestDesksToCallFirst(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	phone := func(name string) bool {
		for _, id := range kb.Topic("defamation").Contacts {
			if c := kb.Contact(id); c != nil && c.Name == name {
				return c.Phone != ""
			}
		}
		return false
	}
	first := te.say(t, "u1", "誹謗中傷の書き込みをされました。削除してほしい")
	if names := contactNames(first); len(names) == 0 || phone(names[0]) {
		t.Fatalf("the answer's cards %v: this test needs a desk without a phone first", names)
	}
	r := te.say(t, "u1", "電話で話を聞いてもらえるところはありますか")
	heading := strings.ReplaceAll(kb.Message("followup_contacts_by_phone"), "{topic}", kb.Topic("defamation").Title)
	if names := contactNames(r); len(names) == 0 || !phone(names[0]) || !strings.Contains(r.PlainText(), heading) {
		t.Errorf("asked for a desk to call: cards %v, want one with a phone first under %q:\n%s", names, heading, r.PlainText())
	}
	r = te.say(t, "u1", "電話では話しにくいので、ネットで相談できるところはありますか")
	if names, want := contactNames(r), contactNames(first); len(names) == 0 || names[0] != want[0] {
		t.Errorf("asked for desks not by phone: cards %v, want the answer's order %v", names, want)
	}
	r = te.say(t, "u1", "相談できるところはどこですか")
	if names, want := contactNames(r), contactNames(first); len(names) == 0 || names[0] != want[0] {
		t.Errorf("asked for the desks: cards %v, want the answer's order %v", names, want)
	}
}

// A thing named alone (「ういるす」) is asked about in plain words: what may have happened
// (menu.yaml's vague group labels), not the topics' labels (サポート詐欺, Emotet); a tap still
// picks the topic.
func TestBareWordAskedInPlainWords(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	kb := te.lib.Base()
	r := te.say(t, "u1", "ういるす")
	labels := choiceLabels(r)
	if r.Outcome != dialog.Clarify || len(labels) < 3 || labels[0] != "ウイルスに感染したかも" || slices.Contains(labels, kb.Topic("emotet").Label) {
		t.Fatalf("a bare 「ういるす」: %s %v; want plain words, ウイルスに感染したかも first", r.Outcome, labels)
	}
	if picked := te.tap(t, "u1", choiceID(t, r, "ウイルスに感染したかも")); picked.Topic != "malware" {
		t.Errorf("tapping ウイルスに感染したかも: topic %q, want malware", picked.Topic)
	}
}
