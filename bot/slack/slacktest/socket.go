package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// pingInterval is how often the fake pings a connection; slack-go reconnects when no ping came
// for 30 s.
const pingInterval = 2 * time.Second

// wsConn is one Socket Mode connection. Its writer goroutine is the only one that writes
// frames; Close may come from anywhere.
type wsConn struct {
	c   *websocket.Conn
	out chan []byte
}

const helloFrame = `{"type":"hello","num_connections":1,"debug_info":{"host":"slacktest","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"` + AppID + `"}}`

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
// back are acks.
func (s *Server) link(w http.ResponseWriter, r *http.Request) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	conn := &wsConn{c: c, out: make(chan []byte, 1024)}
	conn.out <- []byte(helloFrame)
	s.mu.Lock()
	if s.current != nil {
		s.current.c.Close() // Slack allows several; the fake keeps it simple: the newest wins
	}
	s.conns++
	s.current = conn
	for _, f := range s.pending {
		conn.out <- f
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
		if s.current == conn {
			s.current = nil
		}
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

// Push sends b to the bot over Socket Mode, wrapped in an envelope of b's kind as Slack does, on
// the open connection or, when there is none, on the next one. It returns the envelope id.
func (s *Server) Push(b Body) string { return s.PushRetry(b, 0) }

// PushRetry is Push with Slack's retry_attempt set, as on a redelivery of an envelope that was
// not acknowledged.
func (s *Server) PushRetry(b Body, attempt int) string {
	s.mu.Lock()
	s.envSeq++
	id := fmt.Sprintf("env-%d", s.envSeq)
	s.mu.Unlock()
	reason := ""
	if attempt > 0 {
		reason = "timeout"
	}
	frame, _ := json.Marshal(map[string]any{"envelope_id": id, "type": b.Kind, "payload": b.Payload(),
		"accepts_response_payload": b.Kind != KindEvents, "retry_attempt": attempt, "retry_reason": reason})
	s.PushRaw(frame)
	return id
}

// PushRaw sends one frame as it is: to test what the bot does with frames it cannot read.
func (s *Server) PushRaw(frame []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		s.pending = append(s.pending, frame)
		return
	}
	s.current.out <- frame
}

// Disconnect drops the open Socket Mode connection without a close frame, as a network failure
// does; the bot must reconnect (apps.connections.open again). Envelopes pushed until then wait
// for the new connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current != nil {
		s.current.c.Close()
		s.current = nil
		s.changes.Changed()
	}
}

// RequestReconnect sends Slack's "disconnect" message (refresh_requested), after which the bot
// opens a new connection.
func (s *Server) RequestReconnect() {
	s.PushRaw([]byte(`{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"slacktest"}}`))
}

// Connections returns how many Socket Mode connections were accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Connected reports whether a Socket Mode connection is open.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current != nil
}

// WaitConnections waits until at least n Socket Mode connections were accepted and one is open.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.WaitUntil(ctx, func() bool { return s.Connections() >= n && s.Connected() })
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
