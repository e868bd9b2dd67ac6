package bot

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
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
	if len(c.Bars) != 2 || c.Bars[0].Value != "2.0 時間（2 件）" || c.Bars[1].Value != "2.0 時間（3 件）" {
		t.Errorf("resolution bars %+v, want medians of 2.0 h for both weeks", c.Bars)
	}
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 7: "7", 229: "229", 1234: "1,234", 1234567: "1,234,567", 2.5: "2.5", 1.0 / 3: "0.33", -1500: "-1,500"} {
		if got := number(v); got != want {
			t.Errorf("number(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestReportAxes: the vertical axis reaches the highest column with a round tick, every label
// (values left of the axis, weeks below) lies inside the picture, and the highest value reads
// whole (229 drawn half off the picture read "29"; %.3g wrote 1,234 as 1.23e+03).
func TestReportAxes(t *testing.T) {
	for _, tt := range []struct {
		peak     int
		weeks    int
		wantTop  string
		wantTick string
	}{
		{229, 3, "250", "200"},
		{1234, 3, "1,500", "1,000"},
		{2, 1, "2", "1"},
		{7, 60, "8", "4"},
	} {
		var st dialog.Stats
		st.Topics = []dialog.TopicStats{{Topic: "phishing", Title: "フィッシング", Consultations: tt.peak}}
		for i := 0; i < tt.weeks; i++ {
			week := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).Format(time.DateOnly)
			st.Weeks = append(st.Weeks, dialog.WeekStats{Week: week, Topic: "phishing", Consultations: tt.peak})
		}
		c := weeklyTopicsChart(st, weeksOf(st))
		labels := map[string]bool{}
		for _, tk := range c.Ticks {
			labels[tk.Label] = true
			if left := tk.X - charWidth*float64(len(tk.Label)); left < 0 || tk.Y < 0 || tk.Y > c.Height {
				t.Errorf("peak %d: value label %q at (%.1f, %.1f) starts at x=%.1f, outside the %gx%g picture", tt.peak, tk.Label, tk.X, tk.Y, left, c.Width, c.Height)
			}
		}
		if top := c.Ticks[len(c.Ticks)-1]; top.Label != tt.wantTop || !labels[tt.wantTick] || !labels["0"] {
			t.Errorf("peak %d: ticks %v, want 0 … %s up to %s", tt.peak, c.Ticks, tt.wantTick, tt.wantTop)
		}
		for i, a := range c.Axis {
			half := charWidth * float64(len(a.Label)) / 2
			if a.X-half < 0 || a.X+half > c.Width || a.Y > c.Height {
				t.Errorf("peak %d, %d weeks: week label %q at (%.1f, %.1f) is outside the picture", tt.peak, tt.weeks, a.Label, a.X, a.Y)
			}
			if i > 0 && a.X-c.Axis[i-1].X < 2*half {
				t.Errorf("%d weeks: week labels %q and %q overlap", tt.weeks, c.Axis[i-1].Label, a.Label)
			}
		}
		for _, b := range c.Bars {
			if b.Y < 0 || b.X+b.W > c.Width {
				t.Errorf("peak %d: bar %+v outside the picture", tt.peak, b)
			}
		}
	}
}

// TestReportSaysJapanTimeAndDefinesItsFigures: times are Japan time and say so, and every
// chart and table has a line saying what it counts, messages rather than people.
func TestReportSaysJapanTimeAndDefinesItsFigures(t *testing.T) {
	st := dialog.Stats{Until: time.Date(2026, 4, 1, 23, 45, 0, 0, time.UTC), Since: time.Date(2026, 3, 1, 0, 0, 0, 0, knowledge.Tokyo),
		Topics:     []dialog.TopicStats{{Topic: "phishing", Title: "フィッシング", Consultations: 1234, Escalations: 1}},
		Weeks:      []dialog.WeekStats{{Week: "2026-03-30", Topic: "phishing", Consultations: 1234, Escalations: 1}},
		Unanswered: []dialog.UnansweredCount{{Text: "ほげ", Outcome: dialog.Fallback, Count: 2, Nearest: []dialog.Nearest{{Topic: "phishing", Title: "フィッシング", Score: 0.42}}}},
		Cases:      dialog.CaseStats{ByStatus: map[string]int{"resolved": 1}, Resolution: map[string][]float64{"2026-03-30": {7200}}}}
	var b strings.Builder
	if err := WriteReport(&b, st); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	for _, want := range []string{"作成: 2026-04-02 08:45 JST (+09:00)（2026-03-01 以降の集計、日本時間）", "<td>1,234</td>", "人数ではありません", "人数ではなく",
		"<td>1</td><td class=\"text\">ほげ</td><td class=\"text\">該当なし</td><td>2</td><td class=\"text\">近いトピック: phishing フィッシング (0.42)</td>", "add-example --unanswered"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if n, want := strings.Count(page, `<p class="define">`), 3+3; n != want {
		t.Errorf("%d definitions in the report, want %d: one under each chart and table", n, want)
	}
	if strings.Contains(page, "e+0") {
		t.Error("the report writes a number in exponent notation")
	}
}
