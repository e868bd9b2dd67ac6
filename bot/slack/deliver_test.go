package slack_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// failureOf reads a delivery error the way bot.Sender does: the *dialog.Failure in its chain,
// if any (ok false otherwise).
func failureOf(err error) (f dialog.Failure, ok bool) {
	var p *dialog.Failure
	if errors.As(err, &p) {
		return *p, true
	}
	return f, false
}

func deliver(t *testing.T, h *harness, d dialog.Delivery) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d.Channel == "staff" {
		return h.bot.StaffDeliverer().Deliver(ctx, d)
	}
	return h.bot.Deliverer().Deliver(ctx, d)
}

// firstAid is a reply like the ransomware answer: first-aid steps, text, contact cards, choices.
func firstAid() dialog.Reply {
	return dialog.Reply{Outcome: dialog.Answer, Topic: "ransomware", Urgent: true, Blocks: []dialog.Block{
		{Kind: dialog.StepsBlock, Title: "いますぐやること", Text: "ネットワークから切り離してください（LANケーブルを抜く）。",
			Items: []string{"感染した機器の利用を停止します。", "画面を写真で残します。", "身代金は支払わないでください。"}},
		{Kind: dialog.TextBlock, Text: "ランサムウェアは <不正な> プログラムです & 被害が広がります。"},
		{Kind: dialog.AlertsBlock, Title: "現在出ている注意喚起", Items: []string{"ホットな脅威への対応（2022.2.17）"}},
		{Kind: dialog.ContactsBlock, Title: "相談先", Contacts: []dialog.Contact{{Name: "IPA 情報セキュリティ安心相談窓口",
			OpenLabel: "受付中", Fields: []dialog.Field{
				{Label: "電話", Value: "03-5978-7509", Kind: "phone", URI: "tel:0359787509"},
				{Label: "受付時間", Value: "10:00〜12:00、13:30〜17:00"},
				{Label: "Web", Value: "https://www.ipa.go.jp/security/anshin/about.html?a=1&b=2", Kind: "url",
					URI: "https://www.ipa.go.jp/security/anshin/about.html?a=1&b=2"},
				{Label: "メール", Value: "anshin@ipa.go.jp", Kind: "email", URI: "mailto:anshin@ipa.go.jp"},
			}}}},
	}, Choices: []dialog.Choice{{ID: "a:intake", Label: "状況を整理する"}, {ID: "a:person", Label: "担当者に相談"}}}
}

func TestFirstAidReplyInBlockKit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: "DU1", Reply: firstAid()}); err != nil {
		t.Fatal(err)
	}
	posts := h.fake.Posts()
	if len(posts) != 1 || len(h.fake.Rejected()) != 0 {
		t.Fatalf("posts %d, rejected %q", len(posts), h.fake.Rejected())
	}
	p := posts[0]
	for _, want := range []string{
		"*いますぐやること*\nネットワークから切り離してください（LANケーブルを抜く）。\n1. 感染した機器の利用を停止します。\n2. 画面を写真で残します。\n3. 身代金は支払わないでください。",
		"ランサムウェアは &lt;不正な&gt; プログラムです &amp; 被害が広がります。",
		"• ホットな脅威への対応（2022.2.17）",
		"*IPA 情報セキュリティ安心相談窓口* 【受付中】",
		"*電話*\n<tel:0359787509|03-5978-7509>",
		"*Web*\n<https://www.ipa.go.jp/security/anshin/about.html?a=1&amp;b=2|https://www.ipa.go.jp/security/anshin/about.html?a=1&amp;b=2>",
		"*メール*\n<mailto:anshin@ipa.go.jp|anshin@ipa.go.jp>",
	} {
		if !p.Contains(want) {
			t.Errorf("post lacks %q; it has:\n%s", want, p.AllText())
		}
	}
	if p.Channel != "DU1" || p.ThreadTS != "" || p.Text == "" || !strings.Contains(p.Text, "いますぐやること") {
		t.Errorf("post in %q thread %q with text %q", p.Channel, p.ThreadTS, p.Text)
	}
	btns := p.Buttons()
	if len(btns) != 2 || btns[0].Value != "a:intake" || btns[0].Text != "状況を整理する" || btns[1].Value != "a:person" {
		t.Errorf("buttons %+v", btns)
	}
	if last := p.Blocks[len(p.Blocks)-1]; last.Type != "actions" {
		t.Errorf("the buttons are not last: %+v", last)
	}
}

// TestLimits renders a reply far beyond Slack's limits: it must arrive complete, in order, in
// messages Slack accepts (the fake refuses what Slack refuses).
func TestLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var r dialog.Reply
	long := strings.Repeat("長い説明です & <注意>。", 400) // ~6,000 characters escaped, in one line
	r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.TextBlock, Title: "見出し", Text: long})
	for i := range 100 {
		r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.TextBlock, Text: fmt.Sprintf("段落 %02d", i)})
	}
	var fields []dialog.Field
	for i := range 23 {
		fields = append(fields, dialog.Field{Label: fmt.Sprintf("項目%d", i), Value: strings.Repeat("値", 2500)})
	}
	r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.ContactsBlock, Contacts: []dialog.Contact{{Name: "窓口", Fields: fields}}})
	for i := range 60 {
		r.Choices = append(r.Choices, dialog.Choice{ID: fmt.Sprintf("o:7:q%d:opt", i), Label: fmt.Sprintf("%02d ", i) + strings.Repeat("選択肢", 40)})
	}
	if _, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: "C1/9.9", Reply: r}); err != nil {
		t.Fatalf("deliver: %v (rejected %q)", err, h.fake.Rejected())
	}
	posts := h.fake.Posts()
	if len(posts) < 3 {
		t.Fatalf("%d posts for a reply of more than 100 blocks", len(posts))
	}
	var all, buttons []string
	actionBlocks := 0
	for _, p := range posts {
		if len(p.Blocks) > 50 || p.ThreadTS != "9.9" || p.Channel != "C1" || p.Text == "" {
			t.Errorf("post of %d blocks in %s/%s with text %q", len(p.Blocks), p.Channel, p.ThreadTS, p.Text)
		}
		for _, b := range p.Blocks {
			if b.Type == "section" && b.Text != nil && utf8.RuneCountInString(b.Text.Text) > 3000 {
				t.Errorf("section of %d characters", utf8.RuneCountInString(b.Text.Text))
			}
			if len(b.Fields) > 10 {
				t.Errorf("section of %d fields", len(b.Fields))
			}
			if b.Type == "actions" {
				actionBlocks++
				if len(b.Elements) > 25 {
					t.Errorf("actions block of %d buttons", len(b.Elements))
				}
			}
		}
		for _, btn := range p.Buttons() {
			if utf8.RuneCountInString(btn.Text) > 75 {
				t.Errorf("button text of %d characters", utf8.RuneCountInString(btn.Text))
			}
			buttons = append(buttons, btn.Value)
		}
		all = append(all, p.Texts()...)
	}
	if rej := h.fake.Rejected(); len(rej) > 0 {
		t.Errorf("Slack would refuse: %q", rej)
	}
	if actionBlocks != 3 {
		t.Errorf("60 buttons in %d actions blocks, want 3", actionBlocks)
	}
	for i, v := range buttons {
		if want := fmt.Sprintf("o:7:q%d:opt", i); v != want {
			t.Fatalf("button %d carries %q, want %q", i, v, want)
		}
	}
	if len(buttons) != 60 {
		t.Errorf("%d buttons, want 60", len(buttons))
	}
	joined := strings.Join(all, "")
	if got, want := strings.Count(joined, "長い説明です"), 400; got != want {
		t.Errorf("the long text arrived with %d of %d sentences", got, want)
	}
	if strings.Contains(joined, "&am\n") || strings.Contains(joined, "&amp;amp;") {
		t.Errorf("an entity was broken or escaped twice")
	}
	for i := range 100 {
		if !strings.Contains(joined, fmt.Sprintf("段落 %02d", i)) {
			t.Errorf("paragraph %d missing", i)
		}
	}
}

// TestLongLinksStayWithinAFieldsLimit: a link's target counts towards a field's 2,000
// characters as much as its text; a field over the limit makes Slack refuse the whole reply.
func TestLongLinksStayWithinAFieldsLimit(t *testing.T) {
	t.Parallel()
	url := func(n int) string {
		return "https://www.example.jp/" + strings.Repeat("a", n-len("https://www.example.jp/"))
	}
	tests := []struct {
		name     string
		field    dialog.Field
		wantLink string // the start of the link, "" for none
	}{
		{"url_1200", dialog.Field{Label: "Web", Value: url(1200), Kind: "url", URI: url(1200)}, "<" + url(1200) + "|https://"},
		{"url_1990", dialog.Field{Label: "Web", Value: url(1990), Kind: "url", URI: url(1990)}, ""},
		{"ampersands", dialog.Field{Label: "Web", Value: url(900) + strings.Repeat("&", 900), Kind: "url",
			URI: url(900) + strings.Repeat("&", 900)}, ""},
		{"escaped_text", dialog.Field{Label: "注意", Value: strings.Repeat("<&>", 600)}, ""},
		{"mailto", dialog.Field{Label: "メール", Value: "anshin@ipa.go.jp", Kind: "email", URI: "mailto:anshin@ipa.go.jp"},
			"<mailto:anshin@ipa.go.jp|anshin@ipa.go.jp>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.ContactsBlock,
				Contacts: []dialog.Contact{{Name: "窓口", Fields: []dialog.Field{tt.field}}}}}}
			if _, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: "DU1", Reply: r}); err != nil {
				t.Fatalf("deliver: %v (rejected %q)", err, h.fake.Rejected())
			}
			posts := h.fake.Posts()
			if len(posts) != 1 || len(posts[0].Blocks) != 1 || len(posts[0].Blocks[0].Fields) != 1 {
				t.Fatalf("%d posts, want one with the card's one field", len(posts))
			}
			got := posts[0].Blocks[0].Fields[0].Text
			if n := utf8.RuneCountInString(got); n > 2000 {
				t.Errorf("field of %d characters, want at most 2000", n)
			}
			if tt.wantLink != "" && !strings.Contains(got, tt.wantLink) {
				t.Errorf("field %.80q… does not link %.80q", got, tt.wantLink)
			}
			if tt.wantLink == "" && strings.Contains(got, "<") {
				t.Errorf("field %.80q… has a link or a raw <, want neither", got)
			}
			if strings.Contains(got, "&amp;amp;") || strings.HasSuffix(strings.TrimSuffix(got, "…"), "&am") {
				t.Errorf("field %.80q… breaks or doubles an entity", got)
			}
		})
	}
}

func TestDirectMessageIsOpenedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for range 2 {
		if _, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: "@U7", Reply: firstAid()}); err != nil {
			t.Fatal(err)
		}
	}
	if opened := h.fake.Opened(); len(opened) != 1 || opened[0] != "U7" {
		t.Errorf("conversations.open for %q, want once for U7", opened)
	}
	if posts := h.fake.PostsIn(slacktest.DMChannel("U7")); len(posts) != 2 {
		t.Errorf("%d posts in the direct message, want 2", len(posts))
	}
	// after an erasure the channel id is not kept: it is looked up again
	h.bot.Deliverer().ForgetCached()
	if _, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: "@U7", Reply: firstAid()}); err != nil {
		t.Fatal(err)
	}
	if opened := h.fake.Opened(); len(opened) != 2 {
		t.Errorf("conversations.open for %q after ForgetCached, want twice for U7", opened)
	}
}

// TestCredentialErrorsStopTheChannel: Slack refusing the token or a permission, or, for the
// staff channel, the channel itself, is no reason to drop the entry: the error says the channel
// must wait (Refused) rather than that the entry is hopeless (Permanent).
func TestCredentialErrorsStopTheChannel(t *testing.T) {
	t.Parallel()
	reply := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "こんにちは"}}}
	for _, tt := range []struct {
		code    string
		channel dialog.Channel
		address string
	}{
		{"invalid_auth", "slack", "C1"},
		{"token_revoked", "slack", "DU1"},
		{"account_inactive", "slack", "C1"},
		{"missing_scope", "slack", "C1"},
		{"not_in_channel", "staff", ""},
		{"channel_not_found", "staff", ""},
	} {
		t.Run(string(tt.channel)+"_"+tt.code, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.fake.Error(1, tt.code)
			d := dialog.Delivery{Channel: tt.channel, Address: tt.address, Reply: reply}
			if tt.channel == "staff" {
				d.Case = &dialog.Case{ID: "2026-0001"}
			}
			_, err := deliver(t, h, d)
			if f, ok := failureOf(err); !ok || f.Kind != dialog.Refused {
				t.Errorf("%s on %s: %v, want a Refused failure (not Permanent)", tt.code, tt.channel, err)
			}
		})
	}
	t.Run("user_channel_not_found", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.fake.Error(1, "channel_not_found")
		_, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: "C404", Reply: reply})
		if f, ok := failureOf(err); ok && f.Kind == dialog.Refused {
			t.Errorf("channel_not_found on a user's reply stopped the whole channel: %v", err)
		}
	})
}

// TestProbe: auth.test tells an accepted bot token from a refused one.
func TestProbe(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if err := h.bot.Deliverer().Probe(context.Background()); err != nil {
		t.Fatalf("Probe = %v, want nil", err)
	}
	h.fake.SetToken("xoxb-reissued")
	err := h.bot.StaffDeliverer().Probe(context.Background())
	if f, ok := failureOf(err); !ok || f.Kind != dialog.Refused || strings.Contains(err.Error(), token) {
		t.Fatalf("Probe with a revoked token = %v, want a Refused failure, naming no token", err)
	}
}

func TestDeliveryErrors(t *testing.T) {
	t.Parallel()
	reply := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "こんにちは"}}}
	tests := []struct {
		name       string
		address    string
		fault      func(*slacktest.Server)
		wantWait   time.Duration
		wantPerm   bool
		wantPosted int
	}{
		{"rate_limited", "DU1", func(f *slacktest.Server) { f.RateLimit(1, 2*time.Second) }, 2 * time.Second, false, 0},
		{"server_error", "DU1", func(f *slacktest.Server) { f.Fail(1, 503) }, 0, false, 0},
		{"channel_not_found", "C404", func(f *slacktest.Server) { f.Error(1, "channel_not_found") }, 0, true, 0},
		{"not_in_channel", "C1", func(f *slacktest.Server) { f.Error(1, "not_in_channel") }, 0, true, 0},
		{"internal_error_code", "C1", func(f *slacktest.Server) { f.Error(1, "internal_error") }, 0, false, 0},
		{"ratelimited_code", "C1", func(f *slacktest.Server) { f.Error(1, "ratelimited") }, 0, false, 0},
		{"malformed_address", "C1/2/3", func(*slacktest.Server) {}, 0, true, 0},
		{"empty_address", "", func(*slacktest.Server) {}, 0, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			tt.fault(h.fake)
			_, err := deliver(t, h, dialog.Delivery{Channel: "slack", Address: tt.address, Reply: reply})
			if err == nil {
				t.Fatal("delivered despite the fault")
			}
			f, _ := failureOf(err)
			gotWait, gotPerm := f.RetryAfter, f.Kind == dialog.Permanent
			if gotWait != tt.wantWait || gotPerm != tt.wantPerm {
				t.Errorf("%v: RetryAfter %v Permanent %v, want %v %v", err, gotWait, gotPerm, tt.wantWait, tt.wantPerm)
			}
			if n := len(h.fake.Posts()); n != tt.wantPosted {
				t.Errorf("%d posts", n)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

// TestTimeoutIsRetried: a post that times out is an error the sender retries. Slack has no
// idempotency key, so when the timed-out post went through after all, the user sees the reply
// twice (SECURITY.md, known limits); the test pins that down rather than hide it.
func TestTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.fake.Hang(1, 500*time.Millisecond)
	del := dialog.Delivery{Address: "DU1", Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "返信"}}}}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := h.bot.Deliverer().Deliver(ctx, del)
	if f, _ := failureOf(err); err == nil || f.Kind == dialog.Permanent {
		t.Fatalf("a timeout: %v, want a retryable error", err)
	}
	if _, err := h.bot.Deliverer().Deliver(context.Background(), del); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	wait, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := h.fake.WaitUntil(wait, func() bool { return len(h.fake.PostsIn("DU1")) == 2 }); err != nil {
		t.Errorf("posts in DU1: %d, want the retry and the timed-out post that went through (%v)", len(h.fake.PostsIn("DU1")), err)
	}
}

// TestPartialFailureResumes: a reply of three messages fails on the second; the retry, told the
// progress, posts the rest without repeating the first.
func TestPartialFailureResumes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var r dialog.Reply
	for i := range 120 {
		r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.TextBlock, Text: fmt.Sprintf("段落 %03d", i)})
	}
	h.fake.Pass(1)
	h.fake.Fail(1, 500)
	d := dialog.Delivery{Address: "DU1", Reply: r}
	_, err := deliver(t, h, d)
	f, ok := failureOf(err)
	if err == nil || !ok || f.Progress != 1 {
		t.Fatalf("partial failure: %v, want progress 1", err)
	}
	d.Progress = f.Progress
	if _, err := deliver(t, h, d); err != nil {
		t.Fatal(err)
	}
	posts := h.fake.Posts()
	var texts []string
	for _, p := range posts {
		texts = append(texts, p.Texts()...)
	}
	if len(posts) != 3 || len(texts) != 120 || texts[0] != "段落 000" || texts[50] != "段落 050" || texts[119] != "段落 119" {
		t.Errorf("%d posts with %d paragraphs, want 3 with 120 in order", len(posts), len(texts))
	}
}

func TestPostsArePacedPerChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *slack.Config) { c.PostInterval = 300 * time.Millisecond })
	var r dialog.Reply
	for i := range 70 { // two messages
		r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.TextBlock, Text: fmt.Sprintf("段落 %d", i)})
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, addr := range []string{"DU1", "DU2", "DU3"} {
		wg.Go(func() {
			if _, err := deliver(t, h, dialog.Delivery{Address: addr, Reply: r}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("three channels took %v: channels must not wait for one another", d)
	}
	for _, ch := range []string{"DU1", "DU2", "DU3"} {
		posts := h.fake.PostsIn(ch)
		if len(posts) != 2 {
			t.Fatalf("%s: %d posts", ch, len(posts))
		}
		if gap := posts[1].At.Sub(posts[0].At); gap < 250*time.Millisecond {
			t.Errorf("%s: posts %v apart, want about 300ms", ch, gap)
		}
	}
}

func TestEscapingKeepsUserTextInert(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "<!channel> <@U1> <https://evil.example|銀行> *太字* & 終わり"}}}
	if _, err := deliver(t, h, dialog.Delivery{Address: "DU1", Reply: r}); err != nil {
		t.Fatal(err)
	}
	got := h.fake.Posts()[0].AllText()
	if got != "&lt;!channel&gt; &lt;@U1&gt; &lt;https://evil.example|銀行&gt; *太字* &amp; 終わり" {
		t.Errorf("section = %q", got)
	}
}

func TestStaffCaseIsARootMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := dialog.Reply{Topic: "ransomware", Urgent: true,
		Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "【新しい相談】2026-0001 ランサムウェア感染（緊急）"}},
		Choices: []dialog.Choice{{ID: "s:claim:2026-0001", Label: "担当する"}, {ID: "s:resolve:2026-0001", Label: "解決"},
			{ID: "s:handback:2026-0001", Label: "ボットに戻す"}}}
	for i := range 80 { // a long conversation: the case must still be one message
		r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.SummaryBlock, Title: "相談者の発言", Items: []string{fmt.Sprintf("発言 %d", i)}})
	}
	ref, err := deliver(t, h, dialog.Delivery{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0001"}, Reply: r})
	if err != nil {
		t.Fatal(err)
	}
	posts := h.fake.Posts()
	if len(posts) != 1 || len(h.fake.Rejected()) > 0 {
		t.Fatalf("case in %d posts (rejected %q), want one", len(posts), h.fake.Rejected())
	}
	p := posts[0]
	if ref != staffC+"/"+p.TS || p.Channel != staffC || p.ThreadTS != "" {
		t.Errorf("ref %q for a post in %s/%s ts %s", ref, p.Channel, p.ThreadTS, p.TS)
	}
	btns := p.Buttons()
	if len(btns) != 3 || btns[0].Value != "s:claim:2026-0001" || btns[0].Style != "primary" || btns[2].Value != "s:handback:2026-0001" {
		t.Errorf("buttons %+v", btns)
	}
	if last := p.Blocks[len(p.Blocks)-1]; last.Type != "actions" || last.BlockID != "staff:ransomware" {
		t.Errorf("last block %+v, want the case's buttons", last)
	}
}

func TestStaffThreadPosts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	thread := staffC + "/1700000000.000100"
	notice := "<@U9> さんが担当します。"
	relayed := "相談者：" + "<@U9> <!channel> 助けて"
	for _, d := range []dialog.Delivery{
		{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0001", Thread: thread}, Text: notice, Notice: true,
			Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: notice}}}},
		{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0001", Thread: thread}, Text: "<@U9> <!channel> 助けて",
			Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: relayed}}}},
		{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0002"}, Text: "まだ投稿されていない相談へのメッセージ",
			Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "相談者：まだ投稿されていない相談へのメッセージ"}}}},
	} {
		if ref, err := deliver(t, h, d); err != nil || ref != "" {
			t.Fatalf("deliver: %q %v", ref, err)
		}
	}
	posts := h.fake.Posts()
	if len(posts) != 3 {
		t.Fatalf("%d posts", len(posts))
	}
	if p := posts[0]; p.Channel != staffC || p.ThreadTS != "1700000000.000100" || p.AllText() != "<@U9> さんが担当します。" {
		t.Errorf("notice: %s/%s %q (the staff mention must stay a mention)", p.Channel, p.ThreadTS, p.AllText())
	}
	if p := posts[1]; p.ThreadTS != "1700000000.000100" || p.AllText() != "相談者：&lt;@U9&gt; &lt;!channel&gt; 助けて" {
		t.Errorf("relayed user text: %q (a user must not ping anyone)", p.AllText())
	}
	if p := posts[2]; p.Channel != staffC || p.ThreadTS != "" {
		t.Errorf("message of a case without a thread went to %s/%s, want the top of the staff channel", p.Channel, p.ThreadTS)
	}
}

// TestMalformedCaseThreadIsRefused: a case's thread is parsed like any address; what does not
// name a thread in a channel is refused for good, and nothing is posted.
func TestMalformedCaseThreadIsRefused(t *testing.T) {
	t.Parallel()
	for _, thread := range []string{staffC, staffC + "/", "/1700000000.000100", staffC + "/1700000000.000100/2", "@U1"} {
		h := newHarness(t)
		_, err := deliver(t, h, dialog.Delivery{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0001", Thread: thread},
			Text: "こんにちは", Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "相談者：こんにちは"}}}})
		if f, ok := failureOf(err); err == nil || !ok || f.Kind != dialog.Permanent {
			t.Errorf("case thread %q: %v, want a permanent error", thread, err)
		}
		if n := len(h.fake.Posts()); n != 0 {
			t.Errorf("case thread %q: %d posts, want none", thread, n)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	d := &desk{}
	tests := []struct {
		name string
		cfg  slack.Config
	}{
		{"no_bot_token", slack.Config{SigningSecret: secret}},
		{"no_secret_nor_app_token", slack.Config{BotToken: token}},
		{"bad_api_url", slack.Config{BotToken: token, SigningSecret: secret, APIURL: "slack.com/api"}},
		{"api_url_with_query", slack.Config{BotToken: token, SigningSecret: secret, APIURL: "https://x/api/?a=1"}},
	}
	for _, tt := range tests {
		if _, err := slack.New(slog.New(slog.DiscardHandler), tt.cfg, d); err == nil {
			t.Errorf("%s: New accepted %+v", tt.name, tt.cfg)
		}
	}
	if u, err := slack.CheckAPIURL("http://127.0.0.1:9/api"); err != nil || u != "http://127.0.0.1:9/api/" {
		t.Errorf("CheckAPIURL = %q %v, want the trailing slash added", u, err)
	}
}

// TestBusyChannelGivesTheWorkerBack: when a channel's turn is far off (many replies queued for
// one channel), a delivery asks to come back later instead of holding a sender worker.
func TestBusyChannelGivesTheWorkerBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *slack.Config) { c.PostInterval = 2 * time.Second })
	reply := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "こんにちは"}}}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := deliver(t, h, dialog.Delivery{Address: "C1", Reply: reply})
			errs <- err
		}()
	}
	var waits []time.Duration
	for range 3 {
		if err := <-errs; err != nil {
			f, ok := failureOf(err)
			if !ok {
				t.Fatalf("busy channel: %v, want a RetryAfter", err)
			}
			waits = append(waits, f.RetryAfter)
		}
	}
	if len(waits) != 1 || waits[0] <= 3*time.Second || waits[0] > 4*time.Second || len(h.fake.Posts()) != 2 {
		t.Errorf("3 replies for one channel 2s apart: %d posted, waits %v; want 2 posted and one asked to wait about 4s",
			len(h.fake.Posts()), waits)
	}
}

// TestCasePostIsRewritten: an entry with the case's post as it now reads posts its notice into
// the thread and rewrites the root message in place: the status line first (its staff mention a
// mention), the user's words still inert, no buttons once closed. A retry after the notice went
// out only rewrites; a post that is gone is a permanent failure.
func TestCasePostIsRewritten(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	open := dialog.Reply{Topic: "ransomware", Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "【新しい相談】2026-0001 ランサムウェア"},
		{Kind: dialog.SummaryBlock, Title: "相談者の発言", Items: []string{"<@U9> <!channel> 助けて"}}},
		Choices: []dialog.Choice{{ID: "s:claim:2026-0001", Label: "担当する"}, {ID: "s:resolve:2026-0001", Label: "解決"}}}
	ref, err := deliver(t, h, dialog.Delivery{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0001"}, Reply: open})
	if err != nil {
		t.Fatal(err)
	}
	closed := open
	closed.Choices = nil
	status := "<@U7> さんが解決済みにしました。メモ：再起動を案内"
	entry := dialog.Delivery{Kind: dialog.KindStaff, Channel: "staff", Case: &dialog.Case{ID: "2026-0001", Thread: ref}, Text: status, Notice: true,
		Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: status}}},
		Post:  &dialog.CasePost{Status: status, Reply: closed}}
	if _, err := deliver(t, h, entry); err != nil {
		t.Fatal(err)
	}
	posts := h.fake.Posts()
	if len(posts) != 2 || posts[1].ThreadTS != posts[0].TS || !posts[1].Contains("<@U7> さんが解決済みにしました") {
		t.Fatalf("after the rewrite: %+v", posts)
	}
	root := posts[0]
	if root.Edits != 1 || len(root.Buttons()) != 0 || root.Blocks[0].Type != "context" {
		t.Errorf("rewritten post: %d edits, buttons %+v, first block %+v", root.Edits, root.Buttons(), root.Blocks[0])
	}
	if text := root.AllText(); !strings.HasPrefix(text, "<@U7> さんが解決済みにしました") || !strings.Contains(text, "&lt;@U9&gt; &lt;!channel&gt; 助けて") {
		t.Errorf("rewritten post reads %q: want the staff mention kept and the user's words inert", text)
	}
	if calls := h.fake.Calls("chat.update"); calls != 1 {
		t.Errorf("%d chat.update calls, want 1", calls)
	}

	// A retry after the notice went out (progress 1) only rewrites the post.
	entry.Progress = 1
	if _, err := deliver(t, h, entry); err != nil {
		t.Fatal(err)
	}
	if posts := h.fake.Posts(); len(posts) != 2 || posts[0].Edits != 2 {
		t.Errorf("the retry posted %d messages (want 2 in all) and rewrote the post %d times (want 2)", len(posts), posts[0].Edits)
	}

	// The post was deleted: nothing will ever rewrite it.
	entry.Case.Thread = staffC + "/1.000009"
	_, err = deliver(t, h, entry)
	if f, ok := failureOf(err); !ok || f.Kind != dialog.Permanent || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("rewrite of a deleted post: %v, want a permanent message_not_found", err)
	}
}
