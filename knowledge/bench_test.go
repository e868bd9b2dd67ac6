package knowledge

import (
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/seeds"
)

// benchQueries is a realistic mix: the labelled sets, plus very long and emoji-only texts.
func benchQueries(b *testing.B) []string {
	var qs []string
	for _, set := range []string{"testdata/queries.tsv", "testdata/holdout.tsv"} {
		for _, l := range readLabelled(b, set) {
			qs = append(qs, l.text)
		}
	}
	qs = append(qs, strings.Repeat("ランサムウェアに感染したかもしれません。", 250), strings.Repeat("😱", 50), "ｳｲﾙｽ")
	return qs
}

// BenchmarkSearch ranks one query over the whole knowledge; it reports the 50th and 99th
// percentile of single queries besides the mean.
func BenchmarkSearch(b *testing.B) {
	kb := loadSeeds(b)
	qs := benchQueries(b)
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		kb.Search(qs[i%len(qs)])
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkSearchLong ranks a 5,000-character message, the longest a LINE text can be: the
// matcher reads its first 2,000 characters.
func BenchmarkSearchLong(b *testing.B) {
	kb := loadSeeds(b)
	q := string([]rune(strings.Repeat("取引先から口座変更のメールが来て振り込んでしまいました。", 200))[:5000])
	if n := utf8.RuneCountInString(q); n != 5000 || !kb.Search(q).Truncated {
		b.Fatalf("the text has %d characters and is not truncated; want 5,000, truncated", n)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		kb.Search(q)
	}
}

// BenchmarkLoad loads and validates the whole embedded knowledge, and reports the heap the
// loaded Base keeps.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(seeds.FS); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept, err := Load(seeds.FS)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// signed: the collector may free more than the Base keeps, and uint64 would wrap around
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MiB")
	runtime.KeepAlive(kept)
}
