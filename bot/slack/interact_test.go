package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// staffPost is a case's root post in the staff channel, as the staff deliverer draws it.
func staffPost() slacktest.Post {
	btn := func(i, id, label string) slacktest.Element {
		return slacktest.Element{Type: "button", ActionID: "c" + i + "|" + id, Value: id, Text: label}
	}
	return slacktest.Post{Channel: staffC, TS: "1700000000.000100", Blocks: []slacktest.Block{
		{Type: "section", Text: &slacktest.TextObject{Type: "mrkdwn", Text: "【新しい相談】2026-0001"}},
		{Type: "actions", BlockID: "staff:ransomware", Elements: []slacktest.Element{
			btn("0", "s:claim:2026-0001", "担当する"), btn("1", "s:resolve:2026-0001", "解決"), btn("2", "s:handback:2026-0001", "ボットに戻す")}},
	}}
}

func mustPress(t *testing.T, p slacktest.Post, user, value string) slacktest.Body {
	t.Helper()
	b, ok := p.Press(user, value)
	if !ok {
		t.Fatalf("post has no button %q", value)
	}
	return b
}

func TestUserButtons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		click slacktest.Click
		want  dialog.Message // EventID is checked apart
	}{
		{"dm", slacktest.Click{User: "U1", Channel: "DU1", MessageTS: "5.5", Value: "t:ransomware"},
			dialog.Message{Channel: "slack", UserID: "U1", Address: "DU1", Choice: "t:ransomware"}},
		{"dm_thread", slacktest.Click{User: "U1", Channel: "DU1", MessageTS: "5.5", ThreadTS: "5.1", Value: "o:3:who:company"},
			dialog.Message{Channel: "slack", UserID: "U1", Address: "DU1/5.1", Choice: "o:3:who:company"}},
		{"channel_thread", slacktest.Click{User: "U2", Channel: "C1", MessageTS: "7.5", ThreadTS: "7.1", Value: "a:intake"},
			dialog.Message{Channel: "slack", UserID: "C1/7.1", Person: "U2", Address: "C1/7.1", Choice: "a:intake"}},
		{"channel_top_level", slacktest.Click{User: "U2", Channel: "C1", MessageTS: "7.5", Value: "a:person"},
			dialog.Message{Channel: "slack", UserID: "C1/7.5", Person: "U2", Address: "C1/7.5", Choice: "a:person"}},
		{"choice_in_action_id_only", slacktest.Click{User: "U1", Channel: "DU1", MessageTS: "5.5", ActionID: "c3|t:phishing"},
			dialog.Message{Channel: "slack", UserID: "U1", Address: "DU1", Choice: "t:phishing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if rec := h.send(t, slacktest.BlockActions(tt.click)); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
				t.Fatalf("button answered %d %q, want an empty 200", rec.Code, rec.Body.String())
			}
			msgs, _ := h.desk.got()
			if len(msgs) != 1 {
				t.Fatalf("engine got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if !strings.HasPrefix(got.EventID, "act:") || len(got.EventID) < 8 {
				t.Errorf("event id %q: want one per press", got.EventID)
			}
			got.EventID = ""
			if got != tt.want {
				t.Errorf("message = %+v\nwant      %+v", got, tt.want)
			}
		})
	}
}

func TestEachPressIsItsOwnEvent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	click := slacktest.Click{User: "U1", Channel: "DU1", MessageTS: "5.5", Value: "a:restart"}
	h.send(t, slacktest.BlockActions(click))
	h.send(t, slacktest.BlockActions(click))
	msgs, _ := h.desk.got()
	if len(msgs) != 2 || msgs[0].EventID == msgs[1].EventID {
		t.Errorf("two presses: %+v", msgs)
	}
}

func TestNonStaffButtonsInTheStaffChannelAreIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.send(t, slacktest.BlockActions(slacktest.Click{User: "U9", Channel: staffC, MessageTS: "1.1", Value: "t:ransomware"}))
	if msgs, staff := h.desk.got(); len(msgs)+len(staff) != 0 {
		t.Errorf("engine got %+v %+v", msgs, staff)
	}
}

func TestStaffButtons(t *testing.T) {
	t.Parallel()
	post := staffPost()
	tests := []struct {
		name    string
		post    slacktest.Post
		value   string
		want    *dialog.StaffEvent
		refused bool
	}{
		{"claim", post, "s:claim:2026-0001", &dialog.StaffEvent{Thread: staffC + "/1700000000.000100", Case: "2026-0001",
			Staff: "<@U9>", Action: dialog.StaffClaim}, false},
		{"handback", post, "s:handback:2026-0001", &dialog.StaffEvent{Thread: staffC + "/1700000000.000100", Case: "2026-0001",
			Staff: "<@U9>", Action: dialog.StaffHandback}, false},
		{"claim_in_thread_reply", func() slacktest.Post {
			p := post
			p.TS, p.ThreadTS = "1700000000.000900", "1700000000.000100"
			return p
		}(),
			"s:claim:2026-0001", &dialog.StaffEvent{Thread: staffC + "/1700000000.000100", Case: "2026-0001", Staff: "<@U9>", Action: dialog.StaffClaim}, false},
		{"claim_copied_to_other_channel", func() slacktest.Post { p := post; p.Channel = "C0OTHER"; return p }(), "s:claim:2026-0001", nil, true},
		{"handback_in_dm", func() slacktest.Post { p := post; p.Channel = "DU9"; return p }(), "s:handback:2026-0001", nil, true},
		{"resolve_outside", func() slacktest.Post { p := post; p.Channel = "C0OTHER"; return p }(), "s:resolve:2026-0001", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if rec := h.send(t, mustPress(t, tt.post, "U9", tt.value)); rec.Code != http.StatusOK {
				t.Fatalf("press answered %d", rec.Code)
			}
			msgs, staff := h.desk.got()
			if len(msgs) != 0 {
				t.Errorf("a staff button reached the conversation engine: %+v", msgs)
			}
			if tt.want == nil {
				if len(staff) != 0 || len(h.fake.Views()) != 0 {
					t.Errorf("a staff button outside the staff channel did something: %+v", staff)
				}
			} else {
				if len(staff) != 1 {
					t.Fatalf("staff events %+v, want one", staff)
				}
				got := staff[0]
				if !strings.HasPrefix(got.EventID, "act:") {
					t.Errorf("event id %q", got.EventID)
				}
				got.EventID = ""
				if got != *tt.want {
					t.Errorf("staff event = %+v\nwant          %+v", got, *tt.want)
				}
			}
			eph := h.fake.Ephemerals()
			if tt.refused != (len(eph) == 1) || tt.refused && (eph[0].User != "U9" || eph[0].Channel != tt.post.Channel || eph[0].Text != "[staff_not_permitted]") {
				t.Errorf("refusal shown: %+v, want %v", eph, tt.refused)
			}
		})
	}
}

// postCase has the staff deliverer post a case and returns the post.
func postCase(t *testing.T, h *harness, topic string) slacktest.Post {
	t.Helper()
	reply := dialog.Reply{Topic: topic, Blocks: []dialog.Block{{Kind: dialog.TextBlock, Text: "【新しい相談】2026-0007 ランサムウェア感染"}},
		Choices: []dialog.Choice{{ID: "s:claim:2026-0007", Label: "担当する"}, {ID: "s:resolve:2026-0007", Label: "解決"},
			{ID: "s:handback:2026-0007", Label: "ボットに戻す"}}}
	ref, err := h.bot.StaffDeliverer().Deliver(context.Background(), dialog.Delivery{Kind: dialog.KindStaff, Channel: "staff",
		Case: &dialog.Case{ID: "2026-0007"}, Reply: reply})
	if err != nil {
		t.Fatal(err)
	}
	posts := h.fake.Posts()
	if len(posts) != 1 || ref != staffC+"/"+posts[0].TS {
		t.Fatalf("case post: ref %q, posts %+v", ref, posts)
	}
	return posts[0]
}

func TestResolveForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	root := postCase(t, h, "ransomware")
	if rec := h.send(t, mustPress(t, root, "U9", "s:resolve:2026-0007")); rec.Code != http.StatusOK {
		t.Fatalf("resolve press answered %d", rec.Code)
	}
	if _, staff := h.desk.got(); len(staff) != 0 {
		t.Fatalf("resolve acted before the form was sent: %+v", staff)
	}
	views := h.fake.Views()
	if len(views) != 1 {
		t.Fatalf("views opened: %+v (rejected: %q)", views, h.fake.Rejected())
	}
	v := views[0]
	if v.Title != "[resolve_title]" || v.Submit != "[resolve_submit]" || len(v.Inputs) != 2 {
		t.Fatalf("form: %+v", v)
	}
	note, topic := v.Inputs[0], v.Inputs[1]
	if note.Type != "plain_text_input" || note.Label != "[resolve_note]" || note.Optional || note.MaxLength == 0 {
		t.Errorf("note input: %+v", note)
	}
	if topic.Type != "static_select" || topic.Label != "[resolve_topic]" || len(topic.Options) != 2 ||
		topic.Options[0] != (slacktest.Option{Value: "ransomware", Text: "ランサムウェア感染"}) || topic.InitialOption != "ransomware" {
		t.Errorf("topic input: %+v", topic)
	}
	rec := h.send(t, slacktest.Submit(v, "U9", map[string]string{note.BlockID: "LANを抜いて報告を案内", topic.BlockID: "phishing"}))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("submission answered %d %q, want an empty 200 (closes the form)", rec.Code, rec.Body.String())
	}
	_, staff := h.desk.got()
	want := dialog.StaffEvent{EventID: "view:" + v.ID, Thread: staffC + "/" + root.TS, Case: "2026-0007", Staff: "<@U9>",
		Action: dialog.StaffResolve, Text: "LANを抜いて報告を案内", Topic: "phishing"}
	if len(staff) != 1 || staff[0] != want {
		t.Errorf("staff events %+v\nwant %+v", staff, want)
	}
}

func TestResolveFormKeepsItselfOpenWhenTheEngineFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	root := postCase(t, h, "")
	h.send(t, mustPress(t, root, "U9", "s:resolve:2026-0007"))
	views := h.fake.Views()
	if len(views) != 1 || views[0].Inputs[1].InitialOption != "" {
		t.Fatalf("views: %+v", views)
	}
	h.desk.err = errors.New("disk full")
	rec := h.send(t, slacktest.Submit(views[0], "U9", map[string]string{"note": "済"}))
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != http.StatusOK || resp.Action != "errors" ||
		resp.Errors["note"] != "[internal_error]" {
		t.Errorf("submission with a failing engine answered %d %q", rec.Code, rec.Body.String())
	}
}

func TestForgedResolveFormIsIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	v := slacktest.View{ID: "V1", CallbackID: "helpdesk_resolve", PrivateMetadata: `{"thread":"C0OTHER/1.1","case":"2026-0001"}`,
		Inputs: []slacktest.Input{{BlockID: "note", ActionID: "note", Type: "plain_text_input"}}}
	h.send(t, slacktest.Submit(v, "U6", map[string]string{"note": "x"}))
	other := v
	other.CallbackID = "someone_elses_form"
	other.PrivateMetadata = `{"thread":"` + staffC + `/1.1","case":"2026-0001"}`
	h.send(t, slacktest.Submit(other, "U6", map[string]string{"note": "x"}))
	if _, staff := h.desk.got(); len(staff) != 0 {
		t.Errorf("forged forms reached the engine: %+v", staff)
	}
}

func TestResolveFormThatCannotOpenIsReported(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := slacktest.BlockActions(slacktest.Click{User: "U9", Channel: staffC, MessageTS: "1.1", Value: "s:resolve:2026-0001",
		BlockID: "staff:", TriggerID: "-"})
	h.fake.Close() // Slack unreachable: the presser sees the failure and can press again
	if rec := h.send(t, b); rec.Code != http.StatusInternalServerError {
		t.Errorf("resolve without Slack answered %d, want 500", rec.Code)
	}
}
