package dialog_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// writeAs has user say texts, each carrying a synthetic marker, through a fallback kept for the
// report, an escalation to staff and messages relayed to the case, and delivers part of the
// outbox (so that delivered entries free pages too). It returns the markers.
func writeAs(t *testing.T, te *testEngine, user string) []string {
	t.Helper()
	ctx := context.Background()
	var markers []string
	texts := []string{
		"QQ%sZ01 ほげほげふがふが",
		"ランサムウェアの件で担当者と話したい QQ%sZ02",
		"画面に英語の脅迫文が出ています QQ%sZ03",
		"社長のパソコンです QQ%sZ04",
	}
	for i, f := range texts {
		m := fmt.Sprintf("QQ%sZ%02d", user, i+1)
		markers = append(markers, m)
		_, err := te.Respond(ctx, dialog.Message{Channel: "line", UserID: user, EventID: fmt.Sprint(user, i),
			Text: fmt.Sprintf(f, user), Address: "addr-" + user})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			for _, d := range pendingOf(t, te) {
				ref := ""
				if d.Kind == dialog.KindStaff && len(d.Reply.Choices) > 0 {
					ref = "C-STAFF/" + user
				}
				if err := te.Outbox().Delivered(d.ID, ref); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return markers
}

// found returns the markers present in b.
func found(b []byte, markers []string) []string {
	var out []string
	for _, m := range markers {
		if bytes.Contains(b, []byte(m)) {
			out = append(out, m)
		}
	}
	return out
}

func backupBytes(t *testing.T, te *testEngine) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := te.Admin().Backup(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fileBytes(t *testing.T, te *testEngine) []byte {
	t.Helper()
	b, err := os.ReadFile(te.path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestForgetLeavesNothingInTheFile: after Forget, no byte of what the person wrote is left in
// the database file (bbolt does not clear the pages it frees) nor in a backup made afterwards,
// while what other people wrote is still there.
func TestForgetLeavesNothingInTheFile(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	gone := writeAs(t, te, "ALICE")
	kept := writeAs(t, te, "BOB")
	if got := found(fileBytes(t, te), gone); len(got) == 0 {
		t.Fatalf("before Forget the file holds none of %v: the scan finds nothing", gone)
	}
	if _, err := te.Admin().Forget("", "ALICE"); err != nil {
		t.Fatal(err)
	}
	if got := found(fileBytes(t, te), gone); len(got) > 0 {
		t.Errorf("after Forget the database file still holds %v", got)
	}
	if got := found(backupBytes(t, te), gone); len(got) > 0 {
		t.Errorf("after Forget a backup still holds %v", got)
	}
	if got := found(backupBytes(t, te), kept); len(got) == 0 {
		t.Errorf("after Forget of another person a backup holds none of %v", kept)
	}
}

// TestPurgeLeavesNothingInTheFile: what the retention sweep deletes is gone from the file and
// from a backup made afterwards.
func TestPurgeLeavesNothingInTheFile(t *testing.T) {
	te := newTestEngine(t, dialog.Policy{Staffed: true})
	gone := writeAs(t, te, "CAROL")
	start := te.clock.Now()
	te.clock.Set(start.Add(100 * 24 * time.Hour))
	kept := writeAs(t, te, "DAVE")
	now := te.clock.Now()
	if _, err := te.Admin().Purge(now.Add(-90*24*time.Hour), now.Add(-72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := found(fileBytes(t, te), gone); len(got) > 0 {
		t.Errorf("after Purge the database file still holds %v", got)
	}
	if got := found(backupBytes(t, te), gone); len(got) > 0 {
		t.Errorf("after Purge a backup still holds %v", got)
	}
	if got := found(backupBytes(t, te), kept); len(got) == 0 {
		t.Errorf("after Purge a backup holds none of %v, written within the retention period", kept)
	}
}
