package slack

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/bot/internal/textlimit"
	"github.com/helpdesk-bot/helpdesk/dialog"
	slackapi "github.com/slack-go/slack"
)

// Slack's documented Block Kit limits the renderer keeps to. slack-go validates none of them on
// send; Slack answers invalid_blocks.
const (
	maxBlocks      = 50   // blocks per message
	maxSectionText = 3000 // a section's text
	maxFields      = 10   // fields per section
	maxFieldText   = 2000 // one field
	maxActions     = 25   // elements per actions block
	maxButtonText  = 75   // a button's text
	maxActionID    = 255  // action_id and block_id
	maxFallback    = 1000 // the notification text we send (Slack takes far more; people read 1 line)
)

// message is one chat.postMessage: its blocks and the text notifications show.
type message struct {
	blocks []slackapi.Block
	text   string
}

// renderOptions are what differs between a user's reply and a staff post.
type renderOptions struct {
	// mentions keeps <@U…> mentions as mentions instead of escaping them: for staff notices,
	// where the engine wrote the staff member's mention, never for text users wrote.
	mentions bool
	// staffTopic, for a case's root post, goes into the buttons' block id so the resolve form
	// can preselect the case's topic.
	staffTopic string
	// single renders everything into one message, cutting what does not fit: a case's root
	// post must be one message, because its ts names the case's thread.
	single bool
	// status, for a case's post after it changed hands, is a line the engine wrote about who
	// has the case, shown first; it may mention the staff member.
	status string
	// lang is the reply's language, in which its plain text is written ("Phone: " in English).
	lang string
}

// part is one block and the plain text it says, for the notification text.
type part struct {
	block slackapi.Block
	plain string
}

// render draws a reply in Block Kit: its blocks as sections, its choices as buttons after them,
// split into as many messages as Slack's limits need.
func render(r dialog.Reply, o renderOptions) []message {
	o.lang = r.Lang
	var parts []part
	if o.status != "" {
		text := mrkdwn(truncate(o.status, maxFieldText), true)
		parts = append(parts, part{block: slackapi.NewContextBlock("",
			slackapi.NewTextBlockObject(slackapi.MarkdownType, text, false, false)), plain: o.status})
	}
	for _, blk := range r.Blocks {
		parts = append(parts, blockParts(blk, o)...)
	}
	return pack(parts, choiceParts(r.Choices, o), o.single)
}

// pack puts parts into messages of at most maxBlocks blocks, the actions last.
func pack(content, actions []part, single bool) []message {
	if single && len(content)+len(actions) > maxBlocks {
		keep := max(maxBlocks-len(actions)-1, 0)
		content = append(content[:keep:keep], part{block: slackapi.NewContextBlock("",
			slackapi.NewTextBlockObject(slackapi.MarkdownType, "…", false, false))})
	}
	all := append(content, actions...)
	var msgs []message
	for len(all) > 0 {
		n := min(len(all), maxBlocks)
		msgs = append(msgs, newMessage(all[:n]))
		all = all[n:]
	}
	return msgs
}

func newMessage(parts []part) message {
	m := message{}
	var plain []string
	for _, p := range parts {
		m.blocks = append(m.blocks, p.block)
		if p.plain != "" {
			plain = append(plain, p.plain)
		}
	}
	text := strings.Join(plain, "\n")
	if text == "" {
		// only buttons: say what they offer
		for _, p := range parts {
			if ab, ok := p.block.(*slackapi.ActionBlock); ok {
				for _, el := range ab.Elements.ElementSet {
					if btn, ok := el.(*slackapi.ButtonBlockElement); ok && btn.Text != nil {
						plain = append(plain, btn.Text.Text)
					}
				}
			}
		}
		text = strings.Join(plain, " / ")
	}
	m.text = escape(truncate(strings.TrimSpace(text), maxFallback))
	return m
}

// blockParts draws one block of a reply.
func blockParts(blk dialog.Block, o renderOptions) []part {
	mrk := func(s string) string { return mrkdwn(s, o.mentions) }
	plain := dialog.Reply{Blocks: []dialog.Block{blk}, Lang: o.lang}.PlainText()
	var lines []string
	if blk.Title != "" {
		lines = append(lines, bold(blk.Title))
	}
	switch blk.Kind {
	case dialog.ContactsBlock:
		var parts []part
		if len(lines) > 0 {
			parts = append(parts, sectionParts(strings.Join(lines, "\n"), "")...)
		}
		for _, c := range blk.Contacts {
			parts = append(parts, contactParts(c)...)
		}
		if len(parts) > 0 {
			parts[0].plain = plain
		}
		return parts
	case dialog.StepsBlock:
		if blk.Text != "" {
			lines = append(lines, mrk(blk.Text))
		}
		for i, s := range blk.Items {
			lines = append(lines, strconv.Itoa(i+1)+". "+mrk(s))
		}
	case dialog.AlertsBlock, dialog.SummaryBlock:
		if blk.Text != "" {
			lines = append(lines, mrk(blk.Text))
		}
		for _, s := range blk.Items {
			lines = append(lines, "• "+mrk(s))
		}
	default:
		if blk.Text != "" {
			lines = append(lines, mrk(blk.Text))
		}
	}
	return sectionParts(strings.Join(lines, "\n"), plain)
}

// bold writes a heading; mrkdwn has no headings in sections, and header blocks take no mrkdwn.
func bold(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "*", "＊"))
	if s == "" {
		return ""
	}
	return "*" + escape(s) + "*"
}

// mentionToken matches an escaped user mention, as escape leaves "<@U123>".
var mentionToken = regexp.MustCompile(`&lt;@([UW][A-Z0-9]{1,20})&gt;`)

// mrkdwn escapes text for a section; with mentions, user mentions stay mentions.
func mrkdwn(s string, mentions bool) string {
	s = escape(s)
	if mentions {
		s = mentionToken.ReplaceAllString(s, "<@$1>")
	}
	return s
}

// sectionParts makes sections of a mrkdwn text, each within Slack's 3,000 characters, split at
// line ends where it can. plain goes with the first.
func sectionParts(text, plain string) []part {
	var parts []part
	for _, chunk := range splitText(text, maxSectionText) {
		parts = append(parts, part{block: slackapi.NewSectionBlock(
			slackapi.NewTextBlockObject(slackapi.MarkdownType, chunk, false, false), nil, nil)})
	}
	if len(parts) > 0 {
		parts[0].plain = plain
	}
	return parts
}

// splitText cuts an escaped mrkdwn text into pieces of at most limit characters: at line ends
// where it can, else inside a line but never inside an entity (&amp;) or a <…> token.
func splitText(text string, limit int) []string {
	text = strings.Trim(text, "\n")
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.Trim(cur.String(), "\n"); strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.Split(text, "\n") {
		l := textlimit.Units(line)
		if curLen > 0 && curLen+1+l > limit {
			flush()
		}
		for l > limit {
			i := safeCut(line, limit)
			cur.WriteString(line[:i])
			flush()
			line = line[i:]
			l = textlimit.Units(line)
		}
		if curLen > 0 {
			cur.WriteByte('\n')
			curLen++
		}
		cur.WriteString(line)
		curLen += l
	}
	flush()
	return out
}

// safeCut returns the byte index where s is cut to keep at most limit characters before it,
// moved back so that no &entity; or <token> is broken.
func safeCut(s string, limit int) int {
	cut := textlimit.Prefix(s, limit)
	full := cut
	if amp := strings.LastIndexByte(s[:cut], '&'); amp >= 0 && cut-amp < len("&amp;") && !strings.Contains(s[amp:cut], ";") {
		cut = amp
	}
	if lt := strings.LastIndexByte(s[:cut], '<'); lt >= 0 && !strings.Contains(s[lt:cut], ">") {
		cut = lt
	}
	if cut == 0 { // a token longer than the limit: cut it anyway
		cut = full
	}
	return cut
}

// contactParts draws a contact card: its name (and whether it is open now) with its rows as
// fields, the phone as a tap-to-call link and the web site as a link, ten fields per section.
func contactParts(c dialog.Contact) []part {
	head := bold(c.Name)
	if c.OpenLabel != "" {
		// an ASCII space after the closing "*": a full-width one can keep Slack from ending the bold
		head += " 【" + escape(c.OpenLabel) + "】"
	}
	var fields []*slackapi.TextBlockObject
	for _, f := range c.Fields {
		fields = append(fields, slackapi.NewTextBlockObject(slackapi.MarkdownType, fieldText(f), false, false))
	}
	if head == "" && len(fields) == 0 {
		return nil
	}
	var parts []part
	first := true
	for first || len(fields) > 0 {
		n := min(len(fields), maxFields)
		var text *slackapi.TextBlockObject
		if first && head != "" {
			text = slackapi.NewTextBlockObject(slackapi.MarkdownType, head, false, false)
		}
		var fs []*slackapi.TextBlockObject
		if n > 0 {
			fs = fields[:n]
		}
		parts = append(parts, part{block: slackapi.NewSectionBlock(text, fs, nil)})
		fields = fields[n:]
		first = false
	}
	return parts
}

// fieldText draws one row of a contact card within Slack's limit for a field: the label, then
// the value, linked to the field's URI (tel:, mailto: or the web address) when the link fits.
func fieldText(f dialog.Field) string {
	label := bold(f.Label)
	room := maxFieldText
	if label != "" {
		room -= textlimit.Units(label) + 1 // and the line break
	}
	value := strings.TrimSpace(f.Value)
	var shown string
	if target := linkTarget(f.URI); target != "" && textlimit.Units(target)+len("<|>")+minLinkText <= room {
		shown = "<" + target + "|" + fitEscaped(value, room-textlimit.Units(target)-len("<|>")) + ">"
	} else {
		shown = fitEscaped(value, room)
	}
	if label == "" {
		return shown
	}
	return label + "\n" + shown
}

// minLinkText is the least room a link's text must keep; a URI that leaves less is not linked.
const minLinkText = 20

// linkTarget writes uri as the target of a mrkdwn link: escaped, and with "|", which would end
// the target, percent-encoded.
func linkTarget(uri string) string {
	return strings.ReplaceAll(escape(strings.TrimSpace(uri)), "|", "%7C")
}

// fitEscaped escapes s for mrkdwn in at most n characters, cutting it with "…" when it is longer,
// never inside an entity such as &amp;.
func fitEscaped(s string, n int) string {
	e := escape(s)
	if textlimit.Units(e) <= n {
		return e
	}
	return e[:safeCut(e, n-1)] + "…"
}

// choiceParts draws choices as buttons, at most 25 to an actions block. A button's value is the
// choice id; its action_id carries it too, after an index that keeps action ids unique in the
// message.
func choiceParts(choices []dialog.Choice, o renderOptions) []part {
	var parts []part
	for i := 0; i < len(choices); i += maxActions {
		chunk := choices[i:min(i+maxActions, len(choices))]
		var els []slackapi.BlockElement
		for j, c := range chunk {
			n := i + j
			label := strings.TrimSpace(c.Label)
			if label == "" {
				label = c.ID
			}
			btn := slackapi.NewButtonBlockElement(actionID(n, c.ID), c.ID,
				slackapi.NewTextBlockObject(slackapi.PlainTextType, truncate(label, maxButtonText), true, false))
			if a, _, ok := dialog.ParseStaffChoice(c.ID); ok && a == dialog.StaffClaim {
				btn = btn.WithStyle(slackapi.StylePrimary)
			}
			els = append(els, btn)
		}
		blockID := "choices-" + strconv.Itoa(i/maxActions)
		if i == 0 && (o.staffTopic != "" || isStaffChoices(chunk)) {
			blockID = truncateBytes(staffBlockPrefix+o.staffTopic, maxActionID)
		}
		parts = append(parts, part{block: slackapi.NewActionBlock(blockID, els...)})
	}
	return parts
}

// staffBlockPrefix starts the block id of a case's buttons; the case's topic follows.
const staffBlockPrefix = "staff:"

func isStaffChoices(cs []dialog.Choice) bool {
	for _, c := range cs {
		if _, _, ok := dialog.ParseStaffChoice(c.ID); ok {
			return true
		}
	}
	return false
}

// actionID is a button's action_id: unique in its message, and carrying the choice id.
func actionID(n int, choice string) string {
	id := fmt.Sprintf("c%d|%s", n, choice)
	if len(id) > maxActionID {
		return fmt.Sprintf("c%d", n)
	}
	return id
}

// choiceOf reads the choice id of a pressed button: its value, else its action_id.
func choiceOf(value, actionID string) string {
	if value != "" {
		return value
	}
	if _, id, ok := strings.Cut(actionID, "|"); ok && strings.HasPrefix(actionID, "c") {
		return id
	}
	return ""
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
