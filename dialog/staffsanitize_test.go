package dialog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// invisibles are the characters that change how a text reads without being seen.
const invisibles = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200c\u200d\u2060"

// TestStaffSeeNoInvisibleCharacters: bidirectional overrides and zero-width characters in what a
// user writes never reach the staff thread, neither in the case post (what they said, the intake
// summary) nor in the messages relayed while the case is open; nor do they reach the user in
// what staff write.
func TestStaffSeeNoInvisibleCharacters(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	steps := []struct {
		name, text, visible string
	}{
		{"escalation", "ランサム\u202eウェア\u2066の件で担当者と話したい", "ランサムウェアの件で担当者と話したい"},
		{"relayed", "振込先は\u202e9876\u202c口座\u200dです\u2060", "振込先は9876口座です"},
	}
	r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: steps[0].text, Address: "a"})
	if err != nil || r.Handoff == nil || !r.Handoff.Staffed {
		t.Fatalf("escalation: %v %+v", err, r.Handoff)
	}
	if _, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "2", Text: steps[1].text, Address: "a"}); err != nil {
		t.Fatal(err)
	}
	var staff []string
	for _, d := range pendingAll(t, te) {
		if d.Kind != dialog.KindStaff {
			continue
		}
		staff = append(staff, d.Reply.PlainText()+d.Text)
	}
	all := strings.Join(staff, "\n")
	for _, s := range steps {
		if !strings.Contains(all, s.visible) {
			t.Errorf("%s: the staff thread lacks %q: %q", s.name, s.visible, all)
		}
	}
	if i := strings.IndexAny(all, invisibles); i >= 0 {
		t.Errorf("the staff thread carries invisible characters: %+q", all)
	}
	if _, err := te.Staff(ctx, dialog.StaffEvent{EventID: "s1", Thread: "C-STAFF/1.1", Staff: "<@S1>", Action: dialog.StaffMessage, Text: "担当の\u202e山田\u202cです"}); err != nil {
		t.Fatal(err)
	}
	var user []string
	for _, d := range pendingAll(t, te) {
		if d.Kind == dialog.KindRelay {
			user = append(user, d.Reply.PlainText())
		}
	}
	if got := strings.Join(user, "\n"); !strings.Contains(got, "担当の山田です") || strings.ContainsAny(got, invisibles) {
		t.Errorf("the staff message relayed to the user = %+q, want 担当の山田です without invisible characters", got)
	}
}

// pendingAll delivers and returns everything the outbox holds; a case post is recorded as
// posted in the thread C-STAFF/1.1.
func pendingAll(t *testing.T, te *testEngine) []dialog.Delivery {
	t.Helper()
	var all []dialog.Delivery
	for {
		p, err := te.Outbox().Pending(te.clock.Now(), 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 0 {
			return all
		}
		for _, d := range p {
			all = append(all, d)
			ref := ""
			if d.Kind == dialog.KindStaff && len(d.Reply.Choices) > 0 {
				ref = "C-STAFF/1.1"
			}
			if err := te.Outbox().Delivered(d.ID, ref); err != nil {
				t.Fatal(err)
			}
		}
	}
}
