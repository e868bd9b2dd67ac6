package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

const (
	secret = "8f742231b10e8888abcd99yyyzzz85a5"
	token  = "fake-bot-token-events"
	staffC = "C0STAFF"
)

// desk records what the adapter asked of the engine; err makes it fail.
type desk struct {
	mu    sync.Mutex
	msgs  []dialog.Message
	staff []dialog.StaffEvent
	err   error
}

func (d *desk) Respond(_ context.Context, m dialog.Message) (dialog.Reply, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.msgs = append(d.msgs, m)
	return dialog.Reply{}, d.err
}

func (d *desk) Staff(_ context.Context, ev dialog.StaffEvent) (dialog.StaffResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.staff = append(d.staff, ev)
	return dialog.StaffResult{}, d.err
}

func (d *desk) got() ([]dialog.Message, []dialog.StaffEvent) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]dialog.Message(nil), d.msgs...), append([]dialog.StaffEvent(nil), d.staff...)
}

// reset forgets what the desk was asked, between fuzz inputs.
func (d *desk) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.msgs, d.staff = nil, nil
}

// phrases stands for the knowledge's phrases: the key in brackets.
func phrases(key string) string { return "[" + key + "]" }

func topics() []dialog.TopicScore {
	return []dialog.TopicScore{{ID: "ransomware", Title: "ランサムウェア感染"}, {ID: "phishing", Title: "フィッシング"}}
}

type harness struct {
	bot  *slack.Bot
	desk *desk
	fake *slacktest.Server
	mux  http.Handler
}

func newHarness(t testing.TB, edit ...func(*slack.Config)) *harness {
	t.Helper()
	fake := slacktest.New(token)
	t.Cleanup(fake.Close)
	cfg := slack.Config{BotToken: token, SigningSecret: secret, APIURL: fake.APIURL(), StaffChannel: staffC,
		Phrases: phrases, Topics: topics, PostInterval: time.Millisecond}
	for _, e := range edit {
		e(&cfg)
	}
	d := &desk{}
	b, err := slack.New(slog.New(slog.DiscardHandler), cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /slack/events", b.Events())
	mux.Handle("POST /slack/interactions", b.Interactions())
	mux.Handle("POST /slack/commands", b.Commands())
	return &harness{bot: b, desk: d, fake: fake, mux: mux}
}

func path(b slacktest.Body) string {
	switch b.Kind {
	case slacktest.KindInteractive:
		return "/slack/interactions"
	case slacktest.KindSlashCommand:
		return "/slack/commands"
	}
	return "/slack/events"
}

// send posts b, signed now, and returns the response.
func (h *harness) send(t *testing.T, b slacktest.Body, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req, err := slacktest.NewRequest(context.Background(), "http://bot"+path(b), secret, b)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.mux.ServeHTTP(rec, req)
	return rec
}

func TestRequestsAreVerifiedBeforeAnything(t *testing.T) {
	t.Parallel()
	body := slacktest.IM("Ev1", "U1", "こんにちは")
	sign := func(secret string, at time.Time, data []byte) func(*http.Request) {
		return func(r *http.Request) { slacktest.Sign(r.Header, secret, at, data) }
	}
	huge := slacktest.IM("Ev2", "U1", strings.Repeat("あ", 400_000)) // 1.2 MB
	tests := []struct {
		name   string
		body   slacktest.Body
		sign   func(*http.Request)
		status int
		calls  int
		reason string // counted as rejected, with this reason
	}{
		{"signed", body, sign(secret, time.Now(), body.Data), http.StatusOK, 1, ""},
		{"signed_4_minutes_ago", body, sign(secret, time.Now().Add(-4*time.Minute), body.Data), http.StatusOK, 1, ""},
		{"wrong_secret", body, sign("not-the-secret", time.Now(), body.Data), http.StatusUnauthorized, 0, "signature"},
		{"stale_6_minutes", body, sign(secret, time.Now().Add(-6*time.Minute), body.Data), http.StatusUnauthorized, 0, "signature"},
		{"future_6_minutes", body, sign(secret, time.Now().Add(6*time.Minute), body.Data), http.StatusUnauthorized, 0, "signature"},
		{"tampered_body", body, sign(secret, time.Now(), append([]byte(nil), bytes.Replace(body.Data, []byte("U1"), []byte("U2"), 1)...)), http.StatusUnauthorized, 0, "signature"},
		{"unsigned", body, func(*http.Request) {}, http.StatusUnauthorized, 0, "signature"},
		{"garbage_signature", body, func(r *http.Request) {
			r.Header.Set("X-Slack-Request-Timestamp", "soon")
			r.Header.Set("X-Slack-Signature", "v0=zz")
		}, http.StatusUnauthorized, 0, "signature"},
		{"oversize_signed", huge, sign(secret, time.Now(), huge.Data), http.StatusRequestEntityTooLarge, 0, "too_large"},
		{"oversize_unsigned", huge, func(*http.Request) {}, http.StatusRequestEntityTooLarge, 0, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, route := range []string{"/slack/events", "/slack/interactions", "/slack/commands"} {
				var rejected []string
				h := newHarness(t, func(c *slack.Config) { c.Rejected = func(reason string) { rejected = append(rejected, reason) } })
				req := httptest.NewRequest(http.MethodPost, route, bytes.NewReader(tt.body.Data))
				req.Header.Set("Content-Type", tt.body.ContentType)
				tt.sign(req)
				rec := httptest.NewRecorder()
				h.mux.ServeHTTP(rec, req)
				calls := tt.calls
				if route != "/slack/events" {
					calls = 0 // an event body on another route is signed but means nothing there
				}
				msgs, staff := h.desk.got()
				if rec.Code != tt.status {
					t.Errorf("POST %s (%s) = %d, want %d", route, tt.name, rec.Code, tt.status)
				}
				var want []string
				if tt.reason != "" {
					want = []string{tt.reason}
				}
				if !slices.Equal(rejected, want) {
					t.Errorf("POST %s (%s) counted as rejected for %q, want %q", route, tt.name, rejected, tt.reason)
				}
				if len(msgs) != calls || len(staff) != 0 {
					t.Errorf("POST %s (%s): engine called %d+%d times, want %d", route, tt.name, len(msgs), len(staff), calls)
				}
			}
		})
	}
}

func TestBodiesNotUnderstoodChangeNothing(t *testing.T) {
	t.Parallel()
	im := slacktest.IM("Ev1", "U1", "hello")
	unknownInner := bytes.Replace(im.Data, []byte(`"type":"message"`), []byte(`"type":"brand_new_event"`), 1)
	raw := func(kind, ct, s string) slacktest.Body {
		return slacktest.Body{Kind: kind, ContentType: ct, Data: []byte(s)}
	}
	ev := func(s string) slacktest.Body { return raw(slacktest.KindEvents, "application/json", s) }
	form := func(kind, s string) slacktest.Body { return raw(kind, "application/x-www-form-urlencoded", s) }
	tests := []struct {
		name string
		body slacktest.Body
	}{
		{"truncated_json", ev(string(im.Data[:len(im.Data)/2]))},
		{"unknown_inner_event", ev(string(unknownInner))},
		{"unknown_outer_type", ev(`{"type":"something_new","event_id":"Ev9"}`)},
		{"null_event", ev(`{"type":"event_callback","event_id":"Ev9","event":null}`)},
		{"no_event_type", ev(`{"type":"event_callback","event_id":"Ev9","event":{"text":"x"}}`)},
		{"wrong_types", ev(`{"type":"event_callback","event_id":7,"event":{"type":"message","user":[1]}}`)},
		{"not_json", ev(`ランサムウェア`)},
		{"empty", ev(``)},
		{"empty_object", ev(`{}`)},
		{"rate_limited_notice", ev(`{"type":"app_rate_limited","minute_rate_limited":1518467820}`)},
		{"interaction_without_payload", form(slacktest.KindInteractive, "foo=bar")},
		{"interaction_truncated", form(slacktest.KindInteractive, "payload=%7B%22type%22%3A%22block_")},
		{"interaction_unknown_type", form(slacktest.KindInteractive, "payload=%7B%22type%22%3A%22shortcut%22%7D")},
		{"interaction_bad_form", form(slacktest.KindInteractive, "payload=%zz")},
		{"command_bad_form", form(slacktest.KindSlashCommand, "user_id=%zz")},
		{"command_without_user", form(slacktest.KindSlashCommand, "command=%2Fhelpdesk")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rec := h.send(t, tt.body)
			msgs, staff := h.desk.got()
			if rec.Code != http.StatusOK {
				t.Errorf("%s answered %d, want 200 (Slack would redeliver it forever)", tt.name, rec.Code)
			}
			if len(msgs)+len(staff) != 0 {
				t.Errorf("%s reached the engine: %+v %+v", tt.name, msgs, staff)
			}
		})
	}
}

func TestURLVerificationAnswersTheChallenge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.send(t, slacktest.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
	if rec.Code != http.StatusOK || rec.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %q", rec.Code, rec.Body.String())
	}
}

func TestMessagesTheBotIgnores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body slacktest.Body
	}{
		{"other_bot", slacktest.Callback(slacktest.Event{Channel: "DU1", ChannelType: "im", User: "U2", BotID: "B2", Text: "hi"})},
		{"bot_message", slacktest.Callback(slacktest.Event{Channel: "DU1", ChannelType: "im", BotID: "B2", Subtype: "bot_message", Text: "hi"})},
		{"own_message", slacktest.Callback(slacktest.Event{Channel: "DU1", ChannelType: "im", User: slacktest.BotUserID, Text: "hi"})},
		{"own_mention", slacktest.Callback(slacktest.Event{Type: "app_mention", Channel: "C1", User: slacktest.BotUserID, Text: "hi"})},
		{"edit", slacktest.Callback(slacktest.Event{Channel: "DU1", ChannelType: "im", User: "U1", Subtype: "message_changed", Text: "hi"})},
		{"deletion", slacktest.Callback(slacktest.Event{Channel: "DU1", ChannelType: "im", User: "U1", Subtype: "message_deleted"})},
		{"channel_join", slacktest.Callback(slacktest.Event{Channel: "C1", ChannelType: "channel", User: "U1", Subtype: "channel_join"})},
		{"channel_chatter", slacktest.Callback(slacktest.Event{Channel: "C1", ChannelType: "channel", User: "U1", Text: "ランサムウェア"})},
		{"group_thread_reply", slacktest.ThreadReply("", "C1", "U1", "担当します", "1700000000.000100")},
		{"staff_top_level", slacktest.Callback(slacktest.Event{Channel: staffC, ChannelType: "channel", User: "U9", Text: "今日の当番は?"})},
		{"staff_thread_root_itself", slacktest.Callback(slacktest.Event{Channel: staffC, ChannelType: "channel", User: "U9", Text: "x", TS: "1.5", ThreadTS: "1.5"})},
		{"staff_edit", slacktest.Callback(slacktest.Event{Channel: staffC, ChannelType: "channel", User: "U9", Text: "x", ThreadTS: "1.5", Subtype: "message_changed"})},
		{"staff_bot_in_thread", slacktest.Callback(slacktest.Event{Channel: staffC, ChannelType: "channel", BotID: "B2", Text: "x", ThreadTS: "1.5"})},
		{"mention_in_staff_channel", slacktest.Mention("", staffC, "U9", "これは何?", "1.5")},
		{"mention_in_dm", slacktest.Callback(slacktest.Event{Type: "app_mention", Channel: "DU1", User: "U1", Text: "<@" + slacktest.BotUserID + "> hi"})},
		{"member_joined", slacktest.Callback(slacktest.Event{Type: "member_joined_channel", Channel: "C1", User: "U1"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if rec := h.send(t, tt.body); rec.Code != http.StatusOK {
				t.Errorf("%s answered %d, want 200", tt.name, rec.Code)
			}
			if msgs, staff := h.desk.got(); len(msgs)+len(staff) != 0 {
				t.Errorf("%s reached the engine: %+v %+v", tt.name, msgs, staff)
			}
		})
	}
}

func TestOwnMessagesIgnoredOnceAuthTestRan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *slack.Config) { c.StaffChannel = "" })
	if err := h.bot.Run(context.Background()); err != nil { // HTTP mode: auth.test, then return
		t.Fatal(err)
	}
	// an event without authorizations, from the bot's own user id, with no bot_id
	body := []byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"message","channel":"DU1","channel_type":"im","user":"` +
		slacktest.BotUserID + `","text":"hi","ts":"1.1"}}`)
	h.send(t, slacktest.Body{Kind: slacktest.KindEvents, ContentType: "application/json", Data: body})
	if msgs, _ := h.desk.got(); len(msgs) != 0 {
		t.Errorf("own message reached the engine: %+v", msgs)
	}
}

func TestConversationKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body slacktest.Body
		want dialog.Message
	}{
		{"dm", slacktest.Callback(slacktest.Event{EventID: "Ev1", Channel: "DU1", ChannelType: "im", User: "U1", TS: "1700000000.000100",
			Text: "怪しい <https://evil.example/login|ログイン画面> が &lt;届いた&gt; &amp; <@U5>"}),
			dialog.Message{Channel: "slack", UserID: "U1", EventID: "Ev1", Address: "DU1",
				Text: "怪しい ログイン画面 (https://evil.example/login) が <届いた> & @U5"}},
		{"dm_in_thread", slacktest.Callback(slacktest.Event{EventID: "Ev2", Channel: "DU1", ChannelType: "im", User: "U1", TS: "5.2", ThreadTS: "5.1", Text: "はい"}),
			dialog.Message{Channel: "slack", UserID: "U1", EventID: "Ev2", Address: "DU1/5.1", Text: "はい"}},
		{"dm_with_file", slacktest.Callback(slacktest.Event{EventID: "Ev3", Channel: "DU1", ChannelType: "im", User: "U1", Subtype: "file_share", TS: "5.3"}),
			dialog.Message{Channel: "slack", UserID: "U1", EventID: "Ev3", Address: "DU1", Event: dialog.EventUnsupported}},
		{"mention", slacktest.Callback(slacktest.Event{EventID: "Ev4", Type: "app_mention", Channel: "C1", User: "U1", TS: "7.1",
			Text: "<@" + slacktest.BotUserID + "> ランサムウェアかも"}),
			dialog.Message{Channel: "slack", UserID: "C1/7.1", Person: "U1", EventID: "Ev4", Address: "C1/7.1", Text: "ランサムウェアかも"}},
		{"mention_in_thread", slacktest.Callback(slacktest.Event{EventID: "Ev5", Type: "app_mention", Channel: "C1", User: "U2", TS: "7.9", ThreadTS: "7.1",
			Text: "<@" + slacktest.BotUserID + "|helpdesk> はい、抜きました"}),
			dialog.Message{Channel: "slack", UserID: "C1/7.1", Person: "U2", EventID: "Ev5", Address: "C1/7.1", Text: "はい、抜きました"}},
		{"bare_mention", slacktest.Callback(slacktest.Event{EventID: "Ev6", Type: "app_mention", Channel: "G1", User: "U1", TS: "8.1",
			Text: "<@" + slacktest.BotUserID + ">"}),
			dialog.Message{Channel: "slack", UserID: "G1/8.1", Person: "U1", EventID: "Ev6", Address: "G1/8.1", Event: dialog.EventResume}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if rec := h.send(t, tt.body); rec.Code != http.StatusOK {
				t.Fatalf("answered %d", rec.Code)
			}
			msgs, _ := h.desk.got()
			if len(msgs) != 1 {
				t.Fatalf("engine got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			got.At = time.Time{}
			if got != tt.want {
				t.Errorf("message = %+v\nwant      %+v", got, tt.want)
			}
		})
	}
}

func TestStaffThreadRepliesAreRelayedOnlyFromTheStaffChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.send(t, slacktest.ThreadReply("Ev1", staffC, "U9", "担当の山田です。<https://example.jp|手順>をご覧ください", "1700000000.000100"))
	h.send(t, slacktest.Callback(slacktest.Event{EventID: "Ev2", Channel: staffC, ChannelType: "channel", User: "U9",
		Subtype: "thread_broadcast", Text: "全員へ", ThreadTS: "1700000000.000100"}))
	// the same thread id, forged in another channel, public or private
	h.send(t, slacktest.ThreadReply("Ev3", "C0OTHER", "U6", "偽の担当者です", "1700000000.000100"))
	h.send(t, slacktest.Callback(slacktest.Event{EventID: "Ev4", Channel: "G0PRIV", ChannelType: "group", User: "U6",
		Text: "偽の担当者です", ThreadTS: "1700000000.000100"}))
	msgs, staff := h.desk.got()
	want := []dialog.StaffEvent{
		{EventID: "Ev1", Thread: staffC + "/1700000000.000100", Staff: "<@U9>", Action: dialog.StaffMessage, Text: "担当の山田です。手順 (https://example.jp)をご覧ください"},
		{EventID: "Ev2", Thread: staffC + "/1700000000.000100", Staff: "<@U9>", Action: dialog.StaffMessage, Text: "全員へ"},
	}
	if len(msgs) != 0 || len(staff) != len(want) {
		t.Fatalf("got %d messages and staff events %+v, want staff events %+v", len(msgs), staff, want)
	}
	for i := range want {
		if staff[i] != want[i] {
			t.Errorf("staff event %d = %+v, want %+v", i, staff[i], want[i])
		}
	}
}

func TestWithoutStaffChannelNothingIsStaff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *slack.Config) { c.StaffChannel = "" })
	h.send(t, slacktest.ThreadReply("Ev1", staffC, "U9", "担当します", "1.1"))
	h.send(t, mustPress(t, staffPost(), "U9", "s:claim:2026-0001"))
	if msgs, staff := h.desk.got(); len(msgs)+len(staff) != 0 {
		t.Errorf("without a staff channel, staff input reached the engine: %+v %+v", msgs, staff)
	}
}

func TestEngineFailureAsksForRedelivery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.desk.err = errors.New("database not open")
	if rec := h.send(t, slacktest.IM("Ev1", "U1", "hello")); rec.Code != http.StatusInternalServerError {
		t.Errorf("event with a failing engine = %d, want 500", rec.Code)
	}
	if rec := h.send(t, slacktest.ThreadReply("Ev2", staffC, "U9", "x", "1.1")); rec.Code != http.StatusInternalServerError {
		t.Errorf("staff reply with a failing engine = %d, want 500", rec.Code)
	}
	if n := len(h.fake.Posts()); n != 0 {
		t.Errorf("%d posts before Slack's last retry, want none", n)
	}
	// Slack's last retry fails too: the user gets the apology, straight from the adapter.
	if rec := h.send(t, slacktest.IM("Ev1", "U1", "hello"), "X-Slack-Retry-Num", "3", "X-Slack-Retry-Reason", "http_error"); rec.Code != http.StatusInternalServerError {
		t.Errorf("last retry = %d, want 500", rec.Code)
	}
	posts := h.fake.Posts()
	if len(posts) != 1 || posts[0].Channel != "DU1" || !posts[0].Contains("[internal_error]") {
		t.Errorf("apology after the last retry: %+v", posts)
	}
}

func TestRetriesAreHandledAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := slacktest.IM("Ev1", "U1", "hello")
	for i, retry := range []string{"", "1", "2"} {
		if rec := h.send(t, body, "X-Slack-Retry-Num", retry); rec.Code != http.StatusOK {
			t.Errorf("delivery %d answered %d", i, rec.Code)
		}
	}
	// the engine answers an event id once: the adapter just passes every delivery on
	msgs, _ := h.desk.got()
	if len(msgs) != 3 || msgs[0].EventID != "Ev1" || msgs[2].EventID != "Ev1" {
		t.Errorf("engine got %+v", msgs)
	}
}

func TestSlashCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		text      string
		admin     bool
		wantEvent dialog.Event
		wantAdmin []string
		wantBody  string
	}{
		{name: "menu", text: "", wantEvent: dialog.EventMenu},
		{name: "help", text: " HELP ", wantEvent: dialog.EventHelp},
		{name: "reload_without_admin_is_text", text: "reload", wantEvent: dialog.EventText},
		{name: "admin", text: "stats  7d", admin: true, wantAdmin: []string{"stats", "7d"}, wantBody: "topics: <3>"},
		{name: "admin_verb_any_case", text: "Reload", admin: true, wantAdmin: []string{"reload"}, wantBody: "topics: <3>"},
		{name: "help_with_admin", text: "help", admin: true, wantEvent: dialog.EventHelp},
		// a consultation typed after the command is answered, never taken for an admin command
		{name: "consultation", text: "社長を名乗るメールで振込を頼まれました", admin: true, wantEvent: dialog.EventText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotArgs []string
			var gotUser string
			h := newHarness(t, func(c *slack.Config) {
				if tt.admin {
					c.Admin = func(_ context.Context, user string, args []string) (string, error) {
						gotUser, gotArgs = user, args
						return "topics: <3>", nil
					}
				}
			})
			rec := h.send(t, slacktest.Command("U1", "C0GENERAL", tt.text))
			if rec.Code != http.StatusOK {
				t.Fatalf("/helpdesk %s = %d", tt.text, rec.Code)
			}
			msgs, _ := h.desk.got()
			if tt.wantAdmin != nil {
				var resp map[string]string
				json.Unmarshal(rec.Body.Bytes(), &resp)
				if gotUser != "U1" || strings.Join(gotArgs, ",") != strings.Join(tt.wantAdmin, ",") || len(msgs) != 0 {
					t.Errorf("/helpdesk %s: admin got %s %q, engine %d messages", tt.text, gotUser, gotArgs, len(msgs))
				}
				if resp["response_type"] != "ephemeral" || resp["text"] != "topics: &lt;3&gt;" {
					t.Errorf("/helpdesk %s answered %q", tt.text, rec.Body.String())
				}
				return
			}
			if rec.Body.Len() != 0 {
				t.Errorf("/helpdesk %s answered %q, want an empty body", tt.text, rec.Body.String())
			}
			if len(msgs) != 1 || msgs[0].Event != tt.wantEvent || msgs[0].UserID != "U1" || msgs[0].Address != "@U1" ||
				!strings.HasPrefix(msgs[0].EventID, "cmd:") || (tt.wantEvent == dialog.EventText && msgs[0].Text != tt.text) {
				t.Errorf("/helpdesk %s: engine got %+v, want event %q for U1 at @U1", tt.text, msgs, tt.wantEvent)
			}
		})
	}
}

func TestAdminFailureShowsTheApology(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *slack.Config) {
		c.Admin = func(context.Context, string, []string) (string, error) { return "", errors.New("reload: broken yaml") }
	})
	rec := h.send(t, slacktest.Command("U1", "C1", "reload"))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusOK || !strings.Contains(string(body), "[internal_error]") || strings.Contains(string(body), "yaml") {
		t.Errorf("failed admin command answered %d %s", rec.Code, body)
	}
}
