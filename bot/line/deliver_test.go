package line_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// newDeliverer returns a deliverer calling fake; edits change its API first.
func newDeliverer(t testing.TB, fake *linetest.Server, edits ...func(*line.API)) *line.Deliverer {
	t.Helper()
	api := line.API{Token: testToken, BaseURL: fake.URL}
	for _, edit := range edits {
		edit(&api)
	}
	b, err := line.New(quietLogger(), line.Config{Secret: testSecret, API: api}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	return b.Deliverer()
}

// startLINE starts a fake LINE, closed when the test ends, and a deliverer calling it.
func startLINE(t *testing.T) (*linetest.Server, *line.Deliverer) {
	t.Helper()
	fake := linetest.New(testToken)
	t.Cleanup(fake.Close)
	return fake, newDeliverer(t, fake)
}

var keySeq atomic.Uint64

// newKey returns a random UUID, as the outbox gives each entry.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// delivery returns an outbox entry for user whose event LINE saw at `at`, with a reply token
// issued then.
func delivery(user string, at time.Time, reply dialog.Reply) dialog.Delivery {
	return dialog.Delivery{
		ID:      keySeq.Add(1),
		Kind:    dialog.KindReply,
		Channel: "line",
		Address: fmt.Sprintf(`{"u":%q,"rt":%q}`, user, linetest.IssueReplyToken(user, at)),
		Reply:   reply,
		Event:   at,
		Created: time.Now(),
		Key:     newKey(),
	}
}

func text(s string) dialog.Block { return dialog.Block{Kind: dialog.TextBlock, Text: s} }

// errorMethods reads an error the way bot.Sender does.
func errorMethods(err error) (retryAfter time.Duration, permanent bool, progress int) {
	var f *dialog.Failure
	if errors.As(err, &f) {
		return f.RetryAfter, f.Kind == dialog.Permanent, f.Progress
	}
	return
}

// credentials reports whether err says, as bot.Sender reads it, that LINE refused the channel's
// credentials.
func credentials(err error) bool {
	var f *dialog.Failure
	return errors.As(err, &f) && f.Kind == dialog.Refused
}

// TestProbe: GET /v2/bot/info tells an accepted token from a revoked one, and a revoked one
// with the same error method a delivery's 401 has.
func TestProbe(t *testing.T) {
	t.Parallel()
	fake, d := startLINE(t)
	if err := d.Probe(context.Background()); err != nil {
		t.Fatalf("Probe with the channel's token = %v, want nil", err)
	}
	fake.SetToken("reissued")
	err := d.Probe(context.Background())
	if !credentials(err) || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), testToken) {
		t.Fatalf("Probe with a revoked token = %v, want a 401 refused, naming no token", err)
	}
	fake.SetToken(testToken)
	if err := d.Probe(context.Background()); err != nil {
		t.Fatalf("Probe once the token is accepted again = %v, want nil", err)
	}
}

func contacts(n int) []dialog.Contact {
	var out []dialog.Contact
	for i := range n {
		out = append(out, dialog.Contact{
			Name:  fmt.Sprintf("相談窓口 %d", i+1),
			Phone: "03-5978-7509", Tel: "tel:0359787509",
			URL:   "https://www.ipa.go.jp/security/anshin/about.html",
			Hours: "10:00〜12:00、13:30〜17:00（土日祝日・年末年始を除く）", Status: "open", OpenLabel: "受付中",
			Fields: []dialog.Field{
				{Label: "電話", Value: "03-5978-7509", Kind: "phone", URI: "tel:0359787509"},
				{Label: "受付時間", Value: "10:00〜12:00、13:30〜17:00（土日祝日・年末年始を除く）"},
				{Label: "Web", Value: "https://www.ipa.go.jp/security/anshin/about.html", Kind: "url"},
			},
		})
	}
	return out
}

func TestDeliverRendersReply(t *testing.T) {
	t.Parallel()
	fake, d := startLINE(t)
	user := linetest.UserID(1)
	var choices []dialog.Choice
	for i := range 15 {
		choices = append(choices, dialog.Choice{ID: fmt.Sprintf("t:topic-%d", i), Label: fmt.Sprintf("%d番目のとても長い選択肢のラベルで二十文字を超えます", i)})
	}
	reply := dialog.Reply{
		Blocks: []dialog.Block{
			{Kind: dialog.StepsBlock, Title: "いますぐやること", Text: "LAN ケーブルを抜いてください。", Items: []string{"ネットワークから切り離します。", "画面を写真に撮ります。"}},
			text("ランサムウェアは、ネットワーク上の他のパソコンにも被害を広げることがあるためです。"),
			{Kind: dialog.AlertsBlock, Title: "現在出ている注意喚起", Items: []string{"ホットな脅威への対応（2022.2.17）"}},
			{Kind: dialog.ContactsBlock, Title: "相談先", Contacts: contacts(14), CallLabel: "電話をかける", WebLabel: "Webサイトを開く"},
			text("ほかにお手伝いできることはありますか？"),
		},
		Choices: choices,
	}
	if _, err := d.Deliver(context.Background(), delivery(user, time.Now(), reply)); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].API != "reply" {
		t.Fatalf("LINE got %d requests, want one reply", len(reqs))
	}
	msgs := reqs[0].Messages
	if len(msgs) > 5 {
		t.Fatalf("one request carried %d messages, want at most 5", len(msgs))
	}
	if !strings.HasPrefix(msgs[0].Text, "■ いますぐやること\nLAN ケーブルを抜いてください。\n1. ネットワークから切り離します。\n2. 画面を写真に撮ります。") {
		t.Errorf("first message = %q, want the steps with their title, lead and numbers", msgs[0].Text)
	}
	var flex []linetest.Message
	for i, m := range msgs {
		if m.Type == "flex" {
			flex = append(flex, m)
		}
		if i < len(msgs)-1 && len(m.QuickReply) > 0 {
			t.Errorf("message %d has quick replies, want them on the last message only", i)
		}
	}
	if len(flex) != 2 {
		t.Fatalf("got %d Flex messages for 14 contact cards, want 2 carousels (12 + 2)", len(flex))
	}
	for _, f := range flex {
		c := string(f.Contents)
		if strings.Contains(c, `"flex":0`) {
			t.Errorf("Flex contents carry \"flex\":0, which breaks the layout: %s", c)
		}
		if !strings.Contains(c, `"uri":"tel:0359787509"`) || !strings.Contains(c, `"label":"電話をかける"`) {
			t.Errorf("Flex contents have no tap-to-call button for 03-5978-7509: %s", c)
		}
		if !strings.Contains(c, `"uri":"https://www.ipa.go.jp/security/anshin/about.html"`) {
			t.Errorf("Flex contents have no web button: %s", c)
		}
		if !strings.Contains(c, "受付中") {
			t.Errorf("Flex contents do not say the contact is open: %s", c)
		}
		if f.AltText == "" || utf8.RuneCountInString(f.AltText) > 400 || !strings.Contains(f.AltText, "相談窓口 1") && !strings.Contains(f.AltText, "相談窓口 13") {
			t.Errorf("altText = %q, want the card names within 400 characters", f.AltText)
		}
	}
	last := msgs[len(msgs)-1]
	if last.Text != "ほかにお手伝いできることはありますか？" {
		t.Errorf("last message = %q, want the closing question", last.Text)
	}
	if len(last.QuickReply) != 13 {
		t.Fatalf("last message has %d quick replies, want 13 (LINE's limit)", len(last.QuickReply))
	}
	for i, q := range last.QuickReply {
		if q.Type != "action" || q.ActionType != "postback" || q.Data != choices[i].ID || q.DisplayText != choices[i].Label {
			t.Errorf("quick reply %d = %+v, want a postback of %q showing %q", i, q, choices[i].ID, choices[i].Label)
		}
		if n := utf8.RuneCountInString(q.Label); n > 20 || !strings.HasSuffix(q.Label, "…") {
			t.Errorf("quick reply label %q has %d characters, want at most 20 and marked as cut", q.Label, n)
		}
	}
}

func TestDeliverSplitsLongReplies(t *testing.T) {
	t.Parallel()
	paragraph := strings.Repeat("あ", 999) + "。"
	long := strings.Repeat(paragraph+"\n\n", 11) + paragraph // 12,000 characters in paragraphs
	emoji := strings.Repeat("🔒", 3000)                       // 6,000 UTF-16 units, no break
	var many []dialog.Block
	for i := range 8 {
		many = append(many, text(fmt.Sprintf("%d: %s", i, strings.Repeat("い", 3000))))
	}
	tests := []struct {
		name     string
		blocks   []dialog.Block
		messages int
		requests int
	}{
		{"paragraphs", []dialog.Block{text(long)}, 3, 1},
		{"surrogate_pairs", []dialog.Block{text(emoji)}, 2, 1},
		{"more_than_five", many, 8, 2},
		{"short_texts_merged", []dialog.Block{text("一"), text("二"), text("三"), text("四"), text("五"), text("六"), text("七")}, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, d := startLINE(t)
			user := linetest.UserID(2)
			if _, err := d.Deliver(context.Background(), delivery(user, time.Now(), dialog.Reply{Blocks: tt.blocks})); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			msgs, reqs := fake.MessagesTo(user), fake.Requests()
			if len(msgs) != tt.messages || len(reqs) != tt.requests {
				t.Fatalf("LINE got %d messages in %d requests, want %d in %d", len(msgs), len(reqs), tt.messages, tt.requests)
			}
			var all strings.Builder
			for i, m := range msgs {
				if n := len(utf16.Encode([]rune(m.Text))); n > 5000 {
					t.Errorf("message %d has %d UTF-16 units, want at most 5000", i, n)
				}
				if !utf8.ValidString(m.Text) {
					t.Errorf("message %d was cut inside a character", i)
				}
				all.WriteString(m.Text)
			}
			var want strings.Builder
			for _, b := range tt.blocks {
				want.WriteString(b.Text)
			}
			strip := func(s string) string { return strings.NewReplacer("\n", "").Replace(s) }
			if strip(all.String()) != strip(want.String()) {
				t.Errorf("the messages do not add up to the reply's text")
			}
			if tt.requests > 1 && (reqs[0].API != "reply" || reqs[1].API != "push" || reqs[1].RetryKey == "") {
				t.Errorf("requests went by %s then %s (key %q), want the reply token first, then a push with a retry key",
					reqs[0].API, reqs[1].API, reqs[1].RetryKey)
			}
		})
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDeliverReplyTokenOrPush(t *testing.T) {
	t.Parallel()
	reply := dialog.Reply{Blocks: []dialog.Block{text("こんにちは。")}}
	tests := []struct {
		name      string
		age       time.Duration
		reclaimed bool // an earlier claim, perhaps another replica's, expired unmarked
		wantAPI   string
	}{
		{"fresh_token", 0, false, "reply"},
		{"token_40s_old", 40 * time.Second, false, "reply"},
		{"token_55s_old", 55 * time.Second, false, "push"},
		{"token_2min_old", 2 * time.Minute, false, "push"},
		{"fresh_token_reclaimed", 0, true, "push"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, d := startLINE(t)
			user := linetest.UserID(3)
			del := delivery(user, time.Now().Add(-tt.age), reply)
			del.Reclaimed = tt.reclaimed
			if _, err := d.Deliver(context.Background(), del); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			reqs := fake.Requests()
			if len(reqs) != 1 || reqs[0].API != tt.wantAPI || reqs[0].To != user {
				t.Fatalf("LINE got %+v, want one %s to %s", reqs, tt.wantAPI, user)
			}
			if tt.wantAPI == "push" && !uuidPattern.MatchString(reqs[0].RetryKey) {
				t.Errorf("push retry key = %q, want a UUID", reqs[0].RetryKey)
			}
		})
	}
}

func TestDeliverIsIdempotent(t *testing.T) {
	t.Parallel()
	reply := dialog.Reply{Blocks: []dialog.Block{text("こんにちは。")}}
	t.Run("token_of_an_accepted_reply_is_taken_as_sent", func(t *testing.T) {
		t.Parallel()
		fake, d := startLINE(t)
		del := delivery(linetest.UserID(4), time.Now(), reply)
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Fatal(err)
		}
		del.Attempts = 1
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Fatalf("second Deliver: %v", err)
		}
		if n, st := len(fake.Messages()), fake.Stats(); n != 1 || st.InvalidTokens != 1 || st.Pushes != 0 {
			t.Errorf("LINE got %d messages (%+v), want 1 and the repeat refused as an invalid token", n, st)
		}
	})
	t.Run("token_refused_after_a_failed_try_is_pushed", func(t *testing.T) {
		t.Parallel()
		// The first try got a 500, which did not use the token; by the retry LINE refuses the
		// token anyway (expired early, or any other reason): the reply must be pushed, not
		// taken as sent.
		fake, d := startLINE(t)
		fake.Fail(1, http.StatusInternalServerError)
		user := linetest.UserID(9)
		del := delivery(user, time.Now().Add(-time.Second), reply) // fresh for us, not for a TTL of 1 ms
		if _, err := d.Deliver(context.Background(), del); err == nil {
			t.Fatal("Deliver through a 500 = nil, want an error")
		}
		fake.SetTokenTTL(time.Millisecond)
		del.Attempts = 1
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Fatalf("retry: %v", err)
		}
		reqs := fake.Requests()
		if len(reqs) != 1 || reqs[0].API != "push" || reqs[0].RetryKey == "" || len(fake.MessagesTo(user)) != 1 {
			t.Errorf("LINE got %+v (%+v), want the reply pushed once with a retry key", reqs, fake.Stats())
		}
	})
	t.Run("used_token_after_a_restart_is_pushed", func(t *testing.T) {
		t.Parallel()
		// A new process cannot know whether the old one's reply reached LINE: a reply read
		// twice is better than one never read.
		fake, d := startLINE(t)
		del := delivery(linetest.UserID(4), time.Now(), reply)
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Fatal(err)
		}
		if _, err := newDeliverer(t, fake).Deliver(context.Background(), del); err != nil {
			t.Fatalf("Deliver after the restart: %v", err)
		}
		if st := fake.Stats(); st.InvalidTokens != 1 || st.Pushes != 1 {
			t.Errorf("LINE stats %+v, want the token refused and the reply pushed", st)
		}
	})
	t.Run("fresh_token_refused_on_our_first_try_is_pushed", func(t *testing.T) {
		t.Parallel()
		fake, d := startLINE(t)
		used := delivery(linetest.UserID(6), time.Now(), reply)
		if _, err := d.Deliver(context.Background(), used); err != nil {
			t.Fatal(err)
		}
		first := used // the same token, but an entry this process has not tried before
		first.ID, first.Key, first.Created = keySeq.Add(1), newKey(), time.Now()
		if _, err := d.Deliver(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		if n, st := len(fake.Messages()), fake.Stats(); n != 2 || st.Pushes != 1 {
			t.Errorf("LINE got %d messages (%+v), want the second entry pushed", n, st)
		}
	})
	t.Run("accepted_retry_key_is_taken_as_sent", func(t *testing.T) {
		t.Parallel()
		fake, d := startLINE(t)
		del := delivery(linetest.UserID(5), time.Now().Add(-time.Minute), reply)
		for i := range 2 {
			if _, err := d.Deliver(context.Background(), del); err != nil {
				t.Fatalf("Deliver #%d: %v", i+1, err)
			}
		}
		if n, st := len(fake.Messages()), fake.Stats(); n != 1 || st.Conflicts != 1 {
			t.Errorf("LINE got %d messages (%+v), want 1 and the repeat answered 409", n, st)
		}
	})
	t.Run("each_entry_and_request_has_its_own_key", func(t *testing.T) {
		t.Parallel()
		fake, d := startLINE(t)
		long := []dialog.Block{}
		for range 6 {
			long = append(long, text(strings.Repeat("う", 4000)))
		}
		for i := range 2 {
			if _, err := d.Deliver(context.Background(), delivery(linetest.UserID(6), time.Now().Add(-time.Hour), dialog.Reply{Blocks: long})); err != nil {
				t.Fatalf("Deliver #%d: %v", i+1, err)
			}
		}
		keys := map[string]bool{}
		for _, r := range fake.Requests() {
			keys[r.RetryKey] = true
		}
		if len(keys) != 4 || len(fake.Messages()) != 12 {
			t.Errorf("2 entries of 2 requests used %d retry keys for %d messages, want 4 keys and 12 messages", len(keys), len(fake.Messages()))
		}
	})
	t.Run("token_expiring_during_the_call_falls_back_to_push", func(t *testing.T) {
		t.Parallel()
		fake, d := startLINE(t)
		fake.SetTokenTTL(50 * time.Second)
		fake.Hang(1, 700*time.Millisecond) // the reply reaches LINE after the token expired
		user := linetest.UserID(7)
		if _, err := d.Deliver(context.Background(), delivery(user, time.Now().Add(-49650*time.Millisecond), reply)); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		reqs := fake.Requests()
		if len(reqs) != 1 || reqs[0].API != "push" || fake.Stats().InvalidTokens != 1 {
			t.Errorf("LINE got %+v (%+v), want the expired reply refused and one push", reqs, fake.Stats())
		}
	})
	t.Run("timeout_then_retry_sends_once", func(t *testing.T) {
		t.Parallel()
		fake := linetest.New(testToken)
		t.Cleanup(fake.Close)
		fake.Hang(1, 800*time.Millisecond)
		d := newDeliverer(t, fake, func(a *line.API) { a.Client = &http.Client{Timeout: 200 * time.Millisecond} })
		del := delivery(linetest.UserID(8), time.Now().Add(-time.Hour), reply)
		_, err := d.Deliver(context.Background(), del)
		if _, perm, _ := errorMethods(err); err == nil || perm {
			t.Fatalf("Deliver to a hanging LINE = %v, want a retryable timeout", err)
		}
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Fatalf("retry: %v", err)
		}
		time.Sleep(time.Second) // the hung request lands now: its key was accepted already
		if n, st := len(fake.Messages()), fake.Stats(); n != 1 || st.Conflicts != 1 {
			t.Errorf("LINE got %d messages (%+v), want 1: the late original must be refused with 409", n, st)
		}
	})
}

func TestDeliverErrors(t *testing.T) {
	t.Parallel()
	reply := dialog.Reply{Blocks: []dialog.Block{text("こんにちは。")}}
	tests := []struct {
		name           string
		fault          func(*linetest.Server)
		wantRetryAfter time.Duration
		wantPermanent  bool
	}{
		{"rate_limited", func(f *linetest.Server) { f.RateLimit(1, 3*time.Second) }, 3 * time.Second, false},
		{"server_error", func(f *linetest.Server) { f.Fail(1, http.StatusInternalServerError) }, 0, false},
		{"unavailable", func(f *linetest.Server) { f.Fail(1, http.StatusServiceUnavailable) }, 0, false},
		{"bad_request", func(f *linetest.Server) { f.Fail(1, http.StatusBadRequest) }, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, d := startLINE(t)
			tt.fault(fake)
			_, err := d.Deliver(context.Background(), delivery(linetest.UserID(1), time.Now().Add(-time.Hour), reply))
			if err == nil {
				t.Fatalf("Deliver = nil, want an error")
			}
			ra, perm, _ := errorMethods(err)
			if ra != tt.wantRetryAfter || perm != tt.wantPermanent {
				t.Errorf("Deliver error %q: RetryAfter %v, Permanent %v; want %v, %v", err, ra, perm, tt.wantRetryAfter, tt.wantPermanent)
			}
			if err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
				t.Errorf("error %q starts with a capital", err)
			}
		})
	}
	t.Run("wrong_token", func(t *testing.T) {
		t.Parallel()
		fake := linetest.New(testToken)
		t.Cleanup(fake.Close)
		d := newDeliverer(t, fake, func(a *line.API) { a.Token = "revoked" })
		_, err := d.Deliver(context.Background(), delivery(linetest.UserID(1), time.Now(), reply))
		if _, perm, _ := errorMethods(err); perm || !credentials(err) || !strings.Contains(err.Error(), "401") {
			t.Errorf("Deliver with a revoked token = %v, want a 401 that stops the channel, not the entry", err)
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		t.Parallel()
		fake, d := startLINE(t)
		fake.Fail(1, http.StatusForbidden)
		_, err := d.Deliver(context.Background(), delivery(linetest.UserID(1), time.Now().Add(-time.Hour), reply))
		if _, perm, _ := errorMethods(err); perm || !credentials(err) {
			t.Errorf("Deliver refused with 403 = %v, want an error that stops the channel, not the entry", err)
		}
	})
	t.Run("malformed_address", func(t *testing.T) {
		t.Parallel()
		_, d := startLINE(t)
		del := delivery(linetest.UserID(1), time.Now(), reply)
		del.Address = "not json"
		_, err := d.Deliver(context.Background(), del)
		if _, perm, _ := errorMethods(err); !perm {
			t.Errorf("Deliver to a malformed address = %v, want a permanent error", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		fake := linetest.New(testToken)
		fake.Close()
		d := newDeliverer(t, fake) // its URL now leads nowhere
		_, err := d.Deliver(context.Background(), delivery(linetest.UserID(1), time.Now(), reply))
		if _, perm, _ := errorMethods(err); err == nil || perm {
			t.Errorf("Deliver to a closed port = %v, want a retryable error", err)
		}
	})
}

// TestDeliverResumesAfterPartialFailure: a reply of two requests whose second fails is retried
// from the second, so the user never reads the first part twice.
func TestDeliverResumesAfterPartialFailure(t *testing.T) {
	t.Parallel()
	fake, d := startLINE(t)
	user := linetest.UserID(9)
	var blocks []dialog.Block
	for i := range 7 {
		blocks = append(blocks, text(fmt.Sprintf("%d %s", i, strings.Repeat("え", 4000))))
	}
	del := delivery(user, time.Now(), dialog.Reply{Blocks: blocks, Choices: []dialog.Choice{{ID: "a:other", Label: "別の相談"}}})
	fake.Pass(1)
	fake.Fail(1, http.StatusInternalServerError)
	_, err := d.Deliver(context.Background(), del)
	_, perm, progress := errorMethods(err)
	if err == nil || perm || progress != 1 {
		t.Fatalf("Deliver with the second request failing = %v (permanent %v, progress %d), want a retryable error with progress 1", err, perm, progress)
	}
	del.Progress, del.Attempts = progress, 1
	if _, err := d.Deliver(context.Background(), del); err != nil {
		t.Fatalf("retry: %v", err)
	}
	msgs := fake.MessagesTo(user)
	if len(msgs) != 7 {
		t.Fatalf("user got %d messages, want 7", len(msgs))
	}
	for i, m := range msgs {
		if !strings.HasPrefix(m.Text, fmt.Sprint(i)+" ") {
			t.Errorf("message %d starts %q, want part %d: parts repeated or out of order", i, m.Text[:8], i)
		}
	}
	if len(msgs[6].QuickReply) != 1 {
		t.Errorf("the last message has %d quick replies, want the reply's 1 choice", len(msgs[6].QuickReply))
	}
}

func TestNewChecksAPI(t *testing.T) {
	t.Parallel()
	for _, api := range []line.API{{Token: ""}, {Token: "t", BaseURL: "localhost:8080"}, {Token: "t", BaseURL: "ftp://x"}} {
		if _, err := line.New(quietLogger(), line.Config{Secret: testSecret, API: api}, &recorder{}); err == nil {
			t.Errorf("New with API %+v = nil error, want one", api)
		}
	}
	if _, err := line.New(quietLogger(), line.Config{API: line.API{Token: "t"}}, &recorder{}); err == nil {
		t.Errorf("New without a channel secret = nil error, want one")
	}
}

// TestDeliverKeepsCarouselsWithinLINELimits: cards with long rows are spread over more
// carousels instead of making one LINE rejects.
func TestDeliverKeepsCarouselsWithinLINELimits(t *testing.T) {
	t.Parallel()
	fake, d := startLINE(t)
	cards := contacts(12)
	for i := range cards {
		cards[i].Fields = append(cards[i].Fields, dialog.Field{Label: "相談できること", Value: strings.Repeat("長い説明文です。", 150)})
	}
	user := linetest.UserID(10)
	reply := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.ContactsBlock, Contacts: cards, CallLabel: "電話をかける", WebLabel: "Webサイトを開く"}}}
	if _, err := d.Deliver(context.Background(), delivery(user, time.Now(), reply)); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	msgs := fake.MessagesTo(user)
	bubbles := 0
	for _, m := range msgs {
		if len(m.Contents) > 30_000 {
			t.Errorf("a carousel of %d bytes, want at most 30,000", len(m.Contents))
		}
		bubbles += strings.Count(string(m.Contents), `"type":"bubble"`)
	}
	if len(msgs) < 2 || bubbles != 12 {
		t.Errorf("12 large cards became %d messages with %d bubbles, want several carousels holding all 12", len(msgs), bubbles)
	}
}
