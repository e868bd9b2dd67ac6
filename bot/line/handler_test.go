package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

const (
	testSecret = "test-channel-secret"
	testToken  = "test-channel-token"
)

// respondFunc is the fake responder: a function.
type respondFunc func(context.Context, dialog.Message) (dialog.Reply, error)

func (f respondFunc) Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error) {
	return f(ctx, m)
}

// recorder is a responder that remembers what it was given.
type recorder struct {
	mu   sync.Mutex
	msgs []dialog.Message
	fail func(dialog.Message) error
}

func (r *recorder) Respond(_ context.Context, m dialog.Message) (dialog.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(m); err != nil {
			return dialog.Reply{}, err
		}
	}
	r.msgs = append(r.msgs, m)
	return dialog.Reply{}, nil
}

func (r *recorder) got() []dialog.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]dialog.Message(nil), r.msgs...)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// responder is what line.New needs from the bot.
type responder interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
}

// newHandler returns the webhook handler of a LINE channel answering through r, logging to
// logger; it never calls LINE.
func newHandler(t testing.TB, logger *slog.Logger, r responder) http.Handler {
	t.Helper()
	b, err := line.New(logger, line.Config{Secret: testSecret, API: line.API{Token: testToken}}, r)
	if err != nil {
		t.Fatal(err)
	}
	return b.Handler()
}

// startLoadingLINE starts a fake LINE, closed when the test ends, and a LINE channel calling it
// that answers through r and shows the loading animation.
func startLoadingLINE(t *testing.T, r responder) (*linetest.Server, *line.Bot) {
	t.Helper()
	return startLINEChannel(t, r, func(cfg *line.Config) {
		var err error
		if cfg.Loading, err = line.NewLoading(quietLogger(), cfg.API); err != nil {
			t.Fatal(err)
		}
	})
}

// startLINEChannel starts a fake LINE, closed when the test ends, and a LINE channel calling it that
// answers through r, with its Config completed by with.
func startLINEChannel(t *testing.T, r responder, with func(*line.Config)) (*linetest.Server, *line.Bot) {
	t.Helper()
	fake := linetest.New(testToken)
	t.Cleanup(fake.Close)
	cfg := line.Config{Secret: testSecret, API: line.API{Token: testToken, BaseURL: fake.URL}}
	with(&cfg)
	b, err := line.New(quietLogger(), cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	return fake, b
}

// post sends body with the given signature to h and returns the status.
func post(t *testing.T, h http.Handler, signature string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
	if signature != "" {
		req.Header.Set("X-Line-Signature", signature)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestHandlerRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	body := linetest.Body(linetest.Text(linetest.UserID(1), "ランサムウェアに感染したかも"))
	tampered := bytes.Replace(body, []byte("ランサムウェア"), []byte("フィッシング"), 1)
	tests := []struct {
		name      string
		signature string
		body      []byte
	}{
		{name: "missing_header", signature: "", body: body},
		{name: "wrong_secret", signature: linetest.Sign("another-secret", body), body: body},
		{name: "tampered_body", signature: linetest.Sign(testSecret, body), body: tampered},
		{name: "not_base64", signature: "%%%not-base64%%%", body: body},
		{name: "empty_body", signature: linetest.Sign(testSecret, body), body: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := newHandler(t, quietLogger(), rec)
			if got := post(t, h, tt.signature, tt.body); got != http.StatusBadRequest {
				t.Errorf("POST with %s = %d, want 400", tt.name, got)
			}
			if n := len(rec.got()); n != 0 {
				t.Errorf("POST with %s reached the responder %d times, want 0", tt.name, n)
			}
		})
	}
}

func TestHandlerRejectsOversizeBody(t *testing.T) {
	t.Parallel()
	big := linetest.Body(linetest.Text(linetest.UserID(1), strings.Repeat("あ", 400_000))) // 1.2 MB
	rec := &recorder{}
	h := newHandler(t, quietLogger(), rec)
	if got := post(t, h, linetest.Sign(testSecret, big), big); got != http.StatusRequestEntityTooLarge {
		t.Errorf("POST of %d bytes = %d, want 413", len(big), got)
	}
	if n := len(rec.got()); n != 0 {
		t.Errorf("an oversize body reached the responder %d times", n)
	}
}

func TestHandlerIgnoresMalformedSignedBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		{"truncated", `{"destination":"U1","events":[{"type":"message"`},
		{"event_without_type", `{"destination":"U1","events":[{"timestamp":1}]}`},
		{"message_without_type", `{"destination":"U1","events":[{"type":"message","timestamp":1,"source":{"type":"user","userId":"U1"},"message":{"id":"1","text":"秘密"}}]}`},
		{"events_not_array", `{"destination":"U1","events":{"type":"message"}}`},
		{"not_json", `秘密の相談`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			rec := &recorder{}
			h := newHandler(t, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), rec)
			body := []byte(tt.body)
			if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusOK {
				t.Errorf("POST of a signed %s body = %d, want 200 (so LINE does not redeliver it)", tt.name, got)
			}
			if n := len(rec.got()); n != 0 {
				t.Errorf("a %s body reached the responder %d times", tt.name, n)
			}
			if strings.Contains(logs.String(), "秘密") {
				t.Errorf("the log quotes the body:\n%s", logs.String())
			}
		})
	}
}

// TestHandlerMapsEvents checks every kind of LINE event against the dialog.Message it becomes.
func TestHandlerMapsEvents(t *testing.T) {
	t.Parallel()
	user, group, room := linetest.UserID(7), linetest.GroupID(7), linetest.RoomID(7)
	type want struct {
		userID  string
		event   dialog.Event
		text    string
		choice  string
		address bool // a reply can be sent
	}
	tests := []struct {
		name  string
		event linetest.Event
		want  *want // nil: ignored
	}{
		{"text", linetest.Text(user, "ランサムウェアに感染したかも"), &want{user, dialog.EventText, "ランサムウェアに感染したかも", "", true}},
		{"postback_topic", linetest.Postback(user, "t:ransomware"), &want{user, dialog.EventText, "", "t:ransomware", true}},
		{"postback_option", linetest.Postback(user, "o:3:who:company"), &want{user, dialog.EventText, "", "o:3:who:company", true}},
		{"rich_menu", linetest.Postback(user, "m:emergency"), &want{user, dialog.EventText, "", "m:emergency", true}},
		{"follow", linetest.Follow(user), &want{user, dialog.EventFollow, "", "", true}},
		{"unfollow", linetest.Unfollow(user), &want{user, dialog.EventUnfollow, "", "", false}},
		{"sticker", linetest.Sticker(user), &want{user, dialog.EventUnsupported, "", "", true}},
		{"image", linetest.Media(user, "image"), &want{user, dialog.EventUnsupported, "", "", true}},
		{"video", linetest.Media(user, "video"), &want{user, dialog.EventUnsupported, "", "", true}},
		{"audio", linetest.Media(user, "audio"), &want{user, dialog.EventUnsupported, "", "", true}},
		{"file", linetest.Media(user, "file"), &want{user, dialog.EventUnsupported, "", "", true}},
		{"location", linetest.Media(user, "location"), &want{user, dialog.EventUnsupported, "", "", true}},
		{"join_group", linetest.Join(group), &want{group, dialog.EventGroup, "", "", true}},
		{"join_room", linetest.Join(room), &want{room, dialog.EventGroup, "", "", true}},
		{"group_text", linetest.GroupText(group, user, "こんにちは"), &want{group, dialog.EventGroup, "", "", true}},
		{"room_text", linetest.GroupText(room, user, "こんにちは"), &want{room, dialog.EventGroup, "", "", true}},
		{"redelivered_text", linetest.Text(user, "もう一度").Redelivered(), &want{user, dialog.EventText, "もう一度", "", true}},
		{"unsend", linetest.Unsend(user, "123"), nil},
		{"leave", linetest.Leave(group), nil},
		{"unknown_type", linetest.Unknown(user), nil},
		{"unknown_message_type", func() linetest.Event {
			e := linetest.Text(user, "x")
			e.Message.Type = "hologram"
			return e
		}(), nil},
		{"standby", linetest.Text(user, "待機中").Standby(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := newHandler(t, quietLogger(), rec)
			body := linetest.Body(tt.event)
			if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusOK {
				t.Fatalf("POST %s = %d, want 200", tt.name, got)
			}
			got := rec.got()
			if tt.want == nil {
				if len(got) != 0 {
					t.Fatalf("%s reached the responder as %+v, want it ignored", tt.name, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%s reached the responder %d times, want once", tt.name, len(got))
			}
			m, w := got[0], tt.want
			if m.Channel != "line" || m.UserID != w.userID || m.Event != w.event || m.Text != w.text || m.Choice != w.choice {
				t.Errorf("%s became {%s %s %q %q %q}, want {line %s %q %q %q}", tt.name,
					m.Channel, m.UserID, m.Event, m.Text, m.Choice, w.userID, w.event, w.text, w.choice)
			}
			if m.EventID != tt.event.WebhookEventID {
				t.Errorf("%s has EventID %q, want the webhookEventId %q", tt.name, m.EventID, tt.event.WebhookEventID)
			}
			if !m.At.Equal(time.UnixMilli(tt.event.Timestamp)) {
				t.Errorf("%s has At %v, want the event's timestamp %v", tt.name, m.At, time.UnixMilli(tt.event.Timestamp))
			}
			if (m.Address != "") != w.address {
				t.Errorf("%s has Address %q, want one: %v", tt.name, m.Address, w.address)
			}
			if w.address && tt.event.ReplyToken != "" && !strings.Contains(m.Address, tt.event.ReplyToken) {
				t.Errorf("%s: Address %q does not keep the reply token", tt.name, m.Address)
			}
		})
	}
}

func TestHandlerCommitsEventsInOrderAndAnswers500OnFailure(t *testing.T) {
	t.Parallel()
	user := linetest.UserID(3)
	events := []linetest.Event{linetest.Text(user, "一つ目"), linetest.Postback(user, "a:other"), linetest.Text(user, "三つ目")}
	body := linetest.Body(events...)

	rec := &recorder{}
	h := newHandler(t, quietLogger(), rec)
	if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusOK {
		t.Fatalf("POST of 3 events = %d, want 200", got)
	}
	var order []string
	for _, m := range rec.got() {
		order = append(order, m.EventID)
	}
	want := []string{events[0].WebhookEventID, events[1].WebhookEventID, events[2].WebhookEventID}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("events reached the responder as %v, want %v", order, want)
	}

	failing := &recorder{fail: func(m dialog.Message) error {
		if m.Choice != "" {
			return errors.New("database: disk full")
		}
		return nil
	}}
	h = newHandler(t, quietLogger(), failing)
	if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusInternalServerError {
		t.Errorf("POST whose second event fails = %d, want 500 so LINE redelivers", got)
	}
	if n := len(failing.got()); n != 1 {
		t.Errorf("after a failed event %d events were committed, want 1 (the third must wait for the redelivery)", n)
	}
}

func TestHandlerShowsLoadingAnimation(t *testing.T) {
	t.Parallel()
	// every event queues a reply, except the one to user 6 (a message passed on to staff)
	fake, b := startLoadingLINE(t, respondFunc(func(_ context.Context, m dialog.Message) (dialog.Reply, error) {
		if m.UserID == linetest.UserID(6) {
			return dialog.Reply{}, nil
		}
		return dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "返信"}}}, nil
	}))
	h := b.Handler()
	text, choice, follow := linetest.UserID(1), linetest.UserID(2), linetest.UserID(3)
	body := linetest.Body(linetest.Text(text, "相談です"), linetest.Postback(choice, "m:emergency"),
		linetest.Follow(follow), linetest.GroupText(linetest.GroupID(1), linetest.UserID(4), "やあ"),
		linetest.Text(linetest.UserID(5), "再送").Redelivered(), linetest.Text(linetest.UserID(6), "担当者さんへ"))
	start := time.Now()
	if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusOK {
		t.Fatalf("POST = %d, want 200", got)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the webhook took %v with loading animations, want them in the background", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.Loadings()) >= 2 }); err != nil {
		t.Fatalf("loading animations: %v (got %v)", err, fake.Loadings())
	}
	time.Sleep(500 * time.Millisecond) // any stray animation would have arrived by now
	got := map[string]bool{}
	for _, id := range fake.Loadings() {
		got[id] = true
	}
	if len(got) != 2 || !got[text] || !got[choice] {
		t.Errorf("loading animations went to %v, want exactly the text's and the choice's users", fake.Loadings())
	}
}

// TestGroupMessageExplainsThenLeaves follows a message in a group from the webhook to LINE: the
// explanation reaches the group first, then the bot leaves.
func TestGroupMessageExplainsThenLeaves(t *testing.T) {
	t.Parallel()
	for _, chat := range []string{linetest.GroupID(9), linetest.RoomID(9)} {
		fake, d := startLINE(t)
		rec := &recorder{}
		h := newHandler(t, quietLogger(), rec)
		body := linetest.Body(linetest.GroupText(chat, linetest.UserID(9), "これは何？"))
		if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusOK {
			t.Fatalf("POST = %d, want 200", got)
		}
		m := rec.got()[0]
		del := dialog.Delivery{ID: 1, Channel: "line", Address: m.Address, Event: m.At, Key: "3f1e0c52-9e0d-4a77-8c21-5fe403b9d648",
			Reply: dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "このボットは 1 対 1 のトークでご相談をお受けしています。"}}, Leave: true}}
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		msgs, leaves := fake.Requests(), fake.Leaves()
		if len(msgs) != 1 || msgs[0].To != chat || len(leaves) != 1 || leaves[0].Chat != chat {
			t.Fatalf("LINE got %d requests and leaves %v, want one message to %s and one leave", len(msgs), leaves, chat)
		}
		if msgs[0].Seq > leaves[0].Seq {
			t.Errorf("the bot left %s before explaining why", chat)
		}
		// A retry after the leave (say, the entry was not marked delivered) changes nothing.
		del.Progress = 1
		if _, err := d.Deliver(context.Background(), del); err != nil {
			t.Errorf("Deliver again after leaving: %v, want nil (left already)", err)
		}
	}
}

func TestAddressIsCompactJSON(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newHandler(t, quietLogger(), rec)
	ev := linetest.Text(linetest.UserID(1), "x")
	body := linetest.Body(ev)
	post(t, h, linetest.Sign(testSecret, body), body)
	var v map[string]string
	if err := json.Unmarshal([]byte(rec.got()[0].Address), &v); err != nil {
		t.Fatalf("Address %q is not JSON: %v", rec.got()[0].Address, err)
	}
	if len(v) != 2 || v["u"] != linetest.UserID(1) || v["rt"] != ev.ReplyToken {
		t.Errorf("Address = %v, want the user and the reply token only", v)
	}
}

// TestLoadingAnimationSkippedWhenTheReplyIsQuick: a reply delivered within the delay cancels
// the animation, so the usual case costs no extra API call.
func TestLoadingAnimationSkippedWhenTheReplyIsQuick(t *testing.T) {
	t.Parallel()
	reply := dialog.Reply{Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "返信"}}}
	for i, tc := range []struct {
		name   string
		before bool // the sender sends before Respond returns (it is woken by the commit)
	}{{"sent after the step returned", false}, {"sent before the step returned", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d *line.Deliverer
			deliver := func(addr string) {
				if _, err := d.Deliver(context.Background(), dialog.Delivery{ID: 1, Channel: "line", Address: addr, Reply: reply, Key: "k", Event: time.Now()}); err != nil {
					t.Error(err)
				}
			}
			var addr string
			fake, b := startLoadingLINE(t, respondFunc(func(_ context.Context, m dialog.Message) (dialog.Reply, error) {
				addr = m.Address
				if tc.before {
					deliver(addr)
				}
				return reply, nil
			}))
			h, d := b.Handler(), b.Deliverer()
			body := linetest.Body(linetest.Text(linetest.UserID(70+i), "ウイルスに感染したかも"))
			if got := post(t, h, linetest.Sign(testSecret, body), body); got != http.StatusOK {
				t.Fatalf("POST = %d", got)
			}
			if !tc.before {
				deliver(addr)
			}
			time.Sleep(600 * time.Millisecond)
			if l := fake.Loadings(); len(l) != 0 {
				t.Errorf("a loading animation was shown although the reply went out at once: %v", l)
			}
		})
	}
}

// TestFollowReadsTheProfileLanguage: a person who adds the bot with LINE set to English is
// greeted in English (the hint reaches the engine); Japanese, no language or a failed profile
// call greet in Japanese, and the event is committed all the same; other events make no call.
func TestFollowReadsTheProfileLanguage(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hints := map[string]string{}
	fake, b := startLINEChannel(t, respondFunc(func(_ context.Context, m dialog.Message) (dialog.Reply, error) {
		mu.Lock()
		defer mu.Unlock()
		hints[m.UserID+"/"+string(m.Event)] = m.LangHint
		return dialog.Reply{}, nil
	}), func(cfg *line.Config) {
		var err error
		if cfg.Profiles, err = line.NewProfiles(quietLogger(), cfg.API); err != nil {
			t.Fatal(err)
		}
	})
	english, japanese, none := linetest.UserID(1), linetest.UserID(2), linetest.UserID(3)
	fake.SetProfileLanguage(english, "en")
	fake.SetProfileLanguage(japanese, "ja")
	fake.SetProfileLanguage(none, "")
	body := linetest.Body(linetest.Follow(english), linetest.Follow(japanese), linetest.Follow(none),
		linetest.Text(english, "hello"))
	if got := post(t, b.Handler(), linetest.Sign(testSecret, body), body); got != http.StatusOK {
		t.Fatalf("POST = %d, want 200", got)
	}
	want := map[string]string{english + "/follow": "en", japanese + "/follow": "", none + "/follow": "", english + "/" + string(dialog.EventText): ""}
	mu.Lock()
	if !maps.Equal(hints, want) {
		t.Errorf("hints %v, want %v", hints, want)
	}
	mu.Unlock()
	if n := fake.ProfileCalls(); n != 3 {
		t.Errorf("%d profile calls, want one per follow (3)", n)
	}

	fake.FailProfiles(true)
	later := linetest.UserID(4)
	fake.SetProfileLanguage(later, "en")
	body = linetest.Body(linetest.Follow(later))
	if got := post(t, b.Handler(), linetest.Sign(testSecret, body), body); got != http.StatusOK {
		t.Fatalf("POST with the profile API failing = %d, want 200", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if h, ok := hints[later+"/follow"]; !ok || h != "" {
		t.Errorf("follow with the profile API failing: committed %v with hint %q, want committed with none", ok, h)
	}
}
