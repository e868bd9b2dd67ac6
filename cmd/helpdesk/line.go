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
		{"richmenu", "create the default rich menu from an image, replacing the previous one; or list or delete menus (LINE_CHANNEL_TOKEN, LINE_API_BASE)", runRichMenu},
	}, args)
}

// runRichMenu creates the rich menu with the four greeting menu entries as equal columns over the
// admin's picture and makes it every user's default, deleting the previous default; or lists
// the channel's menus, or deletes one.
func runRichMenu(e *env, args []string) int {
	fs := e.newFlags("line richmenu", "--image FILE [--bar TEXT] [--knowledge DIR] | --list | --delete ID")
	imagePath := fs.String("image", "", fmt.Sprintf("the menu's picture: PNG or JPEG, at most 1 MB, %d to %d pixels wide, at least %d high, the width at least 1.45 times the height (e.g. 2500×1686, 2500×843, 1200×810, 800×270)",
		line.MinRichMenuWidth, line.MaxRichMenuWidth, line.MinRichMenuHeight))
	bar := fs.String("bar", "", "the chat bar's text that opens the menu, at most 14 characters (default: richmenu_bar of messages.yaml)")
	dir := fs.String("knowledge", "", "knowledge folder with the menu labels (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	list := fs.Bool("list", false, "list the channel's rich menus, the default one marked")
	del := fs.String("delete", "", "delete the rich menu with this `ID` (from --list)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	modes := 0
	for _, on := range []bool{*imagePath != "", *list, *del != ""} {
		if on {
			modes++
		}
	}
	if modes != 1 || fs.NArg() > 0 || (*imagePath == "" && (*bar != "" || *dir != "")) {
		fs.Usage()
		return exitUsage
	}
	var err error
	switch {
	case *list:
		err = listRichMenus(e)
	case *del != "":
		err = deleteRichMenu(e, *del)
	default:
		err = richMenu(e, *imagePath, *bar, *dir)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "helpdesk line richmenu: %v\n", err)
		return exitFail
	}
	return exitOK
}

// listRichMenus prints one line per rich menu: id, size, areas, chat bar text, name.
func listRichMenus(e *env) error {
	api, err := richMenuAPI(e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	menus, err := line.RichMenus(ctx, api)
	if err != nil {
		return err
	}
	if len(menus) == 0 {
		fmt.Fprintln(e.stdout, "no rich menus")
		return nil
	}
	for _, m := range menus {
		mark := " "
		if m.Default {
			mark = "*"
		}
		fmt.Fprintf(e.stdout, "%s %s  %d×%d  %d areas  %q  %s\n", mark, m.ID, m.Width, m.Height, m.Areas, m.ChatBarText, m.Name)
	}
	fmt.Fprintln(e.stdout, "(* the default menu)")
	return nil
}

// deleteRichMenu deletes one rich menu.
func deleteRichMenu(e *env, id string) error {
	api, err := richMenuAPI(e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	if err := line.DeleteRichMenu(ctx, api, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rich menu %s deleted\n", id)
	return nil
}

// richMenuAPI is the Messaging API the rich menu commands use.
func richMenuAPI(e *env) (line.API, error) {
	if e.getenv("LINE_CHANNEL_TOKEN") == "" {
		return line.API{}, fmt.Errorf("LINE_CHANNEL_TOKEN is not set")
	}
	return lineAPI(e.getenv("LINE_CHANNEL_TOKEN"), e.getenv("LINE_API_BASE"))
}

func richMenu(e *env, imagePath, bar, dir string) error {
	api, err := richMenuAPI(e)
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
	id, old, err := line.SetDefaultRichMenu(ctx, api, menu)
	if err != nil {
		if id != "" {
			fmt.Fprintf(e.stdout, "rich menu %s created and set as the default\n", id)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "rich menu %s created and set as the default\n", id)
	if old != "" {
		fmt.Fprintf(e.stdout, "the previous default rich menu %s was deleted\n", old)
	}
	return nil
}
