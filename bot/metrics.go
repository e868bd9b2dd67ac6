package bot

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// Metrics counts what operators watch, and serves it in the Prometheus text format (0.0.4). The
// format is small enough to write directly, which keeps the Prometheus client library and its
// eight modules out of the build; TestMetricsParse checks the output against the format.
// A nil *Metrics records nothing, so tests can leave it out.
type Metrics struct {
	mu        sync.Mutex
	counters  map[string]map[string]float64 // name -> label string -> value
	latency   histogram                     // webhook event -> reply committed
	delivery  histogram                     // one delivery attempt
	gauges    []gauge
	startTime time.Time
}

// gauge is a value read when the metrics are scraped (outbox depth, open cases), or, when labels
// is set, an info metric: always 1, its facts in the labels read at scrape time.
type gauge struct {
	name, help string
	read       func() (float64, error)
	labels     func() []string
	vec        func() map[string]float64 // label value → value, for a gauge with one label
	label      string
}

var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type histogram struct {
	counts []uint64 // per bucket, then +Inf
	sum    float64
	n      uint64
	labels map[string]*histogram
}

func (h *histogram) observe(labels string, v float64) {
	if h.labels == nil {
		h.labels = map[string]*histogram{}
	}
	x := h.labels[labels]
	if x == nil {
		x = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		h.labels[labels] = x
	}
	i := sort.SearchFloat64s(latencyBuckets, v)
	x.counts[i]++
	x.sum += v
	x.n++
}

// help texts and types of the counters, in the order they are written.
var counterHelp = []struct{ name, help string }{
	{"helpdesk_events_total", "Inbound events handled, by channel and outcome."},
	{"helpdesk_duplicate_events_total", "Inbound events dropped as redeliveries, by channel."},
	{"helpdesk_event_errors_total", "Inbound events that could not be handled (answered 5xx for redelivery), by channel."},
	{"helpdesk_rejected_requests_total", "Requests rejected before parsing (bad signature, too large), by channel and reason."},
	{"helpdesk_deliveries_total", "Outbox delivery attempts, by channel and result."},
	{"helpdesk_deliveries_dropped_total", "Outbox entries given up (permanent failure or too old), by channel."},
	{"helpdesk_reloads_total", "Knowledge reloads, by result."},
}

// NewMetrics returns an empty set of metrics.
func NewMetrics() *Metrics {
	return &Metrics{counters: map[string]map[string]float64{}, startTime: time.Now()}
}

// Add increments a counter; labels are name, value pairs.
func (m *Metrics) Add(name string, labels ...string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.counters[name]
	if c == nil {
		c = map[string]float64{}
		m.counters[name] = c
	}
	c[labelString(labels)]++
}

// ObserveReply records the time from an inbound event to its committed reply.
func (m *Metrics) ObserveReply(channel dialog.Channel, d time.Duration) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.latency.observe(labelString([]string{"channel", string(channel)}), d.Seconds())
	m.mu.Unlock()
}

// Gauge registers a value read at scrape time.
func (m *Metrics) Gauge(name, help string, read func() (float64, error)) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.gauges = append(m.gauges, gauge{name: name, help: help, read: read})
	m.mu.Unlock()
}

// GaugeVec registers a gauge with one label, read at scrape time as a map from the label's
// value to the gauge's value.
func (m *Metrics) GaugeVec(name, help, label string, read func() map[string]float64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.gauges = append(m.gauges, gauge{name: name, help: help, label: label, vec: read})
	m.mu.Unlock()
}

// Info registers a metric whose value is always 1 and whose labels, name and value pairs read
// at scrape time, carry facts such as the build or the knowledge served: the Prometheus
// convention for facts that are text, e.g. helpdesk_build_info{version="v1.2.0"} 1.
func (m *Metrics) Info(name, help string, labels func() []string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.gauges = append(m.gauges, gauge{name: name, help: help, labels: labels})
	m.mu.Unlock()
}

func (m *Metrics) observeDelivery(d dialog.Delivery, took time.Duration, err error) {
	if m == nil {
		return
	}
	result := "ok"
	var f *dialog.Failure
	switch {
	case err != nil && errors.As(err, &f) && f.Kind == dialog.Paced:
		result = "deferred"
	case err != nil:
		result = "error"
	}
	m.Add("helpdesk_deliveries_total", "channel", string(d.Channel), "result", result)
	m.mu.Lock()
	m.delivery.observe(labelString([]string{"channel", string(d.Channel)}), took.Seconds())
	m.mu.Unlock()
}

func (m *Metrics) deliveryDropped(d dialog.Delivery) {
	m.Add("helpdesk_deliveries_dropped_total", "channel", string(d.Channel))
}

// labelString renders label pairs as they appear between braces: name="value",...
func labelString(kv []string) string {
	n := 0
	for _, s := range kv {
		n += len(s) + 2 // with room for =, quotes and commas; escapes may still grow it
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(kv[i+1]))
		b.WriteByte('"')
	}
	return b.String()
}

// labelEscaper escapes a label value; building a Replacer costs far more than using one.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// ServeHTTP writes the metrics in the Prometheus text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.WriteTo(w)
}

// WriteTo writes every metric; gauges that fail to read are left out.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	m.mu.Lock()
	for _, c := range counterHelp {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
		vals := m.counters[c.name]
		for _, ls := range slices.Sorted(maps.Keys(vals)) {
			fmt.Fprintf(&b, "%s%s %s\n", c.name, braces(ls), num(vals[ls]))
		}
	}
	writeHistogram(&b, "helpdesk_reply_latency_seconds", "Time from an inbound event to its reply committed to the outbox.", &m.latency)
	writeHistogram(&b, "helpdesk_delivery_seconds", "Time of one delivery attempt to a platform API.", &m.delivery)
	gauges := append([]gauge(nil), m.gauges...)
	m.mu.Unlock()

	for _, g := range gauges {
		if g.labels != nil {
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s%s 1\n", g.name, g.help, g.name, g.name, braces(labelString(g.labels())))
			continue
		}
		if g.vec != nil {
			vals := g.vec()
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", g.name, g.help, g.name)
			for _, k := range slices.Sorted(maps.Keys(vals)) {
				fmt.Fprintf(&b, "%s{%s} %s\n", g.name, labelString([]string{g.label, k}), num(vals[k]))
			}
			continue
		}
		if v, err := g.read(); err == nil {
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.name, g.help, g.name, g.name, num(v))
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	process := []struct {
		name, help string
		v          float64
	}{
		{"process_start_time_seconds", "Start time of the process since the Unix epoch.", float64(m.startTime.Unix())},
		{"go_goroutines", "Number of goroutines.", float64(runtime.NumGoroutine())},
		{"go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.", float64(ms.HeapAlloc)},
		{"go_memstats_sys_bytes", "Bytes obtained from the operating system.", float64(ms.Sys)},
	}
	if rss, ok := residentBytes(); ok {
		process = append(process, struct {
			name, help string
			v          float64
		}{"process_resident_memory_bytes", "Resident memory size in bytes.", rss})
	}
	for _, p := range process {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", p.name, p.help, p.name, p.name, num(p.v))
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func writeHistogram(b *strings.Builder, name, help string, h *histogram) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	for _, ls := range slices.Sorted(maps.Keys(h.labels)) {
		x := h.labels[ls]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += x.counts[i]
			fmt.Fprintf(b, "%s_bucket{%s,le=\"%s\"} %d\n", name, ls, num(le), cum)
		}
		cum += x.counts[len(latencyBuckets)]
		fmt.Fprintf(b, "%s_bucket{%s,le=\"+Inf\"} %d\n", name, ls, cum)
		fmt.Fprintf(b, "%s_sum{%s} %s\n%s_count{%s} %d\n", name, ls, num(x.sum), name, ls, x.n)
	}
}

func braces(ls string) string {
	if ls == "" {
		return ""
	}
	return "{" + ls + "}"
}

func num(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// residentBytes reads the resident set size from /proc on Linux.
func residentBytes() (float64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return 0, false
	}
	return pages * float64(os.Getpagesize()), true
}
