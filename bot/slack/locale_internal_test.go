package slack

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	slackapi "github.com/slack-go/slack"
)

// TestLocalesExpireAndStayBounded: a locale is read again after localeTTL (and after clear), and
// no more than maxLocales people are remembered, however many write.
func TestLocalesExpireAndStayBounded(t *testing.T) {
	const token = "fake-bot-token-locale"
	fake := slacktest.New(token)
	t.Cleanup(fake.Close)
	fake.SetUserLocale("U1", "en-US")
	l := newLocales(slog.New(slog.DiscardHandler), slackapi.New(token, slackapi.OptionAPIURL(fake.APIURL())))
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	ctx := context.Background()
	steps := []struct {
		name  string
		after time.Duration
		clear bool
		calls int
	}{
		{name: "first", calls: 1},
		{name: "within_the_hour", after: localeTTL - time.Minute, calls: 1},
		{name: "an_hour_after_reading", after: time.Minute, calls: 2},
		{name: "after_clear", clear: true, calls: 3},
	}
	for _, s := range steps {
		now = now.Add(s.after)
		if s.clear {
			l.clear()
		}
		if got := l.hint(ctx, "U1"); got != "en" {
			t.Errorf("%s: hint %q, want en", s.name, got)
		}
		if n := fake.Calls("users.info"); n != s.calls {
			t.Errorf("%s: %d users.info calls, want %d", s.name, n, s.calls)
		}
	}

	for i := range maxLocales + 100 {
		l.remember(fmt.Sprintf("U%06d", i), "", now)
	}
	if n := len(l.seen); n > maxLocales {
		t.Errorf("%d locales remembered, want at most %d", n, maxLocales)
	}
	if _, ok := l.seen[fmt.Sprintf("U%06d", maxLocales+99)]; !ok {
		t.Errorf("the locale remembered last was dropped")
	}
}
