package line

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // rich menu images are PNG or JPEG
	_ "image/png"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// The rich menu's size in pixels (LINE's large menu with a short height) and its image limit.
const (
	RichMenuWidth  = 2500
	RichMenuHeight = 843
	// MaxRichMenuImage is the largest image LINE accepts, in bytes.
	MaxRichMenuImage = 1 << 20
	maxChatBarText   = 14
)

// MenuArea is one column of a rich menu: its label (read out by screen readers and shown as
// what the user said) and the postback data a tap sends, such as "m:emergency".
type MenuArea struct {
	Label string
	Data  string
}

// RichMenu is a rich menu to install: equal columns over a RichMenuWidth×RichMenuHeight image.
type RichMenu struct {
	Name        string     // for admins in LINE's console; users never see it
	ChatBarText string     // the chat bar's text that opens and closes the menu (≤ 14 characters)
	Areas       []MenuArea // left to right
	Image       []byte     // PNG or JPEG of exactly RichMenuWidth×RichMenuHeight, at most 1 MB
	ImageType   string     // "image/png" or "image/jpeg"
}

// CheckImage reports whether m.Image is an image LINE will take for this menu: a real PNG or
// JPEG matching m.ImageType, of the menu's size, within MaxRichMenuImage bytes.
func (m RichMenu) CheckImage() error {
	if len(m.Image) > MaxRichMenuImage {
		return fmt.Errorf("rich menu image: %d bytes, LINE accepts at most %d", len(m.Image), MaxRichMenuImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(m.Image))
	if err != nil {
		return fmt.Errorf("rich menu image: not a PNG or JPEG image: %v", err)
	}
	if want := "image/" + format; want != m.ImageType {
		return fmt.Errorf("rich menu image: the file holds %s, not %s", want, m.ImageType)
	}
	if cfg.Width != RichMenuWidth || cfg.Height != RichMenuHeight {
		return fmt.Errorf("rich menu image: %d×%d pixels, want %d×%d", cfg.Width, cfg.Height, RichMenuWidth, RichMenuHeight)
	}
	return nil
}

// SetDefaultRichMenu creates menu, uploads its image and makes it the rich menu of every user
// who has none of their own. It returns the new menu's id. If a step after the creation fails,
// the new menu is deleted again, so that no half-made menu is left behind.
func SetDefaultRichMenu(ctx context.Context, api API, menu RichMenu) (string, error) {
	if len(menu.Areas) == 0 {
		return "", errors.New("rich menu: no areas")
	}
	if n := utf8.RuneCountInString(menu.ChatBarText); n == 0 || n > maxChatBarText {
		return "", fmt.Errorf("rich menu: chat bar text must have 1 to %d characters", maxChatBarText)
	}
	if err := menu.CheckImage(); err != nil {
		return "", err
	}
	ep, err := api.endpoints()
	if err != nil {
		return "", err
	}
	client, err := ep.messaging(ctx)
	if err != nil {
		return "", fmt.Errorf("line: %v", err)
	}
	req := &messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: RichMenuWidth, Height: RichMenuHeight},
		Selected:    true,
		Name:        menu.Name,
		ChatBarText: menu.ChatBarText,
	}
	n := int64(len(menu.Areas))
	for i, a := range menu.Areas {
		if a.Label == "" || a.Data == "" || len(a.Data) > maxPostbackData {
			return "", fmt.Errorf("rich menu: area %d needs a label and data of at most %d bytes", i+1, maxPostbackData)
		}
		x0, x1 := int64(i)*RichMenuWidth/n, int64(i+1)*RichMenuWidth/n
		req.Areas = append(req.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: x0, Y: 0, Width: x1 - x0, Height: RichMenuHeight},
			Action: &messaging_api.PostbackAction{Label: truncate(a.Label, maxActionLabel), Data: a.Data,
				DisplayText: truncate(a.Label, maxDisplayText)},
		})
	}
	res, created, err := client.CreateRichMenuWithHttpInfo(req)
	if e := apiError("create rich menu", res, err); e != nil {
		return "", e
	}
	if created == nil || created.RichMenuId == "" {
		return "", errors.New("line create rich menu: no rich menu id in the answer")
	}
	id := created.RichMenuId
	undo := func(cause error) (string, error) {
		res, _, err := client.DeleteRichMenuWithHttpInfo(id)
		if e := apiError("delete rich menu", res, err); e != nil {
			return "", fmt.Errorf("%w (and the half-made rich menu %s was not deleted: %v)", cause, id, e)
		}
		return "", cause
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
	return id, nil
}
