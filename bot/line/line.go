package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/helpdesk-bot/helpdesk/bot/internal/platform"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Default endpoints of the LINE Messaging API.
const (
	DefaultBaseURL = "https://api.line.me"
	defaultBlobURL = "https://api-data.line.me"
)

// Config says how to reach LINE and what the channel needs from the rest of the bot.
type Config struct {
	// Secret is the channel secret, which checks the signature of every webhook.
	Secret string
	// API says how to reach the Messaging API, to deliver replies.
	API API
	// Loading, when set, shows LINE's loading animation while a reply is being made; main
	// builds it with NewLoading from the same API. Nil shows none.
	Loading *Loading
	// Profiles, when set, reads the profile language of a person who adds the bot, to greet
	// them in English when LINE is set to English; main builds it with NewProfiles. Nil greets
	// everyone in Japanese.
	Profiles *Profiles
	// Rejected, when set, is called with the reason ("signature", "too_large") of every webhook
	// refused before parsing, for the operators' metrics.
	Rejected func(reason string)
}

// Bot is the LINE channel: the webhook handler and the deliverer of the outbox's "line"
// entries. They share nothing but the Loading of the Config.
type Bot struct {
	handler *handler
	deliver *Deliverer
}

// New returns the LINE channel. r answers users (in production, the engine with metrics).
func New(logger *slog.Logger, cfg Config, r responder) (*Bot, error) {
	if cfg.Secret == "" {
		return nil, errors.New("line: missing channel secret")
	}
	d, err := newDeliverer(logger, cfg.API, cfg.Loading)
	if err != nil {
		return nil, err
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(string) {}
	}
	h := &handler{logger: logger.With("channel", "line"), secret: cfg.Secret, r: r, rejected: cfg.Rejected,
		loading: cfg.Loading, profiles: cfg.Profiles}
	return &Bot{handler: h, deliver: d}, nil
}

// Handler returns the handler of LINE's webhook (POST /line/webhook). It reads at most 1 MiB,
// rejects a request whose X-Line-Signature does not match the secret with 400 before looking at
// the body, turns each event into a dialog.Message and has the responder respond to it, in
// order. It answers 200 only once every event has been committed, and 500 when one could not
// be, so that LINE redelivers the request (events already committed are then recognised as
// duplicates).
func (b *Bot) Handler() http.Handler { return b.handler }

// Deliverer returns the deliverer of the outbox's "line" entries.
func (b *Bot) Deliverer() *Deliverer { return b.deliver }

// API says how to reach the LINE Messaging API.
type API struct {
	Token string // the channel access token
	// BaseURL is the API's base URL (default DefaultBaseURL). When it is set to anything else,
	// rich menu images go there too (tests point it at a fake); otherwise they go to
	// https://api-data.line.me.
	BaseURL string
	// Client makes the calls; nil means a client with a 10-second timeout.
	Client *http.Client
}

// endpoints is a checked API, ready to build SDK clients from.
type endpoints struct {
	token      string
	base, blob string
	hc         *http.Client
}

func (a API) endpoints() (*endpoints, error) {
	if a.Token == "" {
		return nil, errors.New("line: missing channel access token")
	}
	e := &endpoints{token: a.Token, base: DefaultBaseURL, blob: defaultBlobURL, hc: a.Client}
	if a.BaseURL != "" {
		if err := CheckBaseURL(a.BaseURL); err != nil {
			return nil, err
		}
		e.base = a.BaseURL
		if strings.TrimRight(a.BaseURL, "/") != DefaultBaseURL {
			e.blob = a.BaseURL // a fake serves both
		}
	}
	if e.hc == nil {
		e.hc = platform.NewHTTPClient()
	}
	return e, nil
}

// CheckBaseURL reports whether s can serve as the Messaging API's base URL: an absolute http or
// https URL with a host.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("line: base URL %q: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("line: base URL %q: want an http or https URL such as %s", s, DefaultBaseURL)
	}
	return nil
}

// messaging returns an SDK client for one call. The SDK's WithContext mutates the client, so a
// client shared between goroutines would race; building one is only URL parsing.
func (e *endpoints) messaging(ctx context.Context) (*messaging_api.MessagingApiAPI, error) {
	c, err := messaging_api.NewMessagingApiAPI(e.token,
		messaging_api.WithEndpoint(e.base), messaging_api.WithHTTPClient(e.hc))
	if err != nil {
		return nil, fmt.Errorf("api client: %v", err)
	}
	return c.WithContext(ctx), nil
}

// blobAPI returns an SDK client of the blob API (rich menu images) for one call.
func (e *endpoints) blobAPI(ctx context.Context) (*messaging_api.MessagingApiBlobAPI, error) {
	c, err := messaging_api.NewMessagingApiBlobAPI(e.token,
		messaging_api.WithBlobEndpoint(e.blob), messaging_api.WithBlobHTTPClient(e.hc))
	if err != nil {
		return nil, fmt.Errorf("blob api client: %v", err)
	}
	return c.WithContext(ctx), nil
}

// address is where a reply goes, kept in dialog.Message.Address and the outbox entry as compact
// JSON: the user to push to, the reply token, and for a group or room the chat to push to and
// to leave.
type address struct {
	User  string `json:"u,omitempty"`
	Token string `json:"rt,omitempty"`
	Group string `json:"g,omitempty"`
	Room  string `json:"r,omitempty"`
}

func (a address) encode() string {
	b, _ := json.Marshal(a) // plain strings: cannot fail
	return string(b)
}

func parseAddress(s string) (address, error) {
	var a address
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return a, fmt.Errorf("malformed address: %v", err)
	}
	if a.to() == "" {
		return a, errors.New("address names no chat")
	}
	return a, nil
}

// to is the chat a push goes to, which also names the conversation: the group or room the
// event came from, else the user.
func (a address) to() string {
	switch {
	case a.Group != "":
		return a.Group
	case a.Room != "":
		return a.Room
	}
	return a.User
}

// oneToOne reports whether the chat is the user's one-to-one chat with the bot.
func (a address) oneToOne() bool { return a.Group == "" && a.Room == "" }
