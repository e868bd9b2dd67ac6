package knowledge

import (
	"runtime/debug"
	"sync"
)

// loadGCPercent is the collector's target (GOGC) while a load runs. A load allocates some 45 MB
// of short-lived parsing, folding and counting for a Base that keeps about 15 MB; at the default
// 100 the collector runs several cycles inside every load, scanning the parsed YAML over and
// over. At 400 a load took about a fifth less time (BenchmarkLoad, side by side), for a heap
// that may grow by the load's garbage for the tenth of a second it lasts.
const loadGCPercent = 400

// loadGC counts the loads running, so that the first relaxes the collector and the last restores
// what it found: loads may overlap (a reload beside a check), and each restoring on its own
// would leave the collector relaxed or tight by the order they end in.
var loadGC struct {
	sync.Mutex
	running int
	before  int
}

// relaxGC relaxes the collector for a load, unless it is off or already more relaxed (GOGC set
// by the operator), and returns the function that ends the load's share of it.
func relaxGC() (done func()) {
	loadGC.Lock()
	defer loadGC.Unlock()
	if loadGC.running == 0 {
		loadGC.before = debug.SetGCPercent(loadGCPercent)
		if loadGC.before < 0 || loadGC.before >= loadGCPercent {
			debug.SetGCPercent(loadGC.before)
		}
	}
	loadGC.running++
	return func() {
		loadGC.Lock()
		defer loadGC.Unlock()
		if loadGC.running--; loadGC.running == 0 {
			debug.SetGCPercent(loadGC.before)
		}
	}
}
