package linetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // rich menu images
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/bot/internal/fakeapi"
	"github.com/helpdesk-bot/helpdesk/bot/internal/textlimit"
)

// DefaultTokenTTL is how long a reply token stays valid, as LINE documents it ("within one
// minute").
const DefaultTokenTTL = time.Minute

// Server is a fake LINE Messaging API listening on 127.0.0.1. Its methods are safe for
// concurrent use. Call Close to stop it.
type Server struct {
	// URL is the base URL to give the bot (LINE_API_BASE), such as http://127.0.0.1:40123.
	URL string
	// SkipMessageCheck keeps the messages of replies and pushes as raw JSON (Message.Raw only)
	// without decoding them or checking them against LINE's limits. Load tools set it, so that
	// they measure the bot rather than the fake, which shares the CPU; functional tests leave it
	// off. Set it before the first request.
	SkipMessageCheck bool
	// Forget keeps no record of what the fake accepts: Requests, Messages and Loadings stay
	// empty, while OnRequest, WaitUntil and Stats still see everything (reply tokens are still
	// single-use). Load tools set it, so that the fake's memory does not grow with the load. Set
	// it before the first request.
	Forget bool

	token   string
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	faults fakeapi.Faults // injected into message requests
	outage *fakeapi.Fault // with mu: applied to every message request and bot info until Heal
	// outageEnd is closed when the outage ends, releasing the requests it holds
	outageEnd chan struct{}
	changes   fakeapi.Changes // wakes WaitUntil whenever something is recorded

	mu         sync.Mutex
	tokenTTL   time.Duration
	usedTokens map[string]time.Time // used reply token → when it was issued
	pruneAt    int                  // with Forget: forget expired used tokens when there are this many
	retryKeys  map[string]string    // accepted retry key → request id
	seq        int
	requests   []Request
	messages   []Message
	loadings   []string
	leaves     []LeftChat
	left       map[string]bool
	menus      []*RichMenu
	defaultID  string
	stats      Stats
	onRequest  func(Request)
	// profileLang is the language each user's profile answers with, "ja" when not set; a set
	// "" leaves it out. profileFails answers the profile calls with 500.
	profileLang  map[string]string
	profileFails bool
	profileCalls int
}

// Request is one reply or push request the fake accepted.
type Request struct {
	Seq        int    // order among everything the fake recorded (requests, leaves)
	ID         string // the X-Line-Request-Id the fake answered with
	API        string // "reply" or "push"
	To         string // the chat: a user, group or room id; for a reply, the token's chat
	ReplyToken string // reply only
	RetryKey   string // push only
	Messages   []Message
	At         time.Time
}

// Message is one LINE message the fake accepted.
type Message struct {
	To         string
	API        string          // "reply" or "push"
	Request    string          // the id of its request
	Type       string          // "text", "flex", ...
	Text       string          // of a text message
	AltText    string          // of a Flex message
	Contents   json.RawMessage // a Flex message's container, byte for byte as received
	QuickReply []QuickReplyItem
	Raw        json.RawMessage // the whole message object as received
	At         time.Time
}

// QuickReplyItem is one quick reply button of a message.
type QuickReplyItem struct {
	Type        string // "action"
	ActionType  string // "postback", "message", "uri", ...
	Label       string
	Data        string // postback data
	DisplayText string
	Text        string // a message action's text
}

// LeftChat is the bot leaving a group or room.
type LeftChat struct {
	Seq  int
	Chat string // the group or room id
	At   time.Time
}

// RichMenu is a rich menu created on the fake.
type RichMenu struct {
	ID          string
	Name        string
	ChatBarText string
	Selected    bool
	Width       int64
	Height      int64
	Areas       []RichMenuArea
	Image       []byte // nil until uploaded
	ImageType   string
	Raw         json.RawMessage // the create request as received
}

// RichMenuArea is one tappable area of a rich menu.
type RichMenuArea struct {
	X, Y, Width, Height int64
	ActionType          string
	Label               string
	Data                string
	DisplayText         string
}

// Stats counts how the fake answered message requests (reply and push).
type Stats struct {
	Replies       int // replies accepted
	Pushes        int // pushes accepted
	Conflicts     int // pushes answered 409: retry key already accepted
	InvalidTokens int // replies answered 400: reply token used, expired or unknown
	Rejected      int // other 4xx answers (bad auth, bad JSON, LINE's limits)
	Injected      int // answers from injected faults (500, 429)
	Hung          int // requests held by Hang
}

// New starts a fake that accepts requests bearing "Authorization: Bearer token".
func New(token string) *Server {
	s := &Server{
		token:      token,
		closing:    make(chan struct{}),
		tokenTTL:   DefaultTokenTTL,
		usedTokens: map[string]time.Time{},
		retryKeys:  map[string]string{},
		left:       map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/bot/message/reply", s.message("reply"))
	mux.HandleFunc("POST /v2/bot/message/push", s.message("push"))
	mux.HandleFunc("POST /v2/bot/chat/loading/start", s.loading)
	mux.HandleFunc("GET /v2/bot/info", s.botInfo)
	mux.HandleFunc("GET /v2/bot/profile/{userId}", s.profile)
	mux.HandleFunc("POST /v2/bot/group/{id}/leave", s.leave)
	mux.HandleFunc("POST /v2/bot/room/{id}/leave", s.leave)
	mux.HandleFunc("POST /v2/bot/richmenu", s.createMenu)
	mux.HandleFunc("GET /v2/bot/richmenu/list", s.listMenus)
	mux.HandleFunc("DELETE /v2/bot/richmenu/{id}", s.deleteMenu)
	mux.HandleFunc("POST /v2/bot/richmenu/{id}/content", s.uploadMenuImage)
	mux.HandleFunc("POST /v2/bot/user/all/richmenu/{id}", s.setDefaultMenu)
	mux.HandleFunc("GET /v2/bot/user/all/richmenu", s.getDefaultMenu)
	mux.HandleFunc("DELETE /v2/bot/user/all/richmenu", s.cancelDefaultMenu)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not found"})
	})
	s.srv = httptest.NewServer(s.auth(mux))
	s.URL = s.srv.URL
	return s
}

// SetToken makes the fake accept token from now on and refuse the one before with 401, as
// LINE does once a channel access token is revoked or reissued.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

// BotUserID is the bot's own user id, as GET /v2/bot/info answers it.
const BotUserID = "U00000000000000000000000000000b07"

// botInfo answers GET /v2/bot/info, which the bot calls to check its token.
func (s *Server) botInfo(w http.ResponseWriter, _ *http.Request) {
	if f, release, ok := s.currentOutage(); ok {
		if f.Hang > 0 {
			select {
			case <-time.After(f.Hang):
			case <-release:
			case <-s.closing:
				return
			}
		} else {
			f.SetRetryAfter(w.Header())
			writeJSON(w, f.Status, lineError{Message: "Internal server error"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"userId": BotUserID, "basicId": "@000helpdesk",
		"displayName": "ヘルプデスク", "chatMode": "bot", "markAsReadMode": "auto"})
}

// profile answers GET /v2/bot/profile/{userId}: a display name, the id and, when the user has a
// language, the language (LINE leaves it out for users who have not allowed it).
func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("userId")
	s.mu.Lock()
	s.profileCalls++
	fails := s.profileFails
	lang, set := s.profileLang[id]
	s.mu.Unlock()
	switch {
	case fails:
		writeJSON(w, http.StatusInternalServerError, lineError{Message: "Internal server error"})
		return
	case !strings.HasPrefix(id, "U"):
		writeJSON(w, http.StatusNotFound, lineError{Message: "Not found"})
		return
	case !set:
		lang = "ja"
	}
	body := map[string]string{"displayName": "利用者", "userId": id}
	if lang != "" {
		body["language"] = lang
	}
	writeJSON(w, http.StatusOK, body)
}

// SetProfileLanguage sets the language user's profile answers with ("en", "ja"; "" for none).
func (s *Server) SetProfileLanguage(user, lang string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profileLang == nil {
		s.profileLang = map[string]string{}
	}
	s.profileLang[user] = lang
}

// FailProfiles makes every profile call answer 500 (on) or answer again (off).
func (s *Server) FailProfiles(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profileFails = on
}

// ProfileCalls is how many profile calls the fake has answered.
func (s *Server) ProfileCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profileCalls
}

// Close stops the fake; requests held by Hang are dropped.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// SetTokenTTL sets how long reply tokens stay valid after their event (DefaultTokenTTL).
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenTTL = d
}

// Fail makes the next n message requests (reply or push) fail with status (500, 503, 400...),
// without doing anything.
func (s *Server) Fail(n, status int) { s.faults.Add(fakeapi.Fault{N: n, Status: status}) }

// RateLimit makes the next n message requests answer 429 with Retry-After (whole seconds,
// rounded up).
func (s *Server) RateLimit(n int, retryAfter time.Duration) {
	s.faults.Add(fakeapi.Fault{N: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// Hang makes the next n message requests wait d before they are handled as usual, as when LINE
// is slow: a client that gave up meanwhile does not see the answer, but the request still takes
// effect (a reply token is used, a retry key accepted).
func (s *Server) Hang(n int, d time.Duration) { s.faults.Add(fakeapi.Fault{N: n, Hang: d}) }

// Pass lets the next n message requests through untouched, so that a fault added after it hits
// a later request (the second request of a reply, say).
func (s *Server) Pass(n int) { s.faults.Add(fakeapi.Fault{N: n}) }

// Heal drops every fault not yet used, and ends an Outage.
func (s *Server) Heal() {
	s.faults.Heal()
	s.mu.Lock()
	if s.outage != nil {
		close(s.outageEnd)
	}
	s.outage = nil
	s.mu.Unlock()
}

// Outage makes every message request, and GET /v2/bot/info, answer status (500, 429 with
// Retry-After: 1 ...) or, when hang is set, wait hang (or until Heal) before it is handled as
// usual, until Heal: LINE down for a while rather than for a number of requests. Faults queued
// by Fail, RateLimit and Hang come first.
func (s *Server) Outage(status int, hang time.Duration) {
	f := fakeapi.Fault{N: 1, Status: status, Hang: hang}
	if status == http.StatusTooManyRequests {
		f.RetryAfter = time.Second
	}
	s.mu.Lock()
	if s.outage == nil {
		s.outageEnd = make(chan struct{})
	}
	s.outage = &f
	s.mu.Unlock()
}

// currentOutage returns the outage's fault, if one is on, and what is closed when it ends:
// requests it holds are then answered at once, as when the platform answers again.
func (s *Server) currentOutage() (fakeapi.Fault, <-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.outage == nil {
		return fakeapi.Fault{}, nil, false
	}
	return *s.outage, s.outageEnd, true
}

// OnRequest registers f to be called with each message request the fake accepts, after it is
// recorded. f runs on the request's goroutine; keep it quick.
func (s *Server) OnRequest(f func(Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRequest = f
}

// Requests returns the message requests accepted so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Messages returns every message accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// MessagesTo returns the messages chat (a user, group or room id) got, in order.
func (s *Server) MessagesTo(chat string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.To == chat {
			out = append(out, m)
		}
	}
	return out
}

// Wait waits until at least n messages have been accepted and returns them all.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	err := s.WaitUntil(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.messages) >= n
	})
	if err != nil {
		return s.Messages(), fmt.Errorf("linetest: %d of %d messages: %w", len(s.Messages()), n, err)
	}
	return s.Messages(), nil
}

// WaitUntil calls cond after each change to what the fake recorded, until it returns true or
// ctx is done. cond may call the Server's methods.
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	return s.changes.WaitUntil(ctx, cond)
}

// Loadings returns the chat ids of the loading animations started, in order.
func (s *Server) Loadings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.loadings...)
}

// Leaves returns the groups and rooms the bot left, in order.
func (s *Server) Leaves() []LeftChat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LeftChat(nil), s.leaves...)
}

// RichMenus returns the rich menus that exist, oldest first.
func (s *Server) RichMenus() []RichMenu {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RichMenu, len(s.menus))
	for i, m := range s.menus {
		out[i] = *m
	}
	return out
}

// DefaultRichMenu returns the id of the default rich menu, or "".
func (s *Server) DefaultRichMenu() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaultID
}

// Stats returns how message requests were answered so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ---- HTTP

type lineError struct {
	Message string        `json:"message"`
	Details []errorDetail `json:"details,omitempty"`
	// SentMessages is set on a 409 for an accepted retry key.
	SentMessages []sentMessage `json:"sentMessages,omitempty"`
}

type errorDetail struct {
	Message  string `json:"message"`
	Property string `json:"property"`
}

type sentMessage struct {
	ID         string `json:"id"`
	QuoteToken string `json:"quoteToken,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if w.Header().Get("X-Line-Request-Id") == "" {
		w.Header().Set("X-Line-Request-Id", newRequestID())
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) reject(w http.ResponseWriter, status int, e lineError) {
	s.mu.Lock()
	s.stats.Rejected++
	s.mu.Unlock()
	writeJSON(w, status, e)
}

// auth checks the channel access token of every request.
func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		token := s.token
		s.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+token {
			s.reject(w, http.StatusUnauthorized, lineError{Message: "Authentication failed. Confirm that the access token in the authorization header is valid."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readJSON reads a JSON request body into v, answering 400 (and returning false) as LINE does
// when it is not JSON.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		s.reject(w, http.StatusUnsupportedMediaType, lineError{Message: "Unsupported Media Type"})
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 2<<20))
	if err != nil {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The request body could not be read"})
		return nil, false
	}
	if err := json.Unmarshal(body, v); err != nil {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The request body has 1 error(s)",
			Details: []errorDetail{{Message: "May not be empty or malformed JSON", Property: ""}}})
		return nil, false
	}
	return body, true
}

type messageRequest struct {
	ReplyToken           string            `json:"replyToken"`
	To                   string            `json:"to"`
	Messages             []json.RawMessage `json:"messages"`
	NotificationDisabled bool              `json:"notificationDisabled"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// message handles reply and push.
func (s *Server) message(api string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var release <-chan struct{} // an outage's hang ends at Heal
		f, ok := s.faults.Take()
		if !ok {
			f, release, ok = s.currentOutage()
		}
		if ok && (f.Status != 0 || f.Hang > 0) {
			if f.Hang > 0 {
				s.mu.Lock()
				s.stats.Hung++
				s.mu.Unlock()
				select {
				case <-time.After(f.Hang):
				case <-release:
				case <-s.closing:
					return
				}
			} else {
				s.mu.Lock()
				s.stats.Injected++
				s.mu.Unlock()
				f.SetRetryAfter(w.Header())
				msg := "Internal server error"
				if f.Status == http.StatusTooManyRequests {
					msg = "The API rate limit has been exceeded. Try again later."
				}
				writeJSON(w, f.Status, lineError{Message: msg})
				return
			}
		}
		var req messageRequest
		if _, ok := s.readJSON(w, r, &req); !ok {
			return
		}
		retryKey := r.Header.Get("X-Line-Retry-Key")
		if api == "reply" && r.Header.Values("X-Line-Retry-Key") != nil {
			s.reject(w, http.StatusBadRequest, lineError{Message: "The X-Line-Retry-Key header cannot be specified for this API"})
			return
		}
		if api == "push" && retryKey != "" && !uuidPattern.MatchString(retryKey) {
			s.reject(w, http.StatusBadRequest, lineError{Message: "The value of the X-Line-Retry-Key header is invalid"})
			return
		}
		if api == "push" && req.To == "" {
			s.reject(w, http.StatusBadRequest, lineError{Message: "The request body has 1 error(s)",
				Details: []errorDetail{{Message: "must be specified", Property: "to"}}})
			return
		}
		var (
			msgs    []Message
			details []errorDetail
		)
		if s.SkipMessageCheck {
			for _, raw := range req.Messages {
				msgs = append(msgs, Message{Raw: raw})
			}
		} else {
			msgs, details = checkMessages(req.Messages)
		}
		if len(details) > 0 {
			s.reject(w, http.StatusBadRequest, lineError{
				Message: fmt.Sprintf("The request body has %d error(s)", len(details)), Details: details})
			return
		}
		now := time.Now()
		id := newRequestID()
		s.mu.Lock()
		to := req.To
		switch api {
		case "reply":
			tok, ok := parseReplyToken(req.ReplyToken)
			_, used := s.usedTokens[req.ReplyToken]
			if !ok || used || now.Sub(time.UnixMilli(tok.Issued)) > s.tokenTTL {
				s.stats.InvalidTokens++
				s.mu.Unlock()
				writeJSON(w, http.StatusBadRequest, lineError{Message: "Invalid reply token"})
				return
			}
			s.usedTokens[req.ReplyToken] = time.UnixMilli(tok.Issued)
			if s.Forget && len(s.usedTokens) >= max(s.pruneAt, 1<<14) {
				// An expired token is refused whether it was used or not: forget those.
				for t, issued := range s.usedTokens {
					if now.Sub(issued) > s.tokenTTL {
						delete(s.usedTokens, t)
					}
				}
				s.pruneAt = 2 * len(s.usedTokens)
			}
			to = tok.To
			s.stats.Replies++
		case "push":
			if retryKey != "" {
				if prev, ok := s.retryKeys[retryKey]; ok {
					s.stats.Conflicts++
					s.mu.Unlock()
					w.Header().Set("X-Line-Accepted-Request-Id", prev)
					writeJSON(w, http.StatusConflict, lineError{Message: "The retry key is already accepted",
						SentMessages: sent(len(msgs))})
					return
				}
				s.retryKeys[retryKey] = id
			}
			s.stats.Pushes++
		}
		s.seq++
		rec := Request{Seq: s.seq, ID: id, API: api, To: to, At: now}
		if api == "reply" {
			rec.ReplyToken = req.ReplyToken
		} else {
			rec.RetryKey = retryKey
		}
		for _, m := range msgs {
			m.To, m.API, m.Request, m.At = to, api, id, now
			rec.Messages = append(rec.Messages, m)
		}
		if !s.Forget {
			s.requests = append(s.requests, rec)
			s.messages = append(s.messages, rec.Messages...)
		}
		s.changes.Changed()
		hook := s.onRequest
		s.mu.Unlock()
		if hook != nil {
			hook(rec)
		}
		w.Header().Set("X-Line-Request-Id", id)
		writeJSON(w, http.StatusOK, struct {
			SentMessages []sentMessage `json:"sentMessages"`
		}{sent(len(msgs))})
	}
}

func sent(n int) []sentMessage {
	out := make([]sentMessage, n)
	for i := range out {
		out[i] = sentMessage{ID: strconv.FormatInt(time.Now().UnixNano()+int64(i), 10), QuoteToken: randomHex(16)}
	}
	return out
}

// Limits LINE documents for messages.
const (
	maxMessages      = 5
	maxTextUnits     = 5000
	maxAltText       = 1500
	maxQuickReplies  = 13
	maxLabel         = 20
	maxData          = 300
	maxBubbles       = 12
	maxBubbleBytes   = 30 << 10
	maxCarouselBytes = 50 << 10
)

type rawMessage struct {
	Type       string          `json:"type"`
	Text       *string         `json:"text"`
	AltText    *string         `json:"altText"`
	Contents   json.RawMessage `json:"contents"`
	QuickReply *struct {
		Items []struct {
			Type   string `json:"type"`
			Action *struct {
				Type        string `json:"type"`
				Label       string `json:"label"`
				Data        string `json:"data"`
				DisplayText string `json:"displayText"`
				Text        string `json:"text"`
				URI         string `json:"uri"`
			} `json:"action"`
		} `json:"items"`
	} `json:"quickReply"`
}

// checkMessages decodes and checks messages against LINE's rules, returning LINE's error
// details for what breaks them.
func checkMessages(raw []json.RawMessage) ([]Message, []errorDetail) {
	var (
		out     []Message
		details []errorDetail
	)
	bad := func(prop, msg string) { details = append(details, errorDetail{Message: msg, Property: prop}) }
	if len(raw) == 0 {
		bad("messages", "must be specified")
	}
	if len(raw) > maxMessages {
		bad("messages", "Size must be between 1 and 5")
	}
	for i, r := range raw {
		p := fmt.Sprintf("messages[%d]", i)
		var m rawMessage
		if err := json.Unmarshal(r, &m); err != nil {
			bad(p, "malformed message")
			continue
		}
		msg := Message{Type: m.Type, Raw: append(json.RawMessage(nil), r...)}
		switch m.Type {
		case "text":
			if m.Text == nil || *m.Text == "" {
				bad(p+".text", "must be specified")
			} else if textlimit.Units(*m.Text) > maxTextUnits {
				bad(p+".text", "Length must be between 0 and 5000")
			} else {
				msg.Text = *m.Text
			}
		case "flex":
			if m.AltText == nil || *m.AltText == "" {
				bad(p+".altText", "must be specified")
			} else if utf8.RuneCountInString(*m.AltText) > maxAltText {
				bad(p+".altText", "Length must be between 0 and 1500")
			} else {
				msg.AltText = *m.AltText
			}
			if prop, why := checkFlex(m.Contents); why != "" {
				bad(p+".contents"+prop, why)
			}
			msg.Contents = append(json.RawMessage(nil), m.Contents...)
		case "sticker", "image", "video", "audio", "location", "imagemap", "template":
		default:
			bad(p+".type", "invalid message type")
		}
		if m.QuickReply != nil {
			items := m.QuickReply.Items
			if len(items) == 0 || len(items) > maxQuickReplies {
				bad(p+".quickReply.items", "Size must be between 1 and 13")
			}
			for j, it := range items {
				q := fmt.Sprintf("%s.quickReply.items[%d]", p, j)
				if it.Type != "action" {
					bad(q+".type", "must be specified")
				}
				if it.Action == nil {
					bad(q+".action", "must be specified")
					continue
				}
				a := it.Action
				if a.Label == "" || utf8.RuneCountInString(a.Label) > maxLabel {
					bad(q+".action.label", "Length must be between 1 and 20")
				}
				if a.Type == "postback" && (a.Data == "" || len(a.Data) > maxData) {
					bad(q+".action.data", "Length must be between 1 and 300")
				}
				if utf8.RuneCountInString(a.DisplayText) > maxData {
					bad(q+".action.displayText", "Length must be between 0 and 300")
				}
				msg.QuickReply = append(msg.QuickReply, QuickReplyItem{Type: it.Type, ActionType: a.Type,
					Label: a.Label, Data: a.Data, DisplayText: a.DisplayText, Text: a.Text})
			}
		}
		out = append(out, msg)
	}
	return out, details
}

// checkFlex checks the shape of a Flex container: a bubble or a carousel of at most 12
// bubbles, whose buttons carry valid actions and whose texts are not empty.
func checkFlex(raw json.RawMessage) (prop, why string) {
	var c struct {
		Type     string            `json:"type"`
		Contents []json.RawMessage `json:"contents"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &c) != nil {
		return "", "must be specified"
	}
	switch {
	case c.Type == "bubble" && len(raw) > maxBubbleBytes:
		return "", "A bubble must be at most 30 KB"
	case c.Type == "carousel" && len(raw) > maxCarouselBytes:
		return "", "A carousel must be at most 50 KB"
	}
	switch c.Type {
	case "bubble":
		return checkComponents("", raw)
	case "carousel":
		if len(c.Contents) == 0 || len(c.Contents) > maxBubbles {
			return ".contents", "Size must be between 1 and 12"
		}
		for i, b := range c.Contents {
			if p, why := checkComponents(fmt.Sprintf(".contents[%d]", i), b); why != "" {
				return p, why
			}
		}
		return "", ""
	}
	return ".type", "invalid container type"
}

// checkComponents walks a Flex tree: texts need text, buttons an action with a label and a URI
// LINE accepts.
func checkComponents(prop string, raw json.RawMessage) (string, string) {
	var n map[string]json.RawMessage
	if json.Unmarshal(raw, &n) != nil {
		return prop, "malformed component"
	}
	var typ string
	json.Unmarshal(n["type"], &typ)
	switch typ {
	case "text":
		var text string
		if json.Unmarshal(n["text"], &text) != nil || text == "" {
			return prop + ".text", "must be specified"
		}
	case "button":
		var a struct {
			Type  string `json:"type"`
			Label string `json:"label"`
			URI   string `json:"uri"`
			Data  string `json:"data"`
		}
		if json.Unmarshal(n["action"], &a) != nil || a.Label == "" || utf8.RuneCountInString(a.Label) > 40 {
			return prop + ".action.label", "Length must be between 1 and 40"
		}
		if a.Type == "uri" && !(strings.HasPrefix(a.URI, "http://") || strings.HasPrefix(a.URI, "https://") ||
			strings.HasPrefix(a.URI, "tel:") || strings.HasPrefix(a.URI, "line://")) {
			return prop + ".action.uri", "invalid uri scheme"
		}
	}
	for _, key := range []string{"header", "hero", "body", "footer"} {
		if sub, ok := n[key]; ok {
			if p, why := checkComponents(prop+"."+key, sub); why != "" {
				return p, why
			}
		}
	}
	if typ == "box" {
		var kids []json.RawMessage
		if json.Unmarshal(n["contents"], &kids) != nil {
			return prop + ".contents", "must be specified"
		}
		for i, k := range kids {
			if p, why := checkComponents(fmt.Sprintf("%s.contents[%d]", prop, i), k); why != "" {
				return p, why
			}
		}
	}
	return "", ""
}

func (s *Server) loading(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ChatID         string `json:"chatId"`
		LoadingSeconds int    `json:"loadingSeconds"`
	}
	if _, ok := s.readJSON(w, r, &req); !ok {
		return
	}
	if !strings.HasPrefix(req.ChatID, "U") {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The request body has 1 error(s)",
			Details: []errorDetail{{Message: "must be a user id", Property: "chatId"}}})
		return
	}
	if req.LoadingSeconds != 0 && (req.LoadingSeconds < 5 || req.LoadingSeconds > 60 || req.LoadingSeconds%5 != 0) {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The request body has 1 error(s)",
			Details: []errorDetail{{Message: "must be a multiple of 5 between 5 and 60", Property: "loadingSeconds"}}})
		return
	}
	s.mu.Lock()
	if !s.Forget {
		s.loadings = append(s.loadings, req.ChatID)
	}
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, struct{}{})
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request) {
	chat := r.PathValue("id")
	s.mu.Lock()
	if s.left[chat] {
		s.mu.Unlock()
		s.reject(w, http.StatusNotFound, lineError{Message: "Not found"})
		return
	}
	s.left[chat] = true
	s.seq++
	s.leaves = append(s.leaves, LeftChat{Seq: s.seq, Chat: chat, At: time.Now()})
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

type menuRequest struct {
	Size struct {
		Width  int64 `json:"width"`
		Height int64 `json:"height"`
	} `json:"size"`
	Selected    bool   `json:"selected"`
	Name        string `json:"name"`
	ChatBarText string `json:"chatBarText"`
	Areas       []struct {
		Bounds struct {
			X      int64 `json:"x"`
			Y      int64 `json:"y"`
			Width  int64 `json:"width"`
			Height int64 `json:"height"`
		} `json:"bounds"`
		Action struct {
			Type        string `json:"type"`
			Label       string `json:"label"`
			Data        string `json:"data"`
			DisplayText string `json:"displayText"`
		} `json:"action"`
	} `json:"areas"`
}

func (s *Server) createMenu(w http.ResponseWriter, r *http.Request) {
	var req menuRequest
	raw, ok := s.readJSON(w, r, &req)
	if !ok {
		return
	}
	var details []errorDetail
	bad := func(prop, msg string) { details = append(details, errorDetail{Message: msg, Property: prop}) }
	// LINE: width 800 to 2500, height at least 250, width/height at least 1.45
	if req.Size.Width < 800 || req.Size.Width > 2500 || req.Size.Height < 250 || req.Size.Width*100 < req.Size.Height*145 {
		bad("size", "invalid rich menu size")
	}
	if req.Name == "" || utf8.RuneCountInString(req.Name) > 300 {
		bad("name", "Length must be between 1 and 300")
	}
	if req.ChatBarText == "" || utf8.RuneCountInString(req.ChatBarText) > 14 {
		bad("chatBarText", "Length must be between 1 and 14")
	}
	if len(req.Areas) == 0 || len(req.Areas) > 20 {
		bad("areas", "Size must be between 1 and 20")
	}
	menu := &RichMenu{ID: "richmenu-" + randomHex(16), Name: req.Name, ChatBarText: req.ChatBarText,
		Selected: req.Selected, Width: req.Size.Width, Height: req.Size.Height, Raw: raw}
	for i, a := range req.Areas {
		p := fmt.Sprintf("areas[%d]", i)
		b := a.Bounds
		if b.X < 0 || b.Y < 0 || b.Width <= 0 || b.Height <= 0 || b.X+b.Width > req.Size.Width || b.Y+b.Height > req.Size.Height {
			bad(p+".bounds", "out of the rich menu")
		}
		if a.Action.Type == "" || utf8.RuneCountInString(a.Action.Label) > maxLabel {
			bad(p+".action", "invalid action")
		}
		if a.Action.Type == "postback" && (a.Action.Data == "" || len(a.Action.Data) > maxData) {
			bad(p+".action.data", "Length must be between 1 and 300")
		}
		menu.Areas = append(menu.Areas, RichMenuArea{X: b.X, Y: b.Y, Width: b.Width, Height: b.Height,
			ActionType: a.Action.Type, Label: a.Action.Label, Data: a.Action.Data, DisplayText: a.Action.DisplayText})
	}
	if len(details) > 0 {
		s.reject(w, http.StatusBadRequest, lineError{Message: fmt.Sprintf("The request body has %d error(s)", len(details)), Details: details})
		return
	}
	s.mu.Lock()
	s.menus = append(s.menus, menu)
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"richMenuId": menu.ID})
}

func (s *Server) menu(id string) *RichMenu {
	for _, m := range s.menus {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func (s *Server) listMenus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var list []json.RawMessage
	for _, m := range s.menus {
		var v map[string]any
		json.Unmarshal(m.Raw, &v)
		v["richMenuId"] = m.ID
		b, _ := json.Marshal(v)
		list = append(list, b)
	}
	s.mu.Unlock()
	if list == nil {
		list = []json.RawMessage{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"richmenus": list})
}

func (s *Server) deleteMenu(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	found := false
	for i, m := range s.menus {
		if m.ID == id {
			s.menus = append(s.menus[:i], s.menus[i+1:]...)
			found = true
			break
		}
	}
	if s.defaultID == id {
		s.defaultID = ""
	}
	s.changes.Changed()
	s.mu.Unlock()
	if !found {
		s.reject(w, http.StatusNotFound, lineError{Message: "Not found"})
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) uploadMenuImage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ct := r.Header.Get("Content-Type")
	if ct != "image/png" && ct != "image/jpeg" {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The content type is not supported: " + ct})
		return
	}
	img, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The request body could not be read"})
		return
	}
	if len(img) > 1<<20 {
		s.reject(w, http.StatusRequestEntityTooLarge, lineError{Message: "The image is too large"})
		return
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil || "image/"+format != ct {
		s.reject(w, http.StatusBadRequest, lineError{Message: "The image is not a " + ct})
		return
	}
	s.mu.Lock()
	m := s.menu(id)
	switch {
	case m == nil:
		s.mu.Unlock()
		s.reject(w, http.StatusNotFound, lineError{Message: "Not found"})
		return
	case m.Image != nil:
		s.mu.Unlock()
		s.reject(w, http.StatusBadRequest, lineError{Message: "An image has already been uploaded to the richmenu"})
		return
	case int64(cfg.Width) != m.Width || int64(cfg.Height) != m.Height:
		s.mu.Unlock()
		s.reject(w, http.StatusBadRequest, lineError{Message: "The image size does not match the rich menu size"})
		return
	}
	m.Image, m.ImageType = img, ct
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) setDefaultMenu(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	m := s.menu(id)
	if m == nil || m.Image == nil {
		s.mu.Unlock()
		msg := "Not found"
		if m != nil {
			msg = "must upload richmenu image before applying it to user"
		}
		s.reject(w, http.StatusBadRequest, lineError{Message: msg})
		return
	}
	s.defaultID = id
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) getDefaultMenu(w http.ResponseWriter, r *http.Request) {
	id := s.DefaultRichMenu()
	if id == "" {
		s.reject(w, http.StatusNotFound, lineError{Message: "no default richmenu"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"richMenuId": id})
}

// cancelDefaultMenu leaves users with no default rich menu; LINE answers 200 {} whether or not
// there was one.
func (s *Server) cancelDefaultMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.defaultID = ""
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
