package dialog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func loadSeeds(t *testing.T) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

// alertTitles returns the titles of the reply's alert blocks, in order.
func alertTitles(r dialog.Reply) []string {
	var out []string
	for _, b := range r.Blocks {
		if b.Kind == dialog.AlertsBlock {
			out = append(out, b.Title)
		}
	}
	return out
}

func TestAlertsAreCurrentOnlyForAYear(t *testing.T) {
	kb := loadSeeds(t)
	current, past := kb.Message("alerts_title"), strings.ReplaceAll(kb.Message("alerts_past_title"), "{year}", "2022")
	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"march_2022", time.Date(2022, 3, 10, 10, 0, 0, 0, knowledge.Tokyo), []string{current}},
		{"december_2026", time.Date(2026, 12, 5, 10, 0, 0, 0, knowledge.Tokyo), []string{past}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := dialog.Triage(kb, dialog.Policy{}, "Emotetに感染したかも", tt.now)
			if got := alertTitles(r); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Triage(emotet) at %s: alert headings %q, want %q", tt.now.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}
