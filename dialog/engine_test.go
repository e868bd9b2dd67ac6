package dialog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// clock is a settable time source shared by a test and its engine.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

type testEngine struct {
	*dialog.Engine
	clock *clock
	lib   *knowledge.Library
	path  string
}

func newTestEngine(t *testing.T, policy dialog.Policy) *testEngine {
	t.Helper()
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return openTestEngine(t, lib, policy, filepath.Join(t.TempDir(), "helpdesk.db"))
}

func openTestEngine(t *testing.T, lib *knowledge.Library, policy dialog.Policy, path string) *testEngine {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	e, err := dialog.Open(path, lib, discard, dialog.Options{Policy: policy, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &testEngine{Engine: e, clock: c, lib: lib, path: path}
}

func (te *testEngine) say(t *testing.T, user, text string) dialog.Reply {
	t.Helper()
	r, err := te.Respond(context.Background(), dialog.Message{Channel: "test", UserID: user, Text: text})
	if err != nil {
		t.Fatalf("Respond(%q): %v", text, err)
	}
	return r
}

func (te *testEngine) tap(t *testing.T, user, choice string) dialog.Reply {
	t.Helper()
	r, err := te.Respond(context.Background(), dialog.Message{Channel: "test", UserID: user, Choice: choice})
	if err != nil {
		t.Fatalf("Respond(choice %q): %v", choice, err)
	}
	return r
}

func choiceID(t *testing.T, r dialog.Reply, label string) string {
	t.Helper()
	for _, c := range r.Choices {
		if c.Label == label {
			return c.ID
		}
	}
	t.Fatalf("no choice %q among %v", label, r.Choices)
	return ""
}

// deliveredSteps delivers the outbox in queue order and returns the conversation step each entry's
// reply carries in its contextual choices (o:<step>:...), "none" for a reply without them.
func (te *testEngine) deliveredSteps(t *testing.T) []string {
	t.Helper()
	var steps []string
	for {
		p, err := te.Outbox().Pending(te.clock.Now(), 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 0 {
			return steps
		}
		step := "none"
		for _, c := range p[0].Reply.Choices {
			if rest, ok := strings.CutPrefix(c.ID, "o:"); ok {
				step, _, _ = strings.Cut(rest, ":")
				break
			}
		}
		steps = append(steps, step)
		if err := te.Outbox().Delivered(p[0].ID, ""); err != nil {
			t.Fatal(err)
		}
	}
}

func hasText(r dialog.Reply, s string) bool { return strings.Contains(r.PlainText(), s) }

func TestRespondOutcomes(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	tests := []struct {
		name        string
		text        string
		wantOutcome dialog.Outcome
		wantTopic   string
	}{
		{"ransomware_symptoms", "ファイルが全部暗号化されて、身代金を払えという画面が出ています", dialog.Answer, "ransomware"},
		{"sms_phishing", "銀行を名乗るSMSのリンクからパスワードを入れてしまった", dialog.Answer, "phishing"},
		{"bec_account_change", "取引先から振込先の口座を変更したというメールが来ました", dialog.Answer, "bec"},
		{"half_width_kana", "ﾗﾝｻﾑｳｪｱに感染しました", dialog.Answer, "ransomware"},
		{"hiragana", "うぃるすにかかったかもしれない", dialog.Answer, "malware"},
		{"ask_for_person", "担当者と話したい", dialog.Escalate, ""},
		{"vague_mail", "メールのことで相談があります", dialog.Clarify, ""},
		{"nonsense", "ほげほげ", dialog.Fallback, ""},
		{"only_emoji", "🙏🙏🙏", dialog.Fallback, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := te.say(t, fmt.Sprintf("user-%d", i), tt.text)
			if got.Outcome != tt.wantOutcome || got.Topic != tt.wantTopic {
				t.Errorf("Respond(%q) = %s/%s, want %s/%s", tt.text, got.Outcome, got.Topic, tt.wantOutcome, tt.wantTopic)
			}
			if len(got.Blocks) == 0 {
				t.Errorf("Respond(%q) says nothing", tt.text)
			}
			for _, c := range got.Choices {
				if n := len([]rune(c.Label)); n > knowledge.MaxLabel {
					t.Errorf("choice label %q has %d characters", c.Label, n)
				}
			}
			if len(got.Choices) > 13 {
				t.Errorf("%d choices, LINE shows at most 13", len(got.Choices))
			}
		})
	}
}

func TestUrgentTopicGivesFirstAidFirst(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	r := te.say(t, "u1", "ランサムウェアに感染したかも")
	if len(r.Blocks) == 0 || r.Blocks[0].Kind != dialog.StepsBlock {
		t.Fatalf("first block is %v, want the first-aid steps", r.Blocks)
	}
	var contacts int
	for _, b := range r.Blocks {
		for _, c := range b.Contacts {
			if c.Phone != "" {
				contacts++
			}
		}
	}
	if contacts == 0 {
		t.Error("the urgent reply has no contact with a phone number")
	}
}

func TestDuplicateEventAnsweredOnce(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	m := dialog.Message{Channel: "line", UserID: "U1", EventID: "ev-1", Text: "ウイルスに感染したかも", Address: "addr"}
	first, err := te.Respond(context.Background(), m)
	if err != nil || first.Duplicate {
		t.Fatalf("first delivery: %v, duplicate=%v", err, first.Duplicate)
	}
	second, err := te.Respond(context.Background(), m)
	if err != nil || !second.Duplicate {
		t.Fatalf("redelivery: %v, duplicate=%v; want duplicate", err, second.Duplicate)
	}
	pending, err := te.Outbox().Pending(te.clock.Now(), 10, nil)
	if err != nil || len(pending) != 1 {
		t.Fatalf("outbox holds %d entries (%v), want exactly one reply", len(pending), err)
	}
}

func TestOutboxKeepsOrderPerRecipient(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	for i, text := range []string{"こんにちは", "ウイルス", "フィッシング"} {
		_, err := te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U1", EventID: fmt.Sprint(i), Text: text, Address: "a"})
		if err != nil {
			t.Fatal(err)
		}
	}
	te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U2", EventID: "x", Text: "こんにちは", Address: "b"})
	var order []uint64
	for len(order) < 4 {
		pending, err := te.Outbox().Pending(te.clock.Now(), 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			t.Fatalf("outbox drained after %d of 4 entries", len(order))
		}
		recipients := map[string]bool{}
		for _, d := range pending {
			if recipients[d.Recipient] {
				t.Fatalf("two entries for %s offered at once", d.Recipient)
			}
			recipients[d.Recipient] = true
		}
		d := pending[0]
		order = append(order, d.ID)
		if err := te.Outbox().Delivered(d.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			t.Errorf("delivery order %v is not queue order", order)
		}
	}
}

func TestPostponedEntryWaitsAndBlocksItsRecipient(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	for i := 0; i < 2; i++ {
		te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "U1", EventID: fmt.Sprint(i), Text: "こんにちは", Address: "a"})
	}
	p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
	if err := te.Outbox().Postpone(p[0].ID, te.clock.Now().Add(time.Minute), 1, "HTTP 500"); err != nil {
		t.Fatal(err)
	}
	if p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil); len(p) != 0 {
		t.Fatalf("a postponed entry's recipient got %d entries before its time", len(p))
	}
	p, _ = te.Outbox().Pending(te.clock.Now().Add(2*time.Minute), 10, nil)
	if len(p) != 1 || p[0].Attempts != 1 || p[0].Progress != 1 || p[0].LastError != "HTTP 500" {
		t.Fatalf("after the wait: %+v", p)
	}
}

func TestIdleConversationExpires(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{IdleTimeout: time.Hour})
	r := te.say(t, "u", "フィッシングサイトにパスワードを入れてしまった")
	option := r.Choices[0].ID
	te.clock.Add(2 * time.Hour)
	r = te.tap(t, "u", option)
	if !hasText(r, "時間がたったため") {
		t.Errorf("an old button after the idle timeout: %q, want the polite restart", r.PlainText())
	}
	te.clock.Add(2 * time.Hour)
	r = te.say(t, "u", "ウイルスに感染したかも")
	if !hasText(r, "時間がたったため") || r.Topic != "malware" {
		t.Errorf("a text after the idle timeout = %s, want the restart notice and the answer", r.Topic)
	}
}

func TestStaleChoices(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	r := te.say(t, "u", "偽の通販サイトを見つけました")
	if r.Topic != "fake-ec-site" || len(r.Choices) == 0 {
		t.Fatalf("fake shop: %s with %d choices", r.Topic, len(r.Choices))
	}
	old := r.Choices[0].ID
	te.say(t, "u", "ウイルスに感染したかも") // the conversation moves on
	r = te.tap(t, "u", old)
	if !hasText(r, "そのボタンは古い") {
		t.Errorf("an option of an earlier question: %q, want the stale-button restart", r.PlainText())
	}
	for _, bad := range []string{"t:no-such-topic", "zzz", "o:1:x", strings.Repeat("a", 400), "m:nowhere"} {
		r = te.tap(t, "u", bad)
		if !hasText(r, "そのボタンは古い") {
			t.Errorf("choice %q: %q, want the stale-button restart", bad, r.PlainText())
		}
	}
}

// TestTopicRemovedByReload: a conversation inside a topic that a reload removed is restarted
// politely, never an error.
func TestTopicRemovedByReload(t *testing.T) {
	withExtra := copySeeds(t)
	withExtra["topics/extra-test.yaml"] = &fstest.MapFile{Data: []byte(`id: extra-test
title: テスト用の追加トピック
label: 追加トピック
scope: テスト
sources: [faq]
words: [ぴよぴよ]
answer: テストの回答です。
contacts: [ipa-anshin]
questions:
  - id: q
    ask: どちらですか？
    options:
      - {id: a, label: はい, answer: はいの回答}
      - {id: b, label: いいえ, answer: いいえの回答}
`)}
	extra := true
	lib, err := knowledge.NewLibrary(func() (*knowledge.Base, error) {
		if extra {
			return knowledge.Load(withExtra)
		}
		return knowledge.Load(seeds.FS)
	})
	if err != nil {
		t.Fatal(err)
	}
	te := openTestEngine(t, lib, dialog.Policy{}, filepath.Join(t.TempDir(), "h.db"))
	r := te.tap(t, "u", "t:extra-test")
	if r.Topic != "extra-test" {
		t.Fatalf("extra topic not entered: %q", r.PlainText())
	}
	option := choiceID(t, r, "はい")
	extra = false
	if _, _, err := lib.Reload(); err != nil {
		t.Fatal(err)
	}
	for _, m := range []dialog.Message{{Choice: option}, {Choice: "t:extra-test"}, {Text: "戻る"}} {
		m.Channel, m.UserID = "test", "u"
		r, err := te.Respond(context.Background(), m)
		if err != nil {
			t.Fatalf("after the reload, %+v: %v", m, err)
		}
		if !hasText(r, "そのボタンは古い") && !hasText(r, "ご用件を選んでください") {
			t.Errorf("after the reload, %+v: %q", m, r.PlainText())
		}
	}
}

func copySeeds(t *testing.T) fstest.MapFS {
	t.Helper()
	m, err := seeds.Copy()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestConversationSurvivesRestart reopens the database between two steps.
func TestConversationSurvivesRestart(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	r := te.say(t, "u", "ウイルスに感染したかも")
	intake := choiceID(t, r, "状況を整理する")
	te.Close()
	again := openTestEngine(t, te.lib, dialog.Policy{}, te.path)
	r = again.tap(t, "u", intake)
	if !hasText(r, "問1") {
		t.Errorf("after reopening, the intake did not start: %q", r.PlainText())
	}
}

// TestMessagesOfOneConversationDoNotInterleave sends many messages of one conversation at once:
// each is one whole step, so every one is answered, none is lost, and the replies carry the
// steps 1..n in queue order (each "ウイルスに感染した" asks the malware question again, its options
// carrying the step: o:<step>:...).
func TestMessagesOfOneConversationDoNotInterleave(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "same", EventID: fmt.Sprint(i), Text: "ウイルスに感染した", Address: "a"})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	steps := te.deliveredSteps(t)
	if len(steps) != n {
		t.Errorf("%d replies for %d messages", len(steps), n)
	}
	for i, step := range steps {
		if want := fmt.Sprint(i + 1); step != want {
			t.Fatalf("reply %d carries step %s, want %s (steps in queue order: %v)", i+1, step, want, steps)
		}
	}
}

func TestSecondProcessOnLockedDatabase(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	lib := te.lib
	start := time.Now()
	_, err := dialog.Open(te.path, lib, discard, dialog.Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, dialog.ErrLocked) || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("second Open = %v, want a clear locked error wrapping ErrLocked", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("second Open waited %v", time.Since(start))
	}
}

func TestEscalationWithoutStaffNeverPromisesAReply(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: false})
	r := te.say(t, "u", "担当者と話したい")
	if r.Outcome != dialog.Escalate || r.Handoff == nil || r.Handoff.Staffed {
		t.Fatalf("escalation without staff: %+v", r.Handoff)
	}
	if !hasText(r, "直接おつなぎできません") || !hasText(r, "03-5320-4773") {
		t.Errorf("reply does not say how to reach the helpdesk directly:\n%s", r.PlainText())
	}
	if p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil); len(p) != 0 {
		t.Errorf("%d deliveries queued for staff that do not exist", len(p))
	}
}

// TestStaffCaseFlow: a user asks for a person; the case goes to the staff outbox; a staff reply
// in the case thread reaches the user; an event from another thread reaches nobody; resolve
// returns the conversation to the bot.
func TestStaffCaseFlow(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "ランサムウェアの件で担当者と話したい", Address: "addr-1"})
	if err != nil || r.Handoff == nil || !r.Handoff.Staffed || r.Handoff.CaseID == "" {
		t.Fatalf("escalation: %v %+v", err, r.Handoff)
	}
	caseID := r.Handoff.CaseID
	if !hasText(r, caseID) {
		t.Errorf("the user is not told the case id %s", caseID)
	}
	var staffPost *dialog.Delivery
	p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
	for i := range p {
		if p[i].Kind == dialog.KindStaff {
			staffPost = &p[i]
		} else {
			te.Outbox().Delivered(p[i].ID, "")
		}
	}
	if staffPost == nil || !strings.Contains(staffPost.Reply.PlainText(), caseID) || len(staffPost.Reply.Choices) != 3 {
		t.Fatalf("staff post: %+v", staffPost)
	}
	if err := te.Outbox().Delivered(staffPost.ID, "C-STAFF/100.1"); err != nil {
		t.Fatal(err)
	}
	// A user message while the case is open goes to staff, not to the matcher.
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "2", Text: "まだ画面が赤いままです", Address: "addr-2"})
	// Forged: the right thread id in another channel.
	res, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s0", Thread: "C-OTHER/100.1", Staff: "<@X>", Action: dialog.StaffMessage, Text: "偽物"})
	if err != nil || res.Ignored == "" || res.Relayed {
		t.Fatalf("forged thread: %+v %v", res, err)
	}
	res, err = te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/100.1", Staff: "<@S1>", Action: dialog.StaffMessage, Text: "担当の山田です。LANケーブルは抜きましたか？"})
	if err != nil || !res.Relayed || res.Status != dialog.CaseClaimed {
		t.Fatalf("staff message: %+v %v", res, err)
	}
	// Redelivered staff event: handled once.
	if res, _ := te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/100.1", Action: dialog.StaffMessage, Text: "x"}); res.Ignored != "duplicate" {
		t.Errorf("redelivered staff event: %+v", res)
	}
	var toUser, toStaff, postStatus []string
	for {
		p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
		if len(p) == 0 {
			break
		}
		for _, d := range p {
			if d.Kind == dialog.KindStaff && d.Post != nil {
				// the case changed hands: its post is rewritten
				postStatus = append(postStatus, d.Post.Status)
				if len(d.Post.Reply.Choices) != 3 || !strings.Contains(d.Post.Reply.PlainText(), caseID) {
					t.Errorf("claimed case's post: %q with %d buttons", d.Post.Reply.PlainText(), len(d.Post.Reply.Choices))
				}
			}
			if d.Kind == dialog.KindStaff && len(d.Reply.Blocks) > 0 {
				toStaff = append(toStaff, d.Reply.PlainText())
				if d.Case == nil || d.Case.Thread != "C-STAFF/100.1" {
					t.Errorf("staff delivery without the case thread: %+v", d.Case)
				}
			} else if d.Kind != dialog.KindStaff {
				if d.Address != "addr-2" {
					t.Errorf("relay goes to %q, want the user's latest address", d.Address)
				}
				toUser = append(toUser, d.Reply.PlainText())
			}
			te.Outbox().Delivered(d.ID, "")
		}
	}
	if len(toStaff) != 1 || !strings.Contains(toStaff[0], "まだ画面が赤いままです") {
		t.Errorf("staff thread got %q", toStaff)
	}
	if len(postStatus) != 1 || !strings.Contains(postStatus[0], "<@S1>") {
		t.Errorf("case post rewritten with %q, want once, saying who claimed it", postStatus)
	}
	// the user was told their message reached staff, then got the staff reply
	if len(toUser) != 2 || !strings.Contains(toUser[0], "担当者に届けました") || !strings.Contains(toUser[1], "担当者が対応を始めました") ||
		!strings.Contains(toUser[1], "LANケーブル") || strings.Contains(strings.Join(toUser, ""), "偽物") {
		t.Errorf("user got %q", toUser)
	}
	res, err = te.Staff(ctx, dialog.StaffEvent{EventID: "s2", Thread: "C-STAFF/100.1", Case: caseID, Staff: "<@S1>", Action: dialog.StaffResolve, Text: "ケーブルを抜いて再起動を案内", Topic: "ransomware"})
	if err != nil || res.Status != dialog.CaseResolved {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	r, _ = te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "3", Text: "フィッシングサイトにパスワードを入れてしまった", Address: "addr-3"})
	if r.Topic != "phishing" {
		t.Errorf("after resolve, the bot does not answer again: %s %q", r.Outcome, r.PlainText())
	}
	// A late staff message in the closed thread reaches nobody.
	res, _ = te.Staff(ctx, dialog.StaffEvent{EventID: "s3", Thread: "C-STAFF/100.1", Staff: "<@S1>", Action: dialog.StaffMessage, Text: "追伸"})
	if res.Relayed {
		t.Error("a message in a resolved case was relayed")
	}
}

func TestUnansweredQueriesAreKeptWithoutUser(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	te.say(t, "secret-user-id", "ほげほげふがふが"+strings.Repeat("あ", 500))
	list, err := te.Admin().Unanswered(time.Time{})
	if err != nil || len(list) != 1 {
		t.Fatalf("Unanswered = %v, %v", list, err)
	}
	if n := len([]rune(list[0].Text)); n > 201 || list[0].Outcome != dialog.Fallback {
		t.Errorf("kept %d characters with outcome %s", n, list[0].Outcome)
	}
	for _, v := range []any{list, mustStats(t, te)} {
		if b, _ := json.Marshal(v); strings.Contains(string(b), "secret-user-id") {
			t.Errorf("the user id is kept with the unanswered query: %s", b)
		}
	}
}

func mustStats(t *testing.T, te *testEngine) dialog.Stats {
	t.Helper()
	st, err := te.Admin().Stats(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestFloodFromOneUser: a user who floods gets one kind message and then silence; others are
// answered as usual.
func TestFloodFromOneUser(t *testing.T) {
	lib, _ := knowledge.LibraryOf(seeds.FS)
	c := &clock{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	e, err := dialog.Open(filepath.Join(t.TempDir(), "h.db"), lib, discard,
		dialog.Options{Now: c.Now, RateLimit: dialog.RateLimit{Burst: 10, Every: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	answered, notices, silent := 0, 0, 0
	for i := 0; i < 30; i++ {
		r, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "flooder", EventID: fmt.Sprint("f", i), Text: "ウイルスに感染した"})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case hasText(r, "たくさんのメッセージ"):
			notices++
		case len(r.Blocks) == 0:
			silent++
		default:
			answered++
		}
	}
	if answered != 10 || notices != 1 || silent != 19 {
		t.Errorf("flood of 30: %d answered, %d notices, %d silent; want 10, 1, 19", answered, notices, silent)
	}
	if r, _ := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "someone-else", EventID: "o1", Text: "ウイルスに感染した"}); r.Topic != "malware" {
		t.Errorf("another user is affected by the flood: %q", r.PlainText())
	}
	c.Add(time.Minute) // the bucket refills: the flooder is answered again
	if r, _ := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "flooder", EventID: "later", Text: "ウイルスに感染した"}); r.Topic != "malware" {
		t.Errorf("after a minute the user is still refused: %q", r.PlainText())
	}
}

// TestStaffReplyBeforeThreadRecorded: a staff reply that arrives between the case post and the
// record of its thread is refused with ErrCasePending (the platform redelivers it), not dropped.
func TestStaffReplyBeforeThreadRecorded(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	r, _ := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "担当者と話したい", Address: "a"})
	_, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/1.1", Staff: "<@S>", Action: dialog.StaffMessage, Text: "担当です"})
	if !errors.Is(err, dialog.ErrCasePending) {
		t.Fatalf("staff reply before the thread is known: %v, want ErrCasePending", err)
	}
	p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
	for _, d := range p {
		ref := ""
		if d.Kind == dialog.KindStaff {
			ref = "C-STAFF/1.1"
		}
		te.Outbox().Delivered(d.ID, ref)
	}
	res, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/1.1", Staff: "<@S>", Action: dialog.StaffMessage, Text: "担当です"})
	if err != nil || !res.Relayed || res.Case != r.Handoff.CaseID {
		t.Fatalf("the redelivered staff reply: %+v %v", res, err)
	}
}

// TestEscalationOutsideHours: outside the helpdesk's hours the user learns when a person will
// answer and gets only the public contacts open now; the case still waits for staff.
func TestEscalationOutsideHours(t *testing.T) {
	hours, err := knowledge.ParseSchedule("mon-fri 09:00-17:00; closed holidays year-end")
	if err != nil {
		t.Fatal(err)
	}
	te := newTestEngine(t, dialog.Policy{Staffed: true, Hours: hours})
	te.clock.Set(time.Date(2026, 11, 21, 20, 0, 0, 0, knowledge.Tokyo)) // Saturday evening; Monday 23rd is a holiday
	r := te.say(t, "u", "ランサムウェアの件で担当者と話したい")
	if r.Outcome != dialog.Escalate || r.Handoff == nil || !r.Handoff.Staffed {
		t.Fatalf("escalation: %s %+v", r.Outcome, r.Handoff)
	}
	text := r.PlainText()
	if !strings.Contains(text, "受付時間外") || !strings.Contains(text, "11月24日（火）9:00") {
		t.Errorf("the reply does not say when a person will answer (Tuesday 9:00, with its weekday):\n%s", text)
	}
	for _, b := range r.Blocks {
		for _, c := range b.Contacts {
			if c.Status == "closed" {
				t.Errorf("a closed contact is offered outside hours: %s", c.Name)
			}
		}
	}
	if p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil); len(p) == 0 {
		t.Error("the case was not queued for the staff channel")
	}
	if desks := te.lib.Base().Message("escalate_offhours_desks"); !strings.Contains(text, desks) {
		t.Errorf("the reply shows open desks without saying what they are for:\n%s", text)
	}
	// With no matter told, no desk is shown, and none is pointed at.
	r = te.say(t, "u2", "担当者と話したい")
	if desks := te.lib.Base().Message("escalate_offhours_desks"); strings.Contains(r.PlainText(), desks) || len(contactNames(r)) > 0 {
		t.Errorf("a request with no matter points at desks below (cards %v):\n%s", contactNames(r), r.PlainText())
	}
}

// TestClosedContactsSayWhenTheyOpen: a closed contact's card says when it opens next, counting
// weekends, public holidays and the year-end days of government offices; when none with hours is
// open, one line says none is known to be open and which opens first.
func TestClosedContactsSayWhenTheyOpen(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		want map[string]string // contact name -> OpenLabel
	}{
		{
			name: "saturday_evening",
			now:  time.Date(2026, 12, 5, 20, 0, 0, 0, knowledge.Tokyo),
			want: map[string]string{
				"IPA 情報セキュリティ安心相談窓口":  "受付時間外（次は12月7日（月）10:00）",
				"警視庁 サイバー犯罪対策課（相談電話）": "受付時間外（次は12月7日（月）8:30）",
			},
		},
		{
			name: "year_end",
			now:  time.Date(2026, 12, 28, 18, 0, 0, 0, knowledge.Tokyo),
			want: map[string]string{
				"IPA 情報セキュリティ安心相談窓口":  "受付時間外（次は1月4日（月）10:00）",
				"警視庁 サイバー犯罪対策課（相談電話）": "受付時間外（次は1月4日（月）8:30）",
			},
		},
		{
			name: "before_a_holiday_monday",
			now:  time.Date(2027, 1, 8, 17, 30, 0, 0, knowledge.Tokyo), // Friday; 11th is 成人の日
			want: map[string]string{
				"IPA 情報セキュリティ安心相談窓口":  "受付時間外（次は1月12日（火）10:00）",
				"警視庁 サイバー犯罪対策課（相談電話）": "受付時間外（次は1月12日（火）8:30）",
			},
		},
		{
			name: "open",
			now:  time.Date(2027, 1, 12, 10, 30, 0, 0, knowledge.Tokyo),
			want: map[string]string{
				"IPA 情報セキュリティ安心相談窓口":  "受付中",
				"警視庁 サイバー犯罪対策課（相談電話）": "受付中",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, dialog.Policy{})
			te.clock.Set(tt.now)
			r := te.say(t, "u", "ランサムウェアに感染して、ファイルが開けない")
			got := map[string]string{}
			for _, b := range r.Blocks {
				for _, c := range b.Contacts {
					if _, ok := tt.want[c.Name]; ok {
						got[c.Name] = c.OpenLabel
					}
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("at %s the cards say %v, want %v", tt.now.Format("2006-01-02 15:04 Mon"), got, tt.want)
			}
			if strings.Contains(r.PlainText(), "いまはどれも受付時間外です") {
				t.Errorf("the reply says no phone is open, though some phones have no known hours:\n%s", r.PlainText())
			}
			// none is known to be open (the phones without hours may answer): said once, in
			// place of "call a desk above"
			known, _, _ := strings.Cut(te.lib.Base().Message("none_open_known"), "{when}")
			closed, want := tt.name != "open", 0
			if closed {
				want = 1
			}
			if strings.Count(r.PlainText(), known) != want || closed && strings.Contains(r.PlainText(), te.lib.Base().Message("screen_next")) {
				t.Errorf("closed %v: the reply should say %d times that none is known to be open (%q), instead of screen_next:\n%s", closed, want, known, r.PlainText())
			}
			if closed {
				r = te.say(t, "u", "どこに電話すればいいですか")
				if n := strings.Count(r.PlainText(), known); n != 1 {
					t.Errorf("desks asked for: the line that none is known to be open is said %d times, want once:\n%s", n, r.PlainText())
				}
			}
		})
	}
}

// TestNoContactOpenSaysWhichOpensFirst: when every phone of an answer is closed, one line after
// the cards says which contact opens first and when.
func TestNoContactOpenSaysWhichOpensFirst(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	te.clock.Set(time.Date(2026, 12, 5, 20, 0, 0, 0, knowledge.Tokyo)) // Saturday evening
	r := te.say(t, "u", "不正アクセスされた")
	if r.Topic != "unauthorized-access" {
		t.Fatalf("topic = %q, want unauthorized-access", r.Topic)
	}
	r = te.tap(t, "u", choiceID(t, r, "メールやSNSのアカウント")) // its only contact: 警視庁 サイバー犯罪対策課
	want := "上の窓口は、いまはどれも受付時間外です。次に開くのは 12月7日（月）8:30 の警視庁 サイバー犯罪対策課（相談電話）です。それまでに上の手順を済ませてください。"
	text := r.PlainText()
	i, j := strings.Index(text, "警視庁 サイバー犯罪対策課（相談電話）【"), strings.Index(text, want)
	if i < 0 || j < i {
		t.Errorf("the reply does not say, after the cards, which contact opens first:\n%s", text)
	}

	te.clock.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, knowledge.Tokyo)) // Monday morning: open
	r = te.say(t, "v", "不正アクセスされた")
	r = te.tap(t, "v", choiceID(t, r, "メールやSNSのアカウント"))
	if strings.Contains(r.PlainText(), "いまはどれも受付時間外です") {
		t.Errorf("the line is shown while the contact is open:\n%s", r.PlainText())
	}

	// one's own IT person and vendor, shown beside a closed public desk, keep their own hours
	te.clock.Set(time.Date(2026, 12, 5, 21, 0, 0, 0, knowledge.Tokyo))
	r = te.say(t, "w", "プリンタが全然印刷しないんです")
	r = te.tap(t, "w", choiceID(t, r, "故障や不具合だと思う"))
	if !slices.Contains(contactNames(r), te.lib.Base().Contact("it-vendors").Name) || strings.Contains(r.PlainText(), "いまはどれも受付時間外です") {
		t.Errorf("a fault's answer on a Saturday night, its own IT person and vendor among the cards:\n%s", r.PlainText())
	}
}

// TestCasePostDroppedTellsTheUser: when the staff channel refuses the case post for good, the
// user is told how to reach the helpdesk directly instead of waiting, the conversation is the
// bot's again, and other threads of the staff channel are not refused meanwhile.
func TestCasePostDroppedTellsTheUser(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "担当者と話したい", Address: "a1"})
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "2", Text: "急いでいます", Address: "a2"})
	var root uint64
	var toUser []string
	for {
		p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
		if len(p) == 0 {
			break
		}
		for _, d := range p {
			if d.Kind == dialog.KindStaff {
				if d.Text != "" {
					t.Fatalf("a relay for the thread was offered before the case post: %+v", d)
				}
				root = d.ID
				if err := te.Outbox().Dropped(d.ID); err != nil {
					t.Fatal(err)
				}
				continue
			}
			toUser = append(toUser, d.Reply.PlainText())
			te.Outbox().Delivered(d.ID, "")
		}
	}
	if root == 0 {
		t.Fatal("no case post was queued")
	}
	if last := toUser[len(toUser)-1]; !strings.Contains(last, "直接おつなぎできません") || !strings.Contains(last, "03-5320-4773") {
		t.Errorf("the user was not told how to reach the helpdesk directly; last message:\n%s", last)
	}
	if _, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s", Thread: "C-STAFF/9.9", Action: dialog.StaffMessage, Text: "雑談"}); err != nil {
		t.Errorf("a message in another staff thread after the drop: %v, want it ignored", err)
	}
	r, _ := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "3", Text: "フィッシングサイトにパスワードを入れてしまった", Address: "a3"})
	if r.Topic != "phishing" {
		t.Errorf("after the dropped case the bot does not answer: %q", r.PlainText())
	}
}

// TestForgetFindsThreadConversations: in a Slack channel thread the conversation is keyed by the
// thread, but forget finds it (and its case) by the person who wrote in it.
func TestForgetFindsThreadConversations(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	thread := "C0GENERAL/1700000000.000100"
	te.Respond(ctx, dialog.Message{Channel: "slack", UserID: thread, Person: "U0WRITER", EventID: "1", Text: "ランサムウェアに感染したかも", Address: "C0GENERAL/1700000000.000100"})
	te.Respond(ctx, dialog.Message{Channel: "slack", UserID: thread, Person: "U0WRITER", EventID: "2", Text: "担当者と話したい", Address: "C0GENERAL/1700000000.000100"})
	// while the case is open, a message is relayed to staff
	te.Respond(ctx, dialog.Message{Channel: "slack", UserID: thread, Person: "U0WRITER", EventID: "3", Text: "画面に身代金の要求が出ています", Address: "C0GENERAL/1700000000.000100"})
	f, err := te.Admin().Forget("slack", "U0WRITER")
	// three replies in the thread, the case post (with the user's words) and the relay
	if err != nil || f.Conversations != 1 || f.Cases != 1 || f.Deliveries != 5 {
		t.Fatalf("Forget(U0WRITER) = %+v, %v; want the thread's conversation, its case and 5 deliveries", f, err)
	}
	if depth, _, err := te.Outbox().Stats(); err != nil || depth != 0 {
		t.Errorf("after Forget the outbox holds %d entries (%v), want none", depth, err)
	}
	if p, _ := te.Outbox().Pending(te.clock.Now().Add(48*time.Hour), 100, nil); len(p) != 0 {
		t.Errorf("after Forget %d deliveries are still offered, e.g. %+v", len(p), p[0])
	}
}

// TestForgetDeletesStaffDeliveries: the post of a LINE user's case and the messages relayed to
// its thread carry their words; Forget deletes them with the case.
func TestForgetDeletesStaffDeliveries(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "取引先を名乗るメールの添付を開いてしまった。担当者と話したい", Address: "a1"})
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "2", Text: "社内の共有フォルダにもアクセスがあります"})
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U2", EventID: "3", Text: "ウイルスに感染した", Address: "b"})
	f, err := te.Admin().Forget("", "U1")
	if err != nil || f.Cases != 1 || f.Deliveries != 3 {
		t.Fatalf("Forget(U1) = %+v, %v; want the case, its post and relay, and the reply", f, err)
	}
	p, _ := te.Outbox().Pending(te.clock.Now(), 100, nil)
	if len(p) != 1 || p[0].Recipient != "line/U2" {
		t.Errorf("after Forget(U1) the outbox offers %d entries, want only U2's reply", len(p))
	}
}

// drainWake empties the engine's wake channel, so a later signal is a new one.
func drainWake(e *dialog.Engine) {
	for {
		select {
		case <-e.Outbox().Wake():
		default:
			return
		}
	}
}

func woken(e *dialog.Engine) bool {
	select {
	case <-e.Outbox().Wake():
		return true
	default:
		return false
	}
}

// TestEveryQueuedDeliveryWakesTheSender: whatever queues a delivery wakes the sender, including
// a case post dropped for good (the user is told how to reach the helpdesk) and a staff
// message on a closed case (the thread is told the case is closed).
func TestEveryQueuedDeliveryWakesTheSender(t *testing.T) {
	ctx := context.Background()
	t.Run("dropped_case_post", func(t *testing.T) {
		te := newTestEngine(t, dialog.Policy{Staffed: true})
		te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "担当者と話したい", Address: "a"})
		p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
		drainWake(te.Engine)
		for _, d := range p {
			if d.Kind == dialog.KindStaff {
				if err := te.Outbox().Dropped(d.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !woken(te.Engine) {
			t.Error("the message telling the user how to reach the helpdesk was queued without waking the sender")
		}
	})
	t.Run("staff_message_on_closed_case", func(t *testing.T) {
		te := newTestEngine(t, dialog.Policy{Staffed: true})
		r, _ := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "担当者と話したい", Address: "a"})
		p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
		for _, d := range p {
			ref := ""
			if d.Kind == dialog.KindStaff {
				ref = "C-STAFF/1.1"
			}
			te.Outbox().Delivered(d.ID, ref)
		}
		res, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/1.1", Case: r.Handoff.CaseID, Staff: "<@S>", Action: dialog.StaffResolve})
		if err != nil || res.Status != dialog.CaseResolved {
			t.Fatalf("resolve: %+v %v", res, err)
		}
		drainWake(te.Engine)
		res, err = te.Staff(ctx, dialog.StaffEvent{EventID: "s2", Thread: "C-STAFF/1.1", Staff: "<@S>", Action: dialog.StaffMessage, Text: "追伸"})
		if err != nil || res.Ignored == "" {
			t.Fatalf("message on the closed case: %+v %v", res, err)
		}
		if !woken(te.Engine) {
			t.Error("the closed-case notice was queued without waking the sender")
		}
	})
}

// TestPostponedCasePostDoesNotHoldUpOtherThreads: a case post waiting to be retried cannot have
// opened a thread yet, so replies in other threads of the staff channel are not refused
// meanwhile; once the post is due again, they are.
func TestPostponedCasePostDoesNotHoldUpOtherThreads(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "担当者と話したい", Address: "a"})
	p, _ := te.Outbox().Pending(te.clock.Now(), 10, nil)
	for _, d := range p {
		if d.Kind == dialog.KindStaff {
			if err := te.Outbox().Postpone(d.ID, te.clock.Now().Add(time.Minute), 0, "HTTP 503"); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/unrelated.1", Staff: "<@S>", Action: dialog.StaffMessage, Text: "雑談"})
	if err != nil || res.Ignored != "not a case thread" {
		t.Errorf("a reply in an unrelated thread while a case post waits for its retry: %+v %v, want it ignored", res, err)
	}
	te.clock.Add(2 * time.Minute)
	_, err = te.Staff(ctx, dialog.StaffEvent{EventID: "s2", Thread: "C-STAFF/2.1", Staff: "<@S>", Action: dialog.StaffMessage, Text: "担当です"})
	if !errors.Is(err, dialog.ErrCasePending) {
		t.Errorf("a reply while the case post is due for its retry: %v, want ErrCasePending", err)
	}
}

// TestCasePostPendingAfterRestart: a case post still in the outbox when the process restarts is
// on its way as much as before, so a reply in a thread not yet recorded is refused for retry.
func TestCasePostPendingAfterRestart(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "担当者と話したい", Address: "a"})
	te.Close()
	again := openTestEngine(t, te.lib, dialog.Policy{Staffed: true}, te.path)
	_, err := again.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/1.1", Staff: "<@S>", Action: dialog.StaffMessage, Text: "担当です"})
	if !errors.Is(err, dialog.ErrCasePending) {
		t.Errorf("a staff reply after a restart, before the case post was recorded: %v, want ErrCasePending", err)
	}
}

// TestFloodFromOneUserAtOnce: messages of one flood arriving together (batched into shared
// commits) are limited as when they arrive one by one, and a redelivered refused message is a
// duplicate.
func TestFloodFromOneUserAtOnce(t *testing.T) {
	lib, _ := knowledge.LibraryOf(seeds.FS)
	c := &clock{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	e, err := dialog.Open(filepath.Join(t.TempDir(), "h.db"), lib, discard,
		dialog.Options{Now: c.Now, RateLimit: dialog.RateLimit{Burst: 10, Every: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	const n = 30
	replies := make([]dialog.Reply, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "flooder", EventID: fmt.Sprint("f", i), Text: "ウイルスに感染した", Address: "a"})
			if err != nil {
				t.Error(err)
			}
			replies[i] = r
		}(i)
	}
	wg.Wait()
	answered, notices, silent := 0, 0, -1
	for i, r := range replies {
		switch {
		case hasText(r, "たくさんのメッセージ"):
			notices++
		case len(r.Blocks) == 0:
			if silent < 0 {
				silent = i
			}
		default:
			answered++
		}
	}
	if answered != 10 || notices != 1 {
		t.Errorf("flood of %d at once: %d answered, %d notices; want 10 and 1", n, answered, notices)
	}
	if silent < 0 {
		t.Fatal("no message of the flood was dropped")
	}
	r, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "flooder", EventID: fmt.Sprint("f", silent), Text: "ウイルスに感染した", Address: "a"})
	if err != nil || !r.Duplicate {
		t.Errorf("redelivery of a dropped message: duplicate=%v, %v; want a duplicate", r.Duplicate, err)
	}
}

// A message decided from a snapshot is decided again when another message of the conversation
// was stored in between: both steps count, in the order they were stored.
func TestDecisionTakenAgainWhenTheConversationChangedMeanwhile(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	var meanwhile atomic.Bool
	dialog.SetAfterEarly(te.Engine, func() {
		if meanwhile.CompareAndSwap(false, true) {
			if _, err := te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "same", EventID: "second", Text: "ウイルスに感染した", Address: "a"}); err != nil {
				t.Error(err)
			}
		}
	})
	if _, err := te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "same", EventID: "first", Text: "ウイルスに感染した", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	if steps := te.deliveredSteps(t); strings.Join(steps, ",") != "1,2" {
		t.Errorf("steps of the replies in queue order: %v, want [1 2] (the first message decided from a stale conversation?)", steps)
	}
}

// TestStatsSuggestNearestTopics: each text the bot could not answer comes with the (at most
// two) topics nearest to it, so an admin can add it as an example of the right one.
func TestStatsSuggestNearestTopics(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{})
	te.say(t, "u1", "パソコンが変")
	st := mustStats(t, te)
	if len(st.Unanswered) != 1 {
		t.Fatalf("Unanswered = %+v, want one text", st.Unanswered)
	}
	near := st.Unanswered[0].Nearest
	if len(near) == 0 || len(near) > 2 {
		t.Fatalf("Nearest = %+v, want one or two topics", near)
	}
	for _, n := range near {
		if n.Topic == "" || n.Title == "" || n.Score <= 0 || n.Score > 1 {
			t.Errorf("Nearest has %+v, want a topic with its title and a score in (0, 1]", n)
		}
	}
}

// TestQueuedReplyKeepsItsLanguage: a reply read back from the outbox after a restart is still in
// the language of the conversation, which the channels write its text in ("Phone: " in English).
func TestQueuedReplyKeepsItsLanguage(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	if _, err := te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: "u1", EventID: "e1",
		Text: "My files are all encrypted and there is a ransom note on the screen", Address: "a"}); err != nil {
		t.Fatal(err)
	}
	te.Close() // read back from the file, as after a restart
	again := openTestEngine(t, te.lib, dialog.Policy{Staffed: true}, te.path)
	p, err := again.Outbox().Pending(again.clock.Now(), 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) == 0 || p[0].Reply.Lang != "en" {
		t.Fatalf("queued replies %d, the first in %q; want one in English", len(p), func() string {
			if len(p) == 0 {
				return ""
			}
			return p[0].Reply.Lang
		}())
	}
	if text := p[0].Reply.PlainText(); !strings.Contains(text, "Phone: ") {
		t.Errorf("the queued reply reads, with its cards:\n%s\nwant \"Phone: \"", text)
	}
}
