package slack

import (
	"encoding/json"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// A cached reply's blocks encode exactly as render's, and keep their type and block id.
func TestRenderReplyEncodesAsRender(t *testing.T) {
	r := dialog.Reply{
		Blocks: []dialog.Block{
			{Kind: dialog.StepsBlock, Title: "まずすること", Items: []string{"ネットワークから切り離す", "電源は切らない"}},
			{Kind: dialog.ContactsBlock, Title: "相談先", CallLabel: "電話をかける", WebLabel: "Webサイトを開く",
				Contacts: []dialog.Contact{{Name: "相談窓口A", Phone: "03-0000-0000", Tel: "tel:0300000000", URL: "https://example.org/a",
					Fields: []dialog.Field{{Label: "電話", Value: "03-0000-0000"}}}}},
		},
		Choices: []dialog.Choice{{ID: "a:person", Label: "担当者に相談"}},
	}
	want := render(r, renderOptions{})
	got, err := newRenderCache().Get(r, renderReply)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d messages, render makes %d", len(got), len(want))
	}
	for i := range want {
		g, _ := json.Marshal(got[i].blocks)
		w, _ := json.Marshal(want[i].blocks)
		if string(g) != string(w) || got[i].text != want[i].text {
			t.Errorf("message %d through the cache:\n%s %q\nrender:\n%s %q", i, g, got[i].text, w, want[i].text)
		}
		for j, b := range want[i].blocks {
			if got[i].blocks[j].BlockType() != b.BlockType() || got[i].blocks[j].ID() != b.ID() {
				t.Errorf("block %d.%d is %s %q, render's %s %q", i, j, got[i].blocks[j].BlockType(), got[i].blocks[j].ID(), b.BlockType(), b.ID())
			}
		}
	}
}
