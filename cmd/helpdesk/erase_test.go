package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// TestServeForgetThenBackup: after POST /admin/forget, neither the database file nor the copy
// GET /admin/backup makes afterwards holds any of the words the person wrote (synthetic
// markers), while another person's are still there.
func TestServeForgetThenBackup(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	db := filepath.Join(t.TempDir(), "helpdesk.db")
	srv := startServe(t, slackVars(fake, db, "HELPDESK_STAFF_CHANNEL", slackStaff, "HELPDESK_ADMIN_TOKEN", adminTestToken,
		"HELPDESK_USER_RATE", "off"))
	words := map[string][]string{}
	for _, user := range []string{"U0GONE", "U0KEPT"} {
		for i, text := range []string{"ほげほげ %s", "担当者と話したい %s", "画面に英語の脅迫文が出ています %s"} {
			marker := fmt.Sprintf("QQ%sZ%d", user, i)
			words[user] = append(words[user], marker)
			if code := srv.send(t, slacktest.IM(fmt.Sprint("Ev", user, i), user, fmt.Sprintf(text, marker))); code != http.StatusOK {
				t.Fatalf("message.im answered %d", code)
			}
			waitSlackPosts(t, fake, "D"+user, "", i+1)
		}
	}
	scan := func(b []byte, user string) []string {
		var out []string
		for _, m := range words[user] {
			if strings.Contains(string(b), m) {
				out = append(out, m)
			}
		}
		return out
	}
	if code, body := adminRequest(t, "POST", srv.url+"/admin/forget?user=U0GONE", adminTestToken); code != http.StatusOK {
		t.Fatalf("forget: %d %s", code, body)
	}
	code, backup := adminRequest(t, "GET", srv.url+"/admin/backup", adminTestToken)
	if code != http.StatusOK {
		t.Fatalf("backup: %d", code)
	}
	file, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if got := scan(file, "U0GONE"); len(got) > 0 {
		t.Errorf("after forget the database file holds %v", got)
	}
	if got := scan([]byte(backup), "U0GONE"); len(got) > 0 {
		t.Errorf("a backup made after forget holds %v", got)
	}
	if got := scan([]byte(backup), "U0KEPT"); len(got) == 0 {
		t.Errorf("the backup holds none of another person's words %v: the scan finds nothing", words["U0KEPT"])
	}
	srv.stopCleanly(t, words["U0GONE"]...)
}
