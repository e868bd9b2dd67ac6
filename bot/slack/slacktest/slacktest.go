package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/helpdesk-bot/helpdesk/bot/internal/fakeapi"
	"github.com/helpdesk-bot/helpdesk/bot/internal/textlimit"
)

// Who the fake's bot and workspace are.
const (
	BotUserID = "U0HELPBOT"
	BotID     = "B0HELPBOT"
	TeamID    = "T0HELPDESK"
	AppID     = "A0HELPDESK"
)

// Server is a fake Slack listening on 127.0.0.1. Its methods are safe for concurrent use.
type Server struct {
	// URL is the fake's root, e.g. http://127.0.0.1:41234; the Web API is at APIURL().
	URL string
	// SkipBlockCheck keeps posted blocks as raw JSON without decoding or checking them against
	// Slack's limits. Benchmarks set it, so that they measure the bot rather than the fake
	// (which shares the CPU); functional tests leave it off.
	SkipBlockCheck bool
	// Forget keeps no record of the messages the fake accepts: Posts and Ephemerals stay empty
	// (and chat.update accepts any message), while OnPost, WaitUntil and Calls still see
	// everything. Load tools set it, so that the fake's memory does not grow with the load. Set
	// it before the first request.
	Forget bool

	token string
	srv   *httptest.Server
	up    websocket.Upgrader
	done  chan struct{}

	faults  fakeapi.Faults  // injected into chat.postMessage
	changes fakeapi.Changes // wakes WaitUntil whenever something is recorded

	mu sync.Mutex
	// appRefused: apps.connections.open refuses every app-level token
	appRefused bool
	posts      []Post
	ephems     []Post
	public     map[string]bool // channels conversations.info calls public (the others are private)
	views      []View
	opened     []string
	calls      map[string]int
	rejected   []string
	onPost     func(Post)
	base       int64 // seconds of the timestamps handed out
	seq        int64

	conns     int       // WebSocket connections accepted
	open      []*wsConn // the open connections, oldest first
	rr        int       // round-robin cursor over the open connections
	pending   []pendingFrame
	acks      []Ack
	envSeq    int
	envelopes map[string]*envelope
	envOrder  []string
	sentTo    map[int]int // envelopes sent on each connection

	// locales is the locale users.info gives each user, "ja-JP" when not set; a set "" leaves it
	// out. usersFail answers users.info with that error code; usersHang holds it first.
	locales   map[string]string
	usersFail string
	usersHang time.Duration
}

// Post is one message the fake accepted (chat.postMessage or chat.postEphemeral).
type Post struct {
	Channel  string
	TS       string
	ThreadTS string
	User     string // for an ephemeral message: who sees it
	Text     string // the notification text
	Blocks   []Block
	Raw      json.RawMessage // the blocks as sent
	At       time.Time
	Edits    int // how many times chat.update rewrote it
}

// Block is one Block Kit block of a post, decoded.
type Block struct {
	Type     string       `json:"type"`
	BlockID  string       `json:"block_id,omitempty"`
	Text     *TextObject  `json:"text,omitempty"`
	Fields   []TextObject `json:"fields,omitempty"`
	Elements []Element    `json:"elements,omitempty"`
}

// TextObject is a Block Kit text.
type TextObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// Element is a button (in an actions block) or a text (in a context block).
type Element struct {
	Type     string `json:"type"`
	ActionID string `json:"action_id,omitempty"`
	Value    string `json:"value,omitempty"`
	URL      string `json:"url,omitempty"`
	Style    string `json:"style,omitempty"`
	// Text is the button's label, or the context element's text.
	Text string `json:"-"`
}

// UnmarshalJSON reads an element whose "text" is an object (buttons) or a string (context).
func (e *Element) UnmarshalJSON(b []byte) error {
	type plain Element
	var v struct {
		plain
		Text json.RawMessage `json:"text"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = Element(v.plain)
	if len(v.Text) > 0 && v.Text[0] == '"' {
		return json.Unmarshal(v.Text, &e.Text)
	}
	var t TextObject
	if len(v.Text) > 0 {
		if err := json.Unmarshal(v.Text, &t); err != nil {
			return err
		}
	}
	e.Text = t.Text
	return nil
}

// Buttons returns the post's buttons, in order.
func (p Post) Buttons() []Element {
	var out []Element
	for _, b := range p.Blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			if e.Type == "button" {
				out = append(out, e)
			}
		}
	}
	return out
}

// Texts returns every text of the post's blocks (section texts and fields, headers, contexts).
func (p Post) Texts() []string {
	var out []string
	for _, b := range p.Blocks {
		if b.Text != nil {
			out = append(out, b.Text.Text)
		}
		for _, f := range b.Fields {
			out = append(out, f.Text)
		}
		if b.Type == "context" {
			for _, e := range b.Elements {
				out = append(out, e.Text)
			}
		}
	}
	return out
}

// AllText is the post's block texts joined by newlines.
func (p Post) AllText() string { return strings.Join(p.Texts(), "\n") }

// Contains reports whether any text of the post contains s.
func (p Post) Contains(s string) bool { return strings.Contains(p.AllText(), s) }

// View is a modal the bot opened with views.open.
type View struct {
	ID              string
	TriggerID       string
	CallbackID      string
	PrivateMetadata string
	Title, Submit   string
	Inputs          []Input
	Raw             json.RawMessage // the view as sent
}

// Input is an input block of a modal.
type Input struct {
	BlockID, ActionID string
	Type              string // the element's type: plain_text_input, static_select …
	Label             string
	Optional          bool
	MaxLength         int
	Options           []Option // of a select
	InitialOption     string   // its value
}

// Option is one option of a select.
type Option struct {
	Value, Text string
}

// Ack is a Socket Mode acknowledgement the bot sent.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // null or absent when the ack carried none
	At         time.Time
}

// New starts a fake that accepts the bot token token (in the form, as slack-go sends it, or as
// a bearer token) and any app-level token starting with "xapp-".
func New(token string) *Server {
	s := &Server{token: token, done: make(chan struct{}), calls: map[string]int{}, envelopes: map[string]*envelope{}, sentTo: map[int]int{},
		base: time.Now().Unix(),
		// slack-go dials with "Origin: https://api.slack.com"
		up: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", s.form(s.authTest))
	mux.HandleFunc("POST /api/chat.postMessage", s.form(s.postMessage))
	mux.HandleFunc("POST /api/chat.update", s.form(s.update))
	mux.HandleFunc("POST /api/chat.postEphemeral", s.form(s.postEphemeral))
	mux.HandleFunc("POST /api/conversations.open", s.form(s.conversationsOpen))
	mux.HandleFunc("POST /api/conversations.info", s.form(s.conversationsInfo))
	mux.HandleFunc("POST /api/users.info", s.form(s.usersInfo))
	mux.HandleFunc("POST /api/views.open", s.viewsOpen)
	mux.HandleFunc("POST /api/apps.connections.open", s.connectionsOpen)
	mux.HandleFunc("GET /link/", s.link)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.count(strings.TrimPrefix(r.URL.Path, "/api/"))
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// APIURL is the Web API's base URL, with the trailing slash slack-go needs: what SLACK_API_URL
// should be set to.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// Close stops the fake, dropping the WebSocket and any hanging request.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	for _, c := range s.open {
		c.c.Close()
	}
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// ---- failure injection (chat.postMessage)

// SetToken makes the fake accept the bot token token from now on and answer invalid_auth to
// the one before, as Slack does once a token is revoked or rotated.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

// Fail makes the next n chat.postMessage calls answer status (500, 503 …) without posting.
func (s *Server) Fail(n, status int) { s.faults.Add(fakeapi.Fault{N: n, Status: status}) }

// RateLimit makes the next n chat.postMessage calls answer 429 with Retry-After (whole seconds,
// at least 1), as Slack does.
func (s *Server) RateLimit(n int, retryAfter time.Duration) {
	s.faults.Add(fakeapi.Fault{N: n, Status: http.StatusTooManyRequests, RetryAfter: max(retryAfter, time.Second)})
}

// Error makes the next n chat.postMessage calls answer 200 {"ok":false,"error":code}, e.g.
// channel_not_found.
func (s *Server) Error(n int, code string) { s.faults.Add(fakeapi.Fault{N: n, Code: code}) }

// Hang makes the next n chat.postMessage calls wait d before they are handled as usual, as when
// Slack is slow: a caller that gave up meanwhile does not see the answer, but the message is
// posted all the same.
func (s *Server) Hang(n int, d time.Duration) { s.faults.Add(fakeapi.Fault{N: n, Hang: d}) }

// Pass lets the next n chat.postMessage calls through untouched, so that a fault added after it
// hits a later call.
func (s *Server) Pass(n int) { s.faults.Add(fakeapi.Fault{N: n}) }

// Heal drops every fault not used yet.
func (s *Server) Heal() {
	s.faults.Heal()
}

// ---- what was recorded

// OnPost registers f to be called with each post the fake accepts, after it is recorded (f
// must not call back into the fake's waiting methods).
func (s *Server) OnPost(f func(Post)) {
	s.mu.Lock()
	s.onPost = f
	s.mu.Unlock()
}

// Posts returns the messages posted so far (not ephemeral ones), in order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// PostsIn returns the messages posted into channel, in order.
func (s *Server) PostsIn(channel string) []Post {
	var out []Post
	for _, p := range s.Posts() {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// Ephemerals returns the ephemeral messages posted so far.
func (s *Server) Ephemerals() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.ephems...)
}

// Views returns the modals opened so far.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// Opened returns the users whose direct message channel was opened (conversations.open).
func (s *Server) Opened() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.opened...)
}

// Rejected returns why posts were refused as Slack would refuse them (invalid_blocks …).
func (s *Server) Rejected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rejected...)
}

// Calls returns how many times a Web API method was called, e.g. "chat.postMessage".
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Wait waits until at least n messages were posted and returns them all.
func (s *Server) Wait(ctx context.Context, n int) ([]Post, error) {
	return s.WaitFor(ctx, func(posts []Post) bool { return len(posts) >= n })
}

// WaitFor waits until cond, called with the posts so far after each change to what the fake
// recorded, returns true, and returns those posts.
func (s *Server) WaitFor(ctx context.Context, cond func(posts []Post) bool) ([]Post, error) {
	var posts []Post
	err := s.WaitUntil(ctx, func() bool {
		posts = s.Posts()
		return cond(posts)
	})
	if err != nil {
		return posts, fmt.Errorf("slacktest: %d posts, still waiting: %w", len(posts), err)
	}
	return posts, nil
}

// WaitUntil calls cond after each change to what the fake recorded (posts, views, acks,
// connections, calls) until it returns true or ctx is done. cond may call the fake's methods.
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	return s.changes.WaitUntil(ctx, cond)
}

func (s *Server) count(method string) {
	s.mu.Lock()
	s.calls[method]++
	s.changes.Changed()
	s.mu.Unlock()
}

// nextTS hands out a message timestamp, unique in the fake.
func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", s.base+s.seq/1_000_000, s.seq%1_000_000)
}

// ---- Web API

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func slackError(w http.ResponseWriter, code string, details ...string) {
	v := map[string]any{"ok": false, "error": code}
	if len(details) > 0 {
		v["errors"] = details
	}
	writeJSON(w, v)
}

// form checks a form-encoded call's token and hands its form on.
func (s *Server) form(h func(w http.ResponseWriter, r *http.Request, f url.Values)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		method := strings.TrimPrefix(r.URL.Path, "/api/")
		s.count(method)
		if err := r.ParseForm(); err != nil {
			slackError(w, "invalid_form_data")
			return
		}
		tok := r.PostForm.Get("token")
		if tok == "" {
			tok = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		if tok == "" {
			slackError(w, "not_authed")
			return
		}
		s.mu.Lock()
		want := s.token
		s.mu.Unlock()
		if tok != want {
			slackError(w, "invalid_auth")
			return
		}
		h(w, r, r.PostForm)
	}
}

func (s *Server) authTest(w http.ResponseWriter, _ *http.Request, _ url.Values) {
	writeJSON(w, map[string]any{"ok": true, "url": "https://helpdesk-fake.slack.com/", "team": "Helpdesk",
		"user": "helpdesk", "team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, f url.Values) {
	if fl, ok := s.faults.Take(); ok {
		if fl.Hang > 0 {
			t := time.NewTimer(fl.Hang)
			select {
			case <-t.C: // a caller that gave up meanwhile does not see the answer, but the post is made, as on Slack
			case <-s.done:
				t.Stop()
				return
			}
		}
		switch {
		case fl.Status == http.StatusTooManyRequests:
			fl.SetRetryAfter(w.Header())
			w.WriteHeader(fl.Status)
			return
		case fl.Status != 0:
			http.Error(w, http.StatusText(fl.Status), fl.Status)
			return
		case fl.Code != "":
			slackError(w, fl.Code)
			return
		}
	}
	p, problems := readPost(f, s.SkipBlockCheck)
	if p.Channel == "" {
		slackError(w, "channel_not_found")
		return
	}
	if len(problems) > 0 {
		s.reject(w, problems)
		return
	}
	s.mu.Lock()
	p.TS, p.At = s.nextTS(), time.Now()
	if !s.Forget {
		s.posts = append(s.posts, p)
	}
	s.changes.Changed()
	hook := s.onPost
	s.mu.Unlock()
	if hook != nil {
		hook(p)
	}
	writeJSON(w, map[string]any{"ok": true, "channel": p.Channel, "ts": p.TS,
		"message": map[string]any{"type": "message", "user": BotUserID, "bot_id": BotID, "text": p.Text, "ts": p.TS}})
}

// reject records a message Slack would refuse and answers as Slack does: no_text for a message
// without text, invalid_blocks for the rest.
func (s *Server) reject(w http.ResponseWriter, problems []string) {
	s.mu.Lock()
	s.rejected = append(s.rejected, problems...)
	s.changes.Changed()
	s.mu.Unlock()
	code := "invalid_blocks"
	if problems[0] == "no_text" {
		code = "no_text"
	}
	slackError(w, code, problems...)
}

// update rewrites a posted message's text and blocks (chat.update), keeping its channel, ts
// and thread, and answers as Slack documents: ok, channel, ts, text and the message.
func (s *Server) update(w http.ResponseWriter, _ *http.Request, f url.Values) {
	p, problems := readPost(f, s.SkipBlockCheck)
	ts := f.Get("ts")
	switch {
	case p.Channel == "":
		slackError(w, "channel_not_found")
		return
	case ts == "":
		slackError(w, "message_not_found")
		return
	case len(problems) > 0:
		s.reject(w, problems)
		return
	}
	s.mu.Lock()
	if !s.Forget { // with nothing recorded, any message may be updated
		i := slices.IndexFunc(s.posts, func(q Post) bool { return q.Channel == p.Channel && q.TS == ts })
		if i < 0 {
			s.mu.Unlock()
			slackError(w, "message_not_found")
			return
		}
		q := &s.posts[i]
		q.Text, q.Blocks, q.Raw = p.Text, p.Blocks, p.Raw
		q.Edits++
	}
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": p.Channel, "ts": ts, "text": p.Text,
		"message": map[string]any{"type": "message", "user": BotUserID, "bot_id": BotID, "text": p.Text, "ts": ts}})
}

func (s *Server) postEphemeral(w http.ResponseWriter, _ *http.Request, f url.Values) {
	p, problems := readPost(f, s.SkipBlockCheck)
	p.User = f.Get("user")
	if p.Channel == "" || p.User == "" {
		slackError(w, "channel_not_found")
		return
	}
	if len(problems) > 0 {
		slackError(w, "invalid_blocks", problems...)
		return
	}
	s.mu.Lock()
	p.TS, p.At = s.nextTS(), time.Now()
	if !s.Forget {
		s.ephems = append(s.ephems, p)
	}
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "message_ts": p.TS})
}

// readPost reads a chat.post* form and checks it against Slack's documented limits.
func readPost(f url.Values, skipCheck bool) (Post, []string) {
	p := Post{Channel: f.Get("channel"), ThreadTS: f.Get("thread_ts"), Text: f.Get("text")}
	raw := f.Get("blocks")
	if raw == "" {
		if p.Text == "" {
			return p, []string{"no_text"}
		}
		return p, nil
	}
	p.Raw = json.RawMessage(raw)
	if skipCheck {
		return p, nil
	}
	if err := json.Unmarshal(p.Raw, &p.Blocks); err != nil {
		return p, []string{"blocks: " + err.Error()}
	}
	var raws []json.RawMessage
	json.Unmarshal(p.Raw, &raws)
	return p, checkBlocks(p.Blocks, raws)
}

// Block Kit limits Slack documents for messages.
const (
	maxBlocks      = 50
	maxSectionText = 3000
	maxFields      = 10
	maxFieldText   = 2000
	maxActions     = 25
	maxButtonText  = 75
	maxValue       = 2000
	maxID          = 255
	maxHeader      = 150
	maxContext     = 10
)

func checkBlocks(blocks []Block, raws []json.RawMessage) []string {
	var bad []string
	add := func(i int, format string, args ...any) {
		bad = append(bad, fmt.Sprintf("blocks[%d]: ", i)+fmt.Sprintf(format, args...))
	}
	if len(blocks) > maxBlocks {
		bad = append(bad, fmt.Sprintf("%d blocks, more than %d", len(blocks), maxBlocks))
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for i, b := range blocks {
		if b.BlockID != "" {
			if len(b.BlockID) > maxID {
				add(i, "block_id longer than %d", maxID)
			}
			if blockIDs[b.BlockID] {
				add(i, "duplicate block_id %q", b.BlockID)
			}
			blockIDs[b.BlockID] = true
		}
		switch b.Type {
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				add(i, "section without text or fields")
			}
			if b.Text != nil && (textlimit.Units(b.Text.Text) == 0 || textlimit.Units(b.Text.Text) > maxSectionText) {
				add(i, "section text of %d characters (1 to %d)", textlimit.Units(b.Text.Text), maxSectionText)
			}
			if len(b.Fields) > maxFields {
				add(i, "%d fields, more than %d", len(b.Fields), maxFields)
			}
			for _, f := range b.Fields {
				if textlimit.Units(f.Text) == 0 || textlimit.Units(f.Text) > maxFieldText {
					add(i, "field of %d characters (1 to %d)", textlimit.Units(f.Text), maxFieldText)
				}
			}
		case "actions":
			if len(b.Elements) == 0 || len(b.Elements) > maxActions {
				add(i, "%d elements (1 to %d)", len(b.Elements), maxActions)
			}
			for _, e := range b.Elements {
				if e.Type != "button" {
					continue
				}
				if n := textlimit.Units(e.Text); n == 0 || n > maxButtonText {
					add(i, "button text of %d characters (1 to %d)", n, maxButtonText)
				}
				if len(e.Value) > maxValue {
					add(i, "button value longer than %d", maxValue)
				}
				if e.ActionID == "" || len(e.ActionID) > maxID {
					add(i, "action_id of %d characters (1 to %d)", len(e.ActionID), maxID)
				}
				if actionIDs[e.ActionID] {
					add(i, "duplicate action_id %q", e.ActionID)
				}
				actionIDs[e.ActionID] = true
			}
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" || textlimit.Units(b.Text.Text) > maxHeader {
				add(i, "header must be plain_text of at most %d characters", maxHeader)
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > maxContext {
				add(i, "context of %d elements (1 to %d)", len(b.Elements), maxContext)
			}
		case "divider":
		default:
			add(i, "unsupported block type %q", b.Type)
		}
		if i < len(raws) && b.Type == "section" {
			// a section's text must say its type
			var v struct {
				Text map[string]any `json:"text"`
			}
			if json.Unmarshal(raws[i], &v) == nil && v.Text != nil && v.Text["type"] == nil {
				add(i, "text without a type")
			}
		}
	}
	return bad
}

func (s *Server) conversationsOpen(w http.ResponseWriter, _ *http.Request, f url.Values) {
	users := f.Get("users")
	if users == "" || strings.Contains(users, ",") {
		slackError(w, "invalid_arguments")
		return
	}
	s.mu.Lock()
	s.opened = append(s.opened, users)
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": DMChannel(users)}})
}

// SetPublic makes conversations.info call channel public (by default every channel but a
// direct message one is private).
func (s *Server) SetPublic(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.public == nil {
		s.public = map[string]bool{}
	}
	s.public[channel] = true
}

// conversationsInfo answers in the shape of Slack's conversations.info: a channel object with
// its kind flags (is_channel for a public channel, is_group and is_private for a private one,
// is_im for a direct message channel).
func (s *Server) conversationsInfo(w http.ResponseWriter, _ *http.Request, f url.Values) {
	id := f.Get("channel")
	if id == "" {
		slackError(w, "channel_not_found")
		return
	}
	s.mu.Lock()
	public := s.public[id]
	s.mu.Unlock()
	im := strings.HasPrefix(id, "D")
	ch := map[string]any{"id": id, "name": strings.ToLower(id), "created": s.base,
		"is_channel": public, "is_group": !public && !im, "is_im": im, "is_mpim": false,
		"is_private": !public, "is_archived": false, "is_general": false, "is_shared": false,
		"is_org_shared": false, "is_ext_shared": false, "is_member": true,
		"topic":   map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose": map[string]any{"value": "", "creator": "", "last_set": 0}}
	if im {
		ch["user"] = strings.TrimPrefix(id, "D")
		delete(ch, "name")
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch})
}

// SetUserLocale sets the locale users.info gives user ("en-US", "ja-JP"; "" for none). Users not
// set have "ja-JP".
func (s *Server) SetUserLocale(user, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locales == nil {
		s.locales = map[string]string{}
	}
	s.locales[user] = locale
}

// FailUsersInfo makes every users.info call answer {"ok":false,"error":code}, e.g. missing_scope
// (an app installed without users:read) or user_not_found; "" makes it answer again.
func (s *Server) FailUsersInfo(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usersFail = code
}

// HangUsersInfo makes every users.info call wait d before it is answered, as when Slack is slow;
// 0 answers at once again.
func (s *Server) HangUsersInfo(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usersHang = d
}

// usersInfo answers users.info in Slack's documented shape: {"ok":true,"user":{...}}, with the
// user's "locale" only when the call asks for it (include_locale=true, as Slack does), and
// user_not_found for an id that is not a user's (user ids start with U, or W in Enterprise Grid).
func (s *Server) usersInfo(w http.ResponseWriter, r *http.Request, f url.Values) {
	id := f.Get("user")
	s.mu.Lock()
	code, hang := s.usersFail, s.usersHang
	locale, set := s.locales[id]
	s.mu.Unlock()
	if hang > 0 {
		t := time.NewTimer(hang)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	switch {
	case code != "":
		slackError(w, code)
		return
	case id == "" || !strings.HasPrefix(id, "U") && !strings.HasPrefix(id, "W"):
		slackError(w, "user_not_found")
		return
	case !set:
		locale = "ja-JP"
	}
	user := map[string]any{"id": id, "team_id": TeamID, "name": strings.ToLower(id), "deleted": false,
		"real_name": "利用者", "tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400,
		"is_admin": false, "is_owner": false, "is_bot": false, "is_app_user": false, "updated": s.base,
		"profile": map[string]any{"real_name": "利用者", "display_name": "利用者", "team": TeamID}}
	if f.Get("include_locale") == "true" && locale != "" {
		user["locale"] = locale
	}
	writeJSON(w, map[string]any{"ok": true, "user": user})
}

// DMChannel is the id the fake gives the direct message channel between the bot and user.
func DMChannel(user string) string { return "D" + user }

// bearer checks a JSON call's token.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request, ok func(string) bool) bool {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || tok == "" {
		slackError(w, "not_authed")
		return false
	}
	if !ok(tok) {
		slackError(w, "invalid_auth")
		return false
	}
	return true
}

func (s *Server) viewsOpen(w http.ResponseWriter, r *http.Request) {
	s.count("views.open")
	s.mu.Lock()
	want := s.token
	s.mu.Unlock()
	if !s.bearer(w, r, func(t string) bool { return t == want }) {
		return
	}
	var req struct {
		TriggerID string          `json:"trigger_id"`
		View      json.RawMessage `json:"view"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if json.Unmarshal(body, &req) != nil || req.TriggerID == "" || len(req.View) == 0 {
		slackError(w, "invalid_arguments")
		return
	}
	v, problems := readView(req.View)
	if len(problems) > 0 {
		s.mu.Lock()
		s.rejected = append(s.rejected, problems...)
		s.changes.Changed()
		s.mu.Unlock()
		slackError(w, "invalid_arguments", problems...)
		return
	}
	s.mu.Lock()
	s.seq++
	v.ID, v.TriggerID = "V"+strconv.FormatInt(s.seq, 36), req.TriggerID
	s.views = append(s.views, v)
	s.changes.Changed()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": v.ID, "type": "modal",
		"callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata}})
}

// readView reads a modal and checks it against Slack's documented limits.
func readView(raw json.RawMessage) (View, []string) {
	var m struct {
		Type            string      `json:"type"`
		Title           *TextObject `json:"title"`
		Submit          *TextObject `json:"submit"`
		CallbackID      string      `json:"callback_id"`
		PrivateMetadata string      `json:"private_metadata"`
		Blocks          []struct {
			Type     string      `json:"type"`
			BlockID  string      `json:"block_id"`
			Label    *TextObject `json:"label"`
			Optional bool        `json:"optional"`
			Element  struct {
				Type      string `json:"type"`
				ActionID  string `json:"action_id"`
				MaxLength int    `json:"max_length"`
				Options   []struct {
					Text  TextObject `json:"text"`
					Value string     `json:"value"`
				} `json:"options"`
				InitialOption *struct {
					Value string `json:"value"`
				} `json:"initial_option"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return View{}, []string{"view: " + err.Error()}
	}
	v := View{CallbackID: m.CallbackID, PrivateMetadata: m.PrivateMetadata, Raw: raw}
	var bad []string
	if m.Type != "modal" {
		bad = append(bad, "view type must be modal")
	}
	if m.Title == nil || textlimit.Units(m.Title.Text) == 0 || textlimit.Units(m.Title.Text) > 24 {
		bad = append(bad, "title must be 1 to 24 characters")
	} else {
		v.Title = m.Title.Text
	}
	if m.Submit != nil {
		if textlimit.Units(m.Submit.Text) > 24 {
			bad = append(bad, "submit longer than 24 characters")
		}
		v.Submit = m.Submit.Text
	}
	if len(m.PrivateMetadata) > 3000 {
		bad = append(bad, "private_metadata longer than 3000")
	}
	if len(m.Blocks) > 100 {
		bad = append(bad, "more than 100 blocks")
	}
	for _, b := range m.Blocks {
		if b.Type != "input" {
			continue
		}
		in := Input{BlockID: b.BlockID, ActionID: b.Element.ActionID, Type: b.Element.Type, Optional: b.Optional,
			MaxLength: b.Element.MaxLength}
		if b.Label != nil {
			in.Label = b.Label.Text
		}
		if in.Label == "" || textlimit.Units(in.Label) > 2000 {
			bad = append(bad, "input "+b.BlockID+": label must be 1 to 2000 characters")
		}
		if len(b.Element.Options) > 100 {
			bad = append(bad, "input "+b.BlockID+": more than 100 options")
		}
		for _, o := range b.Element.Options {
			if textlimit.Units(o.Text.Text) == 0 || textlimit.Units(o.Text.Text) > 75 || len(o.Value) > 150 {
				bad = append(bad, "input "+b.BlockID+": option text 1 to 75 characters, value at most 150")
			}
			in.Options = append(in.Options, Option{Value: o.Value, Text: o.Text.Text})
		}
		if b.Element.InitialOption != nil {
			in.InitialOption = b.Element.InitialOption.Value
		}
		v.Inputs = append(v.Inputs, in)
	}
	return v, bad
}
