package line

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

func cacheTestReply() dialog.Reply {
	return dialog.Reply{
		Blocks: []dialog.Block{
			{Kind: dialog.StepsBlock, Title: "まずすること", Items: []string{"ネットワークから切り離す", "電源は切らない"}},
			{Kind: dialog.ContactsBlock, Title: "相談先", CallLabel: "電話をかける", WebLabel: "Webサイトを開く",
				Contacts: []dialog.Contact{{Name: "相談窓口A", Phone: "03-0000-0000", Tel: "tel:0300000000", URL: "https://example.org/a",
					Fields: []dialog.Field{{Label: "電話", Value: "03-0000-0000"}}}}},
		},
		Choices: []dialog.Choice{{ID: "a:person", Label: "担当者に相談"}},
	}
}

// encodeRequest is the body the SDK sends for msgs.
func encodeRequest(t *testing.T, msgs []messaging_api.MessageInterface) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(&messaging_api.ReplyMessageRequest{ReplyToken: "r", Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Through the cache, the requests are what render draws, byte for byte, and an equal reply
// comes from the cache.
func TestRenderCache(t *testing.T) {
	c := newRenderCache()
	r := cacheTestReply()
	want, err := render(r)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Get(r, renderEncoded)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(want) {
		t.Fatalf("%d requests from the cache, render makes %d", len(first), len(want))
	}
	for i := range want {
		if got, w := encodeRequest(t, first[i]), encodeRequest(t, want[i]); !bytes.Equal(got, w) {
			t.Errorf("request %d through the cache:\n%s\nrender:\n%s", i, got, w)
		}
	}
	again, _ := c.Get(cacheTestReply(), renderEncoded)
	if &again[0][0] != &first[0][0] {
		t.Error("an equal reply was rendered again instead of coming from the cache")
	}
}

// The requests the cache shares are used by concurrent sends (-race).
func TestRenderCacheIsSafeForConcurrentUse(t *testing.T) {
	c := newRenderCache()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			reqs, err := c.Get(cacheTestReply(), renderEncoded)
			if err != nil {
				t.Error(err)
				return
			}
			for _, msgs := range reqs {
				encodeRequest(t, msgs)
			}
		})
	}
	wg.Wait()
}
