package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// runLineCmd runs `helpdesk line ARGS` with only vars in the environment.
func runLineCmd(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), getenv: func(k string) string { return vars[k] },
		stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	code = runLine(e, args)
	return code, out.String(), errOut.String()
}

func writePNG(t *testing.T, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "menu.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLineRichMenu(t *testing.T) {
	t.Parallel()
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	vars := map[string]string{"LINE_CHANNEL_TOKEN": lineTestToken, "LINE_API_BASE": fake.URL}
	code, stdout, stderr := runLineCmd(t, vars, "richmenu", "--image", writePNG(t, 2500, 843))
	if code != exitOK {
		t.Fatalf("line richmenu exited %d: %s", code, stderr)
	}
	menus := fake.RichMenus()
	if len(menus) != 1 || fake.DefaultRichMenu() != menus[0].ID || !strings.Contains(stdout, menus[0].ID) {
		t.Fatalf("LINE has %d menus (default %q) and the command said %q; want one default menu, named", len(menus), fake.DefaultRichMenu(), stdout)
	}
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"emergency", "prevention", "contacts", "person"} {
		a := menus[0].Areas[i]
		label := lib.Base().MenuEntry(id).Label
		if a.Data != "m:"+id || a.Label != label || a.X != int64(i*625) || a.Width != 625 || a.Height != 843 {
			t.Errorf("area %d = %+v, want column %d of 625 px sending m:%s labelled %q", i, a, i+1, id, label)
		}
	}
}

func TestLineRichMenuErrors(t *testing.T) {
	t.Parallel()
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	good := map[string]string{"LINE_CHANNEL_TOKEN": lineTestToken, "LINE_API_BASE": fake.URL}
	notImage := filepath.Join(t.TempDir(), "menu.png")
	os.WriteFile(notImage, []byte("this is not a picture"), 0o644)
	gif := filepath.Join(t.TempDir(), "menu.gif")
	os.WriteFile(gif, []byte("GIF89a"), 0o644)
	big := filepath.Join(t.TempDir(), "big.jpg")
	os.WriteFile(big, make([]byte, 1<<20+1), 0o644)
	tests := []struct {
		name     string
		vars     map[string]string
		args     []string
		wantCode int
		wantSays string
	}{
		{"no_command", good, nil, exitUsage, "usage"},
		{"unknown_command", good, []string{"menu"}, exitUsage, "unknown command"},
		{"no_image", good, []string{"richmenu"}, exitUsage, "--image"},
		{"no_token", map[string]string{"LINE_API_BASE": fake.URL}, []string{"richmenu", "--image", writePNG(t, 2500, 843)}, exitFail, "LINE_CHANNEL_TOKEN"},
		{"bad_base", map[string]string{"LINE_CHANNEL_TOKEN": "t", "LINE_API_BASE": "api.line.me"}, []string{"richmenu", "--image", writePNG(t, 2500, 843)}, exitFail, "LINE_API_BASE"},
		{"not_an_image", good, []string{"richmenu", "--image", notImage}, exitFail, "not a PNG or JPEG"},
		{"wrong_extension", good, []string{"richmenu", "--image", gif}, exitFail, ".png, .jpg or .jpeg"},
		{"too_large", good, []string{"richmenu", "--image", big}, exitFail, "at most 1048576"},
		{"wrong_size", good, []string{"richmenu", "--image", writePNG(t, 1200, 900)}, exitFail, "1.45 times the height"},
		{"list_and_image", good, []string{"richmenu", "--list", "--image", writePNG(t, 2500, 843)}, exitUsage, "usage"},
		{"list_with_bar", good, []string{"richmenu", "--list", "--bar", "x"}, exitUsage, "usage"},
		{"delete_unknown", good, []string{"richmenu", "--delete", "richmenu-0"}, exitFail, "404"},
		{"missing_file", good, []string{"richmenu", "--image", filepath.Join(t.TempDir(), "none.png")}, exitFail, "no such file"},
		{"wrong_token", map[string]string{"LINE_CHANNEL_TOKEN": "revoked", "LINE_API_BASE": fake.URL}, []string{"richmenu", "--image", writePNG(t, 2500, 843)}, exitFail, "401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runLineCmd(t, tt.vars, tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantSays) {
				t.Errorf("line %v exited %d saying %q; want %d and a mention of %q", tt.args, code, stderr, tt.wantCode, tt.wantSays)
			}
		})
	}
	if n := len(fake.RichMenus()); n != 0 {
		t.Errorf("failed commands left %d rich menus behind", n)
	}
}

// The menu takes any size LINE accepts; a second menu replaces the first, which is deleted; the
// menus can be listed and deleted.
func TestLineRichMenuReplaceListDelete(t *testing.T) {
	t.Parallel()
	fake := linetest.New(lineTestToken)
	t.Cleanup(fake.Close)
	vars := map[string]string{"LINE_CHANNEL_TOKEN": lineTestToken, "LINE_API_BASE": fake.URL}
	if code, _, stderr := runLineCmd(t, vars, "richmenu", "--image", writePNG(t, 2500, 1686)); code != exitOK {
		t.Fatalf("first menu: exit %d: %s", code, stderr)
	}
	first := fake.DefaultRichMenu()
	code, stdout, stderr := runLineCmd(t, vars, "richmenu", "--image", writePNG(t, 800, 270))
	if code != exitOK {
		t.Fatalf("second menu: exit %d: %s", code, stderr)
	}
	menus := fake.RichMenus()
	if len(menus) != 1 || menus[0].ID == first || menus[0].Width != 800 || menus[0].Height != 270 ||
		!strings.Contains(stdout, "previous default rich menu "+first+" was deleted") {
		t.Fatalf("after the second menu LINE has %+v and the command said %q", menus, stdout)
	}
	code, stdout, _ = runLineCmd(t, vars, "richmenu", "--list")
	if code != exitOK || !strings.Contains(stdout, "* "+menus[0].ID+"  800×270  4 areas") {
		t.Errorf("--list exited %d:\n%s", code, stdout)
	}
	if code, stdout, stderr = runLineCmd(t, vars, "richmenu", "--delete", menus[0].ID); code != exitOK || !strings.Contains(stdout, "deleted") {
		t.Errorf("--delete exited %d: %s%s", code, stdout, stderr)
	}
	if len(fake.RichMenus()) != 0 || fake.DefaultRichMenu() != "" {
		t.Errorf("after --delete LINE has %+v, default %q", fake.RichMenus(), fake.DefaultRichMenu())
	}
	if code, stdout, _ = runLineCmd(t, vars, "richmenu", "--list"); code != exitOK || !strings.Contains(stdout, "no rich menus") {
		t.Errorf("--list of none exited %d: %s", code, stdout)
	}
}
