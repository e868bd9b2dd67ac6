package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/dialog"
)

// richMenuEntries are the greeting menu's entries on the rich menu, left to right. Their labels
// come from the knowledge (menu.yaml), so the picture and the buttons say the same thing.
var richMenuEntries = []string{"emergency", "prevention", "contacts", "person"}

// runLine runs `helpdesk line <command>`: the LINE channel's set-up.
func runLine(e *env, args []string) int {
	return e.dispatch("helpdesk line", []command{
		{"richmenu", "create the default rich menu from an image (LINE_CHANNEL_TOKEN, LINE_API_BASE)", runRichMenu},
	}, args)
}

// runRichMenu creates the rich menu with the four greeting menu entries as equal columns over the
// admin's picture, and makes it every user's default.
func runRichMenu(e *env, args []string) int {
	fs := e.newFlags("line richmenu", "--image FILE [--bar TEXT] [--knowledge DIR]")
	imagePath := fs.String("image", "", fmt.Sprintf("the menu's picture: PNG or JPEG, %d×%d pixels, at most 1 MB (required)", line.RichMenuWidth, line.RichMenuHeight))
	bar := fs.String("bar", "", "the chat bar's text that opens the menu, at most 14 characters (default: richmenu_bar of messages.yaml)")
	dir := fs.String("knowledge", "", "knowledge folder with the menu labels (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if *imagePath == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if err := richMenu(e, *imagePath, *bar, *dir); err != nil {
		fmt.Fprintf(e.stderr, "helpdesk line richmenu: %v\n", err)
		return exitFail
	}
	return exitOK
}

func richMenu(e *env, imagePath, bar, dir string) error {
	if e.getenv("LINE_CHANNEL_TOKEN") == "" {
		return fmt.Errorf("LINE_CHANNEL_TOKEN is not set")
	}
	api, err := lineAPI(e)
	if err != nil {
		return err
	}
	var imageType string
	switch strings.ToLower(filepath.Ext(imagePath)) {
	case ".png":
		imageType = "image/png"
	case ".jpg", ".jpeg":
		imageType = "image/jpeg"
	default:
		return fmt.Errorf("%s: the image must be a .png, .jpg or .jpeg file", imagePath)
	}
	st, err := os.Stat(imagePath)
	if err != nil {
		return err
	}
	if st.Size() > line.MaxRichMenuImage {
		return fmt.Errorf("%s: %d bytes, LINE accepts at most %d", imagePath, st.Size(), line.MaxRichMenuImage)
	}
	img, err := os.ReadFile(imagePath)
	if err != nil {
		return err
	}
	menu := line.RichMenu{Name: "helpdesk", ChatBarText: bar, Image: img, ImageType: imageType}
	if err := menu.CheckImage(); err != nil {
		return fmt.Errorf("%s: %v", imagePath, err)
	}
	lib, err := e.library(dir)
	if err != nil {
		return err
	}
	kb := lib.Base()
	if menu.ChatBarText == "" {
		menu.ChatBarText = kb.Message("richmenu_bar")
	}
	for _, id := range richMenuEntries {
		entry := kb.MenuEntry(id)
		if entry == nil {
			return fmt.Errorf("the knowledge has no menu entry %q (menu.yaml)", id)
		}
		menu.Areas = append(menu.Areas, line.MenuArea{Label: entry.Label, Data: dialog.MenuChoice(id)})
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	id, err := line.SetDefaultRichMenu(ctx, api, menu)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rich menu %s created and set as the default\n", id)
	return nil
}
