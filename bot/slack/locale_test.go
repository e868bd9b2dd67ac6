package slack_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

func withLocales(c *slack.Config) { c.Locales = true }

// A direct message carries the person's Slack language as the engine's hint: "en" for an English
// locale, none for any other, for none, and when users.info fails; the event is committed either
// way.
func TestDirectMessageCarriesTheLocaleHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		locale string // "-": not set, the fake's ja-JP
		fail   string // users.info answers this error
		want   string
	}{
		{name: "english_us", locale: "en-US", want: "en"},
		{name: "english_gb", locale: "en-GB", want: "en"},
		{name: "japanese", locale: "ja-JP", want: ""},
		{name: "default", locale: "-", want: ""},
		{name: "no_locale", locale: "", want: ""},
		{name: "spanish", locale: "es-ES", want: ""},
		{name: "users_info_missing_scope", locale: "en-US", fail: "missing_scope", want: ""},
		{name: "users_info_user_not_found", locale: "en-US", fail: "user_not_found", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withLocales)
			if tt.locale != "-" {
				h.fake.SetUserLocale("U1", tt.locale)
			}
			h.fake.FailUsersInfo(tt.fail)
			if rec := h.send(t, slacktest.IM("Ev1", "U1", "?")); rec.Code != http.StatusOK {
				t.Fatalf("message.im answered %d, want 200", rec.Code)
			}
			msgs, _ := h.desk.got()
			if len(msgs) != 1 || msgs[0].LangHint != tt.want {
				t.Fatalf("committed %+v, want one message with hint %q", msgs, tt.want)
			}
			if n := h.fake.Calls("users.info"); n != 1 {
				t.Errorf("%d users.info calls, want 1", n)
			}
		})
	}
}

// A person's locale is read once, not for every message, until the channel forgets what it
// cached; staff in the staff channel and people in a channel thread cost no call, and without
// Config.Locales nobody does.
func TestLocaleReadOncePerPerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withLocales)
	h.fake.SetUserLocale("U1", "en-US")
	for _, b := range []slacktest.Body{
		slacktest.IM("Ev1", "U1", "?"),
		slacktest.IM("Ev2", "U1", "ランサムウェアに感染したかも"),
		slacktest.ThreadReply("Ev3", staffC, "U9", "担当します", "1700000000.000100"),
		slacktest.Mention("Ev4", "C0GENERAL", "U8", "<@"+slacktest.BotUserID+"> ?", ""),
	} {
		if rec := h.send(t, b); rec.Code != http.StatusOK {
			t.Fatalf("event answered %d, want 200", rec.Code)
		}
	}
	if n := h.fake.Calls("users.info"); n != 1 {
		t.Errorf("%d users.info calls for two messages of one person (and staff, and a mention), want 1", n)
	}
	msgs, staff := h.desk.got()
	var hints []string
	for _, m := range msgs {
		hints = append(hints, m.LangHint)
	}
	if strings.Join(hints, " ") != "en en " || len(staff) != 1 {
		t.Errorf("hints %q of the two direct messages and the mention, want [en en \"\"]; %d staff messages, want 1", hints, len(staff))
	}
	// an erasure or a retention sweep forgets it
	h.bot.Deliverer().ForgetCached()
	h.send(t, slacktest.IM("Ev5", "U1", "?"))
	if n := h.fake.Calls("users.info"); n != 2 {
		t.Errorf("after ForgetCached: %d users.info calls, want the locale read again (2)", n)
	}

	off := newHarness(t)
	off.fake.SetUserLocale("U1", "en-US")
	off.send(t, slacktest.IM("Ev1", "U1", "?"))
	if n := off.fake.Calls("users.info"); n != 0 {
		t.Errorf("without Config.Locales: %d users.info calls, want none", n)
	}
	if msgs, _ := off.desk.got(); len(msgs) != 1 || msgs[0].LangHint != "" {
		t.Errorf("without Config.Locales: committed %+v, want one message without a hint", msgs)
	}
}

// When Slack is slow to say a person's locale, the message is committed without a hint once
// the call's bound passes, well within the 3 seconds Slack gives to acknowledge an event.
func TestSlowLocaleIsNotWaitedFor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withLocales)
	h.fake.SetUserLocale("U1", "en-US")
	h.fake.HangUsersInfo(10 * time.Second)
	start := time.Now()
	if rec := h.send(t, slacktest.IM("Ev1", "U1", "?")); rec.Code != http.StatusOK {
		t.Fatalf("message.im answered %d, want 200", rec.Code)
	}
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("the event took %v with users.info hanging, want the call given up after 1.5 s", took)
	}
	if msgs, _ := h.desk.got(); len(msgs) != 1 || msgs[0].LangHint != "" {
		t.Errorf("committed %+v, want one message without a hint", msgs)
	}
}

// A failed users.info is logged without the person's id or words, at Debug; a missing users:read scope,
// which an operator must fix, is a warning once, not once per person.
func TestLocaleFailureLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer // the handler logs in the test's goroutine
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fake := slacktest.New(token)
	t.Cleanup(fake.Close)
	fake.FailUsersInfo("missing_scope")
	d := &desk{}
	b, err := slack.New(logger, slack.Config{BotToken: token, SigningSecret: secret, APIURL: fake.APIURL(), Locales: true}, d)
	if err != nil {
		t.Fatal(err)
	}
	for i, user := range []string{"U0LOGA", "U0LOGB", "U0LOGC"} {
		req, err := slacktest.NewRequest(t.Context(), "http://bot/slack/events", secret, slacktest.IM("Ev"+user, user, "秘密の相談です"))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		b.Events().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("message %d answered %d, want 200", i, rec.Code)
		}
	}
	out := logs.String()
	if n := strings.Count(out, "level=WARN"); n != 1 || !strings.Contains(out, "users:read") {
		t.Errorf("%d warnings, want one naming users:read:\n%s", n, out)
	}
	if strings.Contains(out, "秘密") {
		t.Errorf("the log holds what the person wrote:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		// ids are logged at Debug where the adapter always logged them, not by the locale reader
		if strings.Contains(line, "locale") && strings.Contains(line, "U0LOG") {
			t.Errorf("a locale line holds the user id: %s", line)
		}
	}
}
