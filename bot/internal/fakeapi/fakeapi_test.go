package fakeapi

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestFaultsInOrder(t *testing.T) {
	var q Faults
	q.Add(Fault{N: 0, Status: 500}) // ignored
	q.Add(Fault{N: 2, Status: http.StatusInternalServerError})
	q.Add(Fault{N: 1})
	q.Add(Fault{N: 1, Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	var got []int
	for {
		f, ok := q.Take()
		if !ok {
			break
		}
		got = append(got, f.Status)
	}
	want := []int{500, 500, 0, 429}
	if len(got) != len(want) {
		t.Fatalf("took %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("took %v, want %v", got, want)
		}
	}
	q.Add(Fault{N: 3, Status: 503})
	q.Heal()
	if f, ok := q.Take(); ok {
		t.Errorf("after Heal took %+v", f)
	}
}

func TestWaitUntilWakesOnChange(t *testing.T) {
	var c Changes
	var n atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- c.WaitUntil(context.Background(), func() bool { return n.Load() >= 3 })
	}()
	for range 3 {
		time.Sleep(time.Millisecond)
		n.Add(1)
		c.Changed()
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitUntil did not return after the condition held and Changed was called")
	}
}

func TestWaitUntilStopsWithContext(t *testing.T) {
	var c Changes
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := c.WaitUntil(ctx, func() bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitUntil = %v, want the context's deadline", err)
	}
}
