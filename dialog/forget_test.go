package dialog_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// TestForgetErasesUnansweredQueries: the texts a person wrote that the bot could not answer,
// kept for the report, are erased by Forget with the rest of their data, and only theirs.
func TestForgetErasesUnansweredQueries(t *testing.T) {
	thread := "C0GENERAL/1700000000.000100"
	texts := []struct {
		channel            dialog.Channel
		user, person, text string
	}{
		{"line", "U0ALICE", "", "ほげほげふがふが 一"},
		{"line", "U0ALICE", "", "ほげほげふがふが 二"},
		{"slack", "U0ALICE", "", "ほげほげふがふが 三"},
		{"line", "U0BOB", "", "ほげほげふがふが 四"},
		{"slack", thread, "U0CAROL", "ほげほげふがふが 五"},
		{"slack", thread, "U0DAVE", "ほげほげふがふが 六"},
	}
	tests := []struct {
		name      string
		channel   dialog.Channel
		user      string
		wantGone  []string // the texts (by their last word) that must be gone
		wantCount int
	}{
		{"one_person_every_channel", "", "U0ALICE", []string{"一", "二", "三"}, 3},
		{"one_person_one_channel", "line", "U0ALICE", []string{"一", "二"}, 2},
		{"other_channel_only", "slack", "U0BOB", nil, 0},
		{"a_person_in_a_slack_thread", "slack", "U0CAROL", []string{"五", "六"}, 2}, // the thread is one conversation
		{"nobody_known", "", "U0NOBODY", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			te := newTestEngine(t, dialog.Policy{})
			for i, x := range texts {
				r, err := te.Respond(context.Background(), dialog.Message{Channel: x.channel, UserID: x.user, Person: x.person, EventID: string(rune('a' + i)), Text: x.text})
				if err != nil || r.Outcome != dialog.Fallback {
					t.Fatalf("Respond(%q) = %s, %v; want fallback", x.text, r.Outcome, err)
				}
			}
			f, err := te.Admin().Forget(tt.channel, tt.user)
			if err != nil || f.Unanswered != tt.wantCount {
				t.Errorf("Forget(%q, %q) = %+v, %v; want %d unanswered queries", tt.channel, tt.user, f, err, tt.wantCount)
			}
			kept, err := te.Admin().Unanswered(time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			var left []string
			for _, u := range kept {
				left = append(left, u.Text[strings.LastIndex(u.Text, " ")+1:])
				if len(u.Who) > 0 {
					t.Errorf("Unanswered returns who wrote %q", u.Text)
				}
			}
			st := mustStats(t, te)
			var inStats []string
			for _, u := range st.Unanswered {
				inStats = append(inStats, u.Text[strings.LastIndex(u.Text, " ")+1:])
			}
			for _, x := range texts {
				word := x.text[strings.LastIndex(x.text, " ")+1:]
				gone := slices.Contains(tt.wantGone, word)
				if slices.Contains(left, word) == gone || slices.Contains(inStats, word) == gone {
					t.Errorf("after Forget(%q, %q): %q kept %v in the list, %v in the stats; want it gone: %v",
						tt.channel, tt.user, x.text, slices.Contains(left, word), slices.Contains(inStats, word), gone)
				}
			}
			b, _ := json.Marshal(st)
			for _, id := range []string{"U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"} {
				if strings.Contains(string(b), id) {
					t.Errorf("the stats carry the user id %s", id)
				}
			}
		})
	}
}
