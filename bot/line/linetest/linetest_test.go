package linetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
)

// call posts a JSON body to the fake as the SDK would and returns the status and LINE's message.
func call(t *testing.T, s *linetest.Server, token, path, retryKey, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if retryKey != "" {
		req.Header.Set("X-Line-Retry-Key", retryKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e struct{ Message string }
	json.Unmarshal(b, &e)
	return res.StatusCode, e.Message
}

func texts(n int) string {
	var ms []string
	for i := range n {
		ms = append(ms, fmt.Sprintf(`{"type":"text","text":"m%d"}`, i))
	}
	return "[" + strings.Join(ms, ",") + "]"
}

func TestServerFollowsLINERules(t *testing.T) {
	t.Parallel()
	s := linetest.New("tok")
	t.Cleanup(s.Close)
	user := linetest.UserID(1)
	token := linetest.IssueReplyToken(user, time.Now())
	stale := linetest.IssueReplyToken(user, time.Now().Add(-2*time.Minute))
	key := "123e4567-e89b-12d3-a456-426614174000"
	quick := `[{"type":"text","text":"x","quickReply":{"items":[` +
		strings.TrimSuffix(strings.Repeat(`{"type":"action","action":{"type":"postback","label":"l","data":"d"}},`, 14), ",") + `]}}]`
	tests := []struct {
		name, auth, path, key, body string
		want                        int
	}{
		{"bad_auth", "nope", "/v2/bot/message/push", "", `{"to":"` + user + `","messages":` + texts(1) + `}`, 401},
		{"not_json", "tok", "/v2/bot/message/push", "", `{"to":`, 400},
		{"six_messages", "tok", "/v2/bot/message/push", "", `{"to":"` + user + `","messages":` + texts(6) + `}`, 400},
		{"fourteen_quick_replies", "tok", "/v2/bot/message/push", "", `{"to":"` + user + `","messages":` + quick + `}`, 400},
		{"bad_retry_key", "tok", "/v2/bot/message/push", "not-a-uuid", `{"to":"` + user + `","messages":` + texts(1) + `}`, 400},
		{"reply", "tok", "/v2/bot/message/reply", "", `{"replyToken":"` + token + `","messages":` + texts(2) + `}`, 200},
		{"reply_token_again", "tok", "/v2/bot/message/reply", "", `{"replyToken":"` + token + `","messages":` + texts(1) + `}`, 400},
		{"stale_reply_token", "tok", "/v2/bot/message/reply", "", `{"replyToken":"` + stale + `","messages":` + texts(1) + `}`, 400},
		{"push", "tok", "/v2/bot/message/push", key, `{"to":"` + user + `","messages":` + texts(1) + `}`, 200},
		{"push_same_key", "tok", "/v2/bot/message/push", key, `{"to":"` + user + `","messages":` + texts(1) + `}`, 409},
	}
	for _, tt := range tests { // in order: later rows depend on earlier ones
		if got, msg := call(t, s, tt.auth, tt.path, tt.key, tt.body); got != tt.want {
			t.Errorf("%s: status %d (%s), want %d", tt.name, got, msg, tt.want)
		}
	}
	if got := s.MessagesTo(user); len(got) != 3 || got[0].API != "reply" || got[2].API != "push" {
		t.Errorf("user got %+v, want the reply's 2 messages and one push", got)
	}
	if st := s.Stats(); st.Replies != 1 || st.Pushes != 1 || st.Conflicts != 1 || st.InvalidTokens != 2 {
		t.Errorf("stats %+v, want 1 reply, 1 push, 1 conflict, 2 invalid tokens", st)
	}
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	s := linetest.New("tok")
	t.Cleanup(s.Close)
	push := `{"to":"` + linetest.UserID(2) + `","messages":` + texts(1) + `}`
	s.Pass(1)
	s.Fail(1, 503)
	s.RateLimit(1, 1500*time.Millisecond)
	for i, want := range []int{200, 503, 429, 200} {
		if got, _ := call(t, s, "tok", "/v2/bot/message/push", "", push); got != want {
			t.Errorf("request %d: status %d, want %d", i, got, want)
		}
	}
	s.Hang(1, 300*time.Millisecond)
	start := time.Now()
	call(t, s, "tok", "/v2/bot/message/push", "", push)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("a hung request answered after %v, want 300 ms", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := s.Wait(ctx, 3); err != nil {
		t.Errorf("Wait: %v", err)
	}
}

func TestWebhookBodies(t *testing.T) {
	t.Parallel()
	ev := linetest.Text(linetest.UserID(1), "こんにちは")
	body := linetest.Body(ev, ev.Redelivered())
	var cb struct {
		Destination string
		Events      []map[string]any
	}
	if err := json.Unmarshal(body, &cb); err != nil || len(cb.Events) != 2 {
		t.Fatalf("Body = %s (%v), want two events", body, err)
	}
	first, second := cb.Events[0], cb.Events[1]
	if first["webhookEventId"] != second["webhookEventId"] || len(first["webhookEventId"].(string)) != 26 {
		t.Errorf("a redelivery has id %v, want the original's ULID %v", second["webhookEventId"], first["webhookEventId"])
	}
	if first["deliveryContext"].(map[string]any)["isRedelivery"] != false || second["deliveryContext"].(map[string]any)["isRedelivery"] != true {
		t.Errorf("deliveryContext = %v then %v, want isRedelivery false then true", first["deliveryContext"], second["deliveryContext"])
	}
	if sig := linetest.Sign("secret", body); sig == linetest.Sign("other", body) || len(sig) != 44 {
		t.Errorf("Sign = %q, want a base64 HMAC-SHA256 that depends on the secret", sig)
	}
}

// The rich menu endpoints answer as LINE documents them: sizes by LINE's rule, the list under
// "richmenus" with each menu's richMenuId, size and areas, the default menu's id or 404, and
// {} for a cancelled default and a deleted menu.
func TestRichMenuEndpoints(t *testing.T) {
	t.Parallel()
	s := linetest.New("tok")
	t.Cleanup(s.Close)
	menu := func(w, h int) string {
		return fmt.Sprintf(`{"size":{"width":%d,"height":%d},"selected":true,"name":"n","chatBarText":"メニュー",
			"areas":[{"bounds":{"x":0,"y":0,"width":%d,"height":%d},"action":{"type":"postback","data":"m:x","label":"x"}}]}`, w, h, w, h)
	}
	for _, size := range [][2]int{{799, 300}, {2501, 843}, {1000, 249}, {1200, 828}} {
		if code, _ := call(t, s, "tok", "/v2/bot/richmenu", "", menu(size[0], size[1])); code != http.StatusBadRequest {
			t.Errorf("a %d×%d menu answered %d, want 400", size[0], size[1], code)
		}
	}
	if code, msg := call(t, s, "tok", "/v2/bot/richmenu", "", menu(800, 250)); code != http.StatusOK {
		t.Fatalf("an 800×250 menu answered %d %s", code, msg)
	}
	do := func(method, path string) (int, string) {
		req, _ := http.NewRequest(method, s.URL+path, nil)
		req.Header.Set("Authorization", "Bearer tok")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(b))
	}
	code, body := do(http.MethodGet, "/v2/bot/richmenu/list")
	var list struct {
		Richmenus []struct {
			RichMenuID string `json:"richMenuId"`
			Size       struct{ Width, Height int }
			Areas      []json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(body), &list); code != http.StatusOK || err != nil || len(list.Richmenus) != 1 ||
		list.Richmenus[0].RichMenuID == "" || list.Richmenus[0].Size.Width != 800 || len(list.Richmenus[0].Areas) != 1 {
		t.Fatalf("list answered %d %s", code, body)
	}
	if code, _ := do(http.MethodGet, "/v2/bot/user/all/richmenu"); code != http.StatusNotFound {
		t.Errorf("the default menu, with none set, answered %d, want 404", code)
	}
	if code, body := do(http.MethodDelete, "/v2/bot/user/all/richmenu"); code != http.StatusOK || body != "{}" {
		t.Errorf("cancel default answered %d %s", code, body)
	}
	if code, body := do(http.MethodDelete, "/v2/bot/richmenu/"+list.Richmenus[0].RichMenuID); code != http.StatusOK || body != "{}" {
		t.Errorf("delete answered %d %s", code, body)
	}
	if code, body := do(http.MethodGet, "/v2/bot/richmenu/list"); code != http.StatusOK || body != `{"richmenus":[]}` {
		t.Errorf("the empty list answered %d %s", code, body)
	}
}
