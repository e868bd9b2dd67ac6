package bot

import (
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"

	"github.com/helpdesk-bot/helpdesk/dialog"
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
	Width       float64
	Height      float64
	Bars        []bar
	Axis        []bar // tick labels along the bottom
	Legend      []bar
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
	d := reportData{Generated: st.Until.Format("2006-01-02 15:04"), Stats: st}
	if !st.Since.IsZero() {
		d.Since = st.Since.Format("2006-01-02")
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
	c := chart{Title: "Consultations per topic per week", Width: 720, Height: 260}
	title := map[string]string{}
	for _, t := range st.Topics {
		title[t.Topic] = t.Title
		if t.Topic == "" {
			title[t.Topic] = "(no topic)"
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
	c.Legend = append(c.Legend, bar{Label: "other", Color: "#cccccc"})
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
				col, name = "#cccccc", "other"
			}
			bs = append(bs, bar{H: float64(v), Label: name, Value: fmt.Sprint(v), Color: col})
		}
		return bs
	}, float64(max), "no consultations yet")
	return c
}

func escalationsChart(st dialog.Stats, weeks []string) chart {
	per := map[string]float64{}
	for _, w := range st.Weeks {
		if w.Escalations > 0 {
			per[w.Week] += float64(w.Escalations)
		}
	}
	c := chart{Title: "Escalations to staff per week", Width: 720, Height: 200}
	seriesChart(&c, weeks, per, "escalations", "#d62728", "no escalations yet",
		func(_ string, v float64) string { return fmt.Sprint(v) })
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
	c := chart{Title: "Median time to resolve a case (hours), by week opened", Width: 720, Height: 200}
	seriesChart(&c, weeks, med, "median hours", "#2ca02c", "no resolved cases yet",
		func(week string, v float64) string {
			return fmt.Sprintf("%.1f h (%d cases)", v, len(st.Cases.Resolution[week]))
		})
	return c
}

// seriesChart draws one bar per week that has a value, labelled by value.
func seriesChart(c *chart, weeks []string, values map[string]float64, label, color, empty string, value func(week string, v float64) string) {
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
	}, top, empty)
}

// plotBars lays out one (stacked) column per week in the chart's area. A chart with nothing to
// draw says empty instead of showing bare axes.
func plotBars(c *chart, weeks []string, column func(week string) []bar, max float64, empty string) {
	const left, bottom, top = 40.0, 30.0, 10.0
	if len(weeks) == 0 || max <= 0 {
		c.Note = empty
		return
	}
	area := c.Height - bottom - top
	slot := (c.Width - left) / float64(len(weeks))
	w := math.Min(slot*0.7, 60)
	for i, week := range weeks {
		x := left + float64(i)*slot + (slot-w)/2
		y := c.Height - bottom
		for _, b := range column(week) {
			h := b.H / max * area
			y -= h
			b.X, b.Y, b.W, b.H = x, y, w, h
			b.Label = week + " " + b.Label
			c.Bars = append(c.Bars, b)
		}
		c.Axis = append(c.Axis, bar{X: x + w/2, Y: c.Height - bottom + 14, Label: week[5:]})
	}
	c.Axis = append(c.Axis, bar{X: 4, Y: top + 10, Label: fmt.Sprintf("%.3g", max)})
}

var reportPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>Helpdesk report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}svg{display:block;margin:.5em 0}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
.note{color:#777}
</style></head><body>
<h1>Helpdesk report</h1>
<p>Generated {{.Generated}}{{if .Since}}, figures since {{.Since}}{{end}}.</p>
{{range .Charts}}<h2>{{.Title}}</h2>{{if .Note}}<p class="note">{{.Note}}</p>{{else}}
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="{{.Title}}">
<line x1="40" y1="{{.Height}}" x2="{{.Width}}" y2="{{.Height}}" stroke="#999" transform="translate(0,-30)"/>
{{range .Bars}}<rect x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .H}}" fill="{{.Color}}"><title>{{.Label}}: {{.Value}}</title></rect>
{{end}}{{range .Axis}}<text x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" font-size="11" text-anchor="middle">{{.Label}}</text>
{{end}}</svg>{{if .Legend}}<p class="legend">{{range .Legend}}<span><i style="background:{{.Color}}"></i>{{.Label}}</span>{{end}}</p>{{end}}{{end}}
{{end}}
<h2>Per topic</h2>
<table><tr><th>topic</th><th>consultations</th><th>answers</th><th>clarify</th><th>fallback</th><th>escalations</th><th>resolved by user</th></tr>
{{range .Stats.Topics}}<tr><td>{{if .Title}}{{.Title}}{{else if .Topic}}{{.Topic}}{{else}}(no topic){{end}}</td><td>{{.Consultations}}</td><td>{{.Answers}}</td><td>{{.Clarify}}</td><td>{{.Fallback}}</td><td>{{.Escalations}}</td><td>{{.Resolved}}</td></tr>
{{end}}</table>
<h2>Cases</h2>
<table><tr><th>status</th><th>cases</th></tr>{{range .Cases}}<tr><td>{{.Status}}</td><td>{{.Count}}</td></tr>{{end}}</table>
<h2>What the bot could not answer (most frequent first)</h2>
{{if .Unanswered}}<table><tr><th>text</th><th>outcome</th><th>times</th></tr>
{{range .Unanswered}}<tr><td>{{.Text}}</td><td>{{.Outcome}}</td><td>{{.Count}}</td></tr>
{{end}}</table>{{else}}<p class="note">nothing yet</p>{{end}}
</body></html>
`))
