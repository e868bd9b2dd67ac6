package slacktest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// dialSocket opens a Socket Mode connection as an app does: apps.connections.open, then the
// WebSocket it points to.
func dialSocket(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"apps.connections.open", nil)
	req.Header.Set("Authorization", "Bearer xapp-1-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var open struct {
		OK  bool   `json:"ok"`
		URL string `json:"url"`
	}
	if err := json.NewDecoder(res.Body).Decode(&open); err != nil || !open.OK {
		t.Fatalf("apps.connections.open: %v %+v", err, open)
	}
	c, _, err := websocket.DefaultDialer.Dial(open.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readFrame reads the next text frame of c as a map.
func readFrame(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(msg, &f); err != nil {
		t.Fatalf("%s: %v", msg, err)
	}
	return f
}

// TestFakeSocketConnections: up to ten connections open at once, an eleventh told
// too_many_websockets and closed, envelopes round-robin, a redelivery on another connection,
// Disconnect dropping them all.
func TestFakeSocketConnections(t *testing.T) {
	s := New("xoxb-test")
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var conns []*websocket.Conn
	for i := range MaxConnections {
		c := dialSocket(t, s)
		if f := readFrame(t, c); f["type"] != "hello" || f["num_connections"] != float64(i+1) {
			t.Fatalf("connection %d: first frame %v", i+1, f)
		}
		conns = append(conns, c)
	}
	extra := dialSocket(t, s)
	if f := readFrame(t, extra); f["type"] != "disconnect" || f["reason"] != "too_many_websockets" {
		t.Errorf("eleventh connection: %v, want disconnect too_many_websockets", f)
	}
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := extra.ReadMessage(); err == nil {
		t.Error("the eleventh connection stayed open")
	}
	if n, open := s.Connections(), len(s.OpenConnections()); n != MaxConnections || open != MaxConnections {
		t.Errorf("accepted %d, open %d; want %d", n, open, MaxConnections)
	}

	// one envelope each, round-robin
	got := map[string]int{}
	for range MaxConnections {
		s.Push(IM("", "U1", "x"))
	}
	for i, c := range conns {
		f := readFrame(t, c)
		got[f["envelope_id"].(string)] = i + 1
	}
	if len(got) != MaxConnections {
		t.Errorf("envelopes by connection %v, want one on each", got)
	}
	for c, n := range s.Delivered() {
		if n != 1 {
			t.Errorf("connection %d: %d envelopes, want 1", c, n)
		}
	}

	// a redelivery goes to another connection, with the same id and retry_attempt 1
	id, err := s.PushTo(3, IM("", "U2", "y"))
	if err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, conns[2]); f["envelope_id"] != id || f["retry_attempt"] != float64(0) {
		t.Fatalf("PushTo(3): %v", f)
	}
	conn, err := s.Redeliver(id)
	if err != nil || conn == 3 || conn < 1 {
		t.Fatalf("Redeliver went to connection %d (%v), want another than 3", conn, err)
	}
	if f := readFrame(t, conns[conn-1]); f["envelope_id"] != id || f["retry_attempt"] != float64(1) || f["retry_reason"] != "timeout" {
		t.Errorf("redelivery: %v", f)
	}
	if err := conns[conn-1].WriteJSON(map[string]string{"envelope_id": id}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	if e := s.Envelopes()[MaxConnections]; e.ID != id || e.Conn != conn || e.Attempt != 1 || !e.Acked {
		t.Errorf("envelope %+v, want %s on %d, attempt 1, acked", e, id, conn)
	}

	// Disconnect drops every connection; an envelope then waits for the next one
	s.Disconnect()
	if s.Connected() {
		t.Error("still connected after Disconnect")
	}
	waiting := s.Push(IM("", "U3", "z"))
	c := dialSocket(t, s)
	readFrame(t, c) // hello
	if f := readFrame(t, c); f["envelope_id"] != waiting {
		t.Errorf("after reconnecting: %v, want %s", f, waiting)
	}
}
