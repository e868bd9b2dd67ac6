package decide

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
		blk.writeText(&b, r.Lang)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (blk Block) writeText(b *strings.Builder, lang string) {
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
				b.WriteString("  " + f.Label + Colon(lang) + f.Value + "\n")
			}
		}
	default:
		b.WriteString(blk.Text + "\n")
	}
}

// Colon is the colon after a label in a reply in lang: full-width in Japanese (「Web：」), an
// ASCII colon and a space in English ("Web: ").
func Colon(lang string) string {
	if lang == "en" {
		return ": "
	}
	return "："
}

// telURI is the tap-to-call URI of a phone number: its digits ("03-5978-7509" ->
// "tel:0359787509"), or "" for no number. knowledge accepts only numbers as dialled in Japan,
// digits and hyphens (see checkPhone in knowledge/validate.go).
func telURI(phone string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	if digits == "" {
		return ""
	}
	return "tel:" + digits
}
