package bot

import (
	"bufio"
	"fmt"
	"math"
	"regexp"
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
	// histograms: cumulative buckets up to +Inf == _count
	for name, typ := range types {
		if typ != "histogram" {
			continue
		}
		byLabels := map[string][]float64{}
		counts := map[string]float64{}
		for k, v := range samples {
			if rest, ok := strings.CutPrefix(k, name+"_bucket{"); ok {
				i := strings.Index(rest, ",le=")
				byLabels[rest[:i]] = append(byLabels[rest[:i]], v)
				if strings.Contains(rest, `le="+Inf"`) {
					counts[rest[:i]+"inf"] = v
				}
			}
			if rest, ok := strings.CutPrefix(k, name+"_count{"); ok {
				counts[strings.TrimSuffix(rest, "}")] = v
			}
		}
		for labels := range byLabels {
			if counts[labels+"inf"] != counts[labels] {
				return nil, fmt.Errorf("%s{%s}: +Inf bucket %v != count %v", name, labels, counts[labels+"inf"], counts[labels])
			}
		}
	}
	return samples, nil
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
		`helpdesk_outbox_depth`: 7,
		`helpdesk_rejected_requests_total{channel="slack",reason="bad \"sig\"\n"}`: 1,
	} {
		if got, ok := samples[name]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	if samples["process_resident_memory_bytes"] <= 0 || math.IsNaN(samples["go_memstats_heap_alloc_bytes"]) {
		t.Error("no process memory figures")
	}
}
