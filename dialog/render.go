package dialog

import (
	"strconv"
	"strings"
)

// PlainText renders the reply's blocks as plain text, the way the terminal shows them and the
// way `helpdesk ask` prints the answer. Choices are not included: each channel draws them.
func (r Reply) PlainText() string {
	var b strings.Builder
	for i, blk := range r.Blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		blk.writeText(&b)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (blk Block) writeText(b *strings.Builder) {
	if blk.Title != "" {
		b.WriteString("■ " + blk.Title + "\n")
	}
	switch blk.Kind {
	case StepsBlock:
		if blk.Text != "" {
			b.WriteString(blk.Text + "\n")
		}
		for i, s := range blk.Items {
			b.WriteString(strconv.Itoa(i+1) + ". " + s + "\n")
		}
	case AlertsBlock, SummaryBlock:
		for _, s := range blk.Items {
			b.WriteString("・" + s + "\n")
		}
	case ContactsBlock:
		for _, c := range blk.Contacts {
			b.WriteString("・" + c.Name)
			if c.OpenLabel != "" {
				b.WriteString("【" + c.OpenLabel + "】")
			}
			b.WriteString("\n")
			for _, f := range c.Fields {
				b.WriteString("  " + f.Label + "：" + f.Value + "\n")
			}
		}
	default:
		b.WriteString(blk.Text + "\n")
	}
}
