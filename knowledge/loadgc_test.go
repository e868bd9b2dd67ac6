package knowledge

import (
	"runtime/debug"
	"testing"
)

// gcPercent returns the collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// Overlapping loads relax the collector once and restore what they found when the last ends; an
// operator's more relaxed GOGC, or the collector turned off, is left as it is.
func TestRelaxGCRestores(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, before := range []int{100, 50, 800, -1} {
		debug.SetGCPercent(before)
		if got := currentGCPercent(); got != before {
			t.Errorf("GOGC %d read as %d", before, got)
		}
		want := max(before, loadGCPercent)
		if before < 0 {
			want = before
		}
		first := relaxGC()
		second := relaxGC()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC %d: %d while loads run, want %d", before, got, want)
		}
		first()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC %d: %d after the first of two loads ended, want %d", before, got, want)
		}
		second()
		if got := gcPercent(); got != before {
			t.Errorf("GOGC %d: %d after both loads ended, want it restored", before, got)
		}
	}
}
