//go:build linux

package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
)

// TestDiskFull runs the bot with its database on a small tmpfs and fills the disk: webhooks get
// 5xx (so the platform redelivers) and the log says why; nothing is lost: once space returns,
// the redelivered events are answered, once each. Mounting a tmpfs needs root (or
// CAP_SYS_ADMIN); where the test cannot mount one it says so and skips.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the disk-full test")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root or CAP_SYS_ADMIN): %v %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })

	fake := linetest.New(lineTestToken)
	defer fake.Close()
	vars := lineVars(fake, filepath.Join(dir, "helpdesk.db"))
	vars["HELPDESK_USER_RATE"] = "off"
	srv := startServe(t, vars) // starts serve with whatever vars it is given
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Take all but a little of the space with a filler file.
	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler, dir)

	// Events until the database cannot grow: each conversation adds a few kB.
	long := strings.Repeat("ランサムウェアに感染したかもしれません。", 40)
	var refused []linetest.Event
	accepted := 0
	for i := 0; i < 3000 && len(refused) < 5; i++ {
		ev := linetest.Text(linetest.UserID(i), long)
		code, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, ev)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case code == http.StatusOK:
			accepted++
		case code >= 500:
			refused = append(refused, ev)
		default:
			t.Fatalf("webhook answered %d", code)
		}
	}
	if len(refused) == 0 {
		t.Fatalf("the disk never filled after %d events", accepted)
	}
	if !strings.Contains(srv.logs.String(), "no space left on device") {
		t.Errorf("the log does not say the disk is full:\n%.3000s", srv.logs.String())
	}
	t.Logf("%d events accepted before the disk filled; %d refused with 5xx", accepted, len(refused))

	// Space returns; the platform redelivers what was refused: each is answered once.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for _, ev := range refused {
		code, err := linetest.Post(ctx, srv.url+"/line/webhook", lineTestSecret, ev.Redelivered())
		if err != nil || code != http.StatusOK {
			t.Fatalf("redelivery after space returned: %d %v", code, err)
		}
	}
	want := accepted + len(refused)
	if err := fake.WaitUntil(ctx, func() bool { return len(distinctChats(fake)) >= want }); err != nil {
		t.Fatalf("%d of %d users answered after recovery", len(distinctChats(fake)), want)
	}
	for chat, n := range distinctChats(fake) {
		if n != 1 {
			t.Errorf("%s got %d replies, want 1", chat, n)
		}
	}
}

// fillDisk writes filler until about 200 kB of the file system at dir stay free.
func fillDisk(t *testing.T, filler, dir string) {
	t.Helper()
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		if st.Bavail*uint64(st.Bsize) < 200<<10 {
			return
		}
		if _, err := f.Write(chunk); err != nil {
			return
		}
	}
}

// distinctChats counts the reply requests each chat got.
func distinctChats(fake *linetest.Server) map[string]int {
	n := map[string]int{}
	for _, r := range fake.Requests() {
		n[r.To]++
	}
	return n
}
