package bot

import (
	"bufio"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// parseExposition checks text against the Prometheus text format 0.0.4: HELP and TYPE lines
// before the samples of a family, metric and label names, escaped label values, float values,
// and histograms whose buckets are cumulative, end with +Inf and match _count. It returns the
// samples by their full name with labels.
func parseExposition(text string) (map[string]float64, error) {
	nameRe := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	sampleRe := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$`)
	samples := map[string]float64{}
	types := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 4 || !nameRe.MatchString(f[2]) {
				return nil, fmt.Errorf("line %d: bad comment %q", lineNo, line)
			}
			if f[1] == "TYPE" {
				switch f[3] {
				case "counter", "gauge", "histogram", "summary", "untyped":
				default:
					return nil, fmt.Errorf("line %d: bad type %q", lineNo, f[3])
				}
				if _, dup := types[f[2]]; dup {
					return nil, fmt.Errorf("line %d: second TYPE for %s", lineNo, f[2])
				}
				types[f[2]] = f[3]
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleRe.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d: not a sample: %q", lineNo, line)
		}
		family := m[1]
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base := strings.TrimSuffix(family, suffix); base != family && types[base] == "histogram" {
				family = base
			}
		}
		if _, ok := types[family]; !ok {
			return nil, fmt.Errorf("line %d: sample of %s before its TYPE", lineNo, m[1])
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil && m[4] != "+Inf" {
			return nil, fmt.Errorf("line %d: value %q", lineNo, m[4])
		}
		samples[m[1]+m[2]] = v
	}
	// histograms: per label set, buckets cumulative in the order of le, the last le="+Inf", and
	// that one equal to _count
	type bucket struct{ le, v float64 }
	leRe := regexp.MustCompile(`^(.*?),?le="([^"]*)"\}$`)
	for name, typ := range types {
		if typ != "histogram" {
			continue
		}
		buckets := map[string][]bucket{}
		for k, v := range samples {
			rest, ok := strings.CutPrefix(k, name+"_bucket{")
			if !ok {
				continue
			}
			m := leRe.FindStringSubmatch(rest)
			if m == nil {
				return nil, fmt.Errorf("%s: bucket without le", k)
			}
			le, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: le %q", k, m[2])
			}
			buckets[m[1]] = append(buckets[m[1]], bucket{le, v})
		}
		for labels, bs := range buckets {
			sort.Slice(bs, func(i, j int) bool { return bs[i].le < bs[j].le })
			for i := 1; i < len(bs); i++ {
				if bs[i].v < bs[i-1].v {
					return nil, fmt.Errorf("%s{%s}: bucket le=%v holds %v, less than le=%v's %v: not cumulative",
						name, labels, num(bs[i].le), bs[i].v, num(bs[i-1].le), bs[i-1].v)
				}
			}
			last := bs[len(bs)-1]
			if !math.IsInf(last.le, 1) {
				return nil, fmt.Errorf("%s{%s}: no +Inf bucket", name, labels)
			}
			countName := name + "_count"
			if labels != "" {
				countName += "{" + labels + "}"
			}
			count, ok := samples[countName]
			if !ok || count != last.v {
				return nil, fmt.Errorf("%s{%s}: +Inf bucket %v != count %v (present %v)", name, labels, last.v, count, ok)
			}
		}
	}
	return samples, nil
}

// TestParseExpositionRejects keeps the checker honest: each text breaks one rule of the format.
func TestParseExpositionRejects(t *testing.T) {
	const head = "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
	tests := []struct{ name, text string }{
		{"not_cumulative", head + `h_seconds_bucket{c="a",le="0.1"} 2` + "\n" + `h_seconds_bucket{c="a",le="1"} 1` + "\n" +
			`h_seconds_bucket{c="a",le="+Inf"} 2` + "\n" + `h_seconds_count{c="a"} 2` + "\n"},
		{"no_inf_bucket", head + `h_seconds_bucket{c="a",le="0.1"} 2` + "\n" + `h_seconds_count{c="a"} 2` + "\n"},
		{"inf_not_count", head + `h_seconds_bucket{c="a",le="+Inf"} 2` + "\n" + `h_seconds_count{c="a"} 3` + "\n"},
		{"no_count", head + `h_seconds_bucket{c="a",le="+Inf"} 2` + "\n"},
		{"sample_before_type", "x_total 1\n"},
		{"bad_value", "# TYPE x_total counter\nx_total one\n"},
	}
	for _, tt := range tests {
		if _, err := parseExposition(tt.text); err == nil {
			t.Errorf("parseExposition accepted %s:\n%s", tt.name, tt.text)
		}
	}
	ok := head + `h_seconds_bucket{c="a",le="0.1"} 1` + "\n" + `h_seconds_bucket{c="a",le="1"} 2` + "\n" +
		`h_seconds_bucket{c="a",le="+Inf"} 2` + "\n" + `h_seconds_count{c="a"} 2` + "\n"
	if _, err := parseExposition(ok); err != nil {
		t.Errorf("parseExposition refused a well-formed histogram: %v", err)
	}
}

// TestMetricsAdvertiseOnlyCountedCounters: a counter listed in /metrics that nothing increments
// reads 0 forever, which looks like "never happens" to whoever watches it.
func TestMetricsAdvertiseOnlyCountedCounters(t *testing.T) {
	var src strings.Builder
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			b, err := os.ReadFile(path)
			src.Write(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counterHelp {
		if !strings.Contains(src.String(), `Add("`+c.name+`"`) {
			t.Errorf("%s is advertised, but no code of the module counts it", c.name)
		}
	}
}

func TestMetricsParse(t *testing.T) {
	m := NewMetrics()
	m.Add("helpdesk_events_total", "channel", "line", "outcome", "answer")
	m.Add("helpdesk_events_total", "channel", "line", "outcome", "answer")
	m.Add("helpdesk_rejected_requests_total", "channel", "slack", "reason", `bad "sig"`+"\n")
	m.ObserveReply("line", 3*time.Millisecond)
	m.ObserveReply("line", 2*time.Second)
	m.ObserveReply("line", 30*time.Second)
	m.observeDelivery(dialog.Delivery{Channel: "line"}, 20*time.Millisecond, nil)
	m.Gauge("helpdesk_outbox_depth", "Messages waiting.", func() (float64, error) { return 7, nil })
	hash := "aaaa"
	m.Info("helpdesk_knowledge_info", "Knowledge served.", func() []string { return []string{"hash", hash} })
	hash = "bbbb" // read at scrape time, not when registered
	var b strings.Builder
	m.WriteTo(&b)
	samples, err := parseExposition(b.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	for name, want := range map[string]float64{
		`helpdesk_events_total{channel="line",outcome="answer"}`:           2,
		`helpdesk_reply_latency_seconds_count{channel="line"}`:             3,
		`helpdesk_reply_latency_seconds_bucket{channel="line",le="0.005"}`: 1,
		`helpdesk_reply_latency_seconds_bucket{channel="line",le="+Inf"}`:  3,
		`helpdesk_deliveries_total{channel="line",result="ok"}`:            1,
		`helpdesk_outbox_depth`:                7,
		`helpdesk_knowledge_info{hash="bbbb"}`: 1,
		`helpdesk_rejected_requests_total{channel="slack",reason="bad \"sig\"\n"}`: 1,
	} {
		if got, ok := samples[name]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	if samples["process_resident_memory_bytes"] <= 0 {
		t.Error("no resident memory figure")
	}
	if _, ok := samples["go_memstats_heap_alloc_bytes"]; !ok {
		t.Error("no heap figure")
	}
}

func BenchmarkMetricsAdd(b *testing.B) {
	m := NewMetrics()
	b.ReportAllocs()
	for b.Loop() {
		m.Add("helpdesk_events_total", "channel", "line", "outcome", "answer")
	}
}

func BenchmarkLabelString(b *testing.B) {
	kv := []string{"channel", "line", "outcome", "answer"}
	b.ReportAllocs()
	for b.Loop() {
		labelString(kv)
	}
}
