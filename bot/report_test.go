package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// TestReportChartsDrawOrSayWhyNot: every chart either has bars or a note saying it has nothing
// yet, never bare axes; weeks without consultations but with resolved cases included.
func TestReportChartsDrawOrSayWhyNot(t *testing.T) {
	resolved := dialog.CaseStats{ByStatus: map[string]int{"resolved": 1}, Resolution: map[string][]float64{"2026-03-30": {7200}}}
	tests := []struct {
		name      string
		st        dialog.Stats
		wantDrawn int
	}{
		{"nothing", dialog.Stats{}, 0},
		{"only_resolved_cases", dialog.Stats{Cases: resolved}, 1},
		{"consultations_without_escalations", dialog.Stats{
			Topics: []dialog.TopicStats{{Topic: "phishing", Title: "フィッシング", Consultations: 2}},
			Weeks:  []dialog.WeekStats{{Week: "2026-03-30", Topic: "phishing", Consultations: 2}}}, 1},
		{"everything", dialog.Stats{
			Topics: []dialog.TopicStats{{Topic: "phishing", Title: "フィッシング", Consultations: 2, Escalations: 1}},
			Weeks:  []dialog.WeekStats{{Week: "2026-03-30", Topic: "phishing", Consultations: 2, Escalations: 1}},
			Cases:  resolved}, 3},
	}
	for _, tt := range tests {
		tt.st.Until = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
		d := buildReport(tt.st)
		drawn := 0
		for _, c := range d.Charts {
			if (len(c.Bars) == 0) == (c.Note == "") {
				t.Errorf("%s: chart %q has %d bars and note %q, want bars or a note", tt.name, c.Title, len(c.Bars), c.Note)
			}
			if len(c.Bars) > 0 {
				drawn++
			}
		}
		var page strings.Builder
		if err := WriteReport(&page, tt.st); err != nil {
			t.Fatalf("%s: WriteReport: %v", tt.name, err)
		}
		if drawn != tt.wantDrawn || strings.Count(page.String(), "<svg") != tt.wantDrawn {
			t.Errorf("%s: %d charts drawn, %d SVGs in the page; want %d", tt.name, drawn, strings.Count(page.String(), "<svg"), tt.wantDrawn)
		}
	}
}

func TestReportResolutionMedian(t *testing.T) {
	st := dialog.Stats{Cases: dialog.CaseStats{Resolution: map[string][]float64{
		"2026-03-23": {3600, 10800}, "2026-03-30": {7200, 3600, 36000}}}}
	c := resolutionChart(st, weeksOf(st))
	if len(c.Bars) != 2 || c.Bars[0].Value != "2.0 h (2 cases)" || c.Bars[1].Value != "2.0 h (3 cases)" {
		t.Errorf("resolution bars %+v, want medians of 2.0 h for both weeks", c.Bars)
	}
}
