package dialog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// TestFloodAcrossThreads: the rate limit follows the person, not the conversation: one person
// who opens a Slack thread per message is limited like one who writes in one conversation,
// and another person in the same channel is answered as usual.
func TestFloodAcrossThreads(t *testing.T) {
	lib, _ := knowledge.LibraryOf(seeds.FS)
	c := &clock{t: time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)}
	e, err := dialog.Open(filepath.Join(t.TempDir(), "h.db"), lib, discard,
		dialog.Options{Now: c.Now, RateLimit: dialog.RateLimit{Burst: 10, Every: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	answered := 0
	for i := 0; i < 40; i++ {
		r, err := e.Respond(ctx, dialog.Message{Channel: "slack", UserID: fmt.Sprintf("C0GENERAL/1700000000.%06d", i),
			Person: "U0FLOOD", EventID: fmt.Sprint("f", i), Text: "ウイルスに感染した"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Topic == "malware" {
			answered++
		}
	}
	if answered != 10 {
		t.Errorf("40 messages in 40 threads from one person: %d answered, want 10 (the burst)", answered)
	}
	r, _ := e.Respond(ctx, dialog.Message{Channel: "slack", UserID: "C0GENERAL/1700000001.000000", Person: "U0OTHER", EventID: "o1", Text: "ウイルスに感染した"})
	if r.Topic != "malware" {
		t.Errorf("another person is affected by the flood: %q", r.PlainText())
	}
}

// TestOneOpenCasePerPerson: a person who asks for staff again from another thread while their
// case is open joins that case: no second case, no second post in the staff channel, and staff
// see the new words in the case's thread.
func TestOneOpenCasePerPerson(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	var ids []string
	for i := 0; i < 3; i++ {
		r, err := te.Respond(ctx, dialog.Message{Channel: "slack", UserID: fmt.Sprintf("C0GENERAL/1700000000.%06d", i),
			Person: "U0ALICE", EventID: fmt.Sprint("a", i), Text: fmt.Sprintf("ランサムウェアの件で担当者と話したい %d", i), Address: "addr"})
		if err != nil || r.Handoff == nil {
			t.Fatalf("escalation %d: %v, %+v", i, err, r.Handoff)
		}
		ids = append(ids, r.Handoff.CaseID)
	}
	if ids[1] != ids[0] || ids[2] != ids[0] {
		t.Errorf("three requests from one person opened cases %v, want one", ids)
	}
	r, err := te.Respond(ctx, dialog.Message{Channel: "slack", UserID: "C0GENERAL/1700000001.000000",
		Person: "U0BOB", EventID: "b", Text: "ランサムウェアの件で担当者と話したい", Address: "addr"})
	if err != nil || r.Handoff == nil || r.Handoff.CaseID == ids[0] {
		t.Errorf("another person's request: %v, %+v; want a case of its own", err, r.Handoff)
	}
	posts, relays, noted := 0, 0, 0
	kb := te.lib.Base()
	note := strings.ReplaceAll(kb.Message("staff_bot_first_aid"), "{topic}", kb.Topic("ransomware").Title)
	for round := 0; round < 10; round++ {
		p := pendingOf(t, te)
		if len(p) == 0 {
			break
		}
		for _, d := range p {
			ref := ""
			if d.Kind == dialog.KindStaff && len(d.Reply.Choices) > 0 {
				posts++
				ref = "C-STAFF/" + d.Recipient
			} else if d.Kind == dialog.KindStaff && d.Recipient == "staff/"+ids[0] {
				relays++
				if strings.Contains(d.Reply.PlainText(), note) {
					noted++ // the joined request was answered with ransomware's first action
				}
			}
			if err := te.Outbox().Delivered(d.ID, ref); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases, err := te.Admin().Cases(time.Time{})
	if err != nil || len(cases) != 2 {
		t.Errorf("Cases = %d, %v; want 2 (one per person)", len(cases), err)
	}
	if posts != 2 || relays != 2 || noted != 2 {
		t.Errorf("staff deliveries: %d case posts, %d relayed lines for %s (%d saying the bot showed first aid); want 2 posts (one per person) and the joined requests (2) relayed, each saying so", posts, relays, ids[0], noted)
	}
}

// TestOnePersonDoesNotDelayOthers: while one person floods their open case with messages, another
// person's new case is among the first deliveries the sender picks up: each case is a recipient
// of its own in the outbox, delivered in parallel with the others, and one person's messages
// are capped by the per-person rate limit.
func TestOnePersonDoesNotDelayOthers(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	ctx := context.Background()
	if r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U0ALICE", EventID: "a0",
		Text: "ランサムウェアの件で担当者と話したい", Address: "addr"}); err != nil || r.Handoff == nil {
		t.Fatalf("Alice's escalation: %v %+v", err, r.Handoff)
	}
	for i := 1; i <= 60; i++ {
		if _, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U0ALICE", EventID: fmt.Sprint("a", i),
			Text: fmt.Sprintf("まだですか %d", i), Address: "addr"}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: "U0BOB", EventID: "b0",
		Text: "ランサムウェアの件で担当者と話したい", Address: "addr"})
	if err != nil || r.Handoff == nil {
		t.Fatalf("Bob's escalation: %v %+v", err, r.Handoff)
	}
	p, err := te.Outbox().Pending(te.clock.Now(), 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	queued := 0
	for _, d := range p {
		if d.Kind == dialog.KindStaff && d.Case != nil && d.Case.ID == r.Handoff.CaseID {
			return // Bob's case goes out in the sender's first round
		}
		queued++
	}
	t.Errorf("Bob's case is not among the first %d deliveries picked while Alice floods her case", queued)
}
