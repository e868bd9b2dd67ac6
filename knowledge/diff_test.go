package knowledge

import (
	"strings"
	"testing"
)

// TestCompareShowsFieldChanges: a reload's report says, for each changed entry, what changed in
// it: a value as it was and as it is, items added to or removed from a list.
func TestCompareShowsFieldChanges(t *testing.T) {
	old, err := Load(seedFolder(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	spam := replaceIn(t, "topics/spam.yaml", "title: 迷惑メール", "title: 迷惑メール・スパム")
	spam = strings.Replace(spam, "\nexamples:\n", "\nexamples:\n  - \"知らない人から英語のメールが毎日届く\"\n", 1)
	contacts := replaceIn(t, "contacts.yaml", "受け付けられません。", "受け付けていません。")
	next, err := Load(seedFolder(t, map[string]string{"topics/spam.yaml": spam, "contacts.yaml": contacts}))
	if err != nil {
		t.Fatal(err)
	}
	reportHas(t, Compare(old, next).Report(),
		"~ topic spam\n",
		"    examples: + 「知らない人から英語のメールが毎日届く」\n",
		"    title: 「迷惑メール」 → 「迷惑メール・スパム」\n",
		"    not_accepts: 「企業からの相談は受け付けられません。」 → 「企業からの相談は受け付けていません。」\n",
	)
}

// reportHas checks that report holds every line of want.
func reportHas(t *testing.T, report string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("Report() lacks %q:\n%s", w, report)
		}
	}
}

// TestCompareShowsIntakeChanges: a changed question of the 問診票, in Japanese or in English,
// is listed by its id with the field that changed, as a topic is.
func TestCompareShowsIntakeChanges(t *testing.T) {
	old, err := Load(seedFolder(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{
			name: "english_ask",
			old:  `ask: "Do you record network and system logs?"`, new: `ask: "Do you keep logs of your network and systems?"`,
			want: []string{"~ intake q12\n", "    en: ", `Do you keep logs of your network and systems?`, "~ file intake.yaml\n"},
		},
		{
			name: "english_option",
			old:  `- "Leak from inside"`, new: `- "Inside data leak"`,
			want: []string{"~ intake q4\n", "    en: ", `"Inside data leak"`},
		},
		{
			name: "japanese_label",
			old:  "label: 行った対処", new: "label: 行った対処の内容",
			want: []string{"~ intake q3\n    label: 「行った対処」 → 「行った対処の内容」\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, err := Load(seedFolder(t, map[string]string{"intake.yaml": replaceIn(t, "intake.yaml", tt.old, tt.new)}))
			if err != nil {
				t.Fatal(err)
			}
			d := Compare(old, next)
			reportHas(t, d.Report(), tt.want...)
			if len(d.Intake.Changed) != 1 || len(d.Intake.Added)+len(d.Intake.Removed) != 0 {
				t.Errorf("Intake = %+v, want one question changed", d.Intake)
			}
		})
	}
}

func TestReportAsNamesTheKinds(t *testing.T) {
	d := Diff{Topics: Change{Changed: []string{"spam"}, Fields: map[string][]FieldChange{"spam": {{Field: "title", Old: "「a」", New: "「b」"}}}},
		Files: Change{Added: []string{"consultations-2027.csv"}}}
	want := "~ トピック spam\n    title: 「a」 → 「b」\n+ ファイル consultations-2027.csv\n"
	if got := d.ReportAs(map[string]string{"topic": "トピック", "file": "ファイル"}); got != want {
		t.Errorf("ReportAs = %q, want %q", got, want)
	}
	if got := (Diff{}).ReportAs(map[string]string{"none": "変更はありません。"}); got != "変更はありません。\n" {
		t.Errorf("ReportAs of no change = %q", got)
	}
}

func TestFieldName(t *testing.T) {
	for goName, want := range map[string]string{"FirstAid": "first_aid", "Title": "title", "NotAccepts": "not_accepts", "URL": "url", "FAQ": "faq"} {
		if got := fieldName(goName); got != want {
			t.Errorf("fieldName(%q) = %q, want %q", goName, got, want)
		}
	}
}

// TestAroundShowsTheDifference: in a long text the diff shows where it starts to differ.
func TestAroundShowsTheDifference(t *testing.T) {
	long := strings.Repeat("あ", 100)
	got := around(long+"い", long+"う")
	if got != "…"+strings.Repeat("あ", 10)+"い" {
		t.Errorf("around = %q", got)
	}
}

// TestCompareShowsLabelledMessages: an admin's new labelled file shows its messages, a relabelled
// message shows as removed under its old label and added under its new one.
func TestCompareShowsLabelledMessages(t *testing.T) {
	old, err := Load(seedFolder(t, map[string]string{"labelled/admin.tsv": "admin\tspam\t知らない会社から請求のメールが毎日くる\n"}))
	if err != nil {
		t.Fatal(err)
	}
	next, err := Load(seedFolder(t, map[string]string{"labelled/admin.tsv": "admin\tphishing\t知らない会社から請求のメールが毎日くる\nadmin\tbec\t社長を名乗って急ぎの振込を頼むメール\n"}))
	if err != nil {
		t.Fatal(err)
	}
	reportHas(t, Compare(old, next).Report(),
		"+ labelled bec: 社長を名乗って急ぎの振込を頼むメール\n",
		"+ labelled phishing: 知らない会社から請求のメールが毎日くる\n",
		"- labelled spam: 知らない会社から請求のメールが毎日くる\n",
		"~ file labelled/admin.tsv\n",
	)
}
