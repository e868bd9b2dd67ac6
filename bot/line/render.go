package line

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/bot/internal/textlimit"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// LINE's limits (verified against the SDK and the Messaging API reference; README, "Limits of the platforms").
const (
	maxMessages     = 5    // messages per reply or push request
	maxTextUnits    = 5000 // UTF-16 code units of one text message
	maxQuickReplies = 13
	maxActionLabel  = 20 // characters of a quick reply or button label
	maxDisplayText  = 300
	maxPostbackData = 300
	maxAltText      = 400    // LINE allows 1,500; notifications show far less
	maxBubbles      = 12     // bubbles of one carousel
	maxFlexBytes    = 30_000 // LINE takes 30 KB per bubble and 50 KB per carousel; stay well within
	maxFieldRunes   = 1000
)

// piece is one LINE message before it gets its SDK type: a text, or a Flex container as raw
// JSON with its alternative text.
type piece struct {
	text string
	flex json.RawMessage
	alt  string
}

// render turns a reply into the requests that carry it: LINE messages, at most five per request,
// the reply's choices as quick reply buttons on the very last message.
//
// Each block becomes one message (contact cards a Flex carousel), a text longer than LINE allows
// is split at paragraph or line boundaries, and when that makes more than five messages,
// neighbouring texts are merged, shortest pairs first, so that a reply usually fits one request.
func render(r dialog.Reply) ([][]messaging_api.MessageInterface, error) {
	var pieces []piece
	for _, b := range r.Blocks {
		ps, err := blockPieces(b, r.Lang)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, ps...)
	}
	pieces = mergeTexts(pieces, maxMessages)
	if len(pieces) == 0 {
		return nil, nil
	}
	msgs := make([]messaging_api.MessageInterface, len(pieces))
	for i, p := range pieces {
		var qr *messaging_api.QuickReply
		if i == len(pieces)-1 {
			qr = quickReply(r.Choices)
		}
		if p.flex != nil {
			msgs[i] = &messaging_api.FlexMessage{AltText: p.alt, Contents: rawFlex(p.flex), QuickReply: qr}
		} else {
			msgs[i] = &messaging_api.TextMessage{Text: p.text, QuickReply: qr}
		}
	}
	var requests [][]messaging_api.MessageInterface
	for len(msgs) > 0 {
		n := min(len(msgs), maxMessages)
		requests = append(requests, msgs[:n])
		msgs = msgs[n:]
	}
	return requests, nil
}

// blockPieces draws one block. Texts are drawn by dialog, as every channel without rich layout
// draws them, so that wording and layout live in one place.
func blockPieces(b dialog.Block, lang string) ([]piece, error) {
	if b.Kind != dialog.ContactsBlock {
		text := dialog.Reply{Blocks: []dialog.Block{b}, Lang: lang}.PlainText()
		return textPieces(text), nil
	}
	// The cards' heading goes into the carousel's alternative text, not into a message of its
	// own: a lone 「■ 相談先」 between two messages is what a phone would show above the cards.
	var out []piece
	for cards := b.Contacts; len(cards) > 0; {
		n := min(len(cards), maxBubbles)
		p, err := carousel(cards[:n], b.CallLabel, b.WebLabel)
		for err == nil && len(p.flex) > maxFlexBytes && n > 1 {
			n = max(1, n*maxFlexBytes/len(p.flex)) // fewer cards until it fits LINE's size limit
			p, err = carousel(cards[:n], b.CallLabel, b.WebLabel)
		}
		if err != nil {
			return nil, err
		}
		if b.Title != "" {
			p.alt = truncate(b.Title+dialog.Colon(lang)+p.alt, maxAltText)
		}
		out = append(out, p)
		cards = cards[n:]
	}
	return out, nil
}

func textPieces(text string) []piece {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var out []piece
	for _, part := range splitText(text, maxTextUnits) {
		out = append(out, piece{text: part})
	}
	return out
}

// splitText cuts text into parts of at most limit UTF-16 units: at the last paragraph break
// that keeps the part at least half full, else at such a line break, else at any paragraph or
// line break, else (one enormous line) between two characters.
func splitText(text string, limit int) []string {
	var parts []string
	for textlimit.Units(text) > limit {
		cut := textlimit.Prefix(text, limit)
		head := text[:cut]
		end, skip := cut, 0 // between two characters, if nothing better
		para, line := strings.LastIndex(head, "\n\n"), strings.LastIndex(head, "\n")
		switch {
		case para > 0 && para >= cut/2:
			end, skip = para, 2
		case line > 0 && line >= cut/2:
			end, skip = line, 1
		case para > 0:
			end, skip = para, 2
		case line > 0:
			end, skip = line, 1
		}
		part := strings.TrimRight(text[:end], " \n")
		if part != "" {
			parts = append(parts, part)
		}
		text = strings.TrimLeft(text[end+skip:], "\n")
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// mergeTexts joins neighbouring text pieces, the pair with the shortest result first, until at
// most limit pieces remain or no pair fits in one message.
func mergeTexts(pieces []piece, limit int) []piece {
	for len(pieces) > limit {
		best, bestLen := -1, 0
		for i := 0; i+1 < len(pieces); i++ {
			a, b := pieces[i], pieces[i+1]
			if a.flex != nil || b.flex != nil {
				continue
			}
			n := textlimit.Units(a.text) + 2 + textlimit.Units(b.text)
			if n <= maxTextUnits && (best < 0 || n < bestLen) {
				best, bestLen = i, n
			}
		}
		if best < 0 {
			break
		}
		pieces[best].text += "\n\n" + pieces[best+1].text
		pieces = append(pieces[:best+1], pieces[best+2:]...)
	}
	return pieces
}

// quickReply turns choices into quick reply buttons: a postback carrying the choice id, so that
// a stale button is recognised, and the label shown as what the user said.
func quickReply(choices []dialog.Choice) *messaging_api.QuickReply {
	var items []messaging_api.QuickReplyItem
	for _, c := range choices {
		if len(items) == maxQuickReplies {
			break
		}
		label := strings.TrimSpace(c.Label)
		if label == "" || c.ID == "" || len(c.ID) > maxPostbackData {
			continue
		}
		items = append(items, messaging_api.QuickReplyItem{
			Type: "action", // the SDK does not fill it in
			Action: &messaging_api.PostbackAction{
				Label:       truncate(label, maxActionLabel),
				Data:        c.ID,
				DisplayText: truncate(label, maxDisplayText),
			},
		})
	}
	if len(items) == 0 {
		return nil
	}
	return &messaging_api.QuickReply{Items: items}
}

// truncate shortens s to at most n characters, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// rawFlex is a Flex container sent verbatim. The SDK's typed Flex structs write "flex":0 into
// every box and text, which squeezes layouts that rely on the default (line-bot-sdk-go#505).
type rawFlex json.RawMessage

// GetType is only consulted by the SDK's type switches, whose default branch passes the value
// through unchanged.
func (rawFlex) GetType() string { return "carousel" }

// MarshalJSON writes the container as it is. encoding/json checks (and compacts) what a
// Marshaler returns, so invalid JSON still fails the request before it is sent.
func (r rawFlex) MarshalJSON() ([]byte, error) { return r, nil }

// Flex components, with omitempty everywhere so nothing is written that LINE should default.
type (
	flexCarousel struct {
		Type     string       `json:"type"`
		Contents []flexBubble `json:"contents"`
	}
	flexBubble struct {
		Type   string   `json:"type"`
		Size   string   `json:"size,omitempty"`
		Body   *flexBox `json:"body,omitempty"`
		Footer *flexBox `json:"footer,omitempty"`
	}
	flexBox struct {
		Type     string `json:"type"`
		Layout   string `json:"layout"`
		Spacing  string `json:"spacing,omitempty"`
		Margin   string `json:"margin,omitempty"`
		Contents []any  `json:"contents"`
	}
	flexText struct {
		Type   string `json:"type"`
		Text   string `json:"text"`
		Size   string `json:"size,omitempty"`
		Weight string `json:"weight,omitempty"`
		Color  string `json:"color,omitempty"`
		Wrap   bool   `json:"wrap,omitempty"`
		Flex   int    `json:"flex,omitempty"`
	}
	flexButton struct {
		Type   string     `json:"type"`
		Style  string     `json:"style,omitempty"`
		Height string     `json:"height,omitempty"`
		Action flexAction `json:"action"`
	}
	flexAction struct {
		Type  string `json:"type"`
		Label string `json:"label"`
		URI   string `json:"uri"`
	}
)

// carousel draws contact cards as a Flex carousel: one bubble per card with its name, whether
// it is open now, its rows, and buttons to call it and to open its web site.
func carousel(cards []dialog.Contact, callLabel, webLabel string) (piece, error) {
	c := flexCarousel{Type: "carousel"}
	var names []string
	for _, card := range cards {
		c.Contents = append(c.Contents, bubble(card, callLabel, webLabel))
		names = append(names, card.Name)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return piece{}, err
	}
	return piece{flex: raw, alt: truncate(strings.Join(names, " / "), maxAltText)}, nil
}

func bubble(card dialog.Contact, callLabel, webLabel string) flexBubble {
	body := &flexBox{Type: "box", Layout: "vertical", Spacing: "sm"}
	// every text is bounded, so that one card always fits LINE's size limit (a carousel of one
	// card is the smallest the renderer can send)
	body.Contents = append(body.Contents, flexText{Type: "text", Text: truncate(card.Name, maxFieldRunes), Weight: "bold", Size: "md", Wrap: true})
	if card.OpenLabel != "" {
		color := "#888888"
		if card.Status == "open" {
			color = "#1DB446"
		}
		body.Contents = append(body.Contents, flexText{Type: "text", Text: truncate(card.OpenLabel, maxFieldRunes), Size: "xs", Weight: "bold", Color: color})
	}
	for _, f := range card.Fields {
		if strings.TrimSpace(f.Value) == "" {
			continue
		}
		row := &flexBox{Type: "box", Layout: "baseline", Spacing: "sm", Contents: []any{
			flexText{Type: "text", Text: orDash(truncate(f.Label, maxFieldRunes)), Size: "xs", Color: "#888888", Wrap: true, Flex: 2},
			flexText{Type: "text", Text: truncate(f.Value, maxFieldRunes), Size: "xs", Wrap: true, Flex: 5},
		}}
		body.Contents = append(body.Contents, row)
	}
	b := flexBubble{Type: "bubble", Body: body}
	var buttons []any
	if tel := card.Tel; tel != "" && callLabel != "" {
		buttons = append(buttons, flexButton{Type: "button", Style: "primary", Height: "sm",
			Action: flexAction{Type: "uri", Label: truncate(callLabel, maxActionLabel), URI: tel}})
	}
	if webURI(card.URL) && webLabel != "" {
		buttons = append(buttons, flexButton{Type: "button", Style: "secondary", Height: "sm",
			Action: flexAction{Type: "uri", Label: truncate(webLabel, maxActionLabel), URI: card.URL}})
	}
	if len(buttons) > 0 {
		b.Footer = &flexBox{Type: "box", Layout: "vertical", Spacing: "sm", Contents: buttons}
	}
	return b
}

// orDash keeps a Flex text from being empty, which LINE rejects.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// webURI reports whether u can be a button's link: LINE accepts http and https links of up to
// 1,000 characters.
func webURI(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) && len(u) <= 1000 && !strings.ContainsAny(u, " \n")
}
