package dialog_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// TestRetentionClosesForgottenCases: a case nobody touched for the retention period is closed
// whatever its status, staff are told in its thread, and its texts and the platform ids in it
// are erased like those of the cases closed before then; the user's conversation goes with it.
// A case touched within the period keeps everything.
func TestRetentionClosesForgottenCases(t *testing.T) {
	const retention = 90 * 24 * time.Hour
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	start := te.clock.Now()
	users := []struct {
		user   string
		thread string
		// what happens to the case, in days after start
		claimAt, staffWritesAt, resolveAt int
		wantStatus                        dialog.CaseStatus
		wantErased                        bool
	}{
		{user: "U0OPEN", thread: "C-STAFF/1.1", wantStatus: dialog.CaseExpired, wantErased: true},
		{user: "U0CLAIMED", thread: "C-STAFF/2.1", claimAt: 3, wantStatus: dialog.CaseExpired, wantErased: true},
		{user: "U0RESOLVED", thread: "C-STAFF/3.1", resolveAt: 1, wantStatus: dialog.CaseResolved, wantErased: true},
		{user: "U0RECENT", thread: "C-STAFF/4.1", claimAt: 1, staffWritesAt: 80, wantStatus: dialog.CaseClaimed},
	}
	ids := map[string]string{}
	for i, u := range users {
		r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: u.user, EventID: u.user, Text: "ランサムウェアの件で担当者と話したい", Address: "addr-" + u.user})
		if err != nil || r.Handoff == nil || r.Handoff.CaseID == "" {
			t.Fatalf("escalation of %s: %v %+v", u.user, err, r.Handoff)
		}
		ids[u.user] = r.Handoff.CaseID
		for _, d := range pendingOf(t, te) {
			ref := ""
			if d.Kind == dialog.KindStaff && len(d.Reply.Choices) > 0 {
				ref = users[i].thread
			}
			if err := te.Outbox().Delivered(d.ID, ref); err != nil {
				t.Fatal(err)
			}
		}
	}
	staffAt := func(day int, u string, ev dialog.StaffEvent) {
		te.clock.Set(start.Add(time.Duration(day) * 24 * time.Hour))
		ev.EventID, ev.Staff = u+string(ev.Action), "<@S0STAFF>"
		if _, err := te.Staff(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		if u.claimAt > 0 {
			staffAt(u.claimAt, u.user, dialog.StaffEvent{Thread: u.thread, Case: ids[u.user], Action: dialog.StaffClaim})
		}
		if u.resolveAt > 0 {
			staffAt(u.resolveAt, u.user, dialog.StaffEvent{Thread: u.thread, Case: ids[u.user], Action: dialog.StaffResolve, Text: "メモ", Topic: "ransomware"})
		}
		if u.staffWritesAt > 0 {
			staffAt(u.staffWritesAt, u.user, dialog.StaffEvent{Thread: u.thread, Action: dialog.StaffMessage, Text: "その後いかがですか"})
		}
	}
	pendingOf(t, te) // delivered: only what the sweep queues is looked at below
	te.clock.Set(start.Add(retention + 10*24*time.Hour))
	now := te.clock.Now()
	if _, err := te.Admin().Purge(now.Add(-retention), now.Add(-72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	notices := map[string]string{}
	for _, d := range pendingOf(t, te) {
		if d.Kind == dialog.KindStaff && d.Case != nil {
			notices[d.Case.Thread] += d.Reply.PlainText()
			// the case's post says it closed, offers no button, and no longer quotes the user
			if p := d.Post; p == nil || !strings.Contains(p.Status, "90 日") || len(p.Reply.Choices) != 0 ||
				strings.Contains(p.Reply.PlainText(), "ランサムウェアの件で担当者と話したい") || !strings.Contains(p.Reply.PlainText(), d.Case.ID) {
				t.Errorf("%s: the expired case's post is rewritten as %+v", d.Case.Thread, p)
			}
		} else {
			t.Errorf("the sweep queued a %s delivery for %s, want only staff notices", d.Kind, d.Recipient)
		}
	}
	cases, err := te.Admin().Cases(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]dialog.Case{}
	for _, c := range cases {
		byID[c.ID] = c
	}
	for _, u := range users {
		c := byID[ids[u.user]]
		if c.Status != u.wantStatus {
			t.Errorf("%s: case status %q after the sweep, want %q", u.user, c.Status, u.wantStatus)
		}
		erased := len(c.Turns) == 0 && len(c.Summary) == 0 && c.Address == "" && c.User == "" && c.Claimer == "" && c.Note == ""
		if erased != u.wantErased {
			t.Errorf("%s: case erased = %v (user %q, address %q, claimer %q, %d turns), want %v", u.user, erased, c.User, c.Address, c.Claimer, len(c.Turns), u.wantErased)
		}
		notice := notices[u.thread]
		if told := strings.Contains(notice, "90 日"); told != (u.wantStatus == dialog.CaseExpired) {
			t.Errorf("%s: the staff thread was told %q, want a notice of the closing: %v", u.user, notice, u.wantStatus == dialog.CaseExpired)
		}
	}
	// The users whose cases were closed are strangers again: a new message starts afresh and
	// is not relayed to a closed case.
	r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U0OPEN", EventID: "again", Text: "フィッシングサイトにパスワードを入れてしまった", Address: "a"})
	if err != nil || r.Topic != "phishing" {
		t.Errorf("after the sweep U0OPEN gets %s/%s (%v), want an answer about phishing", r.Outcome, r.Topic, err)
	}
}

// pendingOf marks everything the outbox holds delivered and returns it.
func pendingOf(t *testing.T, te *testEngine) []dialog.Delivery {
	t.Helper()
	var all []dialog.Delivery
	for {
		p, err := te.Outbox().Pending(te.clock.Now().Add(time.Hour), 100, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 0 {
			return all
		}
		all = append(all, p...)
		for _, d := range p {
			if d.Kind == dialog.KindStaff && len(d.Reply.Choices) > 0 {
				return all // a case post: the caller records its thread
			}
			if err := te.Outbox().Delivered(d.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
}
