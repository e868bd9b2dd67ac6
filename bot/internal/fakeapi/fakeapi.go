package fakeapi

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is what a fake does to the next N requests it subjects to faults. A fault with no
// Status, Hang or Code lets its requests through untouched (Pass).
type Fault struct {
	N          int
	Status     int           // answer this HTTP status (500, 429 …) without doing anything
	RetryAfter time.Duration // with 429: the Retry-After header
	Hang       time.Duration // hold the request this long first
	Code       string        // Slack: answer 200 {"ok":false,"error":Code}
}

// SetRetryAfter writes f's RetryAfter into h as the platforms do: whole seconds, rounded up;
// nothing when f has none.
func (f Fault) SetRetryAfter(h http.Header) {
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
}

// Faults is a queue of faults, each applying to its next N requests, in the order added. The
// zero value is empty and ready; it is safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	queue []Fault
}

// Add queues f; a fault for no request (N ≤ 0) is ignored.
func (q *Faults) Add(f Fault) {
	if f.N <= 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, f)
}

// Take returns the fault that applies to the next request, if any, and counts it used.
func (q *Faults) Take() (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 {
		return Fault{}, false
	}
	f := q.queue[0]
	if q.queue[0].N--; q.queue[0].N == 0 {
		q.queue = q.queue[1:]
	}
	return f, true
}

// Heal drops every fault not used yet.
func (q *Faults) Heal() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
}

// Changes wakes waiters whenever a fake records something. The zero value is ready; it is
// safe for concurrent use, and Changed may be called while the fake holds its own lock.
type Changes struct {
	mu sync.Mutex
	ch chan struct{} // closed and replaced on every change
}

// Changed wakes every WaitUntil in progress to call its condition again.
func (c *Changes) Changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch != nil {
		close(c.ch)
		c.ch = nil
	}
}

// WaitUntil calls cond now and after each change, until it returns true or ctx is done. cond
// runs without any of c's locks held, so it may call the fake's methods.
func (c *Changes) WaitUntil(ctx context.Context, cond func() bool) error {
	for {
		c.mu.Lock()
		if c.ch == nil {
			c.ch = make(chan struct{})
		}
		ch := c.ch
		c.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
