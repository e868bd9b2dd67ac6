package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// pingInterval is how often the fake pings a connection; slack-go reconnects when no ping came
// for 30 s.
const pingInterval = 2 * time.Second

// MaxConnections is how many Socket Mode connections Slack keeps open at once for one app. A
// connection beyond them is told "disconnect" with reason too_many_websockets and closed.
const MaxConnections = 10

// wsConn is one Socket Mode connection. Its writer goroutine is the only one that writes
// frames; Close may come from anywhere.
type wsConn struct {
	id   int // 1 for the first connection accepted, 2 for the next, and so on
	c    *websocket.Conn
	out  chan []byte
	told bool // it was sent a disconnect: no more envelopes go to it
}

// pendingFrame is a frame pushed while no connection was open; id names its envelope, if any.
type pendingFrame struct {
	id    string
	frame []byte
}

// envelope is what the fake keeps of each envelope it pushed, to redeliver it.
type envelope struct {
	body    Body
	attempt int
	conn    int // the connection it was last sent on; 0 while pending
}

// Envelope is one envelope pushed, as last sent.
type Envelope struct {
	ID      string
	Conn    int // the connection (as numbered by Connections) it was last sent on; 0 while none was open
	Attempt int // its retry_attempt
	Acked   bool
}

func helloFrame(n int) []byte {
	return []byte(`{"type":"hello","num_connections":` + strconv.Itoa(n) + `,"debug_info":{"host":"slacktest","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"` + AppID + `"}}`)
}

const tooManyFrame = `{"type":"disconnect","reason":"too_many_websockets","debug_info":{"host":"slacktest"}}`

// RefuseAppTokens makes apps.connections.open answer invalid_auth to every app-level token
// (refuse true), as Slack does once the token is revoked, or accept them again (false).
func (s *Server) RefuseAppTokens(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appRefused = refuse
}

func (s *Server) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	s.count("apps.connections.open")
	s.mu.Lock()
	refused := s.appRefused
	s.mu.Unlock()
	if !s.bearer(w, r, func(t string) bool { return strings.HasPrefix(t, "xapp-") && !refused }) {
		return
	}
	s.mu.Lock()
	s.seq++
	ticket := strconv.FormatInt(s.seq, 36)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/link/?ticket=" + ticket})
}

// link is the Socket Mode WebSocket: hello first, then envelopes and pings; what the bot sends
// back are acks. Up to MaxConnections are open at once; envelopes go to them in turn.
func (s *Server) link(w http.ResponseWriter, r *http.Request) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	s.mu.Lock()
	if len(s.open) >= MaxConnections {
		s.mu.Unlock()
		c.WriteMessage(websocket.TextMessage, []byte(tooManyFrame))
		c.Close()
		return
	}
	s.conns++
	conn := &wsConn{id: s.conns, c: c, out: make(chan []byte, 1024)}
	s.open = append(s.open, conn)
	conn.out <- helloFrame(len(s.open))
	for _, f := range s.pending {
		conn.out <- f.frame
		if e := s.envelopes[f.id]; e != nil {
			e.conn = conn.id
			s.sentTo[conn.id]++
		}
	}
	s.pending = nil
	s.changes.Changed()
	s.mu.Unlock()

	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			var a struct {
				EnvelopeID string          `json:"envelope_id"`
				Payload    json.RawMessage `json:"payload"`
			}
			if json.Unmarshal(msg, &a) != nil || a.EnvelopeID == "" {
				continue
			}
			s.mu.Lock()
			s.acks = append(s.acks, Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload, At: time.Now()})
			s.changes.Changed()
			s.mu.Unlock()
		}
	}()
	ping := time.NewTicker(pingInterval)
	defer func() {
		ping.Stop()
		c.Close()
		s.mu.Lock()
		s.open = slices.DeleteFunc(s.open, func(o *wsConn) bool { return o == conn })
		s.changes.Changed()
		s.mu.Unlock()
	}()
	// a ping right away: slack-go drops a connection that has not been pinged within its interval
	if c.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second)) != nil {
		return
	}
	for {
		select {
		case f := <-conn.out:
			if c.WriteMessage(websocket.TextMessage, f) != nil {
				return
			}
		case <-ping.C:
			if c.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second)) != nil {
				return
			}
		case <-readDone:
			return
		case <-s.done:
			return
		}
	}
}

// Push sends b to the bot over Socket Mode, wrapped in an envelope of b's kind as Slack does: on
// the next open connection in turn (round-robin) or, when none is open, on the next one to
// open. It returns the envelope id.
func (s *Server) Push(b Body) string { return s.PushRetry(b, 0) }

// PushRetry is Push with Slack's retry_attempt set, as on a redelivery of an envelope that was
// not acknowledged.
func (s *Server) PushRetry(b Body, attempt int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newEnvelope(b, attempt)
	s.send(id, s.frame(id), s.pick(0))
	return id
}

// PushTo is Push on the open connection conn (as numbered by Connections).
func (s *Server) PushTo(conn int, b Body) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.open {
		if c.id == conn {
			id := s.newEnvelope(b, 0)
			s.send(id, s.frame(id), c)
			return id, nil
		}
	}
	return "", fmt.Errorf("slacktest: no open connection %d", conn)
}

// Redeliver sends envelope id again, as Slack does with an envelope that was not acknowledged:
// the same envelope id, retry_attempt one more, retry_reason "timeout", on another open
// connection than the one it was last sent on when there is one. It returns the connection.
func (s *Server) Redeliver(id string) (conn int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.envelopes[id]
	if e == nil {
		return 0, fmt.Errorf("slacktest: no envelope %s", id)
	}
	e.attempt++
	c := s.pick(e.conn)
	s.send(id, s.frame(id), c)
	return e.conn, nil
}

// newEnvelope records an envelope of b; s.mu is held.
func (s *Server) newEnvelope(b Body, attempt int) string {
	s.envSeq++
	id := fmt.Sprintf("env-%d", s.envSeq)
	s.envelopes[id] = &envelope{body: b, attempt: attempt}
	s.envOrder = append(s.envOrder, id)
	return id
}

// frame is envelope id as Slack sends it; s.mu is held.
func (s *Server) frame(id string) []byte {
	e := s.envelopes[id]
	reason := ""
	if e.attempt > 0 {
		reason = "timeout"
	}
	frame, _ := json.Marshal(map[string]any{"envelope_id": id, "type": e.body.Kind, "payload": e.body.Payload(),
		"accepts_response_payload": e.body.Kind != KindEvents, "retry_attempt": e.attempt, "retry_reason": reason})
	return frame
}

// pick returns the next open connection in turn that was not told to disconnect, other than
// connection not when there is another, or nil when none is open; s.mu is held.
func (s *Server) pick(not int) *wsConn {
	var live []*wsConn
	for _, c := range s.open {
		if !c.told {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return nil
	}
	if len(live) > 1 {
		live = slices.DeleteFunc(live, func(c *wsConn) bool { return c.id == not })
	}
	s.rr++
	return live[s.rr%len(live)]
}

// send queues frame on c, or keeps it for the next connection when c is nil; id names its
// envelope, if any; s.mu is held.
func (s *Server) send(id string, frame []byte, c *wsConn) {
	if c == nil {
		s.pending = append(s.pending, pendingFrame{id: id, frame: frame})
		if e := s.envelopes[id]; e != nil {
			e.conn = 0
		}
		return
	}
	c.out <- frame
	if e := s.envelopes[id]; e != nil {
		e.conn = c.id
		s.sentTo[c.id]++
	}
}

// PushRaw sends one frame as it is, on the next open connection in turn: to test what the bot
// does with frames it cannot read.
func (s *Server) PushRaw(frame []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.send("", frame, s.pick(0))
}

// Disconnect drops every open Socket Mode connection without a close frame, as a network
// failure does; the bot must reconnect (apps.connections.open again). Envelopes pushed until
// then wait for the next connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.open {
		c.c.Close()
	}
	if len(s.open) > 0 {
		s.open = nil
		s.changes.Changed()
	}
}

// DropConnection drops the open connection conn (as numbered by Connections) without a close
// frame, as a network failure does; the others stay open. What was sent on it and not yet
// acknowledged is not sent again unless Redeliver is called.
func (s *Server) DropConnection(conn int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.open {
		if c.id == conn {
			c.c.Close()
			s.open = slices.Delete(s.open, i, i+1)
			s.changes.Changed()
			return nil
		}
	}
	return fmt.Errorf("slacktest: no open connection %d", conn)
}

// RequestReconnect sends Slack's "disconnect" message (refresh_requested) on every open
// connection, after which the bot opens new ones; no more envelopes go to a connection told so.
// With none open, the message waits for the next connection.
func (s *Server) RequestReconnect() {
	frame := []byte(`{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"slacktest"}}`)
	s.mu.Lock()
	defer s.mu.Unlock()
	told := false
	for _, c := range s.open {
		if !c.told {
			c.out <- frame
			c.told, told = true, true
		}
	}
	if !told {
		s.pending = append(s.pending, pendingFrame{frame: frame})
	}
}

// Connections returns how many Socket Mode connections were accepted so far; they are
// numbered 1 to Connections() in the order they were accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Connected reports whether a Socket Mode connection is open.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open) > 0
}

// OpenConnections returns the numbers of the open Socket Mode connections, oldest first.
func (s *Server) OpenConnections() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int
	for _, c := range s.open {
		ids = append(ids, c.id)
	}
	return ids
}

// WaitConnections waits until at least n Socket Mode connections were accepted and one is open.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.WaitUntil(ctx, func() bool { return s.Connections() >= n && s.Connected() })
}

// WaitOpen waits until at least n Socket Mode connections are open at once.
func (s *Server) WaitOpen(ctx context.Context, n int) error {
	return s.WaitUntil(ctx, func() bool { return len(s.OpenConnections()) >= n })
}

// Envelopes returns the envelopes pushed so far, in the order they were first pushed, each as
// last sent.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	acked := map[string]bool{}
	for _, a := range s.acks {
		acked[a.EnvelopeID] = true
	}
	out := make([]Envelope, 0, len(s.envOrder))
	for _, id := range s.envOrder {
		e := s.envelopes[id]
		out = append(out, Envelope{ID: id, Conn: e.conn, Attempt: e.attempt, Acked: acked[id]})
	}
	return out
}

// Delivered returns how many envelopes (first deliveries and redeliveries) were sent on each
// connection, by connection number.
func (s *Server) Delivered() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.sentTo)
}

// Acks returns the acknowledgements received so far, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// WaitAck waits for the acknowledgement of an envelope.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	var got Ack
	err := s.WaitUntil(ctx, func() bool {
		for _, a := range s.Acks() {
			if a.EnvelopeID == envelopeID {
				got = a
				return true
			}
		}
		return false
	})
	if err != nil {
		return got, fmt.Errorf("slacktest: no ack of %s: %w", envelopeID, err)
	}
	return got, nil
}
