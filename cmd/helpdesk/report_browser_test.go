package main

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// browser returns a headless-capable Chromium on this machine, or "".
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestReportInABrowser opens the HTML report in a real browser (headless Chromium, from Debian's
// chromium package) and checks that it draws a page: a screenshot of it holds the charts' and
// tables' many colours, not a blank or an error page. The screenshot is left in
// HELPDESK_REPORT_SCREENSHOT when that names a file, for a person to look at.
func TestReportInABrowser(t *testing.T) {
	chrome := browser()
	if chrome == "" {
		t.Skip("no Chromium on this machine (Debian: apt-get install chromium); the report is checked as HTML by TestAdminCommands")
	}
	db := scriptedDatabase(t)
	page := filepath.Join(t.TempDir(), "report.html")
	if res := runCmd(t, map[string]string{"HELPDESK_DB": db}, "", "report", "--out", page); res.code != 0 {
		t.Fatalf("report: exit %d %s", res.code, res.stderr)
	}
	shot := os.Getenv("HELPDESK_REPORT_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "report.png")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--window-size=1000,1600", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", chrome, err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if colours := distinctColours(img, 64); colours < 8 {
		t.Errorf("the report's screenshot has %d colours: a blank or error page, not charts and tables", colours)
	}
}

// distinctColours counts the colours of img, sampled every step pixels, up to a few hundred.
func distinctColours(img image.Image, step int) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += step / 8 {
		for x := b.Min.X; x < b.Max.X; x += step / 8 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if len(seen) > 300 {
				return len(seen)
			}
		}
	}
	return len(seen)
}
