package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
)

// TestBackupRestoreServe is the restore procedure of the README, end to end: a running bot is
// backed up through its admin API, its database is lost, the backup is copied into place, the
// bot is started on it, and the user's open case goes on where it was: the user's next message
// reaches the same staff thread, and staff's answer there reaches the user.
func TestBackupRestoreServe(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(slackTestToken)
	defer fake.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "helpdesk.db")
	vars := slackVars(fake, db, "HELPDESK_STAFF_CHANNEL", slackStaff, "HELPDESK_ADMIN_TOKEN", adminTestToken)
	srv := startServe(t, vars)
	if code := srv.send(t, slacktest.IM("Ev2001", "U0R1", "担当者と話したい")); code != http.StatusOK {
		t.Fatalf("message.im answered %d", code)
	}
	root := waitSlackPosts(t, fake, slackStaff, "", 1)[0]
	waitSlackPosts(t, fake, "DU0R1", "", 1)
	if code := srv.send(t, slacktest.ThreadReply("Ev2002", slackStaff, "U0S1", "担当の佐藤です。", root.TS)); code != http.StatusOK {
		t.Fatalf("staff reply answered %d", code)
	}
	waitSlackPosts(t, fake, "DU0R1", "", 2)
	waitRootEdits(t, fake, root, 1)
	// A backup holds what the outbox held: taken with messages in flight, they would be sent
	// again after the restore (at least once, as after a crash). This test takes it at rest.
	waitOutboxEmpty(t, srv.url, 10*time.Second)

	backup := filepath.Join(t.TempDir(), "backup.db")
	if res := runCmd(t, map[string]string{"HELPDESK_ADMIN_TOKEN": adminTestToken}, "", "backup", "--server", srv.url, backup); res.code != 0 {
		t.Fatalf("backup --server: exit %d: %s", res.code, res.stderr)
	}
	srv.stopCleanly(t)

	// The disk is lost; the backup is copied into the database's place.
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	srv = startServe(t, vars)
	if code := srv.send(t, slacktest.IM("Ev2003", "U0R1", "パソコンの電源は切りました")); code != http.StatusOK {
		t.Fatalf("message.im after restore answered %d", code)
	}
	waitSlackPosts(t, fake, "DU0R1", "", 3) // the user is told it reached the person
	thread := waitSlackPosts(t, fake, slackStaff, root.TS, 1)
	if last := thread[len(thread)-1]; !last.Contains("パソコンの電源は切りました") {
		t.Errorf("after restore the user's message is not in the case's thread: %s", describeSlackPosts(thread))
	}
	if code := srv.send(t, slacktest.ThreadReply("Ev2004", slackStaff, "U0S1", "ありがとうございます。次にルーターを確認します。", root.TS)); code != http.StatusOK {
		t.Fatalf("staff reply after restore answered %d", code)
	}
	dm := waitSlackPosts(t, fake, "DU0R1", "", 4)
	if !strings.Contains(dm[len(dm)-1].AllText(), "ルーターを確認します") {
		t.Errorf("after restore staff's answer did not reach the user: %s", describeSlackPosts(dm))
	}
	srv.stopCleanly(t)
}

// TestCompactCommand: compact refuses a file a bot holds, naming it, and writes a smaller copy
// the bot then serves from.
func TestCompactCommand(t *testing.T) {
	t.Parallel()
	db := scriptedDatabase(t)
	for _, u := range []string{"u09a", "u09b", "u09c", "u16a", "u16b"} {
		if res := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "forget", u); res.code != 0 {
			t.Fatalf("forget: %s", res.stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "compact.db")
	srv := startServe(t, map[string]string{"HELPDESK_DB": db})
	res := runCmd(t, nil, "", "compact", "--db", db, out)
	if res.code != exitFail || !strings.Contains(res.stderr, db) || !strings.Contains(res.stderr, "stop it first") {
		t.Errorf("compact of a file in use: exit %d, %q", res.code, res.stderr)
	}
	srv.stop()
	res = runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "compact", out)
	if res.code != exitOK || !strings.Contains(res.stdout, "wrote "+out) || !strings.Contains(res.stdout, "mv "+out+" "+db) {
		t.Fatalf("compact: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	a := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "stats", "--json")
	b := runCmd(t, map[string]string{"HELPDESK_DB": out}, "", "stats", "--json")
	strip := regexp.MustCompile(`"(until|loaded)": "[^"]*"`)
	if a.code != 0 || b.code != 0 || strip.ReplaceAllString(a.stdout, "") != strip.ReplaceAllString(b.stdout, "") {
		t.Errorf("the compacted copy's figures differ:\n%s\n%s%s", a.stdout, b.stdout, b.stderr)
	}
	if res := runCmd(t, nil, "", "compact", "--db", db, out); res.code != exitFail || !strings.Contains(res.stderr, "already exists") {
		t.Errorf("compact onto an existing file: exit %d %q", res.code, res.stderr)
	}
	if res := runCmd(t, nil, "", "compact"); res.code != exitUsage {
		t.Errorf("compact without OUT: exit %d", res.code)
	}
}
