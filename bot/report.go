package bot

import (
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// WriteReport writes the admins' report as one self-contained HTML page: inline CSS and SVG
// charts, no scripts, fonts or images from elsewhere, so it can be mailed or opened offline.
func WriteReport(w io.Writer, st dialog.Stats) error {
	return reportPage.Execute(w, buildReport(st))
}

type bar struct {
	X, Y, W, H float64
	Label      string
	Value      string
	Color      string
}

type chart struct {
	Title, Note string
	Define      string // what the figure counts, in one line under the chart
	Width       float64
	Height      float64
	Bars        []bar
	Axis        []bar // week labels along the bottom, at their X, Y
	Ticks       []bar // value labels of the vertical axis: Y of the grid line, Label
	Legend      []bar
	// Left and Base are where the axes meet: the plot area is right of Left and above Base.
	Left, Base float64
}

type reportData struct {
	Generated  string
	Since      string
	Stats      dialog.Stats
	Charts     []chart
	Unanswered []dialog.UnansweredCount
	Cases      []statusCount
}

type statusCount struct {
	Status string
	Count  int
}

var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

func buildReport(st dialog.Stats) reportData {
	// The helpdesk works in Japan time: the report's times are shown in it, and say so.
	d := reportData{Generated: st.Until.In(knowledge.Tokyo).Format("2006-01-02 15:04 MST (-07:00)"), Stats: st}
	if !st.Since.IsZero() {
		d.Since = st.Since.In(knowledge.Tokyo).Format("2006-01-02")
	}
	weeks := weeksOf(st)
	d.Charts = append(d.Charts, weeklyTopicsChart(st, weeks), escalationsChart(st, weeks), resolutionChart(st, weeks))
	d.Unanswered = st.Unanswered
	if len(d.Unanswered) > 30 {
		d.Unanswered = d.Unanswered[:30]
	}
	for _, s := range slices.Sorted(maps.Keys(st.Cases.ByStatus)) {
		d.Cases = append(d.Cases, statusCount{s, st.Cases.ByStatus[s]})
	}
	return d
}

// weeksOf lists, in order, every week that has figures: consultations or resolved cases. All
// charts share it, so their columns line up.
func weeksOf(st dialog.Stats) []string {
	seen := map[string]bool{}
	for _, w := range st.Weeks {
		seen[w.Week] = true
	}
	for w := range st.Cases.Resolution {
		seen[w] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// weeklyTopicsChart stacks each week's consultations by topic (the eight busiest topics, the
// rest as "other").
func weeklyTopicsChart(st dialog.Stats, weeks []string) chart {
	c := chart{Title: AdminText("report.weekly"), Width: 720, Height: 260, Define: AdminText("report.weekly.define")}
	title := map[string]string{}
	for _, t := range st.Topics {
		title[t.Topic] = t.Title
		if t.Topic == "" {
			title[t.Topic] = AdminText("no_topic")
		}
	}
	var top []string
	for _, t := range st.Topics {
		if len(top) < 8 && t.Consultations > 0 {
			top = append(top, t.Topic)
		}
	}
	color := map[string]string{}
	for i, t := range top {
		color[t] = palette[i%len(palette)]
		c.Legend = append(c.Legend, bar{Label: title[t], Color: color[t]})
	}
	c.Legend = append(c.Legend, bar{Label: AdminText("report.other"), Color: "#cccccc"})
	per := map[string]map[string]int{}
	max := 0
	for _, w := range st.Weeks {
		if per[w.Week] == nil {
			per[w.Week] = map[string]int{}
		}
		k := w.Topic
		if _, ok := color[k]; !ok {
			k = "\x00other"
		}
		per[w.Week][k] += w.Consultations
	}
	for _, m := range per {
		sum := 0
		for _, v := range m {
			sum += v
		}
		if sum > max {
			max = sum
		}
	}
	plotBars(&c, weeks, func(week string) []bar {
		var bs []bar
		for _, t := range append(top, "\x00other") {
			v := per[week][t]
			if v == 0 {
				continue
			}
			col := color[t]
			name := title[t]
			if t == "\x00other" {
				col, name = "#cccccc", AdminText("report.other")
			}
			bs = append(bs, bar{H: float64(v), Label: name, Value: number(float64(v)), Color: col})
		}
		return bs
	}, float64(max), true, AdminText("report.weekly.empty"))
	return c
}

func escalationsChart(st dialog.Stats, weeks []string) chart {
	per := map[string]float64{}
	for _, w := range st.Weeks {
		if w.Escalations > 0 {
			per[w.Week] += float64(w.Escalations)
		}
	}
	c := chart{Title: AdminText("report.escalations"), Width: 720, Height: 200, Define: AdminText("report.escalations.define")}
	seriesChart(&c, weeks, per, true, AdminText("col.escalations"), "#d62728", AdminText("report.escalations.empty"),
		func(_ string, v float64) string { return number(v) })
	return c
}

func resolutionChart(st dialog.Stats, weeks []string) chart {
	med := map[string]float64{}
	for w, secs := range st.Cases.Resolution {
		s := slices.Sorted(slices.Values(secs))
		m := s[len(s)/2]
		if len(s)%2 == 0 {
			m = (s[len(s)/2-1] + s[len(s)/2]) / 2
		}
		med[w] = m / 3600
	}
	c := chart{Title: AdminText("report.resolution"), Width: 720, Height: 200, Define: AdminText("report.resolution.define")}
	seriesChart(&c, weeks, med, false, AdminText("report.resolution.label"), "#2ca02c", AdminText("report.resolution.empty"),
		func(week string, v float64) string {
			return AdminText("report.resolution.value", fmt.Sprintf("%.1f", v), len(st.Cases.Resolution[week]))
		})
	return c
}

// seriesChart draws one bar per week that has a value, labelled by value; counts says the values
// are whole numbers.
func seriesChart(c *chart, weeks []string, values map[string]float64, counts bool, label, color, empty string, value func(week string, v float64) string) {
	top := 0.0
	for _, v := range values {
		top = math.Max(top, v)
	}
	plotBars(c, weeks, func(week string) []bar {
		v, ok := values[week]
		if !ok {
			return nil
		}
		return []bar{{H: v, Label: label, Value: value(week, v), Color: color}}
	}, top, counts, empty)
}

// plotBars lays out one (stacked) column per week in the chart's area, under a vertical axis
// whose ticks are round numbers from 0 to at least peak (whole numbers when counts). A chart with
// nothing to draw says empty instead of showing bare axes. Every label stays inside the picture:
// the value labels end left of the axis, in a margin wide enough for them, and week labels are
// thinned out when the columns are too narrow for each to have one.
func plotBars(c *chart, weeks []string, column func(week string) []bar, peak float64, counts bool, empty string) {
	const bottom, top, right = 30.0, 10.0, 20.0
	if len(weeks) == 0 || peak <= 0 {
		c.Note = empty
		return
	}
	step := tickStep(peak, counts)
	ticks := int(math.Ceil(peak/step - 1e-9))
	ceiling := float64(ticks) * step
	labelWidth := 0
	for i := 0; i <= ticks; i++ {
		labelWidth = max(labelWidth, len(number(float64(i)*step)))
	}
	left := 12 + charWidth*float64(labelWidth)
	c.Left, c.Base = left, c.Height-bottom
	area := c.Base - top
	for i := 0; i <= ticks; i++ {
		v := float64(i) * step
		c.Ticks = append(c.Ticks, bar{X: left - 6, Y: c.Base - v/ceiling*area, Label: number(v)})
	}
	slot := (c.Width - left - right) / float64(len(weeks))
	w := math.Min(slot*0.7, 60)
	every := int(math.Ceil(40 / slot)) // a week label ("03-30") needs about 40 px
	for i, week := range weeks {
		x := left + float64(i)*slot + (slot-w)/2
		y := c.Base
		for _, b := range column(week) {
			h := b.H / ceiling * area
			y -= h
			b.X, b.Y, b.W, b.H = x, y, w, h
			b.Label = week + " " + b.Label
			c.Bars = append(c.Bars, b)
		}
		if i%every == 0 {
			c.Axis = append(c.Axis, bar{X: x + w/2, Y: c.Base + 14, Label: week[5:]})
		}
	}
}

// charWidth is about the width of a digit or a comma at the charts' font-size of 11 px, a
// little over, so that labels measured with it fit.
const charWidth = 7.0

// tickStep is the distance between the ticks of an axis from 0 to peak: 1, 2 or 5 times a power
// of ten, giving four to six ticks above 0; at least 1 when the values are counts.
func tickStep(peak float64, counts bool) float64 {
	raw := peak / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if counts && step < 1 {
		step = 1
	}
	return step
}

// number writes a figure for people: whole numbers with thousands separators (1,234), others
// with at most two decimals (2.5).
func number(v float64) string {
	if v != math.Trunc(v) {
		return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	}
	digits := strconv.FormatFloat(math.Abs(v), 'f', 0, 64)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"num":     func(n int) string { return number(float64(n)) },
	"t":       func(key string, args ...any) string { return AdminText(key, args...) },
	"outcome": OutcomeLabel,
	"status":  StatusLabel,
	"nearest": NearestLine,
	"inc":     func(i int) int { return i + 1 },
	"hint":    addExampleHint,
}).Parse(`<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{{t "report.title"}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}td.text{text-align:left}svg{display:block;margin:.5em 0}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
.note{color:#777}.define{color:#555;font-size:.85em;margin-top:.2em}
</style></head><body>
<h1>{{t "report.title"}}</h1>
<p>{{t "report.generated" .Generated}}{{if .Since}}{{t "report.since" .Since}}{{end}}</p>
{{range .Charts}}<h2>{{.Title}}</h2>{{if .Note}}<p class="note">{{.Note}}</p>{{else}}{{$c := .}}
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Ticks}}<line x1="{{printf "%.1f" $c.Left}}" y1="{{printf "%.1f" .Y}}" x2="{{printf "%.1f" $c.Width}}" y2="{{printf "%.1f" .Y}}" stroke="#eee"/>
<text x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" font-size="11" text-anchor="end" dominant-baseline="middle">{{.Label}}</text>
{{end}}<line x1="{{printf "%.1f" .Left}}" y1="{{printf "%.1f" .Base}}" x2="{{printf "%.1f" .Width}}" y2="{{printf "%.1f" .Base}}" stroke="#999"/>
<line x1="{{printf "%.1f" .Left}}" y1="0" x2="{{printf "%.1f" .Left}}" y2="{{printf "%.1f" .Base}}" stroke="#999"/>
{{range .Bars}}<rect x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .H}}" fill="{{.Color}}"><title>{{.Label}}: {{.Value}}</title></rect>
{{end}}{{range .Axis}}<text x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" font-size="11" text-anchor="middle">{{.Label}}</text>
{{end}}</svg>{{if .Legend}}<p class="legend">{{range .Legend}}<span><i style="background:{{.Color}}"></i>{{.Label}}</span>{{end}}</p>{{end}}{{end}}
<p class="define">{{.Define}}</p>
{{end}}
<h2>{{t "report.per_topic"}}</h2>
<table><tr><th>{{t "col.topic"}}</th><th>{{t "col.id"}}</th><th>{{t "col.consultations"}}</th><th>{{t "col.answers"}}</th><th>{{t "col.clarify"}}</th><th>{{t "col.fallback"}}</th><th>{{t "col.escalations"}}</th><th>{{t "col.resolved"}}</th></tr>
{{range .Stats.Topics}}<tr><td>{{if .Title}}{{.Title}}{{else if .Topic}}{{.Topic}}{{else}}{{t "no_topic"}}{{end}}</td><td class="text">{{.Topic}}</td><td>{{num .Consultations}}</td><td>{{num .Answers}}</td><td>{{num .Clarify}}</td><td>{{num .Fallback}}</td><td>{{num .Escalations}}</td><td>{{num .Resolved}}</td></tr>
{{end}}</table>
<p class="define">{{t "report.per_topic.define"}}</p>
<h2>{{t "report.cases"}}</h2>
<table><tr><th>{{t "report.status"}}</th><th>{{t "report.count"}}</th></tr>{{range .Cases}}<tr><td>{{status .Status}}</td><td>{{num .Count}}</td></tr>{{end}}</table>
<p class="define">{{if .Since}}{{t "report.cases.define.since" .Since}}{{else}}{{t "report.cases.define"}}{{end}}</p>
<h2>{{t "report.unanswered"}}</h2>
{{if .Unanswered}}<table><tr><th>{{t "report.number"}}</th><th>{{t "report.text"}}</th><th>{{t "report.outcome"}}</th><th>{{t "report.times"}}</th><th>{{t "report.nearest"}}</th></tr>
{{range $i, $u := .Unanswered}}<tr><td>{{inc $i}}</td><td class="text">{{.Text}}</td><td class="text">{{outcome .Outcome}}</td><td>{{num .Count}}</td><td class="text">{{nearest .Nearest}}</td></tr>
{{end}}</table>
<p class="define">{{t "report.unanswered.define"}}</p>
<p class="hint">{{hint .Stats}}</p>{{else}}<p class="note">{{t "none"}}</p>{{end}}
</body></html>
`))
