package bot

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// Health knows which channels can deliver: a channel is down when its platform rejected the
// bot's credentials or permissions (a revoked token, a missing scope, the bot removed from the
// staff channel), and up again once a probe of the platform succeeds. It logs one line per
// change, never one per message, and reports the channels down for /readyz and the
// helpdesk_channel_up gauge. It is safe for concurrent use; a nil *Health knows nothing.
type Health struct {
	logger *slog.Logger
	mu     sync.Mutex
	known  []string          // every channel, sorted
	down   map[string]string // channel → why it is down
}

// NewHealth returns the health of channels, all up.
func NewHealth(logger *slog.Logger, channels ...string) *Health {
	h := &Health{logger: logger, down: map[string]string{}}
	for _, c := range channels {
		h.add(c)
	}
	return h
}

func (h *Health) add(channel string) {
	if !slices.Contains(h.known, channel) {
		h.known = append(h.known, channel)
		slices.Sort(h.known)
	}
}

// Down marks channel down for reason (no token, no user text: what the platform said) and
// reports whether it was up until now.
func (h *Health) Down(channel, reason string) bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	h.add(channel)
	_, was := h.down[channel]
	h.down[channel] = reason
	h.mu.Unlock()
	if !was {
		h.logger.Error("channel down",
			"channel", channel, "err", reason)
	}
	return !was
}

// Up marks channel up and reports whether it was down until now.
func (h *Health) Up(channel string) bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	h.add(channel)
	_, was := h.down[channel]
	delete(h.down, channel)
	h.mu.Unlock()
	if was {
		h.logger.Info("channel up", "channel", channel)
	}
	return was
}

// IsDown reports whether channel is down.
func (h *Health) IsDown(channel string) bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.down[channel]
	return ok
}

// Err names every channel down and why, or is nil when all are up.
func (h *Health) Err() error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var parts []string
	for _, c := range h.known {
		if why, ok := h.down[c]; ok {
			parts = append(parts, "channel "+c+" down: "+why)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New(strings.Join(parts, "; "))
}

// values is 1 for each channel up and 0 for each one down, for the gauge.
func (h *Health) values() map[string]float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]float64, len(h.known))
	for _, c := range h.known {
		out[c] = 1
		if _, ok := h.down[c]; ok {
			out[c] = 0
		}
	}
	return out
}

// Register adds the helpdesk_channel_up gauge to m.
func (h *Health) Register(m *Metrics) {
	m.GaugeVec("helpdesk_channel_up", "Whether the channel can deliver (0: the platform rejected the credentials or permissions; see /readyz).",
		"channel", h.values)
}
