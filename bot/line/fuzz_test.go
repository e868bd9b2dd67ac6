package line_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// FuzzWebhookBody sends arbitrary bodies with a valid signature (a platform or proxy bug can
// send anything, only an attacker without the secret cannot): the handler answers 200, 413 or
// 500, hands the engine only well-formed messages, and never panics.
func FuzzWebhookBody(f *testing.F) {
	for _, ev := range []linetest.Event{
		linetest.Text(linetest.UserID(1), "ランサムウェアに感染したかも"),
		linetest.Postback(linetest.UserID(1), "o:3:who:company"),
		linetest.Follow(linetest.UserID(2)), linetest.Unfollow(linetest.UserID(2)),
		linetest.Sticker(linetest.UserID(3)), linetest.Join("C1"), linetest.GroupText("C1", "U9", "hi"),
		linetest.Unsend(linetest.UserID(4), "m1"), linetest.Unknown(linetest.UserID(5)),
		linetest.Text(linetest.UserID(6), "x").Redelivered(),
	} {
		f.Add(linetest.Body(ev))
	}
	f.Add([]byte(`{"events":[{"type":"message"}]}`))
	f.Add([]byte(`{"events":[{"type":"message","source":{"type":"user"},"message":{"type":"text"}}]}`))
	f.Add([]byte(`{"events":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var rec recorder
		h := newHandler(t, quietLogger(), &rec)
		code := post(t, h, linetest.Sign(testSecret, body), body)
		if code != http.StatusOK && code != http.StatusRequestEntityTooLarge && code != http.StatusInternalServerError {
			t.Fatalf("status %d for a signed body", code)
		}
		for _, m := range rec.got() {
			if m.Channel != "line" || m.UserID == "" && m.Event != dialog.EventUnfollow {
				t.Fatalf("malformed message handed to the engine: %+v", m)
			}
			if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Choice) {
				// encoding/json replaces invalid bytes: the engine only ever sees valid text
				t.Fatalf("invalid UTF-8 passed on: %+q %+q", m.Text, m.Choice)
			}
		}
	})
}

// FuzzRender renders replies made of arbitrary texts and labels: every request stays within
// LINE's limits, which the fake enforces.
func FuzzRender(f *testing.F) {
	f.Add("ランサムウェアに感染したかも", "状況を整理する", 3)
	f.Add(strings.Repeat("長い回答です。\n", 900), strings.Repeat("ラベル", 20), 20)
	f.Add("😱", "", 0)
	fake := linetest.New(testToken)
	f.Cleanup(fake.Close)
	d := newDeliverer(f, fake)
	f.Fuzz(func(t *testing.T, text, label string, n int) {
		n = max(0, min(n, 40))
		var r dialog.Reply
		for i := 0; i < n%7+1; i++ {
			r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.TextBlock, Text: text})
		}
		r.Blocks = append(r.Blocks, dialog.Block{Kind: dialog.ContactsBlock, Title: label, CallLabel: label, WebLabel: label,
			Contacts: []dialog.Contact{{Name: text, Phone: "03-5978-7509", Tel: "tel:0359787509", URL: "https://www.ipa.go.jp/", Fields: []dialog.Field{{Label: label, Value: text}}}}})
		for i := 0; i < n; i++ {
			r.Choices = append(r.Choices, dialog.Choice{ID: "a:intake", Label: label})
		}
		before := fake.Stats().Rejected
		addr := `{"u":"` + linetest.UserID(n) + `"}`
		// a fresh key per entry, as the outbox gives: LINE checks every request, none is a repeat
		_, err := d.Deliver(context.Background(), dialog.Delivery{ID: 1, Channel: "line", Address: addr, Reply: r, Key: newKey()})
		if after := fake.Stats().Rejected; err != nil || after != before {
			t.Fatalf("LINE refused a rendered reply (text %d bytes, label %q, %d choices): %v", len(text), label, n, err)
		}
	})
}
