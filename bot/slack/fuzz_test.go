package slack_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// signedPost sends body, correctly signed, as a platform or proxy bug might.
func signedPost(h http.Handler, route, contentType string, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, route, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	slacktest.Sign(req.Header, secret, time.Now(), body)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// checkDesk checks what one input handed the engine.
func checkDesk(t *testing.T, d *desk) {
	msgs, staff := d.got()
	for _, m := range msgs {
		if m.Channel != "slack" || m.UserID == "" {
			t.Fatalf("malformed message handed to the engine: %+v", m)
		}
	}
	for _, ev := range staff {
		if !strings.HasPrefix(ev.Thread, staffC+"/") {
			t.Fatalf("a staff event from outside the staff channel: %+v", ev)
		}
	}
}

// FuzzEventsBody: arbitrary Events API bodies with a valid signature never panic, answer 2xx or
// 5xx, and never turn into staff events outside the staff channel.
func FuzzEventsBody(f *testing.F) {
	for _, b := range []slacktest.Body{
		slacktest.IM("Ev1", "U1", "ランサムウェアに感染したかも"),
		slacktest.Mention("Ev2", "C1", "U1", "<@UBOT> 助けて", ""),
		slacktest.ThreadReply("Ev3", staffC, "U2", "担当です", "1700000000.000100"),
		slacktest.ThreadReply("Ev4", "C0OTHER", "U2", "偽物", "1700000000.000100"),
		slacktest.URLVerification("challenge"),
	} {
		f.Add(b.Data)
	}
	f.Add([]byte(`{"type":"event_callback","event":{"type":"message"}}`))
	f.Add([]byte(`{"type":"event_callback","event":null}`))
	f.Add([]byte(`{"type":"something_else"}`))
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		h.desk.reset()
		code := signedPost(h.mux, "/slack/events", "application/json", body)
		if code != http.StatusOK && code != http.StatusInternalServerError && code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d for a signed body", code)
		}
		checkDesk(t, h.desk)
	})
}

// FuzzInteractionForm: arbitrary interaction payloads (block_actions, view_submission).
func FuzzInteractionForm(f *testing.F) {
	f.Add(slacktest.BlockActions(slacktest.Click{User: "U1", Channel: "D1", Value: "t:ransomware"}).Data)
	f.Add(slacktest.BlockActions(slacktest.Click{User: "U1", Channel: staffC, Value: "s:resolve:2026-0001", MessageTS: "1.1"}).Data)
	f.Add([]byte("payload=" + url.QueryEscape(`{"type":"view_submission","view":{"private_metadata":"{}"}}`)))
	f.Add([]byte("payload=%7B"))
	fuzzForm(f, "/slack/interactions")
}

// FuzzSlashCommandForm: arbitrary /helpdesk forms.
func FuzzSlashCommandForm(f *testing.F) {
	f.Add(slacktest.Command("U1", "C1", "").Data)
	f.Add(slacktest.Command("U1", "C1", "help").Data)
	f.Add(slacktest.Command("U1", "C1", "reload now").Data)
	f.Add([]byte("command=%2Fhelpdesk&user_id=&text=%ZZ"))
	fuzzForm(f, "/slack/commands")
}

// fuzzForm posts arbitrary signed form bodies to route: they never panic, answer 2xx, 400, 413
// or 500, and never turn into staff events outside the staff channel.
func fuzzForm(f *testing.F, route string) {
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		h.desk.reset()
		code := signedPost(h.mux, route, "application/x-www-form-urlencoded", body)
		if code >= 300 && code != http.StatusInternalServerError && code != http.StatusRequestEntityTooLarge && code != http.StatusBadRequest {
			t.Fatalf("status %d", code)
		}
		checkDesk(t, h.desk)
	})
}
