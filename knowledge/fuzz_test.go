package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/helpdesk-bot/helpdesk/seeds"
)

// FuzzLoadFile gives one knowledge file arbitrary bytes and runs its reader: problems must name
// the file, and nothing may panic. (Load as a whole is exercised by the tests; reading one file
// keeps the fuzzer fast.)
func FuzzLoadFile(f *testing.F) {
	base := seedFolder(f, nil)
	files := []string{"contacts.yaml", "topics/phishing.yaml", "menu.yaml", "messages.yaml", "intake.yaml", "alerts.yaml", "holidays.yaml", "synonyms.yaml", "programmes.yaml", "sources.yaml", "faq.yaml", "labelled/tune-registers.tsv"}
	for i, name := range files {
		// short seeds: the fuzzer minimises every input that finds new coverage, and minimising
		// a 20 KB file takes minutes
		data := base[name].Data
		if len(data) > 1500 {
			data = data[:1500]
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(0), []byte("- id: x\n  phone: [\n"))
	f.Add(uint8(1), []byte("id: phishing\nquestions:\n  - options: [{}]\n"))
	f.Add(uint8(2), []byte("entries:\n  - {id: a, action: topics}\nvague:\n  - {}\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := files[int(which)%len(files)]
		m := fstest.MapFS{name: &fstest.MapFile{Data: data}, "sources.yaml": base["sources.yaml"]}
		if name == "sources.yaml" {
			m[name] = &fstest.MapFile{Data: data}
		}
		l := newLoader(m)
		l.loadSources()
		switch {
		case strings.HasPrefix(name, "topics/"):
			l.loadTopics()
		case name == "contacts.yaml":
			l.loadContacts()
		case strings.HasPrefix(name, "labelled/"):
			l.loadLabelled()
		case name == "menu.yaml":
			l.loadMenu()
		case name == "messages.yaml":
			l.loadMessages()
		case name == "intake.yaml":
			l.loadIntake()
		case name == "alerts.yaml":
			l.loadAlerts()
		case name == "holidays.yaml":
			l.loadHolidays()
		case name == "synonyms.yaml":
			l.loadSynonyms()
			newFolder(l.b.synonyms).fold(Normalize(string(data)))
		case name == "programmes.yaml":
			l.loadProgrammes()
		case name == "faq.yaml":
			l.loadPastAnswers()
		}
		l.validate()
		for _, p := range l.problems {
			if p.File == "" || p.Err == nil {
				t.Fatalf("problem without a file or reason: %#v", p)
			}
		}
	})
}

// FuzzConsultationCSV feeds arbitrary exports to the CSV reader.
func FuzzConsultationCSV(f *testing.F) {
	base := seedFolder(f, nil)
	f.Add(base["consultations.csv"].Data[:1500])
	f.Add([]byte("受理番号,相談内容分類,,件名,相談内容,対応状況\n1,a,b,c,\"d\ne\",f\n"))
	f.Add([]byte("\xef\xbb\xbf受理番号\n\"\n"))
	f.Add([]byte{0x8e, 0xf3, 0x97, 0x9d}) // Shift_JIS bytes
	f.Fuzz(func(t *testing.T, data []byte) {
		l := newLoader(nil)
		l.parseCases("consultations.csv", data)
		for _, p := range l.problems {
			if !strings.HasPrefix(p.Error(), "consultations.csv") {
				t.Fatalf("problem not naming the file: %v", p)
			}
		}
		for _, c := range l.b.cases {
			if c.No == "" {
				t.Fatalf("a case without 受理番号 was kept")
			}
		}
	})
}

// FuzzSearch: any text, any width, any script: a ranked result or nothing, never a panic.
func FuzzSearch(f *testing.F) {
	kb, err := Load(seeds.FS)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"ランサムウェアに感染したかも", "ｳｲﾙｽ", "😱😱", "", "\x00\xff", "担当者と話したい", strings.Repeat("あ", 3000), "qwerty"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := kb.Search(text)
		if len(r.Topics) > 5 {
			t.Fatalf("%d topics", len(r.Topics))
		}
		if r.Confident && len(r.Topics) == 0 {
			t.Fatal("confident about nothing")
		}
		kb.Similar(text, 3)
		kb.Command(text)
	})
}

// FuzzFold checks the two shortcuts of folding against what they stand for: Normalize, which
// applies NFKC only where a text needs it, against Normalize of the whole NFKC form, and the
// synonym folder against foldPlainly with the same pairs.
func FuzzFold(f *testing.F) {
	kb, err := Load(seeds.FS)
	if err != nil {
		f.Fatal(err)
	}
	pairs := folderPairs(kb.index.fold)
	for _, s := range []string{"か\u3099", "ｶﾞ", "ランサムウェアに感染", "ddos攻撃", "\x00\xff", "e\u0301あ", "jpcert hpc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := Normalize(text)
		if want := normalizeWhole(text); n != want {
			t.Fatalf("Normalize(%q) = %q, on its whole NFKC form %q", text, n, want)
		}
		got, want := kb.index.fold.fold(n), foldPlainly(pairs, n)
		if got != want {
			t.Fatalf("fold(%q) = %q, folding plainly gives %q", n, got, want)
		}
		// the learned reading cuts words at ASCII spaces only (appendKeysOfKind)
		if i := strings.IndexFunc(got, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }); i >= 0 {
			t.Fatalf("fold(%q) = %q holds a space other than ' ' at byte %d", n, got, i)
		}
	})
}

// FuzzSchedule parses arbitrary opening-hour specs.
func FuzzSchedule(f *testing.F) {
	for _, s := range []string{"mon-fri 10:00-12:00 13:30-17:00; closed holidays year-end", "daily", "sun-sat 24:00-24:00", "x;y", "mon,wed 9:00-9:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSchedule(spec)
		if err != nil {
			return
		}
		for _, sp := range s.Spans {
			if sp.From >= sp.To || sp.From < 0 || sp.To > 24*60 {
				t.Fatalf("accepted a bad span %+v from %q", sp, spec)
			}
		}
	})
}

// FuzzClosure parses arbitrary closures: what is accepted writes back as it reads.
func FuzzClosure(f *testing.F) {
	for _, s := range []string{"12-29..01-03", "05-01", "02-29..03-01", "13-01", "12-29..", "..01-03"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseClosure(text)
		if err != nil {
			return
		}
		again, err := ParseClosure(c.String())
		if err != nil || again != c {
			t.Fatalf("ParseClosure(%q) = %v, but its String %q reads as %v, %v", text, c, c.String(), again, err)
		}
	})
}
