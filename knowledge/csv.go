package knowledge

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// The consultation CSV is read as the helpdesk's system exports it: 15 columns, a header row,
// quoted multi-line cells, an unnamed first column (a row number) and an unnamed column right
// after 相談内容分類 that holds the sub-category ("051.ウイルス感染"). Columns are found by
// header name, so a re-ordered export still loads; a missing required column is reported.

// ConsultationHeader is the header row of the helpdesk's consultation export as it is written
// (seeds/consultations.csv): what a file appended to the knowledge must start with, e.g. the
// resolved cases `helpdesk cases export` writes.
var ConsultationHeader = []string{"", "受理番号", "相談種別ID", "【相談内容分類：ガイドブックmission1に準拠して】", "", "件名", "相談内容",
	"相談備考", "対応状況", "処置備考", "【FAQ用】検索キーワード", "案件項目【Mission1】", "提示する対策項目【Mission2～4】",
	"【FAQ用】標準回答（案）", "【FAQ用】対策のための参考資料・サイト（ここからセキュリティ等を参照）"}

// csvColumn names a column by a fragment of its header, compared after NFKC normalisation.
type csvColumn struct {
	header   string
	exact    bool // the header must equal, not just contain, the fragment
	required bool
	set      func(c *Case, v string)
}

var csvColumns = []csvColumn{
	{"受理番号", true, true, func(c *Case, v string) { c.No = v }},
	{"相談種別ID", true, false, func(c *Case, v string) { c.Kind = v }},
	{"相談内容分類", false, true, func(c *Case, v string) { c.Class = v }},
	{"件名", true, true, func(c *Case, v string) { c.Subject = v }},
	{"相談内容", true, true, func(c *Case, v string) { c.Body = v }},
	{"相談備考", true, false, func(c *Case, v string) { c.Remarks = v }},
	{"対応状況", true, true, func(c *Case, v string) { c.Handling = v }},
	{"処置備考", true, false, func(c *Case, v string) { c.Notes = v }},
	{"検索キーワード", false, false, func(c *Case, v string) { c.Keywords = v }},
	{"標準回答", false, false, func(c *Case, v string) { c.FAQ = v }},
	{"参考資料", false, false, func(c *Case, v string) { c.FAQRefs = v }},
}

func (l *loader) loadCases() {
	files, _ := fs.Glob(l.fsys, casesPattern)
	if len(files) == 0 {
		l.problem(casesPattern, 0, "no consultation CSV (%s) in the knowledge folder", casesPattern)
		return
	}
	sort.Strings(files)
	for _, f := range files {
		data, ok := l.read(f)
		if ok {
			l.parseCases(f, data)
		}
	}
}

// decodeExport returns the CSV text as UTF-8: a UTF-8 byte order mark is dropped, and a file
// that is not UTF-8 is read as Shift_JIS, the encoding Excel uses for Japanese CSV.
func decodeExport(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, nil
	}
	return japanese.ShiftJIS.NewDecoder().Bytes(data)
}

func (l *loader) parseCases(file string, data []byte) {
	data, err := decodeExport(data)
	if err != nil {
		l.problem(file, 0, "neither UTF-8 nor Shift_JIS: %v", err)
		l.broken[file] = true
		return
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		l.csvError(file, err)
		return
	}
	cols := map[int]func(*Case, string){}
	var missing []string
	for _, col := range csvColumns {
		i := findHeader(header, col)
		if i < 0 {
			if col.required {
				missing = append(missing, col.header)
			}
			continue
		}
		cols[i] = col.set
		if col.header == "相談内容分類" {
			// The sub-category column has no header of its own: it follows 相談内容分類.
			if i+1 < len(header) && strings.TrimSpace(header[i+1]) == "" {
				cols[i+1] = func(c *Case, v string) { c.Category = v }
			} else {
				missing = append(missing, "(the unnamed sub-category column after 相談内容分類)")
			}
		}
	}
	for _, m := range missing {
		l.problem(file, 1, "missing column %q", m)
	}
	if len(missing) > 0 {
		l.broken[file] = true
		return
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			l.csvError(file, err)
			return
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			l.problem(file, line, "record has %d fields, the header has %d", len(rec), len(header))
			continue
		}
		c := &Case{File: file, Row: line}
		for i, set := range cols {
			set(c, literalCell(strings.TrimSpace(rec[i])))
		}
		if c.No == "" && c.Subject == "" && c.Body == "" && c.Handling == "" {
			continue // an empty row the export left behind, with only its row number
		}
		if c.No == "" {
			l.problem(file, line, "record has no 受理番号")
			continue
		}
		if prev, dup := l.b.caseIdx[c.No]; dup {
			l.problem(file, line, "duplicate 受理番号 %q (first at line %d)", c.No, prev.Row)
			continue
		}
		l.b.cases = append(l.b.cases, c)
		l.b.caseIdx[c.No] = c
	}
}

func findHeader(header []string, col csvColumn) int {
	want := norm.NFKC.String(col.header)
	for i, h := range header {
		h = norm.NFKC.String(strings.TrimSpace(h))
		if (col.exact && h == want) || (!col.exact && strings.Contains(h, want)) {
			return i
		}
	}
	return -1
}

func (l *loader) csvError(file string, err error) {
	l.broken[file] = true
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		l.problem(file, pe.Line, "%v", pe.Err)
		return
	}
	l.problem(file, 0, "%v", err)
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// formulaStarts are the first characters that make a spreadsheet read a cell as a formula. The
// full-width ＝＋－＠ are among them: Japanese Excel reads "＝1+1" as the formula =1+1.
const formulaStarts = "=+-@\t\r＝＋－＠"

// formulaStart reports whether s starts with a character of formulaStarts.
func formulaStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(formulaStarts, r)
}

// InertCell keeps a spreadsheet from reading a cell of the consultation format as a formula:
// text that starts with =, +, -, @ (half- or full-width), a tab or a carriage return gets a
// leading apostrophe, as Excel itself does. Loading the file as knowledge removes it again
// (literalCell).
func InertCell(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// literalCell undoes InertCell.
func literalCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && formulaStart(rest) {
		return rest
	}
	return s
}
