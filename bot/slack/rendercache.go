package slack

import (
	"encoding/json"

	"github.com/helpdesk-bot/helpdesk/bot/internal/replycache"
	"github.com/helpdesk-bot/helpdesk/dialog"
	slackapi "github.com/slack-go/slack"
)

// renderCacheSize bounds the user replies kept rendered: the standard answers, menus and
// questions a busy day repeats, at a few kilobytes each.
const renderCacheSize = 256

func newRenderCache() *replycache.Cache[[]message] {
	return replycache.New[[]message](renderCacheSize)
}

// renderReply is render of a user's reply with every block already encoded, for the cache: its
// messages are shared by concurrent posts.
func renderReply(r dialog.Reply) ([]message, error) {
	msgs := render(r, renderOptions{})
	for i, m := range msgs {
		blocks := make([]slackapi.Block, len(m.blocks))
		for j, b := range m.blocks {
			v, err := json.Marshal(b)
			if err != nil {
				return nil, err
			}
			blocks[j] = encodedBlock{typ: b.BlockType(), id: b.ID(), json: v}
		}
		msgs[i].blocks = blocks
	}
	return msgs, nil
}

// encodedBlock is a Block Kit block slack-go's types already encoded. slack-go encodes the
// blocks of a message with encoding/json, which writes what MarshalJSON returns.
type encodedBlock struct {
	typ  slackapi.MessageBlockType
	id   string
	json []byte
}

// BlockType returns the block's type ("section", "actions" ...).
func (b encodedBlock) BlockType() slackapi.MessageBlockType { return b.typ }

// ID returns the block's block_id.
func (b encodedBlock) ID() string { return b.id }

// MarshalJSON returns the encoding made by slack-go's block type.
func (b encodedBlock) MarshalJSON() ([]byte, error) { return b.json, nil }
