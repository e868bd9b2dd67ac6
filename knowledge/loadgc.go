package knowledge

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// loadGCPercent is the collector's target (GOGC) while a load runs. A load allocates some 45 MB
// of short-lived parsing, folding and counting for a Base that keeps about 15 MB; at the default
// 100 the collector ran about five cycles inside every load (58 in eleven loads, 15 at 400),
// scanning the parsed YAML over and over, and a load took about a fifth longer (BenchmarkLoad,
// side by side). The setting is the whole process's: while a reload runs (a tenth of a second)
// the heap of everything the server does may grow to five times what is live, not only by the
// load's garbage. GOMEMLIMIT, when the operator sets one, still bounds it.
const loadGCPercent = 400

// loadGC counts the loads running, so that the first relaxes the collector and the last restores
// what it found: loads may overlap (a reload beside a check), and each restoring on its own
// would leave the collector relaxed or tight by the order they end in.
var loadGC struct {
	sync.Mutex
	running int
	before  int
	changed bool
}

// gogcMetric is the runtime's metric of the current GOGC (-1 when the collector is off).
const gogcMetric = "/gc/gogc:percent"

// currentGCPercent returns the collector's target without changing it.
func currentGCPercent() int {
	s := []metrics.Sample{{Name: gogcMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return -1 // unknown to this runtime: treated as off, left alone
	}
	v := s[0].Value.Uint64()
	if v > 1<<31 { // the collector off reads as the largest uint64 (-1 converted)
		return -1
	}
	return int(v)
}

// relaxGC relaxes the collector for a load, unless it is off or already as relaxed (GOGC set by
// the operator), and returns the function that ends the load's share of it.
func relaxGC() (done func()) {
	loadGC.Lock()
	defer loadGC.Unlock()
	if loadGC.running == 0 {
		loadGC.before = currentGCPercent()
		loadGC.changed = loadGC.before >= 0 && loadGC.before < loadGCPercent
		if loadGC.changed {
			debug.SetGCPercent(loadGCPercent)
		}
	}
	loadGC.running++
	return func() {
		loadGC.Lock()
		defer loadGC.Unlock()
		if loadGC.running--; loadGC.running == 0 && loadGC.changed {
			debug.SetGCPercent(loadGC.before)
		}
	}
}
