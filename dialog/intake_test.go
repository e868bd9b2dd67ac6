package dialog_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// play sends the steps of one user in order: "[label]" taps the choice with that label (the
// greeting menu's, for a first step), anything else is typed. It returns the last reply.
func (te *testEngine) play(t *testing.T, user string, steps []string) dialog.Reply {
	t.Helper()
	r, err := te.Respond(context.Background(), dialog.Message{Channel: "test", UserID: user, Event: dialog.EventMenu})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if label, ok := strings.CutPrefix(s, "["); ok && strings.HasSuffix(label, "]") {
			r = te.tap(t, user, choiceID(t, r, strings.TrimSuffix(label, "]")))
			continue
		}
		r = te.say(t, user, s)
	}
	return r
}

// summaryItems returns the lines of the reply's summary block, or nil when it has none.
func summaryItems(r dialog.Reply) []string {
	for _, b := range r.Blocks {
		if b.Kind == dialog.SummaryBlock {
			return b.Items
		}
	}
	return nil
}

// The head of every summary of the consultation below: when, the topic and the first message.
var summaryHead = []string{"日時：11月24日（火）10:30", "相談の種類：ランサムウェア感染", "最初のご相談：ランサムウェアに感染したかも"}

func TestIntakeSummary(t *testing.T) {
	start := []string{"ランサムウェアに感染したかも", "[状況を整理する]"}
	// the short form: 問1, 問3, 問4, 問5, 問10, 問18
	tests := []struct {
		name  string
		steps []string // after start, up to the summary
		want  []string // after summaryHead
	}{
		{
			name:  "only_answered_questions_by_label",
			steps: []string{"[スキップ]", "[いいえ]", "[スキップ]", "[スキップ]", "[スキップ]", "[いいえ]"},
			want:  []string{"行った対処：いいえ", "どこかへの報告：いいえ"},
		},
		{
			name:  "all_skipped",
			steps: []string{"[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]"},
		},
		{
			name:  "yes_with_details",
			steps: []string{"[はい]", "取引先から連絡がありました", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]"},
			want:  []string{"外部からの連絡：はい（取引先から連絡がありました）"},
		},
		{
			// a person leaving the form with thanks where a button was expected gets the summary
			// of what they answered
			name:  "thanks_leaves_the_form",
			steps: []string{"[はい]", "[スキップ]", "ありがとう。とりあえず月曜に電話します"},
			want:  []string{"外部からの連絡：はい"},
		},
		{
			// the question answered again, typed, where its details were asked
			name:  "no_typed_for_details",
			steps: []string{"[はい]", "いいえ", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]"},
			want:  []string{"外部からの連絡：いいえ"},
		},
		{
			name:  "yes_with_skipped_details",
			steps: []string{"[はい]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[わからない]", "[はい]", "[スキップ]"},
			want:  []string{"外部からの連絡：はい", "始まった頃の出来事：わからない", "どこかへの報告：はい"},
		},
		{
			name: "other_asks_for_details",
			steps: []string{"[スキップ]", "[スキップ]", "[パソコンがウイルスに感染している]", "[その他]", "[選び終わった]",
				"取引先を名乗る不審なメール", "[スキップ]", "[スキップ]", "[スキップ]"},
			want: []string{"不安なこと：パソコンがウイルスに感染している、その他（取引先を名乗る不審なメール）"},
		},
		{
			name:  "other_details_typed_before_done",
			steps: []string{"[スキップ]", "[スキップ]", "[その他]", "取引先を名乗る不審なメール", "[スキップ]", "[スキップ]", "[スキップ]"},
			want:  []string{"不安なこと：その他（取引先を名乗る不審なメール）"},
		},
		{
			name:  "other_with_skipped_details",
			steps: []string{"[スキップ]", "[スキップ]", "[その他]", "[選び終わった]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]"},
			want:  []string{"不安なこと：その他"},
		},
		{
			name:  "typed_answer",
			steps: []string{"[スキップ]", "[スキップ]", "[スキップ]", "朝から共有フォルダが開けません", "[スキップ]", "[スキップ]"},
			want:  []string{"きっかけ・経緯：朝から共有フォルダが開けません"},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			te := newTestEngine(t, dialog.Policy{})
			r := te.play(t, fmt.Sprint("u", i), append(append([]string(nil), start...), tt.steps...))
			got := summaryItems(r)
			want := append(append([]string(nil), summaryHead...), tt.want...)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after %q the summary is\n%s\nwant\n%s", tt.steps, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			choiceID(t, r, "詳しい問診票に進む")
		})
	}
}

// fullForm answers every question of the short and the full form, with details wherever the
// form asks for them.
var fullForm = []string{
	"ランサムウェアに感染したかも", "[状況を整理する]",
	"[はい]", "取引先から、うちのサーバからウイルス付きのメールが届いたと電話があった",
	"[はい]", "LANケーブルを抜いて、社長に報告した",
	"[パソコンがウイルスに感染している]", "[内部から情報が漏えいしている]", "[その他]", "[選び終わった]", "取引先に迷惑がかかること",
	"きのうの夕方から共有フォルダのファイルが開けず、拡張子が変わっている",
	"[はい]", "怪しいメールの添付ファイルを開いた社員がいる",
	"[はい]", "経営陣と取引先",
	"[詳しい問診票に進む]",
	"[いいえ]",                // 問2
	"[はい]", "きのうの夕方から、何度も", // 問6
	"[はい]", "きのうから、ファイルサーバ", // 問7
	"[はい]", "きのうから、事務所のパソコン3台", // 問8
	"[わからない]",     // 問9
	"[はい]",        // 問11
	"[はい]",        // 問12
	"[はい]", "3か月", // 問13
	"[はい]", "〇〇システム", // 問14
	"[いいえ]",                                     // 問15
	"[はい]",                                      // 問16
	"[いいえ]",                                     // 問17
	"[はい]",                                      // 問19
	"[守りたい情報資産の把握]", "[選び終わった]", "顧客名簿、ファイルサーバ", // 問20
	"[ソフトウェアの更新（OS等）]", "[セキュリティソフトの導入]", "[選び終わった]", // 問21
	"[バックアップやシステムの冗長化]", "[その他]", "[選び終わった]", "USBメモリの利用禁止", // 問22
}

// The full form's summary: every question answered, one short line each, with its length for
// the phone.
func TestIntakeSummaryFullForm(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	items := summaryItems(te.play(t, "u", fullForm))
	if n := len(items); n != len(summaryHead)+22 {
		t.Fatalf("the full form's summary has %d lines, want %d:\n%s", n, len(summaryHead)+22, strings.Join(items, "\n"))
	}
	for _, want := range []string{"不安なこと：パソコンがウイルスに感染している、内部から情報が漏えいしている、その他（取引先に迷惑がかかること）",
		"対策の前の準備：守りたい情報資産の把握（顧客名簿、ファイルサーバ）", "その他の対策：バックアップやシステムの冗長化、その他（USBメモリの利用禁止）"} {
		if !strings.Contains(strings.Join(items, "\n"), want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	text := strings.Join(items, "\n")
	t.Logf("full form summary: %d lines, %d characters", len(items), utf8.RuneCountInString(text))
}

// However long the conversation grew, the case posted to staff carries the message that opened
// it and the intake answers.
func TestStaffPostKeepsTheFirstMessage(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	r := te.play(t, "U1", []string{"ランサムウェアに感染したかも", "[状況を整理する]", "[はい]", "取引先から連絡がありました",
		"[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]"})
	for range 30 { // far more than the recent turns a conversation keeps
		r = te.say(t, "U1", "わかりました")
	}
	r = te.say(t, "U1", "担当者と話したい")
	if r.Handoff == nil || !r.Handoff.Staffed {
		t.Fatalf("no hand-over: %+v", r.Handoff)
	}
	p, err := te.Outbox().Pending(te.clock.Now(), 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	var post string
	for _, d := range p {
		if d.Kind == dialog.KindStaff {
			post = d.Reply.PlainText()
		}
	}
	for _, want := range append(summaryHead, "外部からの連絡：はい（取引先から連絡がありました）") {
		if !strings.Contains(post, want) {
			t.Errorf("the staff post lacks %q:\n%s", want, post)
		}
	}
}

// The first message is the one that opened the current consultation: a new one typed after
// 別の相談 replaces it; a message inside the consultation, even one that changes its topic, does
// not.
func TestSummaryFirstMessage(t *testing.T) {
	skipAll := []string{"[状況を整理する]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]", "[スキップ]"}
	tests := []struct {
		name  string
		steps []string
		want  string // the summary's first-message line, "" for none
		topic string // the summary's topic
	}{
		{
			name:  "typed_first",
			steps: []string{"ランサムウェアに感染したかも"},
			want:  "最初のご相談：ランサムウェアに感染したかも",
			topic: "ランサムウェア感染",
		},
		{
			name:  "kept_when_the_topic_changes",
			steps: []string{"ランサムウェアに感染したかも", "フィッシングサイトにパスワードを入れてしまった"},
			want:  "最初のご相談：ランサムウェアに感染したかも",
			topic: "フィッシング詐欺",
		},
		{
			name:  "replaced_by_another_consultation",
			steps: []string{"ランサムウェアに感染したかも", "[最初に戻る]", "フィッシングサイトにパスワードを入れてしまった"},
			want:  "最初のご相談：フィッシングサイトにパスワードを入れてしまった",
			topic: "フィッシング詐欺",
		},
		{
			name:  "none_when_only_tapped",
			steps: []string{"[緊急]", "[ランサムウェア]"},
			topic: "ランサムウェア感染",
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			te := newTestEngine(t, dialog.Policy{})
			user := fmt.Sprint("u", i)
			got, topic := "", ""
			for _, line := range summaryItems(te.play(t, user, append(append([]string(nil), tt.steps...), skipAll...))) {
				if strings.HasPrefix(line, "最初のご相談：") {
					got = line
				}
				if title, ok := strings.CutPrefix(line, "相談の種類："); ok {
					topic = title
				}
			}
			if topic != tt.topic {
				t.Errorf("after %q the summary's topic is %q, want %q", tt.steps, topic, tt.topic)
			}
			if got != tt.want {
				t.Errorf("after %q the first-message line is %q, want %q", tt.steps, got, tt.want)
			}
		})
	}
}
