package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	slackapi "github.com/slack-go/slack"
)

// The fake must refuse what Slack refuses, or the adapter's limit tests prove nothing.
func TestFakeRefusesWhatSlackRefuses(t *testing.T) {
	t.Parallel()
	fake := slacktest.New("xoxb-t")
	defer fake.Close()
	api := slackapi.New("xoxb-t", slackapi.OptionAPIURL(fake.APIURL()))
	section := func(s string) slackapi.Block {
		return slackapi.NewSectionBlock(slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false), nil, nil)
	}
	button := func(id, label string) slackapi.BlockElement {
		return slackapi.NewButtonBlockElement(id, "v", slackapi.NewTextBlockObject(slackapi.PlainTextType, label, false, false))
	}
	many := make([]slackapi.Block, 51)
	for i := range many {
		many[i] = section("x")
	}
	buttons := make([]slackapi.BlockElement, 26)
	for i := range buttons {
		buttons[i] = button("b"+strings.Repeat("x", i), "ok")
	}
	tests := []struct {
		name   string
		blocks []slackapi.Block
		ok     bool
	}{
		{"fine", []slackapi.Block{section("こんにちは"), slackapi.NewActionBlock("a", button("a1", "はい"))}, true},
		{"51_blocks", many, false},
		{"section_3001", []slackapi.Block{section(strings.Repeat("あ", 3001))}, false},
		{"button_76", []slackapi.Block{slackapi.NewActionBlock("a", button("a1", strings.Repeat("あ", 76)))}, false},
		{"26_buttons", []slackapi.Block{slackapi.NewActionBlock("a", buttons...)}, false},
		{"duplicate_action_id", []slackapi.Block{slackapi.NewActionBlock("a", button("same", "1"), button("same", "2"))}, false},
	}
	for _, tt := range tests {
		_, _, err := api.PostMessage("C1", slackapi.MsgOptionText("t", false), slackapi.MsgOptionBlocks(tt.blocks...))
		var se slackapi.SlackErrorResponse
		if tt.ok && err != nil || !tt.ok && (!errors.As(err, &se) || se.Err != "invalid_blocks") {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if n := len(fake.Posts()); n != 1 {
		t.Errorf("%d posts recorded, want the one valid", n)
	}
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	fake := slacktest.New("xoxb-t")
	defer fake.Close()
	api := slackapi.New("xoxb-t", slackapi.OptionAPIURL(fake.APIURL()))
	post := func() error {
		_, _, err := api.PostMessage("C1", slackapi.MsgOptionText("hi", false))
		return err
	}
	fake.Pass(1)
	fake.RateLimit(1, 2*time.Second)
	fake.Fail(1, 503)
	fake.Error(1, "channel_not_found")
	var (
		rl *slackapi.RateLimitedError
		sc slackapi.StatusCodeError
		se slackapi.SlackErrorResponse
	)
	if err := post(); err != nil {
		t.Errorf("pass: %v", err)
	}
	if err := post(); !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Errorf("rate limit: %v", err)
	}
	if err := post(); !errors.As(err, &sc) || sc.Code != 503 {
		t.Errorf("fail: %v", err)
	}
	if err := post(); !errors.As(err, &se) || se.Err != "channel_not_found" {
		t.Errorf("error: %v", err)
	}
	if err := post(); err != nil {
		t.Errorf("healed: %v", err)
	}
	if _, err := slackapi.New("xoxb-other", slackapi.OptionAPIURL(fake.APIURL())).AuthTest(); !errors.As(err, &se) || se.Err != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	fake.Hang(1, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := api.PostMessageContext(ctx, "C1", slackapi.MsgOptionText("hi", false)); err == nil {
		t.Error("hang: no timeout")
	}
	if n := len(fake.Posts()); n != 2 || fake.Calls("chat.postMessage") != 6 {
		t.Errorf("%d posts after %d calls", n, fake.Calls("chat.postMessage"))
	}
}

// chat.update rewrites the message in place and answers in Slack's documented shape; a message
// that was never posted is message_not_found.
func TestFakeUpdate(t *testing.T) {
	t.Parallel()
	fake := slacktest.New("xoxb-t")
	defer fake.Close()
	api := slackapi.New("xoxb-t", slackapi.OptionAPIURL(fake.APIURL()))
	_, ts, err := api.PostMessage("C1", slackapi.MsgOptionText("before", false))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.PostForm(fake.APIURL()+"chat.update", url.Values{"token": {"xoxb-t"}, "channel": {"C1"}, "ts": {ts},
		"text": {"after"}, "blocks": {`[{"type":"section","text":{"type":"mrkdwn","text":"after"}}]`}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		OK      bool   `json:"ok"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
		Text    string `json:"text"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if !body.OK || body.Channel != "C1" || body.TS != ts || body.Text != "after" || body.Message.Text != "after" {
		t.Errorf("chat.update answered %+v", body)
	}
	posts := fake.Posts()
	if len(posts) != 1 || posts[0].Text != "after" || posts[0].Edits != 1 || !posts[0].Contains("after") {
		t.Errorf("after chat.update the fake holds %+v", posts)
	}
	// slack-go reads the same answer
	if _, _, _, err := api.UpdateMessage("C1", ts, slackapi.MsgOptionText("again", false)); err != nil {
		t.Errorf("UpdateMessage: %v", err)
	}
	_, _, _, err = api.UpdateMessage("C1", "1.000001", slackapi.MsgOptionText("x", false))
	var se slackapi.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "message_not_found" {
		t.Errorf("update of a message never posted: %v, want message_not_found", err)
	}
	if n := fake.Calls("chat.update"); n != 3 {
		t.Errorf("%d chat.update calls counted, want 3", n)
	}
}

// A fake that records nothing (load tools) accepts chat.update of any message.
func TestFakeUpdateForgetting(t *testing.T) {
	t.Parallel()
	fake := slacktest.New("xoxb-t")
	fake.Forget = true
	defer fake.Close()
	api := slackapi.New("xoxb-t", slackapi.OptionAPIURL(fake.APIURL()))
	if _, _, _, err := api.UpdateMessage("C1", "1.000001", slackapi.MsgOptionText("x", false)); err != nil {
		t.Errorf("UpdateMessage on a forgetting fake: %v", err)
	}
}

// users.info answers as Slack documents it: the locale only when asked for (include_locale),
// user_not_found for an id that is no user's, and the error code it is told to fail with.
func TestFakeUsersInfo(t *testing.T) {
	t.Parallel()
	fake := slacktest.New("xoxb-t")
	defer fake.Close()
	api := slackapi.New("xoxb-t", slackapi.OptionAPIURL(fake.APIURL()))
	fake.SetUserLocale("U1", "en-US")
	fake.SetUserLocale("U3", "")
	tests := []struct {
		name    string
		user    string
		opts    []slackapi.GetUserInfoOption
		locale  string
		errCode string
	}{
		{name: "english", user: "U1", locale: "en-US"},
		{name: "default_japanese", user: "U2", locale: "ja-JP"},
		{name: "no_locale", user: "U3", locale: ""},
		{name: "locale_not_asked_for", user: "U1", opts: []slackapi.GetUserInfoOption{slackapi.GetUserInfoOptionIncludeLocale(false)}, locale: ""},
		{name: "not_a_user", user: "C1", errCode: "user_not_found"},
	}
	for _, tt := range tests {
		u, err := api.GetUserInfoContext(context.Background(), tt.user, tt.opts...)
		var se slackapi.SlackErrorResponse
		switch {
		case tt.errCode != "" && (!errors.As(err, &se) || se.Err != tt.errCode):
			t.Errorf("%s: users.info(%s) error %v, want %s", tt.name, tt.user, err, tt.errCode)
		case tt.errCode == "" && err != nil:
			t.Errorf("%s: users.info(%s): %v", tt.name, tt.user, err)
		case tt.errCode == "" && (u.ID != tt.user || u.Locale != tt.locale):
			t.Errorf("%s: users.info(%s) = id %q locale %q, want %q", tt.name, tt.user, u.ID, u.Locale, tt.locale)
		}
	}
	fake.FailUsersInfo("missing_scope")
	var se slackapi.SlackErrorResponse
	if _, err := api.GetUserInfoContext(context.Background(), "U1"); !errors.As(err, &se) || se.Err != "missing_scope" {
		t.Errorf("users.info failing: error %v, want missing_scope", err)
	}
	if n := fake.Calls("users.info"); n != len(tests)+1 {
		t.Errorf("Calls(users.info) = %d, want %d", n, len(tests)+1)
	}
}
