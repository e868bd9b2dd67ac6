package line

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // rich menu images are PNG or JPEG
	_ "image/png"
	"net/http"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// The rich menu sizes LINE accepts, in pixels: a width from 800 to 2500, a height of at least
// 250, and a width at least 1.45 times the height. The menu takes its image's size.
const (
	MinRichMenuWidth  = 800
	MaxRichMenuWidth  = 2500
	MinRichMenuHeight = 250
	// MaxRichMenuImage is the largest image LINE accepts, in bytes.
	MaxRichMenuImage = 1 << 20
	maxChatBarText   = 14
)

// CheckRichMenuSize reports whether LINE accepts a rich menu of width×height pixels.
func CheckRichMenuSize(width, height int) error {
	if width < MinRichMenuWidth || width > MaxRichMenuWidth || height < MinRichMenuHeight || width*100 < height*145 {
		return fmt.Errorf("%d×%d pixels: LINE wants a width of %d to %d, a height of at least %d, and a width at least 1.45 times the height (e.g. 2500×1686, 2500×843, 1200×810, 800×540, 800×270)",
			width, height, MinRichMenuWidth, MaxRichMenuWidth, MinRichMenuHeight)
	}
	return nil
}

// MenuArea is one column of a rich menu: its label (read out by screen readers and shown as
// what the user said) and the postback data a tap sends, such as "m:emergency".
type MenuArea struct {
	Label string
	Data  string
}

// RichMenu is a rich menu to install: equal columns over its image, whose size is the menu's.
type RichMenu struct {
	Name        string     // for admins in LINE's console; users never see it
	ChatBarText string     // the chat bar's text that opens and closes the menu (≤ 14 characters)
	Areas       []MenuArea // left to right
	Image       []byte     // PNG or JPEG of a size CheckRichMenuSize accepts, at most 1 MB
	ImageType   string     // "image/png" or "image/jpeg"
}

// CheckImage reports whether m.Image is an image LINE will take for a menu: a real PNG or JPEG
// matching m.ImageType, of a size LINE accepts, within MaxRichMenuImage bytes.
func (m RichMenu) CheckImage() error {
	_, _, err := m.size()
	return err
}

// size checks the image and returns its size, which is the menu's.
func (m RichMenu) size() (width, height int64, err error) {
	if len(m.Image) > MaxRichMenuImage {
		return 0, 0, fmt.Errorf("rich menu image: %d bytes, LINE accepts at most %d", len(m.Image), MaxRichMenuImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(m.Image))
	if err != nil {
		return 0, 0, fmt.Errorf("rich menu image: not a PNG or JPEG image: %v", err)
	}
	if want := "image/" + format; want != m.ImageType {
		return 0, 0, fmt.Errorf("rich menu image: the file holds %s, not %s", want, m.ImageType)
	}
	if err := CheckRichMenuSize(cfg.Width, cfg.Height); err != nil {
		return 0, 0, fmt.Errorf("rich menu image: %v", err)
	}
	return int64(cfg.Width), int64(cfg.Height), nil
}

// SetDefaultRichMenu creates menu, uploads its image and makes it the rich menu of every user
// who has none of their own, in place of the previous default menu, which it then deletes (so
// no user keeps the old one). It returns the new menu's id and the deleted one's ("" if there
// was none). If a step before the switch fails, the new menu is deleted again, so that no
// half-made menu is left behind and the previous one stays. A previous menu that could not be
// deleted is reported with the new id: the new menu is in place.
func SetDefaultRichMenu(ctx context.Context, api API, menu RichMenu) (id, replaced string, err error) {
	id, old, err := setDefaultRichMenu(ctx, api, menu)
	if err != nil || old == "" || old == id {
		return id, "", err
	}
	if err := DeleteRichMenu(ctx, api, old); err != nil {
		return id, "", fmt.Errorf("the previous default rich menu %s was not deleted: %w", old, err)
	}
	return id, old, nil
}

func setDefaultRichMenu(ctx context.Context, api API, menu RichMenu) (string, string, error) {
	if len(menu.Areas) == 0 {
		return "", "", errors.New("rich menu: no areas")
	}
	if n := utf8.RuneCountInString(menu.ChatBarText); n == 0 || n > maxChatBarText {
		return "", "", fmt.Errorf("rich menu: chat bar text must have 1 to %d characters", maxChatBarText)
	}
	width, height, err := menu.size()
	if err != nil {
		return "", "", err
	}
	ep, err := api.endpoints()
	if err != nil {
		return "", "", err
	}
	client, err := ep.messaging(ctx)
	if err != nil {
		return "", "", fmt.Errorf("line: %v", err)
	}
	old, err := defaultRichMenu(client)
	if err != nil {
		return "", "", err
	}
	req := &messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: width, Height: height},
		Selected:    true,
		Name:        menu.Name,
		ChatBarText: menu.ChatBarText,
	}
	n := int64(len(menu.Areas))
	for i, a := range menu.Areas {
		if a.Label == "" || a.Data == "" || len(a.Data) > maxPostbackData {
			return "", "", fmt.Errorf("rich menu: area %d needs a label and data of at most %d bytes", i+1, maxPostbackData)
		}
		x0, x1 := int64(i)*width/n, int64(i+1)*width/n
		req.Areas = append(req.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: x0, Y: 0, Width: x1 - x0, Height: height},
			Action: &messaging_api.PostbackAction{Label: truncate(a.Label, maxActionLabel), Data: a.Data,
				DisplayText: truncate(a.Label, maxDisplayText)},
		})
	}
	res, created, err := client.CreateRichMenuWithHttpInfo(req)
	if e := apiError("create rich menu", res, err); e != nil {
		return "", "", e
	}
	if created == nil || created.RichMenuId == "" {
		return "", "", errors.New("line create rich menu: no rich menu id in the answer")
	}
	id := created.RichMenuId
	undo := func(cause error) (string, string, error) {
		res, _, err := client.DeleteRichMenuWithHttpInfo(id)
		if e := apiError("delete rich menu", res, err); e != nil {
			return "", "", fmt.Errorf("%w (and the half-made rich menu %s was not deleted: %v)", cause, id, e)
		}
		return "", "", cause
	}
	blob, err := ep.blobAPI(ctx)
	if err != nil {
		return undo(fmt.Errorf("line: %v", err))
	}
	res, _, err = blob.SetRichMenuImageWithHttpInfo(id, menu.ImageType, bytes.NewReader(menu.Image))
	if e := apiError("upload rich menu image", res, err); e != nil {
		return undo(e)
	}
	res, _, err = client.SetDefaultRichMenuWithHttpInfo(id)
	if e := apiError("set default rich menu", res, err); e != nil {
		return undo(e)
	}
	return id, old, nil
}

// defaultRichMenu returns the id of the default rich menu, or "" when there is none.
func defaultRichMenu(client *messaging_api.MessagingApiAPI) (string, error) {
	res, got, err := client.GetDefaultRichMenuIdWithHttpInfo()
	if res != nil && res.StatusCode == http.StatusNotFound {
		return "", nil
	}
	if e := apiError("get default rich menu", res, err); e != nil {
		return "", e
	}
	if got == nil {
		return "", nil
	}
	return got.RichMenuId, nil
}

// MenuInfo describes one rich menu of the channel.
type MenuInfo struct {
	ID            string
	Name          string
	ChatBarText   string
	Width, Height int64
	Areas         int
	Default       bool // every user without a menu of their own sees it
}

// RichMenus lists the channel's rich menus, the default one marked.
func RichMenus(ctx context.Context, api API) ([]MenuInfo, error) {
	ep, err := api.endpoints()
	if err != nil {
		return nil, err
	}
	client, err := ep.messaging(ctx)
	if err != nil {
		return nil, fmt.Errorf("line: %v", err)
	}
	def, err := defaultRichMenu(client)
	if err != nil {
		return nil, err
	}
	res, list, err := client.GetRichMenuListWithHttpInfo()
	if e := apiError("list rich menus", res, err); e != nil {
		return nil, e
	}
	var out []MenuInfo
	if list == nil {
		return out, nil
	}
	for _, m := range list.Richmenus {
		info := MenuInfo{ID: m.RichMenuId, Name: m.Name, ChatBarText: m.ChatBarText, Areas: len(m.Areas), Default: m.RichMenuId == def}
		if m.Size != nil {
			info.Width, info.Height = m.Size.Width, m.Size.Height
		}
		out = append(out, info)
	}
	return out, nil
}

// DeleteRichMenu deletes the rich menu id; when it is the default, users are first left with
// no default menu, so nobody is shown a menu that is going away.
func DeleteRichMenu(ctx context.Context, api API, id string) error {
	if id == "" {
		return errors.New("rich menu: no id to delete")
	}
	ep, err := api.endpoints()
	if err != nil {
		return err
	}
	client, err := ep.messaging(ctx)
	if err != nil {
		return fmt.Errorf("line: %v", err)
	}
	def, err := defaultRichMenu(client)
	if err != nil {
		return err
	}
	if def == id {
		res, _, err := client.CancelDefaultRichMenuWithHttpInfo()
		if e := apiError("cancel default rich menu", res, err); e != nil {
			return e
		}
	}
	res, _, err := client.DeleteRichMenuWithHttpInfo(id)
	return apiError("delete rich menu "+id, res, err)
}
