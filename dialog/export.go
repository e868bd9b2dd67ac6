package dialog

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// ExportCases writes the cases resolved since the given time as CSV in the columns of the seed
// consultation export. 受理番号 is the case id; the sub-category is the first CSV category of
// the topic staff chose (else the case's topic), so the next reload files the record under that
// topic as a past consultation. It returns how many cases it wrote.
//
// The file starts with a UTF-8 byte order mark: without one, Japanese Excel reads a
// double-clicked CSV as Shift_JIS and shows garbage, and the knowledge loader drops the mark.
func (a *Admin) ExportCases(since time.Time, w io.Writer) (int, error) {
	kb := a.e.lib.Base()
	cases, err := a.Cases(time.Time{})
	if err != nil {
		return 0, err
	}
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = false
	if err := cw.Write(knowledge.ConsultationHeader); err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cases {
		if c.Status != CaseResolved || c.Closed.Before(since) {
			continue
		}
		topic := c.Resolved
		if topic == "" {
			topic = c.Topic
		}
		category, subject := "", c.Title
		if t := kb.Topic(topic); t != nil {
			subject = t.Title
			if len(t.Categories) > 0 {
				category = t.Categories[0]
			}
		}
		said, staff := decide.TurnsFrom(c.Turns, "user"), decide.TurnsFrom(c.Turns, "staff")
		handling := c.Note
		if len(staff) > 0 {
			handling = strings.TrimSpace(handling + "\n" + strings.Join(staff, "\n"))
		}
		n++
		row := []string{strconv.Itoa(n), c.ID, "", "", category, subject, strings.Join(said, "\n"),
			strings.Join(c.Summary, "\n"), handling, string(c.Channel) + " " + c.Closed.In(knowledge.Tokyo).Format("2006-01-02"),
			"", "", "", "", ""}
		for i := range row {
			row[i] = knowledge.InertCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return n, err
		}
	}
	cw.Flush()
	return n, cw.Error()
}

// utf8BOM is the byte order mark that tells Excel a CSV is UTF-8.
const utf8BOM = "\ufeff"
