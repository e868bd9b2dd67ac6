package dialog_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

func TestDeliveryLogValueHidesWordsAndAddresses(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	d := dialog.Delivery{ID: 7, Kind: dialog.KindStaff, Channel: "staff", Address: "reply-token-123", Recipient: "line/U-secret",
		Text: "社長の口座情報が漏れました", Case: &dialog.Case{ID: "2026-0001", User: "U-secret"},
		Reply: dialog.Reply{Topic: "data-leak", Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "社長の口座情報が漏れました"}}}}
	logger.Info("delivery failed", "d", d, "p", &d)
	out := buf.String()
	for _, secret := range []string{"reply-token-123", "U-secret", "口座情報"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log line holds %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "2026-0001") || !strings.Contains(out, "data-leak") {
		t.Errorf("the log line lacks the case and topic: %s", out)
	}
}
