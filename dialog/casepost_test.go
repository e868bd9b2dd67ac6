package dialog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// casePosts delivers every pending entry and returns the rewrites of case posts among them; the
// post that opens a case is given thread as its thread.
func casePosts(t *testing.T, te *testEngine, thread string) []*dialog.CasePost {
	t.Helper()
	var posts []*dialog.CasePost
	p, err := te.Outbox().Pending(te.clock.Now(), 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p {
		ref := ""
		if d.Kind == dialog.KindStaff && d.Post == nil && d.Text == "" {
			ref = thread // the post that opens the case
		}
		if d.Post != nil {
			posts = append(posts, d.Post)
		}
		if err := te.Outbox().Delivered(d.ID, ref); err != nil {
			t.Fatal(err)
		}
	}
	return posts
}

// A case's post is rewritten each time the case changes hands, and only then: claimed (by the
// button, then by another staff member), and closed when the user goes back to the bot.
func TestCasePostFollowsTheCase(t *testing.T) {
	t.Parallel()
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U1", EventID: "1", Text: "ランサムウェアの件で担当者と話したい", Address: "addr-1"})
	if err != nil || r.Handoff == nil || r.Handoff.CaseID == "" {
		t.Fatalf("escalation: %v %+v", err, r.Handoff)
	}
	caseID, thread := r.Handoff.CaseID, "C-STAFF/100.1"
	if posts := casePosts(t, te, thread); len(posts) != 0 {
		t.Fatalf("a new case rewrote its post: %+v", posts)
	}
	steps := []struct {
		name       string
		ev         dialog.StaffEvent
		msg        dialog.Message
		wantStatus string // "" for no rewrite
		wantChoice int
	}{
		{name: "claim", ev: dialog.StaffEvent{Action: dialog.StaffClaim, Staff: "<@S1>"}, wantStatus: "<@S1> さんが担当します。", wantChoice: 3},
		{name: "claim_again_same", ev: dialog.StaffEvent{Action: dialog.StaffClaim, Staff: "<@S1>"}},
		{name: "message", ev: dialog.StaffEvent{Action: dialog.StaffMessage, Staff: "<@S1>", Text: "状況を教えてください"}},
		{name: "claim_by_other", ev: dialog.StaffEvent{Action: dialog.StaffClaim, Staff: "<@S2>"}, wantStatus: "<@S2> さんが担当します。", wantChoice: 3},
		{name: "user_leaves", msg: dialog.Message{Channel: "line", UserID: "U1", Choice: "a:cancel-case-yes", Address: "addr-2"},
			wantStatus: "相談者がボットとの会話に戻りました。", wantChoice: 0},
	}
	for i, s := range steps {
		if s.msg.UserID != "" {
			s.msg.EventID = "m" + s.name
			if _, err := te.Respond(ctx, s.msg); err != nil {
				t.Fatal(err)
			}
		} else {
			s.ev.EventID, s.ev.Thread, s.ev.Case = "s"+s.name, thread, caseID
			if _, err := te.Staff(ctx, s.ev); err != nil {
				t.Fatal(err)
			}
		}
		posts := casePosts(t, te, thread)
		switch {
		case s.wantStatus == "" && len(posts) != 0:
			t.Errorf("step %d %s: the post was rewritten: %+v", i, s.name, posts[0])
		case s.wantStatus != "" && (len(posts) != 1 || posts[0].Status != s.wantStatus || len(posts[0].Reply.Choices) != s.wantChoice ||
			!strings.Contains(posts[0].Reply.PlainText(), caseID)):
			t.Errorf("step %d %s: rewrites %+v, want one saying %q with %d buttons", i, s.name, posts, s.wantStatus, s.wantChoice)
		}
	}
}
