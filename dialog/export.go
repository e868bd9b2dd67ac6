package dialog

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// exportHeader is the header of the helpdesk's consultation export (seeds/consultations.csv),
// so exported cases can be appended to the knowledge as they are.
var exportHeader = []string{"", "受理番号", "相談種別ID", "【相談内容分類：ガイドブックmission1に準拠して】", "", "件名", "相談内容",
	"相談備考", "対応状況", "処置備考", "【FAQ用】検索キーワード", "案件項目【Mission1】", "提示する対策項目【Mission2～4】",
	"【FAQ用】標準回答（案）", "【FAQ用】対策のための参考資料・サイト（ここからセキュリティ等を参照）"}

// ExportCases writes the cases resolved since the given time as CSV in the columns of the seed
// consultation export. 受理番号 is the case id; the sub-category is the first CSV category of
// the topic staff chose (else the case's topic), so the next reload files the record under that
// topic as a past consultation. It returns how many cases it wrote.
func (e *Engine) ExportCases(since time.Time, w io.Writer) (int, error) {
	kb := e.lib.Base()
	cases, err := e.Cases(time.Time{})
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = false
	if err := cw.Write(exportHeader); err != nil {
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
		var said, staff []string
		for _, turn := range c.Turns {
			switch turn.From {
			case "user":
				said = append(said, turn.Text)
			case "staff":
				staff = append(staff, turn.Text)
			}
		}
		handling := c.Note
		if len(staff) > 0 {
			handling = strings.TrimSpace(handling + "\n" + strings.Join(staff, "\n"))
		}
		n++
		row := []string{strconv.Itoa(n), c.ID, "", "", category, subject, strings.Join(said, "\n"),
			strings.Join(c.Summary, "\n"), handling, c.Channel + " " + c.Closed.In(knowledge.Tokyo).Format("2006-01-02"),
			"", "", "", "", ""}
		for i := range row {
			row[i] = inertCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return n, err
		}
	}
	cw.Flush()
	return n, cw.Error()
}

// inertCell keeps a spreadsheet from reading a cell as a formula: users' words that start with
// =, +, -, @, a tab or a carriage return get a leading apostrophe, as Excel itself does. The
// knowledge loader removes it again (knowledge/csv.go).
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
