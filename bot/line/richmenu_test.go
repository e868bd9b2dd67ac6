package line_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/bot/line/linetest"
)

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := range w {
		img.SetGray(x, h/2, color.Gray{Y: 200})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegImage(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var menuAreas = []line.MenuArea{
	{Label: "緊急", Data: "m:emergency"},
	{Label: "予防・対策", Data: "m:prevention"},
	{Label: "相談窓口の一覧", Data: "m:contacts"},
	{Label: "担当者に相談", Data: "m:person"},
}

func TestSetDefaultRichMenu(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"image/png", "image/jpeg"} {
		fake := linetest.New(testToken)
		t.Cleanup(fake.Close)
		img := pngImage(t, 2500, 843)
		if kind == "image/jpeg" {
			img = jpegImage(t, 2500, 843)
		}
		id, _, err := line.SetDefaultRichMenu(context.Background(), line.API{Token: testToken, BaseURL: fake.URL},
			line.RichMenu{Name: "helpdesk", ChatBarText: "メニュー", Areas: menuAreas, Image: img, ImageType: kind})
		if err != nil {
			t.Fatalf("SetDefaultRichMenu(%s): %v", kind, err)
		}
		menus := fake.RichMenus()
		if len(menus) != 1 || menus[0].ID != id || fake.DefaultRichMenu() != id {
			t.Fatalf("LINE has menus %+v, default %q; want the one menu %q as default", menus, fake.DefaultRichMenu(), id)
		}
		m := menus[0]
		if m.Width != 2500 || m.Height != 843 || !bytes.Equal(m.Image, img) || m.ImageType != kind {
			t.Errorf("menu is %d×%d with a %d-byte %s image, want 2500×843 with the %d-byte %s", m.Width, m.Height, len(m.Image), m.ImageType, len(img), kind)
		}
		if len(m.Areas) != 4 {
			t.Fatalf("menu has %d areas, want 4", len(m.Areas))
		}
		for i, a := range m.Areas {
			want := linetest.RichMenuArea{X: int64(i) * 625, Y: 0, Width: 625, Height: 843, ActionType: "postback",
				Label: menuAreas[i].Label, Data: menuAreas[i].Data, DisplayText: menuAreas[i].Label}
			if a != want {
				t.Errorf("area %d = %+v, want %+v", i, a, want)
			}
		}
	}
}

func TestSetDefaultRichMenuChecksImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		image []byte
		typ   string
	}{
		{"not_an_image", []byte("%PDF-1.4 not an image"), "image/png"},
		{"too_narrow", pngImage(t, 799, 300), "image/png"},
		{"too_wide", pngImage(t, 2501, 843), "image/png"},
		{"too_low", pngImage(t, 1000, 249), "image/png"},
		{"too_tall", pngImage(t, 1200, 828), "image/png"},
		{"jpeg_named_png", jpegImage(t, 2500, 843), "image/png"},
		{"too_large", append(pngImage(t, 2500, 843), make([]byte, 1<<20)...), "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := linetest.New(testToken)
			t.Cleanup(fake.Close)
			_, _, err := line.SetDefaultRichMenu(context.Background(), line.API{Token: testToken, BaseURL: fake.URL},
				line.RichMenu{Name: "helpdesk", ChatBarText: "メニュー", Areas: menuAreas, Image: tt.image, ImageType: tt.typ})
			if err == nil {
				t.Fatalf("SetDefaultRichMenu with %s = nil error, want one", tt.name)
			}
			if n := len(fake.RichMenus()); n != 0 {
				t.Errorf("a menu was created (%d) although the image is unusable", n)
			}
		})
	}
}

// Every size LINE accepts is accepted, the menu takes the image's size, and its areas cover it.
func TestRichMenuSizes(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{2500, 1686}, {2500, 1724}, {2500, 843}, {1200, 810}, {1200, 405}, {800, 540}, {800, 250}, {1000, 250}} {
		fake := linetest.New(testToken)
		t.Cleanup(fake.Close)
		w, h := size[0], size[1]
		_, _, err := line.SetDefaultRichMenu(context.Background(), line.API{Token: testToken, BaseURL: fake.URL},
			line.RichMenu{Name: "helpdesk", ChatBarText: "メニュー", Areas: menuAreas, Image: pngImage(t, w, h), ImageType: "image/png"})
		if err != nil {
			t.Errorf("%d×%d: %v", w, h, err)
			continue
		}
		m := fake.RichMenus()[0]
		last := m.Areas[len(m.Areas)-1]
		if m.Width != int64(w) || m.Height != int64(h) || last.X+last.Width != int64(w) || last.Height != int64(h) {
			t.Errorf("%d×%d: menu %d×%d, last area %+v", w, h, m.Width, m.Height, last)
		}
	}
}

// A new default menu replaces the previous one, which is deleted; menus can be listed and
// deleted, the default one included.
func TestRichMenuReplaceListDelete(t *testing.T) {
	t.Parallel()
	fake := linetest.New(testToken)
	t.Cleanup(fake.Close)
	api := line.API{Token: testToken, BaseURL: fake.URL}
	ctx := context.Background()
	set := func(w, h int) (string, string) {
		t.Helper()
		id, old, err := line.SetDefaultRichMenu(ctx, api, line.RichMenu{Name: "helpdesk", ChatBarText: "メニュー",
			Areas: menuAreas, Image: pngImage(t, w, h), ImageType: "image/png"})
		if err != nil {
			t.Fatal(err)
		}
		return id, old
	}
	first, old := set(2500, 843)
	if old != "" {
		t.Errorf("first menu replaced %q", old)
	}
	second, old := set(1200, 810)
	if old != first || fake.DefaultRichMenu() != second {
		t.Errorf("second menu replaced %q (want %q), default %q (want %q)", old, first, fake.DefaultRichMenu(), second)
	}
	list, err := line.RichMenus(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	want := []line.MenuInfo{{ID: second, Name: "helpdesk", ChatBarText: "メニュー", Width: 1200, Height: 810, Areas: 4, Default: true}}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("RichMenus = %+v, want %+v", list, want)
	}
	if err := line.DeleteRichMenu(ctx, api, second); err != nil {
		t.Fatal(err)
	}
	if list, err := line.RichMenus(ctx, api); err != nil || len(list) != 0 || fake.DefaultRichMenu() != "" {
		t.Errorf("after deleting the default menu: %+v, %v, default %q", list, err, fake.DefaultRichMenu())
	}
	if err := line.DeleteRichMenu(ctx, api, "richmenu-00000000000000000000000000000000"); err == nil {
		t.Error("deleting a menu that does not exist succeeded")
	}
}
