package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/boltstore"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// copySource writes a bbolt file holding every kind of record: conversations, cases (one
// posted, with its staff thread), outbox entries, seen event ids, counters, an unanswered
// text and a case number.
func copySource(t *testing.T, lib *knowledge.Library, now time.Time) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "helpdesk.db")
	e, err := dialog.Open(file, lib, slog.New(slog.DiscardHandler), dialog.Options{Policy: dialog.Policy{Staffed: true}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for i, m := range []struct{ user, text string }{
		{"U1", "ウイルスに感染した"}, {"U2", "ほげほげ"}, {"U3", "担当者と話したい"}, {"U4", "ランサムウェアの件で担当者と話したい"}, {"U1", "解決した"},
	} {
		if _, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: m.user, EventID: fmt.Sprint("ev", i), Text: m.text, Address: "addr-" + m.user}); err != nil {
			t.Fatal(err)
		}
	}
	// The first case's post goes out: its staff thread is known.
	ds, err := e.Outbox().Pending(now, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Kind == dialog.KindStaff && d.Case != nil && d.Case.ID == fmt.Sprintf("%d-0001", now.Year()) {
			if err := e.Outbox().Delivered(d.ID, "C0STAFF/1700000000.000100"); err != nil {
				t.Fatal(err)
			}
		} else if err := e.Outbox().Defer(d.ID, now, 0); err != nil {
			t.Fatal(err)
		}
	}
	return file
}

// TestCopy: helpdesk copy moves a bbolt installation into an empty, migrated PostgreSQL
// database and verifies it (the counts it prints are the file's); the database then serves
// on from where the file stood: a redelivered event is recognised, a person's open case is
// joined, case numbers continue, the outbox holds what waited, and erasure finds the copied
// texts. A database that holds data is refused, and a copy that differs is named.
func TestCopy(t *testing.T) {
	srv := pgtest.Lazy(t)
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, knowledge.Tokyo)
	file := copySource(t, lib, now)
	url := srv.NewDatabase(t, false)

	res := runCmd(t, nil, "", "copy", "--from", file, "--to", url)
	if res.code != exitOK || !strings.Contains(res.stdout, "verified: every count equal") {
		t.Fatalf("copy: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	t.Logf("helpdesk copy printed:\n%s", res.stdout)
	for kind, n := range map[string]int{"conversations": 4, "cases": 2, "case threads": 1, "unanswered texts": 1, "seen events": 5, "case numbers": 1} {
		if !regexp.MustCompile(`(?m)^ *` + kind + ` +` + fmt.Sprint(n) + ` +` + fmt.Sprint(n) + ` *$`).MatchString(res.stdout) {
			t.Errorf("copy did not print %d %s in the file and the database:\n%s", n, kind, res.stdout)
		}
	}
	if strings.Contains(res.stdout+res.stderr, srv.Password()) {
		t.Errorf("copy printed the password")
	}
	res = runCmd(t, map[string]string{"HELPDESK_DATABASE_URL": url}, "", "copy", "--from", file)
	if res.code != exitFail || !strings.Contains(res.stderr, "already holds data") {
		t.Errorf("copy into a database that holds data: exit %d, %s", res.code, res.stderr)
	}

	// The copy serves on.
	st, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	e := dialog.New(st, lib, slog.New(slog.DiscardHandler), dialog.Options{Policy: dialog.Policy{Staffed: true}, Now: func() time.Time { return now }})
	defer e.Close()
	ctx := context.Background()
	if r, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "U2", EventID: "ev1", Text: "ほげほげ"}); err != nil || !r.Duplicate {
		t.Errorf("a redelivered event after the copy: %v, duplicate %v; want it recognised", err, r.Duplicate)
	}
	year := now.Year()
	// U3 waits for staff: what they write now goes to their case's thread.
	if _, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "U3", EventID: "new1", Text: "まだですか", Address: "addr-U3"}); err != nil {
		t.Fatal(err)
	}
	relayed := false
	st.View(ctx, func(tx store.Tx) error {
		return tx.EachDelivery(func(d *store.Delivery) bool {
			relayed = relayed || d.Kind == store.KindStaff && d.Case != nil && d.Case.ID == fmt.Sprintf("%d-0001", year) && d.Text == "まだですか"
			return true
		})
	})
	if !relayed {
		t.Errorf("U3's message after the copy was not relayed to their case %d-0001", year)
	}
	r, err := e.Respond(ctx, dialog.Message{Channel: "line", UserID: "U5", EventID: "new2", Text: "担当者と話したい", Address: "addr-U5"})
	if err != nil || r.Handoff == nil || r.Handoff.CaseID != fmt.Sprintf("%d-0003", year) {
		t.Errorf("a new person asks for staff: %v, %+v; want case %d-0003", err, r.Handoff, year)
	}
	f, err := e.Admin().Forget("line", "U2")
	if err != nil || f.Conversations != 1 || f.Unanswered != 1 {
		t.Errorf("forget U2 after the copy: %+v, %v; want the conversation and the unanswered text", f, err)
	}

	// A copy that differs is named.
	other := srv.NewDatabase(t, false)
	if res := runCmd(t, nil, "", "copy", "--from", file, "--to", other); res.code != exitOK {
		t.Fatalf("copy: exit %d: %s", res.code, res.stderr)
	}
	name := other[strings.LastIndex(other, "/")+1 : strings.Index(other, "?")]
	if err := srv.Exec(ctx, name, `UPDATE cases SET body = (body::jsonb || '{"topic": "tampered"}')::json WHERE id = '`+fmt.Sprintf("%d-0002", year)+`';
		DELETE FROM seen WHERE event_id = 'ev4'`); err != nil {
		t.Fatal(err)
	}
	src, err := boltstore.Open(file, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := pgstore.Open(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	_, diffs, err := dialog.VerifyCopy(ctx, src, dst, 100)
	got := strings.Join(diffs, "\n")
	if err != nil || !strings.Contains(got, fmt.Sprintf(`cases "%d-0002": fields [topic] differ`, year)) ||
		!strings.Contains(got, "seen events: 5 in the source, 4 in the target") || !strings.Contains(got, `seen events "line/ev4": missing in the target`) {
		t.Errorf("verify after tampering: %v\n%s", err, got)
	}
}
