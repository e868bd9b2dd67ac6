package slack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// localeTimeout bounds the users.info call a direct message waits for: when Slack is slow the
// person is answered in Japanese rather than late (Slack wants the event acknowledged within 3 s,
// and the engine's commit comes after this call). It is LINE's profile timeout.
const localeTimeout = 1500 * time.Millisecond

// localeTTL is how long a person's locale, or the failure to read it, is remembered. The hint
// only counts on the first message of a new conversation, so remembering it spares every later
// message the Web API call, and an hour is short enough that a changed Slack language is read
// again by the next consultation.
const localeTTL = time.Hour

// maxLocales bounds how many people's locales are remembered at once: a few kB, whatever the
// size of the workspace. Beyond it the expired ones go first, then any.
const maxLocales = 4096

// locales reads the locale of the people who write to the bot in a direct message (users.info
// with include_locale, which needs the users:read scope) for the engine's language hint. Only
// the locale is read, and only whether it is English is kept, per user id for localeTTL. A failed
// call gives no hint (the person is answered in Japanese until they write English), is logged at
// Debug, and is remembered like an answer, so that a Slack outage or a missing scope does not
// cost every message the call. A nil *locales gives no hints. It is safe for concurrent use.
type locales struct {
	api     *slackapi.Client
	logger  *slog.Logger
	now     func() time.Time
	noScope sync.Once // the missing users:read scope is told once, at Warn

	mu   sync.Mutex
	seen map[string]localeSeen // user id → what users.info said
}

type localeSeen struct {
	hint string // "en", or "" for anything else and for a failed call
	at   time.Time
}

func newLocales(logger *slog.Logger, api *slackapi.Client) *locales {
	return &locales{api: api, logger: logger, now: time.Now, seen: map[string]localeSeen{}}
}

// hint returns "en" when user's Slack locale is English, else "".
func (l *locales) hint(ctx context.Context, user string) string {
	if l == nil || user == "" {
		return ""
	}
	now := l.now()
	l.mu.Lock()
	s, ok := l.seen[user]
	l.mu.Unlock()
	if ok && now.Sub(s.at) < localeTTL {
		return s.hint
	}
	hint := l.read(ctx, user)
	l.remember(user, hint, now)
	return hint
}

// read asks Slack for user's locale. users.info leaves the locale out unless the call sends
// include_locale=true. slack-go's GetUserInfoContext sends it by default (slack-go#455); the
// option says so here all the same, so that a change of the SDK's default cannot turn it off
// unnoticed (the fake Web API, like Slack, leaves the locale out without it, and the tests fail).
func (l *locales) read(ctx context.Context, user string) string {
	ctx, cancel := context.WithTimeout(ctx, localeTimeout)
	defer cancel()
	u, err := l.api.GetUserInfoContext(ctx, user, slackapi.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		var se slackapi.SlackErrorResponse
		warned := false
		if errors.As(err, &se) && se.Err == "missing_scope" {
			l.noScope.Do(func() {
				warned = true
				l.logger.Warn("slack locale not read: the app lacks the users:read scope, no language hints",
					"hint", "add users:read to the app (helpdesk slack manifest) and reinstall it")
			})
		}
		if !warned {
			l.logger.Debug("slack locale not read, no language hint", "err", err)
		}
		return ""
	}
	if english(u.Locale) {
		return "en"
	}
	return ""
}

// english reports whether a Slack locale ("en-US", "en-GB", "ja-JP") is English.
func english(locale string) bool {
	locale = strings.ToLower(locale)
	return locale == "en" || strings.HasPrefix(locale, "en-") || strings.HasPrefix(locale, "en_")
}

func (l *locales) remember(user, hint string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.seen[user]; !ok && len(l.seen) >= maxLocales {
		for id, s := range l.seen {
			if now.Sub(s.at) >= localeTTL {
				delete(l.seen, id)
			}
		}
		for id := range l.seen { // any: the map's order is random enough
			if len(l.seen) < maxLocales {
				break
			}
			delete(l.seen, id)
		}
	}
	l.seen[user] = localeSeen{hint: hint, at: now}
}

// clear forgets every locale read, after an erasure or a retention sweep.
func (l *locales) clear() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.seen)
}
