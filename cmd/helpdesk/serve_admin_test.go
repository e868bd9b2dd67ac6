package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

const adminTestToken = "test-admin-token-0123456789"

func adminRequest(t *testing.T, method, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// slashCommand posts a signed /helpdesk command and returns the text shown to the user.
func slashCommand(t *testing.T, url, user, text string) string {
	t.Helper()
	req, err := slacktest.NewRequest(context.Background(), url+"/slack/commands", slackTestSecret, slacktest.Command(user, "C0GENERAL", text))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/helpdesk %s = %d %s", text, res.StatusCode, b)
	}
	return string(b)
}

// TestReloadUnderLoad reloads the knowledge three ways while DMs are answered the whole time:
// no request fails, answers change to the new knowledge at once after the swap, a broken folder
// leaves the old answers in place and reports every error, wrong or missing admin tokens get
// 401 with nothing changed, and a Slack user who is not an admin cannot reload.
func TestReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, dir)
	messages := filepath.Join(dir, "messages.yaml")
	original, _ := os.ReadFile(messages)
	const marker = "【新しいナレッジ】"
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	srv := startServe(t, slackVars(fake, filepath.Join(t.TempDir(), "h.db"),
		"HELPDESK_KNOWLEDGE", dir, "HELPDESK_ADMIN_TOKEN", adminTestToken, "HELPDESK_ADMINS", "U0ADMIN", "HELPDESK_USER_RATE", "off"))

	// Load: DMs from many users, the whole time.
	var sent, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := slacktest.NewRequest(context.Background(), srv.url+"/slack/events", slackTestSecret,
					slacktest.IM(slacktest.NewEventID(), fmt.Sprintf("U0L%02d%04d", c, i%50), "ほげほげふがふが"))
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
				} else {
					sent.Add(1)
				}
				if res != nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		}(c)
	}
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(300 * time.Millisecond)

	// Wrong and missing tokens: 401, nothing reloaded.
	os.WriteFile(messages, []byte(strings.Replace(string(original), "fallback: |\n  申し訳ありません。", "fallback: |\n  "+marker+"申し訳ありません。", 1)), 0o644)
	for _, token := range []string{"", "wrong", adminTestToken + "x"} {
		if code, _ := adminRequest(t, "POST", srv.url+"/admin/reload", token); code != http.StatusUnauthorized {
			t.Errorf("reload with token %q = %d, want 401", token, code)
		}
	}
	// A Slack user who is not an admin is refused politely.
	if got := slashCommand(t, srv.url, "U0NOBODY", "reload"); !strings.Contains(got, "管理者のみ") {
		t.Errorf("/helpdesk reload by a non-admin = %q", got)
	}
	probe := func(user string) string {
		id := slacktest.NewEventID()
		srv.send(t, slacktest.IM(id, user, "ほげほげふがふが"))
		posts := waitSlackPosts(t, fake, "D"+user, "", 1)
		return posts[len(posts)-1].Text + string(posts[len(posts)-1].Raw)
	}
	if got := probe("U0PROBE1"); strings.Contains(got, marker) {
		t.Fatal("the new knowledge answers before any reload")
	}

	// The admin API reloads: the very next answer uses the new knowledge.
	code, body := adminRequest(t, "POST", srv.url+"/admin/reload", adminTestToken)
	var res bot.ReloadResult
	json.Unmarshal([]byte(body), &res)
	if code != http.StatusOK || !res.OK || !strings.Contains(res.Changes, "~ file messages.yaml") {
		t.Fatalf("reload = %d %s", code, body)
	}
	if got := probe("U0PROBE2"); !strings.Contains(got, marker) {
		t.Errorf("the answer after the reload is still the old one: %.200s", got)
	}

	// A broken folder: every error is reported, and the working knowledge keeps answering.
	contacts, _ := os.ReadFile(filepath.Join(dir, "contacts.yaml"))
	os.WriteFile(filepath.Join(dir, "contacts.yaml"), []byte(strings.Replace(string(contacts), "phone: 03-5978-7509", "phone: 03-5978-75O9", 1)), 0o644)
	os.WriteFile(filepath.Join(dir, "alerts.yaml"), []byte("- id: [broken\n"), 0o644)
	code, body = adminRequest(t, "POST", srv.url+"/admin/reload", adminTestToken)
	res = bot.ReloadResult{}
	json.Unmarshal([]byte(body), &res)
	if code != http.StatusUnprocessableEntity || res.OK || len(res.Problems) < 2 ||
		!strings.Contains(strings.Join(res.Problems, "\n"), "contacts.yaml:") || !strings.Contains(strings.Join(res.Problems, "\n"), "alerts.yaml:") {
		t.Fatalf("broken reload = %d %s", code, body)
	}
	if got := slashCommand(t, srv.url, "U0ADMIN", "reload"); !strings.Contains(got, "alerts.yaml") || !strings.Contains(got, "これまでの知識で応答を続けています") {
		t.Errorf("/helpdesk reload by an admin on a broken folder = %q", got)
	}
	if got := probe("U0PROBE3"); !strings.Contains(got, marker) {
		t.Errorf("a failed reload changed the answers: %.200s", got)
	}
	// Fixed again, reloaded by a Slack admin.
	os.WriteFile(filepath.Join(dir, "contacts.yaml"), contacts, 0o644)
	os.WriteFile(filepath.Join(dir, "alerts.yaml"), mustRead(t, "../../seeds/alerts.yaml"), 0o644)
	os.WriteFile(messages, original, 0o644)
	if got := slashCommand(t, srv.url, "U0ADMIN", "reload"); !strings.Contains(got, "知識を読み込み直しました") || !strings.Contains(got, "~ ファイル messages.yaml") {
		t.Errorf("/helpdesk reload by an admin = %q", got)
	}
	if got := probe("U0PROBE4"); strings.Contains(got, marker) {
		t.Error("the reload by a Slack admin did not take effect")
	}
	// The figures, in Japanese, as one code block so that the columns line up in Slack.
	var stats struct{ Text string }
	json.Unmarshal([]byte(slashCommand(t, srv.url, "U0ADMIN", "stats")), &stats)
	if got := stats.Text; !strings.HasPrefix(got, "過去 7 日間\n```\nトピック") ||
		!strings.Contains(got, "「ほげほげふがふが」") || strings.Count(got, "```") != 2 {
		t.Errorf("/helpdesk stats by an admin = %q", got)
	}
	time.Sleep(200 * time.Millisecond)
	if n := failed.Load(); n != 0 || sent.Load() < 20 {
		t.Errorf("under reloads: %d requests failed, %d succeeded", n, sent.Load())
	}
	if !strings.Contains(srv.logs.String(), "admin command refused") || !strings.Contains(srv.logs.String(), "admin request refused") {
		t.Error("refused admin attempts are not logged")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMetricsEndpoint scrapes /metrics of a running server after some traffic and parses it.
func TestMetricsEndpoint(t *testing.T) {
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	srv := startServe(t, slackVars(fake, filepath.Join(t.TempDir(), "h.db")))
	srv.send(t, slacktest.IM(slacktest.NewEventID(), "U0M1", "ランサムウェアに感染したかも"))
	waitSlackPosts(t, fake, "DU0M1", "", 1)
	// the delivery is counted just after the fake received it: scrape until it shows
	var code int
	var body string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code, body = adminRequest(t, "GET", srv.url+"/metrics", ""); strings.Contains(body, `helpdesk_deliveries_total{channel="slack"`) {
			break
		}
	}
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`helpdesk_events_total{channel="slack",outcome="answer"} 1`,
		"helpdesk_reply_latency_seconds_bucket",
		"helpdesk_outbox_depth",
		"helpdesk_open_cases 0",
		`helpdesk_deliveries_total{channel="slack",result="ok"}`,
		"process_resident_memory_bytes",
		`helpdesk_build_info{version="`,
		`helpdesk_knowledge_info{hash="` + seedsHash(t) + `"} 1`,
		"helpdesk_knowledge_reload_timestamp_seconds 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := adminRequest(t, "GET", srv.url+path, ""); code != http.StatusOK {
			t.Errorf("%s = %d", path, code)
		}
	}
	if _, body := adminRequest(t, "GET", srv.url+"/readyz", ""); !strings.HasPrefix(body, "ready\nknowledge "+seedsHash(t)+" loaded ") {
		t.Errorf("/readyz = %q, want it to name the knowledge served", body)
	}
}

// seedsHash is the hash of the embedded seeds, the knowledge a server without
// HELPDESK_KNOWLEDGE serves.
func seedsHash(t *testing.T) string {
	t.Helper()
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return kb.Hash()
}

// TestServeAdminListener: with HELPDESK_ADMIN_ADDR, /admin/* and /metrics are served on that
// listener only, and the public one keeps the probes. A serve with no channel says so.
func TestServeAdminListener(t *testing.T) {
	srv := startServe(t, map[string]string{"HELPDESK_DB": filepath.Join(t.TempDir(), "h.db"),
		"HELPDESK_ADMIN_TOKEN": adminTestToken, "HELPDESK_ADMIN_ADDR": "127.0.0.1:0"})
	// serve logs its addresses just after it starts serving, so the line may follow /healthz.
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		m = regexp.MustCompile(`"admin_addr":"([^"]+)"`).FindStringSubmatch(srv.logs.String())
	}
	if m == nil {
		t.Fatalf("serve did not log its admin address:\n%s", srv.logs.String())
	}
	admin := "http://" + m[1]
	for _, tt := range []struct {
		method, url, token string
		want               int
	}{
		{"GET", srv.url + "/healthz", "", http.StatusOK},
		{"GET", srv.url + "/readyz", "", http.StatusOK},
		{"GET", srv.url + "/metrics", "", http.StatusNotFound},
		{"GET", srv.url + "/admin/stats", adminTestToken, http.StatusNotFound},
		{"POST", srv.url + "/admin/reload", adminTestToken, http.StatusNotFound},
		{"GET", admin + "/metrics", "", http.StatusOK},
		{"GET", admin + "/admin/stats", adminTestToken, http.StatusOK},
		{"GET", admin + "/admin/stats", "", http.StatusUnauthorized},
		{"POST", admin + "/line/webhook", "", http.StatusNotFound},
	} {
		if code, body := adminRequest(t, tt.method, tt.url, tt.token); code != tt.want {
			t.Errorf("%s %s = %d %.100q, want %d", tt.method, tt.url, code, body, tt.want)
		}
	}
	if !strings.Contains(srv.logs.String(), `"level":"WARN","msg":"no channel configured`) {
		t.Errorf("serve with no channel did not warn:\n%s", srv.logs.String())
	}
	srv.stopCleanly(t, adminTestToken)
}
