package line

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// The loading animation is best effort: it must never hold up a webhook, nor pile up
// goroutines when the API is slow.
const (
	loadingSeconds  = 5
	loadingTimeout  = 2 * time.Second
	loadingInFlight = 32
	// loadingDelay: most replies arrive within milliseconds, and then an animation is a wasted
	// API call; it starts only if the reply is not on its way by then.
	loadingDelay = 300 * time.Millisecond
)

// Loading shows LINE's loading animation in a one-to-one chat while a text or a tapped choice
// is being answered. The webhook handler starts it for a user when their event comes in, and
// the deliverer cancels it when the user's reply goes out, so both get the same Loading through
// Config. The call runs in the background with a short timeout; a failure is logged at Debug and
// changes nothing else. A nil *Loading shows nothing. It is safe for concurrent use.
type Loading struct {
	api    *endpoints
	logger *slog.Logger
	slots  chan struct{} // bounds the animations in flight

	mu     sync.Mutex
	timers map[string]*time.Timer // the animations due for users whose reply is not on its way yet
}

// NewLoading returns the loading animation, shown through api.
func NewLoading(logger *slog.Logger, api API) (*Loading, error) {
	e, err := api.endpoints()
	if err != nil {
		return nil, err
	}
	return &Loading{api: e, logger: logger.With("channel", "line"), slots: make(chan struct{}, loadingInFlight),
		timers: map[string]*time.Timer{}}, nil
}

// start shows the loading animation to user in the background if the reply is not on its way
// within loadingDelay and there is room.
func (l *Loading) start(user string) {
	if l == nil {
		return
	}
	l.after(user, loadingDelay, func() {
		select {
		case l.slots <- struct{}{}:
		default:
			return // many in flight already: skip, the animation is only a courtesy
		}
		defer func() { <-l.slots }()
		ctx, cancel := context.WithTimeout(context.Background(), loadingTimeout)
		defer cancel()
		if err := l.show(ctx, user); err != nil {
			l.logger.Debug("loading animation not shown", "err", err)
		}
	})
}

// stop cancels user's pending animation: the reply is going out, or none is coming.
func (l *Loading) stop(user string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.timers[user]; t != nil {
		t.Stop()
		delete(l.timers, user)
	}
}

func (l *Loading) after(user string, d time.Duration, f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old := l.timers[user]; old != nil {
		old.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		l.mu.Lock()
		if l.timers[user] == t {
			delete(l.timers, user)
		}
		l.mu.Unlock()
		f()
	})
	l.timers[user] = t
}

func (l *Loading) show(ctx context.Context, user string) error {
	c, err := l.api.messaging(ctx)
	if err != nil {
		return err
	}
	res, _, err := c.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{
		ChatId: user, LoadingSeconds: loadingSeconds})
	return apiError("loading", res, err)
}
