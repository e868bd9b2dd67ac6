package knowledge

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/helpdesk-bot/helpdesk/seeds"
)

func TestLoadSeeds(t *testing.T) {
	// Load itself rejects missing topics, unreachable topics and urgent topics without first
	// aid (TestLoadReportsEveryProblem): what is left to check is that nothing was dropped.
	kb := loadSeeds(t)
	if got := len(kb.Cases()); got != 159 {
		t.Errorf("cases = %d, want the 159 records of the seed CSV", got)
	}
	if len(kb.Intake()) != 22 {
		t.Errorf("intake questions = %d, want 問1-問22", len(kb.Intake()))
	}
}

// TestSeedPhonesAreInSeeds checks "nothing invented": every phone number of the structured
// knowledge appears verbatim in a seed document.
func TestSeedPhonesAreInSeeds(t *testing.T) {
	kb := loadSeeds(t)
	var corpus strings.Builder
	for _, s := range kb.Sources() {
		b, err := fs.ReadFile(seeds.FS, s.File)
		if err != nil {
			t.Fatal(err)
		}
		corpus.Write(b)
	}
	text := strings.NewReplacer("－", "-", "‐", "-", " ", "").Replace(corpus.String())
	for _, c := range kb.Contacts() {
		if c.Phone != "" && !strings.Contains(text, c.Phone) {
			t.Errorf("contact %q: phone %s appears in no seed document", c.ID, c.Phone)
		}
		if c.URL != "" && !strings.Contains(text, strings.TrimSuffix(c.URL, "/")) {
			t.Errorf("contact %q: URL %s appears in no seed document", c.ID, c.URL)
		}
		if c.Email != "" && !strings.Contains(strings.ReplaceAll(text, "＠", "@"), c.Email) {
			t.Errorf("contact %q: e-mail %s appears in no seed document", c.ID, c.Email)
		}
	}
	for _, p := range kb.Programmes() {
		if p.Phone != "" && !strings.Contains(text, p.Phone) {
			t.Errorf("programme %q: phone %s appears in no seed document", p.ID, p.Phone)
		}
	}
}

// seedFolder returns the seed folder as a MapFS, with the files of change replaced (or removed,
// when the new content is empty).
func seedFolder(t testing.TB, change map[string]string) fstest.MapFS {
	t.Helper()
	m, err := seeds.Copy()
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range change {
		if content == "" {
			if _, ok := m[name]; !ok {
				t.Fatalf("seedFolder: no %s to leave out", name)
			}
			delete(m, name)
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return m
}

func replaceIn(t *testing.T, name, old, new string) string {
	t.Helper()
	b, err := fs.ReadFile(seeds.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	return strings.Replace(string(b), old, new, 1)
}

// lineOf returns the line of content on which s first occurs.
func lineOf(t *testing.T, content, s string) int {
	t.Helper()
	i := strings.Index(content, s)
	if i < 0 {
		t.Fatalf("%q not found", s)
	}
	return 1 + strings.Count(content[:i], "\n")
}

func TestLoadReportsEveryProblem(t *testing.T) {
	urgent := replaceIn(t, "topics/telecom.yaml", "urgent: false", "urgent: true")
	internal := replaceIn(t, "topics/device-trouble.yaml", "\ncontacts: [it-staff, it-vendors, ipa-anshin]", "\ncontacts: [it-staff, it-vendors]")
	faq := replaceIn(t, "topics/spam.yaml", `faq: ["64"]`, `faq: ["99999"]`)
	category := replaceIn(t, "topics/telecom.yaml", "contacts: [tca]", "contacts: [tca]\ncategories: [\"02.迷惑メール・スパムメール\"]")
	forward := replaceIn(t, "intake.yaml", "if: q12", "if: q20")
	longLabel := replaceIn(t, "intake.yaml", "label: 外部からの連絡", "label: 外部からの通報や連絡の有無と内容")
	noLabel := replaceIn(t, "intake.yaml", "    label: 過去の被害\n", "")
	detailFor := replaceIn(t, "intake.yaml", "detail_for: 守りたい情報資産の把握", "detail_for: 情報資産の把握")
	detailAfter := replaceIn(t, "intake.yaml", "    detail_for: その他\n", "")
	unsourced := replaceIn(t, "holidays.yaml", "source: 内閣府「国民の祝日について」\n", "")
	badClosure := replaceIn(t, "contacts.yaml", "\n  closures: [\"12-29..01-03\"]", "\n  closures:\n    - 12-29..01-03\n    - 12-29..1-3")
	noSchedule := replaceIn(t, "contacts.yaml", "  phone: 03-5978-7518\n", "  phone: 03-5978-7518\n  closures: [12-29..01-03]\n")
	ruleHoliday := replaceIn(t, "holidays.yaml", "days: []", "days:\n  - {date: 2027-03-22, name: 振替休日}\n  - {date: 2027-03-23, name: 特別な休日}\n  - {date: 2027-03-23, name: 特別な休日}")
	weekdays := replaceIn(t, "messages.yaml", "weekday_names: 日 月 火 水 木 金 土", "weekday_names: 日 月")
	csvHeader := "受理番号,相談種別ID,【相談内容分類：ガイドブックmission1に準拠して】,,件名,相談内容,相談備考,処置備考\n1,1,x,02.迷惑メール・スパムメール,s,b,r,n\n"
	unsureTopic := replaceIn(t, "understanding.yaml", "  topic: device-trouble\n", "  topic: device-troubles\n")
	merelyTopic := replaceIn(t, "understanding.yaml", "merely:\n  topic: device-trouble\n", "merely:\n  topic: device-fault\n")
	aftermathTopic := replaceIn(t, "understanding.yaml", "aftermath: [incident-report,", "aftermath: [incident-reports, ransomware, support-services,")
	outranksUrgent := replaceIn(t, "understanding.yaml", "    outranks: [general-security]\n", "    outranks: [general-security, ransomware, no-such-topic, prevention, general-security]\n")
	unknownFAQ := replaceIn(t, "faq.yaml", `- no: "43"`, `- no: "99999"`)
	// an option is picked by what happened, never by a device: a device id there would never fire
	optionDevice := replaceIn(t, "topics/bec.yaml", "        situations: [paid]\n", "        situations: [paid, phone]\n")
	shortIntent := replaceIn(t, "understanding.yaml", ", よぼうさく,", ", よぼう, よぼうさく,")
	deviceSituation := replaceIn(t, "understanding.yaml", "devices:\n  - id: phone\n", "devices:\n  - id: paid\n    words: [x]\n  - id: phone\n")
	tests := []struct {
		name   string
		change map[string]string
		want   []string // each must appear in one reported line
	}{
		{
			name:   "csv_missing_column",
			change: map[string]string{"consultations.csv": csvHeader},
			want:   []string{`consultations.csv:1: missing column "対応状況"`},
		},
		{
			name:   "csv_bad_quote",
			change: map[string]string{"consultations.csv": "受理番号,相談種別ID,相談内容分類,,件名,相談内容,対応状況\n1,1,x,y,\"unterminated,b,c\n"},
			want:   []string{`consultations.csv:2: extraneous or missing " in quoted-field`},
		},
		{
			name:   "labelled_unknown_topic",
			change: map[string]string{"labelled/admin.tsv": "# register<TAB>label<TAB>text\nadmin\tphishing\tカード番号を入れてしまった\nadmin\tphishng\tカード番号を入れた\nadmin\tphishing|nope\tx\n"},
			want:   []string{`labelled/admin.tsv:3: label "phishng": no topic "phishng"`, `labelled/admin.tsv:4: label "phishing|nope": no topic "nope"`},
		},
		{
			name:   "labelled_two_columns",
			change: map[string]string{"labelled/admin.tsv": "admin\tphishing カード番号を入れた\n"},
			want:   []string{`labelled/admin.tsv:1: want register<TAB>label<TAB>text`},
		},
		{
			name:   "unknown_contact",
			change: map[string]string{"topics/spam.yaml": replaceIn(t, "topics/spam.yaml", "contacts: [", "contacts: [no-such-desk, ")},
			want:   []string{`topics/spam.yaml:`, `unknown contact "no-such-desk"`},
		},
		{
			// a word that folds to two kana is found inside other words (トナー in 「気になることが」)
			name:   "short_kana_word",
			change: map[string]string{"topics/out-of-scope.yaml": replaceIn(t, "topics/out-of-scope.yaml", "  - トナー切れ\n", "  - トナー\n")},
			want:   []string{`topics/out-of-scope.yaml:`, `word "トナー" reads as "とな", two kana or fewer`},
		},
		{
			// an intent's word too (よぼう in 「ちょうぼ と めーる」, the accounts book)
			name:   "short_kana_intent_word",
			change: map[string]string{"understanding.yaml": shortIntent},
			want:   []string{fmt.Sprintf(`understanding.yaml:%d: intents: "prevention": word "よぼう" reads as "よぼ", two kana or fewer`, lineOf(t, shortIntent, ", よぼう,"))},
		},
		{
			name:   "malformed_yaml",
			change: map[string]string{"contacts.yaml": "- id: x\n  name: [unclosed\n"},
			want:   []string{"contacts.yaml:1: did not find expected"},
		},
		{
			name:   "malformed_phone_and_url",
			change: map[string]string{"contacts.yaml": replaceIn(t, "contacts.yaml", "phone: 03-6811-0610\n  url: https://www.jpcert.or.jp/", "phone: 03-5978-75O9\n  url: htp//jpcert")},
			want:   []string{`malformed phone "03-5978-75O9"`, `malformed URL "htp//jpcert"`},
		},
		{
			name:   "duplicate_id",
			change: map[string]string{"contacts.yaml": replaceIn(t, "contacts.yaml", "- id: ipa-todokede", "- id: ipa-anshin")},
			want:   []string{`contacts.yaml:`, `duplicate id "ipa-anshin"`},
		},
		{
			name:   "unknown_field",
			change: map[string]string{"topics/dos.yaml": replaceIn(t, "topics/dos.yaml", "contacts:", "contact: [jpcert]\ncontacts:")},
			want:   []string{`topics/dos.yaml:`, `unknown field "contact"`},
		},
		{
			name:   "missing_topic_and_file",
			change: map[string]string{"topics/legal.yaml": "", "messages.yaml": ""},
			want:   []string{`topic "legal" of the topic contract is missing`, "messages.yaml: file is missing"},
		},
		{
			name:   "label_too_long",
			change: map[string]string{"topics/dos.yaml": replaceIn(t, "topics/dos.yaml", "label: ", "label: とても長いラベルでボタンに入りきらない文字数です")},
			want:   []string{"topics/dos.yaml:", "at most 20 fit a button"},
		},
		{
			name:   "not_a_topic_mapping",
			change: map[string]string{"topics/telecom.yaml": "- just\n- a list\n"},
			want:   []string{"topics/telecom.yaml:1: expected one topic"},
		},
		{
			name:   "urgent_without_first_aid",
			change: map[string]string{"topics/telecom.yaml": urgent},
			want:   []string{fmt.Sprintf(`topics/telecom.yaml:%d: urgent topic "telecom" has no first_aid`, lineOf(t, urgent, "urgent: true"))},
		},
		{
			name:   "only_internal_contacts",
			change: map[string]string{"topics/device-trouble.yaml": internal},
			want: []string{fmt.Sprintf(`topics/device-trouble.yaml:%d: topic "device-trouble" has no contact with a phone or a URL`,
				lineOf(t, internal, "\ncontacts: [it-staff")+1)},
		},
		{
			name:   "unknown_faq",
			change: map[string]string{"topics/spam.yaml": faq},
			want:   []string{fmt.Sprintf(`topics/spam.yaml:%d: faq: no consultation with 受理番号 "99999"`, lineOf(t, faq, "faq:"))},
		},
		{
			name:   "category_claimed_twice",
			change: map[string]string{"topics/telecom.yaml": category},
			want: []string{fmt.Sprintf(`topics/telecom.yaml:%d: category "02.迷惑メール・スパムメール" is already claimed by topic "spam"`,
				lineOf(t, category, "categories:"))},
		},
		{
			name:   "intake_if_forward",
			change: map[string]string{"intake.yaml": forward},
			want:   []string{fmt.Sprintf(`intake.yaml:%d: if: "q20" must name an earlier question`, lineOf(t, forward, "if: q20"))},
		},
		{
			name:   "intake_label_too_long",
			change: map[string]string{"intake.yaml": longLabel},
			want: []string{fmt.Sprintf(`intake.yaml:%d: label "外部からの通報や連絡の有無と内容" has 16 characters; at most 12`,
				lineOf(t, longLabel, "label: 外部からの通報"))},
		},
		{
			name:   "intake_label_missing",
			change: map[string]string{"intake.yaml": noLabel},
			want:   []string{fmt.Sprintf(`intake.yaml:%d: question "q2" has no label:`, lineOf(t, noLabel, "- id: q2"))},
		},
		{
			name:   "intake_detail_for_not_an_option",
			change: map[string]string{"intake.yaml": detailFor},
			want:   []string{fmt.Sprintf(`intake.yaml:%d: detail_for: "情報資産の把握" is not one of the options`, lineOf(t, detailFor, "detail_for: 情報資産の把握"))},
		},
		{
			name:   "intake_choice_detail_without_option",
			change: map[string]string{"intake.yaml": detailAfter},
			want: []string{fmt.Sprintf(`intake.yaml:%d: detail: a multi question needs detail_for:`,
				lineOf(t, detailAfter, "detail: その他の不安の内容"))},
		},
		{
			name:   "contact_bad_closure",
			change: map[string]string{"contacts.yaml": badClosure},
			want:   []string{fmt.Sprintf(`contacts.yaml:%d: closure "12-29..1-3": "1-3" is not a day MM-DD`, lineOf(t, badClosure, "- 12-29..1-3"))},
		},
		{
			name:   "contact_closures_without_schedule",
			change: map[string]string{"contacts.yaml": noSchedule},
			want:   []string{fmt.Sprintf(`contacts.yaml:%d: contact "ipa-todokede": closures without a schedule`, lineOf(t, noSchedule, "closures: [12-29..01-03]"))},
		},
		{
			name:   "holidays_known_by_rule",
			change: map[string]string{"holidays.yaml": ruleHoliday},
			want: []string{
				fmt.Sprintf(`holidays.yaml:%d: 2027-03-22 is already a holiday by the rules (Substitute Holiday)`, lineOf(t, ruleHoliday, "2027-03-22")),
				fmt.Sprintf(`holidays.yaml:%d: duplicate date 2027-03-23`, 1+lineOf(t, ruleHoliday, "2027-03-23")),
			},
		},
		{
			name:   "messages_weekday_names",
			change: map[string]string{"messages.yaml": weekdays},
			want:   []string{fmt.Sprintf(`messages.yaml:%d: weekday_names: want 7 names`, lineOf(t, weekdays, "weekday_names:"))},
		},
		{
			name: "menu_without_english",
			change: map[string]string{"menu.yaml": replaceIn(t, "menu.yaml",
				"    en:\n      label: \"Prevention\"\n      prompt: \"Which part of prevention would you like to know about?\"\n", "")},
			want: []string{`menu.yaml:`, `menu entry "prevention" has no en: label`, `menu entry "prevention" has a prompt: but no en: prompt`},
		},
		{
			name: "vague_labels_for_another_topic",
			change: map[string]string{"menu.yaml": replaceIn(t, "menu.yaml",
				"      malware: ウイルスに感染したかも\n", "      ransomware: ウイルスに感染したかも\n")},
			want: []string{`menu.yaml:`, `vague group labels: "ransomware" is not one of the group's topics`},
		},
		{
			name: "vague_generic_and_alone",
			change: map[string]string{"menu.yaml": replaceIn(t, "menu.yaml",
				"    topics: [malware, support-scam, emotet]\n    alone: true\n", "    topics: [malware, support-scam, emotet]\n    alone: true\n    generic: true\n")},
			want: []string{`menu.yaml:`, `a vague group alone is asked about only as the whole message: generic: true says nothing more`},
		},
		{
			name: "vague_label_too_long",
			change: map[string]string{"menu.yaml": replaceIn(t, "menu.yaml",
				"      emotet: メールの添付を開いた\n", "      emotet: 取引先を名乗るメールの添付ファイルを開いてマクロを有効にした\n")},
			want: []string{`menu.yaml:`, `at most 20 fit a button`},
		},
		{
			name:   "understanding_unsure_topic_unknown",
			change: map[string]string{"understanding.yaml": unsureTopic},
			want:   []string{fmt.Sprintf(`understanding.yaml:%d: unsure: unknown topic "device-troubles"`, lineOf(t, unsureTopic, "unsure:"))},
		},
		{
			name:   "option_situation_is_a_device",
			change: map[string]string{"topics/bec.yaml": optionDevice},
			want:   []string{fmt.Sprintf(`topics/bec.yaml:%d: unknown situation "phone"`, lineOf(t, optionDevice, "      - id: paid"))},
		},
		{
			name:   "device_named_as_a_situation",
			change: map[string]string{"understanding.yaml": deviceSituation},
			want:   []string{fmt.Sprintf(`understanding.yaml:%d: devices: "paid" is also a situation`, lineOf(t, deviceSituation, "devices:"))},
		},
		{
			name:   "understanding_merely_topic_unknown",
			change: map[string]string{"understanding.yaml": merelyTopic},
			want:   []string{fmt.Sprintf(`understanding.yaml:%d: merely: unknown topic "device-fault"`, lineOf(t, merelyTopic, "merely:"))},
		},
		{
			name:   "understanding_aftermath_topic_unknown",
			change: map[string]string{"understanding.yaml": aftermathTopic},
			want: []string{
				fmt.Sprintf(`understanding.yaml:%d: aftermath: unknown topic "incident-reports"`, lineOf(t, aftermathTopic, "aftermath:")),
				fmt.Sprintf(`understanding.yaml:%d: aftermath: "ransomware" is urgent`, lineOf(t, aftermathTopic, "aftermath:")),
				fmt.Sprintf(`understanding.yaml:%d: aftermath: "support-services" is listed twice`, lineOf(t, aftermathTopic, "aftermath:")),
			},
		},
		{
			name:   "understanding_outranks_urgent_or_unknown",
			change: map[string]string{"understanding.yaml": outranksUrgent},
			want: []string{
				fmt.Sprintf(`understanding.yaml:%d: intents: outranks: "ransomware" is urgent`, lineOf(t, outranksUrgent, "  - id: rules")),
				fmt.Sprintf(`understanding.yaml:%d: intents: outranks: unknown topic "no-such-topic"`, lineOf(t, outranksUrgent, "  - id: rules")),
				fmt.Sprintf(`understanding.yaml:%d: intents: outranks: "prevention" is the intent's own topic`, lineOf(t, outranksUrgent, "  - id: rules")),
				fmt.Sprintf(`understanding.yaml:%d: intents: outranks: "general-security" is listed twice`, lineOf(t, outranksUrgent, "  - id: rules")),
			},
		},
		{
			name:   "alerts_as_a_list",
			change: map[string]string{"alerts.yaml": "- id: a\n  title: t\n  date: 2022-03-04\n  topics: [emotet]\n  source: faq\n"},
			want:   []string{"alerts.yaml:1: expected current_for_days: and alerts:"},
		},
		{
			name:   "alerts_without_current_for_days",
			change: map[string]string{"alerts.yaml": replaceIn(t, "alerts.yaml", "current_for_days: 365\n", "")},
			want:   []string{"alerts.yaml:", "current_for_days: want a number of days above 0"},
		},
		{
			name:   "same_org_twice_without_when",
			change: map[string]string{"topics/dos.yaml": replaceIn(t, "topics/dos.yaml", "contacts: [jpcert-incident,", "contacts: [jpcert-incident, jpcert,")},
			want:   []string{"topics/dos.yaml:", `contacts "jpcert-incident" and "jpcert" are both of 一般社団法人JPCERTコーディネーションセンター: give each a when: line`},
		},
		{
			name:   "consumers_only_in_company_option",
			change: map[string]string{"topics/support-scam.yaml": replaceIn(t, "topics/support-scam.yaml", "contacts: [police-cyber, police-station]", "contacts: [shohisha-hotline, police-cyber, police-station]")},
			want:   []string{"topics/support-scam.yaml:", `option "paid-company": contact "shohisha-hotline" takes no companies (consumers_only)`},
		},
		{
			name:   "alone_without_contacts",
			change: map[string]string{"topics/fake-ec-site.yaml": replaceIn(t, "topics/fake-ec-site.yaml", "        alone: true\n        contacts: [police-cyber, police-station, shohisha-hotline]\n", "        alone: true\n")},
			want:   []string{"topics/fake-ec-site.yaml:", `option "buyer" is alone: it needs an answer: and contacts: of its own`},
		},
		{
			name:   "alone_moving_to_another_topic",
			change: map[string]string{"topics/fake-ec-site.yaml": replaceIn(t, "topics/fake-ec-site.yaml", "        topic: online-shopping\n", "        topic: online-shopping\n        alone: true\n")},
			want:   []string{"topics/fake-ec-site.yaml:", `option "real-shop" is alone and moves to topic "online-shopping"`},
		},
		{
			name:   "situation_on_unknown_device",
			change: map[string]string{"topics/support-scam.yaml": replaceIn(t, "topics/support-scam.yaml", "    called@phone:", "    called@tablet:")},
			want:   []string{"topics/support-scam.yaml:", `unknown situation or device "called@tablet"`},
		},
		{
			name:   "tokyo_only_without_outside_desk",
			change: map[string]string{"contacts.yaml": replaceIn(t, "contacts.yaml", "  tokyo_only: true\n  outside_tokyo: police-prefectural\n", "  tokyo_only: true\n")},
			want:   []string{"contacts.yaml:", `contact "police-cyber" is tokyo_only and names no outside_tokyo desk`},
		},
		{
			name:   "outside_tokyo_unknown",
			change: map[string]string{"contacts.yaml": replaceIn(t, "contacts.yaml", "  outside_tokyo: police-prefectural\n  org: 警視庁\n  url: https://www.keishicho.metro.tokyo.lg.jp/about_mpd/", "  outside_tokyo: police-kenkei\n  org: 警視庁\n  url: https://www.keishicho.metro.tokyo.lg.jp/about_mpd/")},
			want:   []string{"contacts.yaml:", `contact "police-safety": outside_tokyo "police-kenkei" is not a contact`},
		},
		{
			name:   "outside_tokyo_itself_tokyo_only",
			change: map[string]string{"contacts.yaml": replaceIn(t, "contacts.yaml", "  outside_tokyo: police-prefectural\n  org: 警視庁\n  url: https://www.keishicho.metro.tokyo.lg.jp/kurashi/cyber/security", "  outside_tokyo: police-cyber\n  org: 警視庁\n  url: https://www.keishicho.metro.tokyo.lg.jp/kurashi/cyber/security")},
			want:   []string{"contacts.yaml:", `contact "police-phishing110": outside_tokyo "police-cyber" is itself for Tokyo only`},
		},
		{
			name:   "programme_alias_of_a_contact",
			change: map[string]string{"programmes.yaml": replaceIn(t, "programmes.yaml", "aliases: [お助け隊]", "aliases: [お助け隊, IPA]")},
			want:   []string{"programmes.yaml:", `alias "IPA" of "otasuketai" is already an alias of "ipa-anshin"`},
		},
		{
			name: "two_ruled_out_options",
			change: map[string]string{"topics/device-trouble.yaml": replaceIn(t, "topics/device-trouble.yaml",
				"        label: セキュリティか分からない\n", "        label: セキュリティか分からない\n        ruled_out: true\n")},
			want: []string{"topics/device-trouble.yaml:", `option "unsure": a second option marked ruled_out in question "cause"`},
		},
		{
			name:   "consumers_only_without_personal_option",
			change: map[string]string{"topics/out-of-scope.yaml": replaceIn(t, "topics/out-of-scope.yaml", "contacts: [houterasu, police-station, police-safety]", "contacts: [houterasu, police-station, police-safety, shohisha-hotline]")},
			want:   []string{"topics/out-of-scope.yaml:", `contact "shohisha-hotline" takes no companies (consumers_only) and no option of topic "out-of-scope" is personal: true`},
		},
		{
			name:   "faq_text_for_unknown_consultation",
			change: map[string]string{"faq.yaml": unknownFAQ},
			want: []string{
				fmt.Sprintf(`faq.yaml:%d: 受理番号 "99999" is not in the consultation CSV`, lineOf(t, unknownFAQ, `- no: "99999"`)),
				`topics/malware.yaml:`, `faq: 受理番号 "43" has no edited text in faq.yaml`,
			},
		},
		{
			name:   "faq_text_from_another_file",
			change: map[string]string{"faq.yaml": replaceIn(t, "faq.yaml", "source: consultations.csv", "source: consultations-2025.csv")},
			want:   []string{`faq.yaml:`, `受理番号 "14": source: "consultations-2025.csv", but the row is in consultations.csv`},
		},
		{
			name:   "holidays_without_source",
			change: map[string]string{"holidays.yaml": unsourced},
			want:   []string{fmt.Sprintf(`holidays.yaml:%d: no source:`, lineOf(t, unsourced, "days:"))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb, err := Load(seedFolder(t, tt.change))
			if err == nil || kb != nil {
				t.Fatalf("Load = %v, %v; want an error", kb, err)
			}
			var problems Problems
			if !errors.As(err, &problems) {
				t.Fatalf("error %T is not Problems: %v", err, err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("problems do not mention %q:\n%v", want, err)
				}
			}
			for _, p := range problems {
				if p.File == "" {
					t.Errorf("problem without a file: %v", p)
				}
			}
		})
	}
}

// unreadable wraps a folder so that one file cannot be read, as with wrong permissions.
type unreadable struct {
	fs.FS
	name string
}

func (u unreadable) Open(name string) (fs.File, error) {
	if name == u.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return u.FS.Open(name)
}

func TestLoadUnreadableFile(t *testing.T) {
	_, err := Load(unreadable{seedFolder(t, nil), "intake.yaml"})
	if err == nil || !strings.Contains(err.Error(), "intake.yaml: cannot read: open intake.yaml: permission denied") {
		t.Fatalf("Load with an unreadable file = %v", err)
	}
}

func TestLibraryKeepsOldBaseOnFailedReload(t *testing.T) {
	broken := false
	lib, err := NewLibrary(func() (*Base, error) {
		if broken {
			return Load(seedFolder(t, map[string]string{"contacts.yaml": "- id: [\n"}))
		}
		return Load(seeds.FS)
	})
	if err != nil {
		t.Fatal(err)
	}
	before := lib.Base()
	broken = true
	if _, prev, err := lib.Reload(); err == nil || prev != before {
		t.Fatalf("Reload of a broken folder = %v, prev %p; want an error and the old base", err, prev)
	}
	if lib.Base() != before {
		t.Fatal("a failed reload replaced the base")
	}
	broken = false
	next, prev, err := lib.Reload()
	if err != nil || prev != before || lib.Base() != next || next == before {
		t.Fatalf("Reload = %p, %p, %v; want a new base swapped in", next, prev, err)
	}
}

// TestConsultationHeaderIsTheExports: what `cases export` writes starts like the seed export.
func TestConsultationHeaderIsTheExports(t *testing.T) {
	b, err := fs.ReadFile(seeds.FS, "consultations.csv")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if got := strings.Join(ConsultationHeader, ","); got != strings.TrimRight(first, "\r") {
		t.Errorf("ConsultationHeader = %q\nthe seed export's = %q", got, first)
	}
}

func TestAlertCurrentFor(t *testing.T) {
	kb := loadSeeds(t)
	a := kb.Alerts("emotet")[0] // 2022-03-04, current for 365 days
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{a.Date, true},
		{a.Date.AddDate(0, 0, 365), true},
		{a.Date.AddDate(0, 0, 366), false},
		{time.Date(2026, 12, 5, 0, 0, 0, 0, Tokyo), false},
	} {
		if got := kb.Current(a, tt.now); got != tt.want {
			t.Errorf("Current(%s, %s) = %v, want %v", a.ID, tt.now.Format(time.DateOnly), got, tt.want)
		}
	}
}

// TestUrgentAnswersHoldNoBlame checks the tone of the seeds: an urgent topic tells a person in
// an incident what to do now, and leaves "you should have trained your staff" to the prevention
// topic; a first-aid why reads as a sentence of its own, not as the tail 「…ためです。」 of one.
func TestUrgentAnswersHoldNoBlame(t *testing.T) {
	kb := loadSeeds(t)
	blame := []string{"教育を徹底", "意識付けし", "いちばんの備え", "開かないようにしましょう"}
	for _, tp := range kb.Topics() {
		if tp.FirstAid != nil && strings.HasSuffix(tp.FirstAid.Why, "ためです。") {
			t.Errorf("topic %q: first_aid why ends in 「ためです。」 with nothing before it to explain: %s", tp.ID, tp.FirstAid.Why)
		}
		if !tp.Urgent {
			continue
		}
		texts := []string{tp.Answer}
		for _, q := range tp.Questions {
			for _, o := range q.Options {
				texts = append(texts, o.Answer)
			}
		}
		for _, text := range texts {
			for _, b := range blame {
				if strings.Contains(text, b) {
					t.Errorf("urgent topic %q gives prevention advice (%q) to a person in an incident", tp.ID, b)
				}
			}
		}
	}
	if p := kb.Topic("prevention"); p == nil || !strings.Contains(p.Answer, "従業員への教育") {
		t.Error("the prevention topic lost the advice moved out of the urgent topics")
	}
}

// A labelled file is read line by line whatever its line endings and whether its last line ends:
// each message keeps its own line number and no carriage return.
func TestLabelledLines(t *testing.T) {
	kb, err := Load(seedFolder(t, map[string]string{"labelled/admin.tsv": "# register\tlabel\ttext\r\nadmin\tphishing\tカード番号を入れてしまった\r\n\r\nadmin\tspam\t知らない会社から請求のメールが毎日くる"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range kb.labelled {
		if m.File == "labelled/admin.tsv" {
			got = append(got, fmt.Sprintf("%d %s %s %q", m.Line, m.Register, m.Label, m.Text))
		}
	}
	want := []string{`2 admin phishing "カード番号を入れてしまった"`, `4 admin spam "知らない会社から請求のメールが毎日くる"`}
	if !slices.Equal(got, want) {
		t.Errorf("admin.tsv read as %q, want %q", got, want)
	}
}

// TestOptionalFollowupsMayBeMissing: a knowledge folder copied before the optional follow-ups
// existed (no "more", "inside" or "demand" list, no social "ping") still loads, reading those
// words as before; the follow-ups it must define are still
// required, and the inside follow-up needs the words of the lines that answer it, which no other
// list may have.
func TestOptionalFollowupsMayBeMissing(t *testing.T) {
	b, err := fs.ReadFile(seeds.FS, "understanding.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cut := func(text, from, to string) string {
		start, end := strings.Index(text, from), strings.Index(text, to)
		if start < 0 || end < start {
			t.Fatalf("understanding.yaml has no %q before %q", from, to)
		}
		return text[:start] + text[end:]
	}
	without := cut(string(b), "  - id: more\n", "  - id: demand\n")
	without = cut(without, "  - id: inside\n", "  - id: question\n")
	without = cut(without, "  - id: demand\n", "  - id: steps\n")
	without = cut(without, "  - id: ping\n", "\n# Questions asked inside a topic")
	without = regexp.MustCompile(`(?m)^(elsewhere|nothing_here|not_hedges|when|this_one|aftermath|not_wishes): .*\n`).ReplaceAllString(without, "")
	without = regexp.MustCompile(`(?m)^    outranks: .*\n`).ReplaceAllString(without, "")
	kb, err := Load(seedFolder(t, map[string]string{"understanding.yaml": without}))
	if err != nil {
		t.Fatalf("Load without the optional lists: %v", err)
	}
	for text, id := range map[string]string{"ほかに何をすればいいですか": MoreFollowup, "上司に報告したほうがいいですか": InsideFollowup, "また かってきて と いわれてる": DemandFollowup} {
		if got := kb.Search(text).Followup; got == id {
			t.Errorf("without the list, Followup of %q = %q", text, got)
		}
	}
	if got := kb.Search("届いてますか？").Social; got == pingSocial {
		t.Errorf("without the ping list, Social of 「届いてますか？」 = %q", got)
	}
	// each optional list reads its text one way with the list and the other without it
	seeded := loadSeeds(t)
	for _, tt := range []struct {
		list, text string
		read       func(Result) bool
	}{
		{"elsewhere", "同業者が偽の警告画面に騙されて電話したそうです。うちはまだ何もないんですが、東京都の補助金とか使えるものありますか", func(r Result) bool { return r.Why.Intent != "" }},
		{"nothing_here", "取引先がウイルスにやられたそうです。今のところ何も起きていませんが、東京都の補助金とか使えるものありますか", func(r Result) bool { return r.Why.Intent != "" }},
		{"not_hedges", "補助金で何とかならない?", func(r Result) bool { return !r.Why.Hedged }},
		{"when", "今日の朝礼でフィッシング詐欺の話をしました", func(r Result) bool { return r.Why.Now }},
		{"this_one", "取引先から「御社から怪しいメールが届いた」と3社から連絡。Wi-Fiのパスワードも変えたいんだけどまずはこっち", func(r Result) bool { return r.Why.pointedBack }},
		{"not_wishes", "画面に出たいくつかの警告を消しました", func(r Result) bool { return r.Why.Now }},
		{"aftermath", "ランサムにやられて、復旧を頼める業者を探してる", func(r Result) bool { return r.Top() != nil && r.Top().ID == "ransomware" }},
		{"outranks", "パスワードポリシーを決めたいです。何文字以上が今の推奨ですか", func(r Result) bool { return !r.Confident }},
	} {
		if !tt.read(seeded.Search(tt.text)) {
			t.Errorf("with the %s list, %q is not read as the list reads it", tt.list, tt.text)
		}
		if tt.read(kb.Search(tt.text)) {
			t.Errorf("without the %s list, %q is still read as the list reads it", tt.list, tt.text)
		}
	}
	if got := loadSeeds(t).Search("上司に報告したほうがいいですか").Followup; got != InsideFollowup {
		t.Errorf("with the list, Followup = %q, want %q", got, InsideFollowup)
	}
	inside := strings.Index(string(b), "  - id: inside\n")
	noLines := string(b[:inside]) + regexp.MustCompile(`(?m)^    lines: .*\n`).ReplaceAllString(string(b[inside:]), "")
	if _, err := Load(seedFolder(t, map[string]string{"understanding.yaml": noLines})); err == nil || !strings.Contains(err.Error(), `"inside" needs lines:`) {
		t.Errorf("Load with the inside list without lines: %v, want it reported", err)
	}
	linesElsewhere := strings.Replace(string(b), "  - id: contacts\n", "  - id: contacts\n    lines: [上司]\n", 1)
	if _, err := Load(seedFolder(t, map[string]string{"understanding.yaml": linesElsewhere})); err == nil || !strings.Contains(err.Error(), `"contacts": lines: is only for the prepare, inside and demand follow-ups`) {
		t.Errorf("Load with lines on the contacts list: %v, want it reported", err)
	}
	noSteps := strings.Replace(string(b), "  - id: steps\n", "  - id: stepz\n", 1)
	if _, err := Load(seedFolder(t, map[string]string{"understanding.yaml": noSteps})); err == nil || !strings.Contains(err.Error(), `"steps" is missing`) {
		t.Errorf("Load without the steps list: %v, want steps reported missing", err)
	}
}

// TestFollowupLinesFindSteps: the lines: words of the inside and demand follow-ups find a line of
// some topic's first aid, in Japanese and in English; a word mistyped in all of them would turn
// the follow-up into the honest "no answer" everywhere.
func TestFollowupLinesFindSteps(t *testing.T) {
	kb := loadSeeds(t)
	for _, id := range []string{InsideFollowup, DemandFollowup} {
		words := kb.Understanding().FollowupLines(id)
		var ja, en []string
		for _, tp := range kb.Topics() {
			if fa := tp.FirstAid; fa != nil {
				ja = append(append(append(ja, fa.Now), fa.Next...), fa.Steps...)
			}
			if tp.EN != nil {
				en = append(append(en, tp.EN.Now), tp.EN.Next...)
			}
		}
		for lang, lines := range map[string][]string{"Japanese": ja, "English": en} {
			found := slices.ContainsFunc(lines, func(l string) bool {
				return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(kb.Fold(l), kb.Fold(w)) })
			})
			if !found {
				t.Errorf("%s follow-up: none of its lines: %q is in a %s first-aid line", id, words, lang)
			}
		}
	}
}

// TestOursMayBeMissing: menu.yaml's ours list is optional; without it a word for someone else's
// staff asks for nobody here, as before the list.
func TestOursMayBeMissing(t *testing.T) {
	b, err := fs.ReadFile(seeds.FS, "menu.yaml")
	if err != nil {
		t.Fatal(err)
	}
	without := regexp.MustCompile(`(?m)^    ours: .*\n`).ReplaceAllString(string(b), "")
	if without == string(b) {
		t.Fatal("menu.yaml has no ours list")
	}
	kb, err := Load(seedFolder(t, map[string]string{"menu.yaml": without}))
	if err != nil {
		t.Fatalf("Load without ours: %v", err)
	}
	if kb.Search("そちらのIT担当の方を呼んでください").Escalate {
		t.Error("without ours, 「そちらのIT担当の方を呼んでください」 is handed over")
	}
}
