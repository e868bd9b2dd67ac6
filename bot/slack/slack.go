package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/platform"
	"github.com/helpdesk-bot/helpdesk/bot/internal/textlimit"
	"github.com/helpdesk-bot/helpdesk/dialog"
	slackapi "github.com/slack-go/slack"
)

// DefaultAPIURL is the base URL of Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// channelName is the dialog channel of Slack conversations.
const channelName = dialog.ChannelSlack

// responder is what this adapter needs from the rest of the bot: answers to users' messages,
// and what staff do in the staff channel applied.
type responder interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
	Staff(ctx context.Context, ev dialog.StaffEvent) (dialog.StaffResult, error)
}

// Config says how to reach Slack and what the channel needs from the rest of the bot.
type Config struct {
	BotToken      string // xoxb-…: the Web API
	SigningSecret string // checks every request to the HTTP routes
	// AppToken (xapp-…) turns Socket Mode on: Run then receives everything over a WebSocket and
	// the HTTP routes are not needed.
	AppToken string
	// APIURL is the Web API's base URL (default DefaultAPIURL); a missing trailing slash is
	// added, because slack-go appends method names to it.
	APIURL string
	// StaffChannel is the id of the helpdesk staff's channel (e.g. C0123ABCD); empty means no
	// staff: staff buttons and thread replies are then ignored.
	StaffChannel string
	// StaffChannelPublic allows a public staff channel (CheckStaffChannel refuses one otherwise):
	// whoever is in the staff channel reads cases and answers users as staff.
	StaffChannelPublic bool
	// Client makes the Web API calls; nil means a client with a 10-second timeout.
	Client *http.Client
	// Phrases returns a phrase of the knowledge by key (staff_not_permitted, resolve_title …),
	// so that no Japanese is written here; it is called each time, so reloads apply.
	Phrases func(key string) string
	// Topics lists the knowledge's topics (id and title) for the resolve form.
	Topics func() []dialog.TopicScore
	// Locales, when set, reads the Slack locale of a person who writes to the bot in a direct
	// message (users.info, which needs the users:read scope) and gives the engine the hint
	// dialog.Message.LangHint: a new conversation whose first message is in no language ("?", an
	// emoji) is then answered in English when the person's Slack is set to English. What they
	// write decides otherwise. Off, every conversation starts in Japanese until English is written.
	Locales bool
	// Admin, when set, runs "/helpdesk <args>" for anything but "" and "help"; its reply is shown
	// to the user who typed it only. Without it such commands show the help.
	Admin func(ctx context.Context, userID string, args []string) (reply string, err error)
	// PostInterval paces posts into one channel (default 1 s, Slack's documented limit).
	PostInterval time.Duration
	// Rejected, when set, is called with the reason ("signature", "too_large") of every HTTP
	// request refused before parsing, for the operators' metrics.
	Rejected func(reason string)
	// Connection, when set, is told how the Socket Mode connection stands: nil once connected,
	// the reason while it is not (connecting failed, the app-level token refused), so that a
	// connection that is not there does not look as if it were.
	Connection func(err error)
}

// Bot is the Slack channel: its HTTP handlers, its Socket Mode loop and its deliverers. It is
// safe for concurrent use.
type Bot struct {
	cfg     Config
	logger  *slog.Logger
	api     *slackapi.Client
	r       responder
	self    atomic.Pointer[string] // the bot's own user id, once known
	locales *locales               // nil: no language hints
	deliver *Deliverer
	staffer *StaffDeliverer
}

// New returns the Slack channel. r answers users and applies what staff do in the staff channel
// (in production, the engine with metrics).
func New(logger *slog.Logger, cfg Config, r responder) (*Bot, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: missing bot token")
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		return nil, errors.New("slack: need a signing secret (HTTP) or an app-level token (Socket Mode)")
	}
	base, err := CheckAPIURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	cfg.APIURL = base
	if cfg.Client == nil {
		cfg.Client = platform.NewHTTPClient()
	}
	if cfg.Phrases == nil {
		cfg.Phrases = func(string) string { return "" }
	}
	if cfg.Topics == nil {
		cfg.Topics = func() []dialog.TopicScore { return nil }
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(string) {}
	}
	if cfg.Connection == nil {
		cfg.Connection = func(error) {}
	}
	if cfg.PostInterval == 0 {
		cfg.PostInterval = time.Second
	}
	opts := []slackapi.Option{slackapi.OptionAPIURL(cfg.APIURL), slackapi.OptionHTTPClient(cfg.Client)}
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	b := &Bot{cfg: cfg, logger: logger.With("channel", channelName), r: r,
		api: slackapi.New(cfg.BotToken, opts...)}
	if cfg.Locales {
		b.locales = newLocales(b.logger, b.api)
	}
	b.deliver = &Deliverer{api: b.api, pace: newPacer(cfg.PostInterval), renders: newRenderCache(), locales: b.locales}
	if cfg.StaffChannel != "" {
		b.staffer = &StaffDeliverer{d: b.deliver, channel: cfg.StaffChannel}
	}
	return b, nil
}

// CheckAPIURL checks a Web API base URL (empty means DefaultAPIURL) and returns it with the
// trailing slash slack-go needs.
func CheckAPIURL(s string) (string, error) {
	if s == "" {
		return DefaultAPIURL, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("slack: API URL %q: want an http or https URL such as %s", s, DefaultAPIURL)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}

// ErrStaffChannelPublic is wrapped by CheckStaffChannel's error for a public staff channel.
var ErrStaffChannelPublic = errors.New("the staff channel is public")

// CheckStaffChannel asks Slack (conversations.info) whether the staff channel is private. Staff
// are whoever is in that channel: in a public one anyone in the workspace can join, read every
// case and answer users as staff, so a public channel is an error unless
// Config.StaffChannelPublic allows it. An answer from Slack that the channel cannot be read
// (not found, the bot not in it, a missing scope) is an error too; Slack out of reach is not
// (it is logged: the helpdesk starts, and the check is made again at the next start).
func (b *Bot) CheckStaffChannel(ctx context.Context) error {
	if b.cfg.StaffChannel == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, platform.ClientTimeout)
	defer cancel()
	ch, err := b.api.GetConversationInfoContext(ctx, &slackapi.GetConversationInfoInput{ChannelID: b.cfg.StaffChannel})
	if err != nil {
		var se slackapi.SlackErrorResponse
		if errors.As(err, &se) {
			return fmt.Errorf("slack: staff channel %s: conversations.info: %s (invite the bot to the channel; the app needs the groups:read scope, and channels:read for a public channel)", b.cfg.StaffChannel, se.Err)
		}
		b.logger.Warn("slack not reachable at start, staff channel not checked", "err", err)
		return nil
	}
	if !ch.IsPrivate {
		if !b.cfg.StaffChannelPublic {
			return fmt.Errorf("slack: staff channel %s: %w: anyone in the workspace can join it, read every case and answer users as staff; make it private, or allow it with HELPDESK_STAFF_CHANNEL_PUBLIC=1", b.cfg.StaffChannel, ErrStaffChannelPublic)
		}
		b.logger.Warn("the staff channel is public, allowed by the settings: anyone who joins it reads cases")
	}
	return nil
}

// Deliverer returns the deliverer of the "slack" outbox entries.
func (b *Bot) Deliverer() *Deliverer { return b.deliver }

// StaffDeliverer returns the deliverer of the "staff" outbox entries, or nil when no staff
// channel is configured.
func (b *Bot) StaffDeliverer() *StaffDeliverer { return b.staffer }

// SocketMode reports whether the bot runs over Socket Mode (an app-level token is set).
func (b *Bot) SocketMode() bool { return b.cfg.AppToken != "" }

// Run asks Slack who the bot is (auth.test), to recognise its own messages, and then, in Socket
// Mode, receives events until ctx is done, connecting again whenever the connection fails (an
// app-level token refused included); over HTTP it returns after the check. A bot token refused
// at start does not stop it: events are still received and their replies wait in the outbox
// until the sender's probe finds the token accepted.
func (b *Bot) Run(ctx context.Context) error {
	b.whoAmI(ctx)
	if b.cfg.AppToken == "" {
		return nil
	}
	return b.runSocket(ctx)
}

// whoAmI learns the bot's user id. Slack may be unreachable for a while or refuse the token
// until an operator fixes it, and events also say who the bot is, so a failure only goes to
// the log.
func (b *Bot) whoAmI(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, platform.ClientTimeout)
	defer cancel()
	res, err := b.api.AuthTestContext(ctx)
	if err != nil {
		var se slackapi.SlackErrorResponse
		switch {
		case errors.As(err, &se) && credentialCodes[se.Err]:
			b.logger.Warn("slack bot token refused by auth.test at start, going on", "err", se.Err)
		case ctx.Err() == nil || errors.Is(ctx.Err(), context.DeadlineExceeded):
			b.logger.Warn("slack not reachable at start, going on", "err", err)
		}
		return
	}
	b.setSelf(res.UserID)
	b.logger.Info("slack connected", "team", res.TeamID, "socket_mode", b.cfg.AppToken != "")
	b.logger.Debug("slack bot user", "user", res.UserID, "bot", res.BotID)
}

func (b *Bot) setSelf(id string) {
	if id != "" {
		if cur := b.self.Load(); cur == nil || *cur != id {
			b.self.Store(&id)
		}
	}
}

func (b *Bot) isSelf(user string) bool {
	cur := b.self.Load()
	return cur != nil && *cur == user
}

// ---- addresses

// address is where a reply goes: a channel (and a thread in it), or a user to open a direct
// message with. Encoded as "C123", "C123/1700000000.000100" or "@U123". A thread's address is
// also how a conversation in a channel thread and a staff case's thread are named to the engine.
type address struct {
	channel, thread, user string
}

func (a address) encode() string {
	switch {
	case a.user != "":
		return "@" + a.user
	case a.thread != "":
		return a.channel + "/" + a.thread
	}
	return a.channel
}

func parseAddress(s string) (address, error) {
	if user, ok := strings.CutPrefix(s, "@"); ok {
		if user == "" || strings.ContainsAny(user, "/@") {
			return address{}, fmt.Errorf("slack: malformed address %q", s)
		}
		return address{user: user}, nil
	}
	ch, thread, _ := strings.Cut(s, "/")
	if ch == "" || strings.Contains(thread, "/") {
		return address{}, fmt.Errorf("slack: malformed address %q", s)
	}
	return address{channel: ch, thread: thread}, nil
}

// isDM reports whether a channel id is a direct message with the bot.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// tsTime reads a Slack timestamp ("1700000000.000100"); zero if it is not one.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

// ---- text

// markup matches Slack's angle-bracket tokens: links, mentions, channels and specials.
var markup = regexp.MustCompile(`<([^<>\n]*)>`)

// plainText turns a message's text as Slack sends it (links as <url|label>, mentions as <@U1>,
// &amp; &lt; &gt; escaped) into the plain text the engine reads and relays.
func plainText(s string) string {
	s = markup.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			if hasLabel {
				return "@" + strings.TrimPrefix(label, "@")
			}
			return target
		case strings.HasPrefix(target, "#"):
			if hasLabel {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			if hasLabel {
				return label
			}
			name, _, _ := strings.Cut(target[1:], "^")
			return "@" + name
		}
		link := strings.TrimPrefix(strings.TrimPrefix(target, "mailto:"), "tel:")
		if !hasLabel || label == link || label == target {
			return link
		}
		return label + " (" + link + ")"
	})
	return unescape(s)
}

var (
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
)

// escape makes text safe inside mrkdwn: nothing a user or the knowledge wrote can become a
// link, a mention or @channel.
func escape(s string) string   { return escaper.Replace(s) }
func unescape(s string) string { return unescaper.Replace(s) }

// stripMention removes the bot's own mention from an app_mention's text; when the bot's id is
// not known yet, it removes the leading mention, which is how Slack writes "@bot text".
func stripMention(text, self string) string {
	if self != "" {
		text = removeMention(text, self)
	} else if loc := leadingMention.FindStringIndex(text); loc != nil {
		text = text[loc[1]:]
	}
	return strings.TrimSpace(text)
}

var leadingMention = regexp.MustCompile(`^\s*<@[A-Z0-9]+(\|[^>]*)?>`)

// anyMention matches a user mention, with or without a label: <@U123> or <@U123|name>.
var anyMention = regexp.MustCompile(`<@([A-Z0-9]+)(\|[^>]*)?>`)

// removeMention removes every mention of user id self from text.
func removeMention(text, self string) string {
	return anyMention.ReplaceAllStringFunc(text, func(m string) string {
		if anyMention.FindStringSubmatch(m)[1] == self {
			return ""
		}
		return m
	})
}

// truncate cuts s to at most n UTF-16 units, ending with "…" when it cut.
func truncate(s string, n int) string {
	if textlimit.Units(s) <= n {
		return s
	}
	return s[:textlimit.Prefix(s, n-1)] + "…"
}

// phrase returns a phrase of the knowledge; the key itself when the knowledge has none, so a
// missing phrase shows up instead of an empty message Slack would reject.
func (b *Bot) phrase(key string) string {
	if p := b.cfg.Phrases(key); p != "" {
		return p
	}
	return key
}
