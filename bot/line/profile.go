package line

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// profileTimeout bounds the profile call a follow event waits for: the greeting is sent in
// Japanese rather than late.
const profileTimeout = 1500 * time.Millisecond

// Profiles reads the language of a person's LINE profile when they add the bot, the first hint
// of the language to greet them in: a person whose LINE is set to English is greeted in English,
// and Japanese text turns the conversation Japanese again. Only the language is read; the name
// and picture are neither kept nor logged. A failed call greets in Japanese and is logged at
// Debug. A nil *Profiles gives no hints. It is safe for concurrent use.
type Profiles struct {
	api    *endpoints
	logger *slog.Logger
}

// NewProfiles returns the profile reader, calling through api.
func NewProfiles(logger *slog.Logger, api API) (*Profiles, error) {
	e, err := api.endpoints()
	if err != nil {
		return nil, err
	}
	return &Profiles{api: e, logger: logger.With("channel", "line")}, nil
}

// language returns "en" when user's profile language is English, else "".
func (p *Profiles) language(ctx context.Context, user string) string {
	if p == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, profileTimeout)
	defer cancel()
	c, err := p.api.messaging(ctx)
	if err != nil {
		p.logger.Debug("profile not read", "err", err)
		return ""
	}
	res, profile, err := c.GetProfileWithHttpInfo(user)
	if err := apiError("profile", res, err); err != nil || profile == nil {
		p.logger.Debug("profile not read, greeting in Japanese", "err", err)
		return ""
	}
	if lang := strings.ToLower(profile.Language); lang == "en" || strings.HasPrefix(lang, "en-") {
		return "en"
	}
	return ""
}
