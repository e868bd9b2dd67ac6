package dialog

import (
	"sync"
	"time"
)

// RateLimit bounds how many messages one person may send, across all their conversations
// (every Slack thread they open is a conversation of its own): Burst at once, refilled at
// one message per Every. It is sized for people, not load tools: a person typing fast sends a
// message every few seconds. Zero values turn the limit off.
type RateLimit struct {
	Burst int
	Every time.Duration
}

// limiter is a token bucket per person (see personKey), kept in memory: after a restart everyone starts
// with a full bucket, which errs on the side of answering.
type limiter struct {
	rate    RateLimit
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens   float64
	last     time.Time
	notified bool // the user was told about the limit since the bucket last filled
}

func newLimiter(r RateLimit) *limiter {
	if r.Burst <= 0 || r.Every <= 0 {
		return nil
	}
	return &limiter{rate: r, buckets: map[string]*bucket{}}
}

// allow takes a token for key. It returns ok when the message may be answered; otherwise
// notify says whether this is the first refused message since the limit was hit (the user is
// told once, and later floods are dropped silently).
func (l *limiter) allow(key string, now time.Time) (ok, notify bool) {
	if l == nil {
		return true, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > 10*time.Minute {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(l.rate.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens += now.Sub(b.last).Seconds() / l.rate.Every.Seconds()
	if b.tokens >= float64(l.rate.Burst) {
		b.tokens, b.notified = float64(l.rate.Burst), false
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, false
	}
	if !b.notified {
		b.notified = true
		return false, true
	}
	return false, false
}

// limited reports, without taking a token, whether key's next message would be refused now: a
// flood is then not decided before the transaction asks allow.
func (l *limiter) limited(key string, now time.Time) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	return b != nil && b.tokens+now.Sub(b.last).Seconds()/l.rate.Every.Seconds() < 1
}

// sweep forgets full buckets, so memory follows the number of active users.
func (l *limiter) sweep(now time.Time) {
	full := time.Duration(l.rate.Burst) * l.rate.Every
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
	l.swept = now
}

// personKey names the person who wrote m on its channel: Person when the conversation is not
// theirs alone (a Slack channel thread), else the conversation's user.
func personKey(m Message) string {
	if m.Person != "" {
		return string(m.Channel) + "/" + m.Person
	}
	return string(m.Channel) + "/" + m.UserID
}
