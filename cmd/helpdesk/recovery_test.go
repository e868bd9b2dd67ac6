package main

import (
	"net/http"
	"testing"
	"time"
)

// TestServeLINERecovery: after LINE was down for a few seconds (500s, 429s, or calls hanging),
// every reply acknowledged meanwhile goes out within 5 s of LINE answering again, once each:
// the first success brings the waiting entries forward instead of leaving them to backoffs
// grown during the outage.
func TestServeLINERecovery(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		status int
		hang   time.Duration
	}{
		{"500", http.StatusInternalServerError, 0},
		{"429", http.StatusTooManyRequests, 0},
		{"hanging", 0, 3 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newFaultRig(t)
			r.fake.Outage(tt.status, tt.hang)
			var waiting []<-chan time.Time
			for range 3 {
				waiting = append(waiting, r.send(t))
				time.Sleep(time.Second)
			}
			for range 4 {
				waiting = append(waiting, r.send(t))
			}
			time.Sleep(4 * time.Second)
			r.fake.Heal()
			healed := time.Now()
			var last time.Duration
			for _, at := range r.await(t, "after the outage", waiting...) {
				last = max(last, at.Sub(healed))
			}
			t.Logf("outage of 7 s (%s): the last reply went out %v after LINE answered again", tt.name, last.Round(time.Millisecond))
			if last > 5*time.Second {
				t.Errorf("the last reply went out %v after LINE answered again, want within 5 s", last.Round(time.Millisecond))
			}
			r.check(t, 0)
		})
	}
}
