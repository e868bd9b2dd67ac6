package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Names of the files of a knowledge folder. Topics live one per file under topicsDir; every
// consultations*.csv file is read, so admins can add an export beside the original.
const (
	sourcesFile    = "sources.yaml"
	contactsFile   = "contacts.yaml"
	programmesFile = "programmes.yaml"
	alertsFile     = "alerts.yaml"
	intakeFile     = "intake.yaml"
	menuFile       = "menu.yaml"
	messagesFile   = "messages.yaml"
	holidaysFile   = "holidays.yaml"
	synonymsFile   = "synonyms.yaml"
	faqFile        = "faq.yaml"
	topicsDir      = "topics"
	casesPattern   = "consultations*.csv"
)

// Base is one loaded, validated knowledge folder. It is never modified after Load returns.
type Base struct {
	sources    []*Source
	sourceByID map[string]*Source
	contacts   []*Contact
	contactIdx map[string]*Contact
	programmes []*Programme
	topics     []*Topic
	topicIdx   map[string]*Topic
	alerts     []*Alert
	topicAlert map[string][]*Alert // topic id -> its alerts, newest first
	// alertsCurrentFor is how long after its date an alert counts as current (alerts.yaml's
	// current_for_days).
	alertsCurrentFor time.Duration
	intake           []*IntakeQuestion
	menu             []*MenuEntry
	commands         map[string][]string
	vague            []*Vague
	messages         map[string]string
	messagesEN       map[string]string // messages.en.yaml
	holidays         *Calendar
	synonyms         [][]string
	// understanding is how messages are read beyond topic words (understanding.yaml).
	understanding Understanding
	cases         []*Case
	caseIdx       map[string]*Case
	// labelled are the labelled messages of labelled/*.tsv, which the learned reading learns
	// from.
	labelled []*Labelled
	// pastAnswers are the edited standard answers of faq.yaml, by 受理番号.
	pastAnswers map[string]*PastAnswer
	files       map[string]string // file -> sha256, to tell what a reload changed
	index       *index
}

// Load reads and validates the knowledge in fsys. On any problem it returns a nil Base and a
// Problems error listing every problem found, each as file:line: reason.
func Load(fsys fs.FS) (*Base, error) {
	defer relaxGC()()
	l := newLoader(fsys)
	// The synonyms and the labelled messages first: folding the messages and learning from them
	// is the longest chain of a load, and it needs nothing else.
	l.loadSynonyms()
	l.loadLabelled()
	fold, labelled := foldLabelled(l.b) // on the other core while the rest is read
	l.loadSources()
	l.loadContacts()
	l.loadProgrammes()
	l.loadTopics()
	l.checkLabels()
	early := startEarly(l.b, fold, labelled) // on the other core while the rest is read
	l.loadAlerts()
	l.loadIntake()
	l.loadMenu()
	l.loadMessages()
	l.loadMessagesEN()
	l.loadHolidays()
	l.loadUnderstanding()
	l.loadCases()
	l.loadPastAnswers()
	l.validate()
	l.checkUnderstanding()
	if !l.broken[contactsFile] {
		l.checkEnglishContacts()
	}
	// last, so that the checks before it run while the topics are still being folded
	l.checkShortWords(early.foldedTopics().words, early.fold)
	if len(l.problems) > 0 {
		return nil, l.problems.sorted()
	}
	l.b.index = buildIndexFrom(l.b, early)
	return l.b, nil
}

// checkShortWords reports the topic, intent, situation and follow-up words that fold to one or
// two kana (トナー to とな, ループ to るぷ, よぼう to よぼ): the matcher would find them inside
// other words (「気になることが」, グループ, ちょうぼ) and read the topic into texts that do not
// name it. words are each topic's words as folded for matching; fold folds understanding.yaml's.
func (l *loader) checkShortWords(words [][]string, fold folder) {
	for i, t := range l.b.topics { // refs and words hold one entry per topic, in its order
		ref := l.refs[i]
		for j, w := range words[i] {
			if f, short := shortKana(w); short {
				l.problem(ref.file, itemLine(ref.node, "words", j, ref.kl.at("words")), "topic %q: word %q reads as %q, two kana or fewer, which occur inside other words; write a longer form (%sが, %sの ...)", t.ID, t.Words[j], f, t.Words[j], t.Words[j])
			}
		}
	}
	if l.broken[understandingFile] {
		return
	}
	u := &l.b.understanding
	for _, list := range []struct {
		key  string
		cues []Cue
	}{{"intents", u.Intents}, {"situations", u.Situations}, {"followups", u.Followups}} {
		for _, c := range list.cues {
			for _, w := range c.Words {
				f, short := shortKana(foldWord(func(s string) string { return fold.fold(Normalize(s)) }, w))
				if !short {
					continue
				}
				l.problem(understandingFile, wordLine(l.cueWords[list.key+"/"+c.ID], w), "%s: %q: word %q reads as %q, two kana or fewer, which occur inside other words (よぼう in ちょうぼ); write a longer form", list.key, c.ID, w, f)
			}
		}
	}
}

// wordLine returns the line of word in the words: list node, or 0. (The social lists are not
// checked for short words: theirs, はい and うん, count only where nothing else is said.)
func wordLine(words *yaml.Node, word string) int {
	if words == nil {
		return 0
	}
	for _, w := range words.Content {
		if strings.TrimSpace(w.Value) == word {
			return w.Line
		}
	}
	return words.Line
}

// shortKana returns folded word w trimmed and whether it is one or two kana.
func shortKana(w string) (string, bool) {
	f := strings.TrimSpace(w)
	n := utf8.RuneCountInString(f)
	return f, n > 0 && n <= 2 && !strings.ContainsFunc(f, func(r rune) bool { return kanaScript(r) == 0 })
}

// newLoader returns a loader for fsys with an empty Base to fill.
func newLoader(fsys fs.FS) *loader {
	return &loader{fsys: fsys, broken: map[string]bool{}, faqLines: map[string]int{}, contactLines: map[string]int{}, cueWords: map[string]*yaml.Node{}, b: &Base{
		sourceByID:  map[string]*Source{},
		contactIdx:  map[string]*Contact{},
		topicIdx:    map[string]*Topic{},
		topicAlert:  map[string][]*Alert{},
		messages:    map[string]string{},
		commands:    map[string][]string{},
		holidays:    NewCalendar(map[string]string{}),
		caseIdx:     map[string]*Case{},
		pastAnswers: map[string]*PastAnswer{},
		files:       map[string]string{},
	}}
}

type loader struct {
	fsys     fs.FS
	b        *Base
	problems Problems
	// aliasOwner is the contact or programme each alias names, to report one named twice
	aliasOwner map[string]string
	// where references were written, for the cross-file checks of validate
	refs       []topicRefs
	alertRefs  []keyLines
	menuRefs   []keyLines
	vagueLines []int
	faqLines   map[string]int // 受理番号 -> its line in faq.yaml
	// situationRefs are the situations topics name; intentLines the lines of the intents
	situationRefs []situationRef
	cueTopicRefs  []situationRef
	intentLines   []int
	// cueWords are understanding.yaml's words: nodes, by "key/id" (intents/prevention), so that a
	// word can be reported at its line
	cueWords      map[string]*yaml.Node
	offTopicLine  int
	unsureLine    int
	merelyLine    int
	aftermathLine int
	contactLines  map[string]int // contact id -> the line of its entry
	// broken marks files that could not be read whole: references into them are not checked,
	// so one typo is reported once instead of as every reference it breaks.
	broken map[string]bool
}

// The largest a knowledge file may be. The limits are far above what the files hold (the seed
// consultations.csv is 220 KiB, the largest YAML file 15 KiB) and far below what hurts: the YAML
// parser keeps a node with its position for every value, so memory and time grow fast with the
// size (a 60 MB synonyms.yaml took 2.75 GB and 36 s to load), while a synonyms.yaml of 1 MiB of
// entries loads in about 0.45 s and 100 MB allocated, once, during a reload that keeps the old
// knowledge serving meanwhile. The CSV is read with encoding/csv, a few times its size at most
// (Shift_JIS decoding makes a copy): 8 MiB, about 35 times the seed export, loads in about
// 0.4 s, and an export larger than that can be split into several consultations*.csv files.
const (
	maxCSVFile  = 8 << 20
	maxYAMLFile = 1 << 20
)

// maxFileSize is the limit for the knowledge file name.
func maxFileSize(name string) int64 {
	if strings.HasSuffix(name, ".csv") {
		return maxCSVFile
	}
	return maxYAMLFile
}

// read returns a file's bytes; a missing, unreadable or oversize required file is a problem. A
// file over the limit is refused before it is read (its size as fs.Stat reports it), and a file
// whose size is not known is read no further than the limit.
func (l *loader) read(name string) ([]byte, bool) {
	limit := maxFileSize(name)
	data, err := readLimited(l.fsys, name, limit)
	var big *tooBigError
	if errors.As(err, &big) {
		l.broken[name] = true
		l.problem(name, 0, "%s, more than the %s a knowledge file of this kind may have", big.size, mib(limit))
		return nil, false
	}
	if err != nil {
		l.broken[name] = true
		if errors.Is(err, fs.ErrNotExist) {
			l.problem(name, 0, "file is missing")
		} else {
			l.problem(name, 0, "cannot read: %v", err)
		}
		return nil, false
	}
	sum := sha256.Sum256(data)
	l.b.files[name] = hex.EncodeToString(sum[:])
	return data, true
}

// tooBigError says a file is over its limit; size is how big it is ("at least" when unknown).
type tooBigError struct{ size string }

func (e *tooBigError) Error() string { return "file too big: " + e.size }

// readLimited reads name from fsys, failing with a tooBigError beyond limit bytes.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if size = fi.Size(); size > limit {
			return nil, &tooBigError{mib(size)}
		}
	}
	if size < 0 {
		size = 512
	}
	// Read into a buffer of the file's size and one byte more, to see the end without growing
	// it, as os.ReadFile does: io.ReadAll grows from 512 bytes by doubling, which would allocate
	// several times the knowledge's size on every load.
	data := make([]byte, 0, size+1)
	r := io.LimitReader(f, limit+1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew since its size was read
		}
	}
	if int64(len(data)) > limit {
		return nil, &tooBigError{"more than " + mib(limit)}
	}
	return data, nil
}

// mib writes a size in MiB, to one decimal.
func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }

func (l *loader) readYAMLList(name string) []*yaml.Node {
	data, ok := l.read(name)
	if !ok {
		return nil
	}
	return l.entries(name, l.parseYAML(name, data))
}

// ---- sources.yaml

type rawSource struct {
	ID    string `yaml:"id"`
	File  string `yaml:"file"`
	Title string `yaml:"title"`
	Date  string `yaml:"date"`
	Note  string `yaml:"note"`
}

func (l *loader) loadSources() {
	for _, n := range l.readYAMLList(sourcesFile) {
		var r rawSource
		if !l.decode(sourcesFile, n, &r) {
			continue
		}
		kl := linesOf(n)
		if !newID(l, sourcesFile, kl, r.ID, l.b.sourceByID) {
			continue
		}
		if r.File == "" {
			l.problem(sourcesFile, kl.at("file"), "source %q has no file", r.ID)
		} else if _, err := fs.Stat(l.fsys, r.File); err != nil {
			l.problem(sourcesFile, kl.at("file"), "source %q: file %q cannot be read: %v", r.ID, r.File, errors.Unwrap(err))
		}
		s := &Source{ID: r.ID, File: r.File, Title: r.Title, Date: r.Date, Note: r.Note}
		l.b.sources = append(l.b.sources, s)
		l.b.sourceByID[s.ID] = s
	}
}

// newID checks that id is set, well formed and not yet in seen.
func newID[V any](l *loader, file string, kl keyLines, id string, seen map[string]V) bool {
	if id == "" {
		l.problem(file, kl.entry, "entry has no id")
		return false
	}
	if !validID(id) {
		l.problem(file, kl.at("id"), "id %q: use lowercase letters, digits and '-' only", id)
		return false
	}
	if _, dup := seen[id]; dup {
		l.problem(file, kl.at("id"), "duplicate id %q", id)
		return false
	}
	return true
}

func validID(id string) bool {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return id != "" && id[0] != '-'
}

// ---- contacts.yaml

type rawLink struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
}

type rawContact struct {
	ID         string    `yaml:"id"`
	Name       string    `yaml:"name"`
	Org        string    `yaml:"org"`
	Phone      string    `yaml:"phone"`
	Email      string    `yaml:"email"`
	URL        string    `yaml:"url"`
	Links      []rawLink `yaml:"links"`
	Hours      string    `yaml:"hours"`
	When       string    `yaml:"when"`
	Schedule   string    `yaml:"schedule"`
	Closures   []string  `yaml:"closures"`
	Accepts    string    `yaml:"accepts"`
	NotAccepts string    `yaml:"not_accepts"`
	Prepare    string    `yaml:"prepare"`
	Brief      string    `yaml:"brief"`
	Aliases    []string  `yaml:"aliases"`
	// PrepareNotUrgent: advice before calling that is left off urgent topics' cards.
	PrepareNotUrgent string `yaml:"prepare_not_urgent"`
	Internal         bool   `yaml:"internal"`
	// ConsumersOnly: the desk takes no companies (its not_accepts says so).
	ConsumersOnly bool `yaml:"consumers_only"`
	// TokyoOnly and OutsideTokyo: see Contact.
	TokyoOnly    bool          `yaml:"tokyo_only"`
	OutsideTokyo string        `yaml:"outside_tokyo"`
	EN           *rawContactEN `yaml:"en"`
	Sources      []string      `yaml:"sources"`
	Note         string        `yaml:"note"`
}

func (l *loader) loadContacts() {
	lines := map[string]keyLines{}
	for _, n := range l.readYAMLList(contactsFile) {
		var r rawContact
		if !l.decode(contactsFile, n, &r) {
			continue
		}
		kl := linesOf(n)
		if !newID(l, contactsFile, kl, r.ID, l.b.contactIdx) {
			continue
		}
		c := &Contact{
			ID: r.ID, Name: strings.TrimSpace(r.Name), Org: r.Org, Phone: strings.TrimSpace(r.Phone),
			Email: strings.TrimSpace(r.Email), URL: strings.TrimSpace(r.URL), Hours: strings.TrimSpace(r.Hours),
			When:    strings.TrimSpace(r.When),
			Accepts: strings.TrimSpace(r.Accepts), NotAccepts: strings.TrimSpace(r.NotAccepts),
			Prepare: strings.TrimSpace(r.Prepare), Brief: strings.TrimSpace(r.Brief), PrepareNotUrgent: strings.TrimSpace(r.PrepareNotUrgent), Internal: r.Internal, ConsumersOnly: r.ConsumersOnly, Sources: r.Sources, Note: r.Note,
			Aliases: trimAll(r.Aliases), TokyoOnly: r.TokyoOnly, OutsideTokyo: strings.TrimSpace(r.OutsideTokyo),
		}
		if c.Name == "" {
			l.problem(contactsFile, kl.entry, "contact %q has no name", c.ID)
		}
		if r.EN != nil {
			c.EN = r.EN.contactEN()
		}
		l.contactLines[c.ID] = kl.entry
		l.checkPhone(contactsFile, kl.at("phone"), c.Phone)
		l.checkEmail(contactsFile, kl.at("email"), c.Email)
		l.checkURL(contactsFile, kl.at("url"), c.URL)
		c.Links = l.links(contactsFile, n, r.Links)
		if r.Schedule != "" {
			s, err := ParseSchedule(r.Schedule)
			if err != nil {
				l.problem(contactsFile, kl.at("schedule"), "schedule: %v", err)
			}
			c.Schedule = s
		}
		if c.Schedule != nil || r.Schedule == "" { // a broken schedule is reported once
			l.closures(n, kl, c, r.Closures)
		}
		if c.ConsumersOnly && c.Internal {
			l.problem(contactsFile, kl.at("consumers_only"), "contact %q: a role inside the company cannot be consumers_only", c.ID)
		}
		if !c.Internal && !c.Reachable() && c.Email == "" {
			l.problem(contactsFile, kl.entry, "contact %q has no phone, url or email", c.ID)
		}
		l.checkSources(contactsFile, kl, c.Sources)
		l.checkAliases(contactsFile, kl, c)
		l.b.contacts = append(l.b.contacts, c)
		l.b.contactIdx[c.ID] = c
		lines[c.ID] = kl
	}
	for _, c := range l.b.contacts {
		l.checkOutsideTokyo(lines[c.ID], c)
	}
}

// checkOutsideTokyo reports a desk for Tokyo only that names no desk for elsewhere, and an
// outside_tokyo that names no contact, or one that is itself for Tokyo only or replaced: a
// person outside Tokyo would be shown no desk of that kind.
func (l *loader) checkOutsideTokyo(kl keyLines, c *Contact) {
	if c.TokyoOnly && c.OutsideTokyo == "" {
		l.problem(contactsFile, kl.at("tokyo_only"), "contact %q is tokyo_only and names no outside_tokyo desk: a person outside Tokyo would be shown none in its place", c.ID)
	}
	if c.OutsideTokyo == "" {
		return
	}
	other := l.b.contactIdx[c.OutsideTokyo]
	switch {
	case other == nil:
		l.problem(contactsFile, kl.at("outside_tokyo"), "contact %q: outside_tokyo %q is not a contact", c.ID, c.OutsideTokyo)
	case other.TokyoOnly || other.OutsideTokyo != "":
		l.problem(contactsFile, kl.at("outside_tokyo"), "contact %q: outside_tokyo %q is itself for Tokyo only or replaced outside Tokyo", c.ID, c.OutsideTokyo)
	}
}

// checkAliases reports an alias of c that names another contact or programme already.
func (l *loader) checkAliases(file string, kl keyLines, c *Contact) {
	if l.aliasOwner == nil {
		l.aliasOwner = map[string]string{}
	}
	for _, a := range c.Aliases {
		if other, taken := l.aliasOwner[a]; taken {
			l.problem(file, kl.at("aliases"), "alias %q of %q is already an alias of %q: a person naming it could mean either", a, c.ID, other)
		}
		l.aliasOwner[a] = c.ID
	}
}

// closures reads a contact's closures: the days of every year on which it is closed whatever
// its schedule says, each "MM-DD..MM-DD" (both days included) or "MM-DD". A contact whose hours
// say 平日 and that is a public body keeps government working days, so it lists 12-29..01-03,
// the year-end days of 行政機関の休日. Closures need a schedule to close.
func (l *loader) closures(n *yaml.Node, kl keyLines, c *Contact, raw []string) {
	if len(raw) > 0 && c.Schedule == nil {
		l.problem(contactsFile, kl.at("closures"), "contact %q: closures without a schedule", c.ID)
		return
	}
	for i, text := range raw {
		cl, err := ParseClosure(text)
		if err != nil {
			l.problem(contactsFile, itemLine(n, "closures", i, kl.at("closures")), "%v: want MM-DD..MM-DD, e.g. 12-29..01-03", err)
			continue
		}
		if !slices.Contains(c.Schedule.Closures, cl) {
			c.Schedule.Closures = append(c.Schedule.Closures, cl)
		}
	}
}

func (l *loader) links(file string, node *yaml.Node, raw []rawLink) []Link {
	var out []Link
	for i, r := range raw {
		line := itemLine(node, "links", i, node.Line)
		if strings.TrimSpace(r.Title) == "" {
			l.problem(file, line, "link has no title")
		}
		l.checkURL(file, line, r.URL)
		out = append(out, Link{Title: strings.TrimSpace(r.Title), URL: strings.TrimSpace(r.URL)})
	}
	return out
}

func (l *loader) checkSources(file string, kl keyLines, ids []string) {
	if len(ids) == 0 {
		l.problem(file, kl.entry, "entry names no source document (sources: [...])")
	}
	for _, id := range ids {
		if _, ok := l.b.sourceByID[id]; !ok {
			l.problem(file, kl.at("sources"), "unknown source %q (see %s)", id, sourcesFile)
		}
	}
}

// ---- programmes.yaml

type rawProgramme struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Org         string   `yaml:"org"`
	Kind        string   `yaml:"kind"`
	Description string   `yaml:"description"`
	Status      string   `yaml:"status"`
	Phone       string   `yaml:"phone"`
	URL         string   `yaml:"url"`
	Sources     []string `yaml:"sources"`
	// Aliases are other names people type for it (IT導入補助金): a message naming one gets its card.
	Aliases []string `yaml:"aliases"`
	// EN is the English of the status (status:) and of the name (name:).
	EN *rawContactEN `yaml:"en"`
}

var programmeKinds = map[string]bool{"support": true, "vendors": true, "subsidy": true, "portal": true}

func (l *loader) loadProgrammes() {
	for _, n := range l.readYAMLList(programmesFile) {
		var r rawProgramme
		if !l.decode(programmesFile, n, &r) {
			continue
		}
		kl := linesOf(n)
		// Programmes share the contacts' namespace: topics list both under contacts:.
		if !newID(l, programmesFile, kl, r.ID, l.b.contactIdx) {
			continue
		}
		if !programmeKinds[r.Kind] {
			l.problem(programmesFile, kl.at("kind"), "kind %q: want one of %s", r.Kind, strings.Join(slices.Sorted(maps.Keys(programmeKinds)), ", "))
		}
		l.checkPhone(programmesFile, kl.at("phone"), r.Phone)
		l.checkURL(programmesFile, kl.at("url"), r.URL)
		l.checkSources(programmesFile, kl, r.Sources)
		p := &Programme{ID: r.ID, Name: r.Name, Org: r.Org, Kind: r.Kind, Description: strings.TrimSpace(r.Description),
			Status: r.Status, Phone: r.Phone, URL: r.URL, Sources: r.Sources}
		l.b.programmes = append(l.b.programmes, p)
		// A programme is offered like a contact: name, phone, URL.
		c := &Contact{ID: p.ID, Name: p.Name, Org: p.Org, Phone: p.Phone, URL: p.URL,
			Accepts: p.Description, Status: p.Status, Sources: p.Sources, Aliases: trimAll(r.Aliases), Programme: true}
		if r.EN != nil {
			c.EN = r.EN.contactEN()
		}
		l.checkAliases(programmesFile, kl, c)
		l.b.contactIdx[p.ID] = c
	}
}

// ---- topics/*.yaml

type rawFirstAid struct {
	Lead       string            `yaml:"lead"`
	Steps      []string          `yaml:"steps"`
	Why        string            `yaml:"why"`
	Now        string            `yaml:"now"`
	Next       []string          `yaml:"next"`
	Situations map[string]string `yaml:"situations"`
}

type rawOption struct {
	ID       string   `yaml:"id"`
	Label    string   `yaml:"label"`
	Answer   string   `yaml:"answer"`
	Contacts []string `yaml:"contacts"`
	Topic    string   `yaml:"topic"`
	// Personal: picking this option says the user acts as a private person.
	Personal bool `yaml:"personal"`
	// RuledOut: a message that rules a threat out picks this option.
	RuledOut bool `yaml:"ruled_out"`
	// Alone: this option's answer and contacts replace the topic's.
	Alone bool `yaml:"alone"`
	// Words and Situations let a typed answer pick the option (「もう払ってしまいました」).
	Words      []string `yaml:"words"`
	Situations []string `yaml:"situations"`
}

type rawQuestion struct {
	ID      string      `yaml:"id"`
	Ask     string      `yaml:"ask"`
	Options []rawOption `yaml:"options"`
}

type rawTopic struct {
	ID         string        `yaml:"id"`
	Title      string        `yaml:"title"`
	Label      string        `yaml:"label"`
	Scope      string        `yaml:"scope"`
	Urgent     bool          `yaml:"urgent"`
	Words      []string      `yaml:"words"`
	Examples   []string      `yaml:"examples"`
	FirstAid   *rawFirstAid  `yaml:"first_aid"`
	Questions  []rawQuestion `yaml:"questions"`
	Answer     string        `yaml:"answer"`
	Contacts   []string      `yaml:"contacts"`
	Links      []rawLink     `yaml:"links"`
	FAQ        []string      `yaml:"faq"`
	Categories []string      `yaml:"categories"`
	Sources    []string      `yaml:"sources"`
	EN         *rawTopicEN   `yaml:"en"`
}

// MaxLabel is the longest button label, in characters, that every channel can show (LINE quick
// replies allow 20).
const MaxLabel = 20

// topicRefs remembers where a topic's references are, for the cross-file checks in validate.
type topicRefs struct {
	file string
	node *yaml.Node
	kl   keyLines
}

func (l *loader) loadTopics() {
	files, err := fs.Glob(l.fsys, topicsDir+"/*.yaml")
	if err != nil || len(files) == 0 {
		l.problem(topicsDir, 0, "no topic files (%s/*.yaml)", topicsDir)
		return
	}
	sort.Strings(files)
	for _, file := range files {
		data, ok := l.read(file)
		if !ok {
			continue
		}
		root := l.parseYAML(file, data)
		if root == nil {
			continue
		}
		if root.Kind != yaml.MappingNode {
			l.problem(file, root.Line, "expected one topic (a mapping with id:, title:, ...)")
			continue
		}
		var r rawTopic
		if !l.decode(file, root, &r) {
			continue
		}
		kl := linesOf(root)
		if !newID(l, file, kl, r.ID, l.b.topicIdx) {
			continue
		}
		if want := path.Join(topicsDir, r.ID+".yaml"); file != want {
			l.problem(file, kl.at("id"), "topic %q must be in %s", r.ID, want)
		}
		t := &Topic{ID: r.ID, Title: strings.TrimSpace(r.Title), Label: strings.TrimSpace(r.Label),
			Scope: strings.TrimSpace(r.Scope), Urgent: r.Urgent, Answer: strings.TrimSpace(r.Answer),
			Contacts: r.Contacts, FAQ: r.FAQ, Categories: r.Categories, Sources: r.Sources}
		t.Words = trimAll(r.Words)
		t.Examples = trimAll(r.Examples)
		if t.Title == "" {
			l.problem(file, kl.entry, "topic %q has no title", t.ID)
		}
		if t.Label == "" {
			t.Label = t.Title
		}
		l.checkLabel(file, kl.at("label"), t.Label)
		if t.Answer == "" {
			l.problem(file, kl.at("answer"), "topic %q has no answer", t.ID)
		}
		if len(t.Words) == 0 {
			l.problem(file, kl.at("words"), "topic %q has no words: the matcher cannot find it", t.ID)
		}
		if r.FirstAid != nil {
			t.FirstAid = &FirstAid{Lead: strings.TrimSpace(r.FirstAid.Lead), Steps: trimAll(r.FirstAid.Steps), Why: strings.TrimSpace(r.FirstAid.Why),
				Now: strings.TrimSpace(r.FirstAid.Now), Next: trimAll(r.FirstAid.Next)}
			if len(r.FirstAid.Situations) > 0 {
				t.FirstAid.Situations = map[string]string{}
				sl := linesOf(child(child(root, "first_aid"), "situations"))
				for id, lead := range r.FirstAid.Situations {
					t.FirstAid.Situations[id] = strings.TrimSpace(lead)
					l.situationRefs = append(l.situationRefs, situationRef{file, sl.at(id), id, true})
				}
			}
			if t.FirstAid.Lead == "" || len(t.FirstAid.Steps) == 0 {
				l.problem(file, kl.at("first_aid"), "first_aid needs a lead and at least one step")
			}
		}
		if t.Urgent && t.FirstAid == nil {
			l.problem(file, kl.at("urgent"), "urgent topic %q has no first_aid", t.ID)
		}
		if t.Urgent && t.FirstAid != nil {
			l.checkScreen(file, linesOf(child(root, "first_aid")), t.FirstAid)
		}
		t.Links = l.links(file, root, r.Links)
		qs := child(root, "questions")
		for i, rq := range r.Questions {
			qn := qs.Content[i]
			q := Question{ID: rq.ID, Ask: strings.TrimSpace(rq.Ask)}
			if q.ID == "" || q.Ask == "" || len(rq.Options) < 2 {
				l.problem(file, qn.Line, "question needs an id, ask: and at least two options")
			}
			for j, ro := range rq.Options {
				line := itemLine(qn, "options", j, qn.Line)
				o := Option{ID: ro.ID, Label: strings.TrimSpace(ro.Label), Answer: strings.TrimSpace(ro.Answer), Contacts: ro.Contacts, Topic: ro.Topic, Personal: ro.Personal, RuledOut: ro.RuledOut,
					Alone: ro.Alone, Words: trimAll(ro.Words), Situations: trimAll(ro.Situations)}
				for _, id := range o.Situations {
					l.situationRefs = append(l.situationRefs, situationRef{file, line, id, false})
				}
				if o.ID == "" || !validID(o.ID) {
					l.problem(file, line, "option needs an id of lowercase letters, digits and '-'")
				}
				l.checkLabel(file, line, o.Label)
				if o.Answer == "" && o.Topic == "" {
					l.problem(file, line, "option %q needs answer: or topic:", o.ID)
				}
				switch {
				case o.Alone && o.Topic != "":
					l.problem(file, line, "option %q is alone and moves to topic %q: it has no answer of its own to stand alone", o.ID, o.Topic)
				case o.Alone && (o.Answer == "" || len(o.Contacts) == 0):
					l.problem(file, line, "option %q is alone: it needs an answer: and contacts: of its own, which replace the topic's", o.ID)
				case o.Alone && t.Urgent:
					l.problem(file, line, "option %q is alone in an urgent topic: its first aid and desks are the topic's", o.ID)
				}
				q.Options = append(q.Options, o)
			}
			t.Questions = append(t.Questions, q)
		}
		l.checkSources(file, kl, t.Sources)
		l.topicEN(file, root, r.EN, t)
		l.b.topics = append(l.b.topics, t)
		l.b.topicIdx[t.ID] = t
		l.refs = append(l.refs, topicRefs{file: file, node: root, kl: kl})
	}
}

func (l *loader) checkLabel(file string, line int, label string) {
	if label == "" {
		l.problem(file, line, "empty label")
	} else if n := utf8.RuneCountInString(label); n > MaxLabel {
		l.problem(file, line, "label %q has %d characters; at most %d fit a button", label, n, MaxLabel)
	}
}

func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ---- alerts.yaml

type rawAlert struct {
	ID     string   `yaml:"id"`
	Title  string   `yaml:"title"`
	Date   string   `yaml:"date"`
	Topics []string `yaml:"topics"`
	URL    string   `yaml:"url"`
	Source string   `yaml:"source"`
}

// rawAlerts is alerts.yaml: how long an alert counts as current, and the alerts.
type rawAlerts struct {
	CurrentForDays int `yaml:"current_for_days"`
	Alerts         any `yaml:"alerts"` // read entry by entry, so each problem has its line
}

func (l *loader) loadAlerts() {
	data, ok := l.read(alertsFile)
	if !ok {
		return
	}
	root := l.parseYAML(alertsFile, data)
	if root == nil {
		return
	}
	if root.Kind != yaml.MappingNode {
		l.problem(alertsFile, root.Line, "expected current_for_days: and alerts: (a list of alerts under alerts:)")
		l.broken[alertsFile] = true
		return
	}
	var top rawAlerts
	if !l.decode(alertsFile, root, &top) {
		return
	}
	if top.CurrentForDays <= 0 {
		l.problem(alertsFile, linesOf(root).at("current_for_days"), "current_for_days: want a number of days above 0")
	}
	l.b.alertsCurrentFor = time.Duration(top.CurrentForDays) * 24 * time.Hour
	seen := map[string]bool{}
	for _, n := range l.entries(alertsFile, child(root, "alerts")) {
		var r rawAlert
		if !l.decode(alertsFile, n, &r) {
			continue
		}
		kl := linesOf(n)
		if !newID(l, alertsFile, kl, r.ID, seen) {
			continue
		}
		seen[r.ID] = true
		d, err := time.ParseInLocation(time.DateOnly, r.Date, Tokyo)
		if err != nil {
			l.problem(alertsFile, kl.at("date"), "date %q: want YYYY-MM-DD", r.Date)
		}
		l.checkURL(alertsFile, kl.at("url"), r.URL)
		l.checkSources(alertsFile, kl, []string{r.Source})
		a := &Alert{ID: r.ID, Title: strings.TrimSpace(r.Title), Date: d, Topics: r.Topics, URL: r.URL, Source: r.Source}
		l.b.alerts = append(l.b.alerts, a)
		l.alertRefs = append(l.alertRefs, kl)
		for _, t := range a.Topics {
			if list := l.b.topicAlert[t]; len(list) == 0 || list[len(list)-1] != a { // a topic listed twice
				l.b.topicAlert[t] = append(list, a)
			}
		}
	}
	for _, list := range l.b.topicAlert {
		slices.SortStableFunc(list, func(a, b *Alert) int { return b.Date.Compare(a.Date) })
	}
}

// ---- intake.yaml

type rawIntakeQuestion struct {
	ID        string   `yaml:"id"`
	Number    int      `yaml:"number"`
	Section   string   `yaml:"section"`
	Ask       string   `yaml:"ask"`
	Label     string   `yaml:"label"`
	Example   string   `yaml:"example"`
	Kind      string   `yaml:"kind"`
	Options   []string `yaml:"options"`
	Detail    string   `yaml:"detail"`
	DetailFor string   `yaml:"detail_for"`
	Short     bool     `yaml:"short"`
	If        string   `yaml:"if"`
	// EN is the English (english.go).
	EN *rawIntakeQuestionEN `yaml:"en"`
}

// MaxIntakeLabel is the longest label of an intake question, in characters: the summary is read
// out on the phone, one short line per answer.
const MaxIntakeLabel = 12

type rawIntake struct {
	Sources   []string            `yaml:"sources"`
	Questions []rawIntakeQuestion `yaml:"questions"`
}

var intakeKinds = map[string]bool{"yesno": true, "choice": true, "multi": true, "text": true}

func (l *loader) loadIntake() {
	data, ok := l.read(intakeFile)
	if !ok {
		return
	}
	root := l.parseYAML(intakeFile, data)
	if root == nil {
		return
	}
	var r rawIntake
	if !l.decode(intakeFile, root, &r) {
		return
	}
	l.checkSources(intakeFile, linesOf(root), r.Sources)
	qs := child(root, "questions")
	seen := map[string]bool{}
	for i, rq := range r.Questions {
		kl := linesOf(qs.Content[i])
		if !newID(l, intakeFile, kl, rq.ID, seen) {
			continue
		}
		seen[rq.ID] = true
		if !intakeKinds[rq.Kind] {
			l.problem(intakeFile, kl.at("kind"), "kind %q: want one of %s", rq.Kind, strings.Join(slices.Sorted(maps.Keys(intakeKinds)), ", "))
		}
		if (rq.Kind == "choice" || rq.Kind == "multi") && len(rq.Options) < 2 {
			l.problem(intakeFile, kl.at("options"), "a %s question needs at least two options", rq.Kind)
		}
		for j, o := range rq.Options {
			l.checkLabel(intakeFile, itemLine(qs.Content[i], "options", j, kl.entry), o)
		}
		if rq.If != "" && !seen[rq.If] {
			l.problem(intakeFile, kl.at("if"), "if: %q must name an earlier question", rq.If)
		}
		if strings.TrimSpace(rq.Ask) == "" {
			l.problem(intakeFile, kl.entry, "question %q has no ask:", rq.ID)
		}
		label := strings.TrimSpace(rq.Label)
		if label == "" {
			l.problem(intakeFile, kl.entry, "question %q has no label:", rq.ID)
		} else if n := utf8.RuneCountInString(label); n > MaxIntakeLabel {
			l.problem(intakeFile, kl.at("label"), "label %q has %d characters; at most %d read well in the summary", label, n, MaxIntakeLabel)
		}
		l.checkIntakeDetail(kl, rq)
		q := &IntakeQuestion{ID: rq.ID, Number: rq.Number, Section: rq.Section,
			Ask: strings.TrimSpace(rq.Ask), Label: label, Example: rq.Example, Kind: rq.Kind, Options: rq.Options,
			Detail: rq.Detail, DetailFor: rq.DetailFor, Short: rq.Short, If: rq.If}
		l.intakeEN(qs.Content[i], rq.EN, q)
		l.b.intake = append(l.b.intake, q)
	}
	if len(l.b.intake) == 0 {
		l.problem(intakeFile, root.Line, "no questions")
	}
}

// checkIntakeDetail checks when a question's detail is asked: after はい in a yesno question,
// after the option detail_for names in a choice or multi question, never in a text question.
func (l *loader) checkIntakeDetail(kl keyLines, rq rawIntakeQuestion) {
	switch {
	case rq.DetailFor != "" && rq.Kind != "choice" && rq.Kind != "multi":
		l.problem(intakeFile, kl.at("detail_for"), "detail_for: only a choice or multi question asks its detail after an option")
	case rq.DetailFor != "" && rq.Detail == "":
		l.problem(intakeFile, kl.at("detail_for"), "detail_for: %q without a detail: to ask", rq.DetailFor)
	case rq.DetailFor != "" && !slices.Contains(rq.Options, rq.DetailFor):
		l.problem(intakeFile, kl.at("detail_for"), "detail_for: %q is not one of the options", rq.DetailFor)
	case rq.Detail != "" && rq.DetailFor == "" && (rq.Kind == "choice" || rq.Kind == "multi"):
		l.problem(intakeFile, kl.at("detail"), "detail: a %s question needs detail_for: the option after which it is asked", rq.Kind)
	case rq.Detail != "" && rq.Kind == "text":
		l.problem(intakeFile, kl.at("detail"), "detail: a text question has no follow-up")
	}
}

// ---- menu.yaml

type rawMenuEntry struct {
	ID       string   `yaml:"id"`
	Label    string   `yaml:"label"`
	Prompt   string   `yaml:"prompt"`
	Topics   []string `yaml:"topics"`
	Action   string   `yaml:"action"`
	Words    []string `yaml:"words"`
	Contacts []string `yaml:"contacts"`
	People   []string `yaml:"people"`
	Asks     []string `yaml:"asks"`
	Consults []string `yaml:"consults"`
	Declines []string `yaml:"declines"`
	Requests []string `yaml:"requests"`
	Wishes   []string `yaml:"wishes"`
	Visits   []string `yaml:"visits"`
	Quotes   []string `yaml:"quotes"`
	Counters []string `yaml:"counters"`
	Absences []string `yaml:"absences"`
	Others   []string `yaml:"others"`
	Ours     []string `yaml:"ours"`
	EN       struct {
		Label  string `yaml:"label"`
		Prompt string `yaml:"prompt"`
	} `yaml:"en"`
}

type rawMenu struct {
	Entries  []rawMenuEntry      `yaml:"entries"`
	Commands map[string][]string `yaml:"commands"`
	Vague    []struct {
		Words   []string          `yaml:"words"`
		Topics  []string          `yaml:"topics"`
		Alone   bool              `yaml:"alone"`
		Generic bool              `yaml:"generic"`
		Labels  map[string]string `yaml:"labels"`
	} `yaml:"vague"`
}

var menuActions = map[string]bool{"topics": true, "contacts": true, "escalate": true}

// Commands are the words that steer the conversation from any point.
var commandNames = map[string]string{
	"restart": "back to the greeting and menu",
	"back":    "one step back",
	"cancel":  "leave the current form or question",
	"help":    "explain what the bot can do",
	"none":    "none of the topics offered fits (as the button that says so)",
}

func (l *loader) loadMenu() {
	data, ok := l.read(menuFile)
	if !ok {
		return
	}
	root := l.parseYAML(menuFile, data)
	if root == nil {
		return
	}
	var r rawMenu
	if !l.decode(menuFile, root, &r) {
		return
	}
	entries := child(root, "entries")
	seen := map[string]bool{}
	for i, re := range r.Entries {
		kl := linesOf(entries.Content[i])
		if !newID(l, menuFile, kl, re.ID, seen) {
			continue
		}
		seen[re.ID] = true
		l.checkLabel(menuFile, kl.at("label"), re.Label)
		if !menuActions[re.Action] {
			l.problem(menuFile, kl.at("action"), "action %q: want one of %s", re.Action, strings.Join(slices.Sorted(maps.Keys(menuActions)), ", "))
		}
		if re.Action == "topics" && len(re.Topics) == 0 {
			l.problem(menuFile, kl.at("topics"), "menu entry %q offers no topics", re.ID)
		}
		if strings.TrimSpace(re.EN.Label) == "" {
			l.problem(menuFile, kl.entry, "menu entry %q has no en: label (the greeting menu is on the emergency path)", re.ID)
		}
		if strings.TrimSpace(re.Prompt) != "" && strings.TrimSpace(re.EN.Prompt) == "" {
			l.problem(menuFile, kl.entry, "menu entry %q has a prompt: but no en: prompt (an English user would read the Japanese one)", re.ID)
		}
		l.b.menu = append(l.b.menu, &MenuEntry{ID: re.ID, Label: re.Label, Prompt: strings.TrimSpace(re.Prompt),
			Topics: re.Topics, Action: re.Action, Words: trimAll(re.Words), Contacts: re.Contacts,
			People: trimAll(re.People), Asks: trimAll(re.Asks), Consults: trimAll(re.Consults), Declines: trimAll(re.Declines), Requests: trimAll(re.Requests), Wishes: trimAll(re.Wishes), Visits: trimAll(re.Visits), Quotes: trimAll(re.Quotes), Counters: trimAll(re.Counters), Absences: trimAll(re.Absences), Others: trimAll(re.Others), Ours: trimAll(re.Ours),
			LabelEN: strings.TrimSpace(re.EN.Label), PromptEN: strings.TrimSpace(re.EN.Prompt)})
		l.menuRefs = append(l.menuRefs, kl)
	}
	if len(l.b.menu) == 0 {
		l.problem(menuFile, root.Line, "the menu has no entries")
	}
	vague := child(root, "vague")
	for i, v := range r.Vague {
		line := vague.Content[i].Line
		if len(trimAll(v.Words)) == 0 || len(v.Topics) < 2 {
			l.problem(menuFile, line, "a vague group needs words and at least two topics to ask between")
			continue
		}
		if v.Generic && v.Alone {
			l.problem(menuFile, line, "a vague group alone is asked about only as the whole message: generic: true says nothing more")
		}
		for _, id := range slices.Sorted(maps.Keys(v.Labels)) {
			switch {
			case !slices.Contains(v.Topics, id):
				l.problem(menuFile, line, "vague group labels: %q is not one of the group's topics", id)
			case !v.Alone:
				l.problem(menuFile, line, "vague group labels: only a group with alone: true asks with labels of its own")
			default:
				l.checkLabel(menuFile, line, v.Labels[id])
			}
		}
		l.b.vague = append(l.b.vague, &Vague{Words: trimAll(v.Words), Topics: v.Topics, Alone: v.Alone, Generic: v.Generic, Labels: v.Labels})
		l.vagueLines = append(l.vagueLines, line)
	}
	kl := linesOf(child(root, "commands"))
	for name, words := range r.Commands {
		if _, ok := commandNames[name]; !ok {
			l.problem(menuFile, kl.at(name), "unknown command %q (known: %s)", name, strings.Join(slices.Sorted(maps.Keys(commandNames)), ", "))
			continue
		}
		l.b.commands[name] = trimAll(words)
	}
	for _, name := range slices.Sorted(maps.Keys(commandNames)) {
		if len(l.b.commands[name]) == 0 {
			l.problem(menuFile, kl.entry, "command %q has no words (%s)", name, commandNames[name])
		}
	}
}

// ---- messages.yaml

// readPhrases reads a file of phrases by key (messages.yaml, messages.en.yaml), with the line
// of each key; ok is false when the file could not be read whole.
func (l *loader) readPhrases(file string) (m map[string]string, kl keyLines, ok bool) {
	data, ok := l.read(file)
	if !ok {
		return nil, kl, false
	}
	root := l.parseYAML(file, data)
	if root == nil || !l.decode(file, root, &m) {
		return nil, kl, false
	}
	return m, linesOf(root), true
}

func (l *loader) loadMessages() {
	m, kl, ok := l.readPhrases(messagesFile)
	if !ok {
		return
	}
	for k, v := range m {
		if _, known := messageKeys[k]; !known {
			l.problem(messagesFile, kl.at(k), "unknown message %q (known: %s)", k, strings.Join(slices.Sorted(maps.Keys(messageKeys)), ", "))
			continue
		}
		l.b.messages[k] = strings.TrimSpace(v)
	}
	for _, k := range slices.Sorted(maps.Keys(messageKeys)) {
		if l.b.messages[k] == "" {
			l.problem(messagesFile, 0, "message %q is missing (%s)", k, messageKeys[k])
		}
	}
	if w := l.b.messages["weekday_names"]; w != "" && len(strings.Fields(w)) != 7 {
		l.problem(messagesFile, kl.at("weekday_names"), "weekday_names: want 7 names separated by spaces, Sunday first, got %d", len(strings.Fields(w)))
	}
}

// ---- holidays.yaml

// holidays.yaml adds national holidays to those the Calendar computes: days that a special law
// declares (as for the enthronement of 2019) before the code knows them. Each day is read as a
// national holiday, so it also gives substitute and sandwiched holidays. A day the rules already
// make a holiday is a problem: the list holds only what the rules do not know.
type rawHolidays struct {
	Source string `yaml:"source"`
	Days   []struct {
		Date string `yaml:"date"`
		Name string `yaml:"name"`
	} `yaml:"days"`
}

func (l *loader) loadHolidays() {
	data, ok := l.read(holidaysFile)
	if !ok {
		return
	}
	root := l.parseYAML(holidaysFile, data)
	if root == nil {
		return
	}
	var r rawHolidays
	if !l.decode(holidaysFile, root, &r) {
		return
	}
	// Holidays are configuration, not a seed fact: source: cites where the dates were published
	// (内閣府「国民の祝日について」), a document that is not in sources.yaml, so it cannot be checked
	// like the sources: lists of the other files; it must at least be there.
	if strings.TrimSpace(r.Source) == "" {
		l.problem(holidaysFile, linesOf(root).at("source"), "no source: (where the dates were published)")
	}
	extra := map[string]string{}
	for i, d := range r.Days {
		line := itemLine(root, "days", i, root.Line)
		day, err := time.ParseInLocation(time.DateOnly, d.Date, Tokyo)
		if err != nil {
			l.problem(holidaysFile, line, "date %q: want YYYY-MM-DD", d.Date)
			continue
		}
		if _, dup := extra[d.Date]; dup {
			l.problem(holidaysFile, line, "duplicate date %s", d.Date)
			continue
		}
		if name, ok := l.b.holidays.Holiday(day); ok {
			l.problem(holidaysFile, line, "%s is already a holiday by the rules (%s): list only days the rules do not know", d.Date, name)
			continue
		}
		name := strings.TrimSpace(d.Name)
		if name == "" {
			l.problem(holidaysFile, line, "date %s has no name", d.Date)
			continue
		}
		extra[d.Date] = name
	}
	l.b.holidays = NewCalendar(extra)
}

// ---- synonyms.yaml

func (l *loader) loadSynonyms() {
	for _, n := range l.readYAMLList(synonymsFile) {
		var group []string
		if !l.decode(synonymsFile, n, &group) {
			continue
		}
		group = trimAll(group)
		if len(group) < 2 {
			l.problem(synonymsFile, n.Line, "a synonym group needs at least two words")
			continue
		}
		l.b.synonyms = append(l.b.synonyms, group)
	}
}

// ---- faq.yaml

type rawPastAnswer struct {
	No      string `yaml:"no"`
	Source  string `yaml:"source"`
	Subject string `yaml:"subject"`
	Text    string `yaml:"text"`
}

// loadPastAnswers reads faq.yaml: the standard answers of past consultations, edited in form
// only. Each names the CSV row it was edited from (no: and source:); validate reports one whose
// row is not there, with its line, so an edited text never outlives the record it came from.
func (l *loader) loadPastAnswers() {
	for _, n := range l.readYAMLList(faqFile) {
		var r rawPastAnswer
		if !l.decode(faqFile, n, &r) {
			continue
		}
		kl := linesOf(n)
		p := &PastAnswer{No: strings.TrimSpace(r.No), Source: strings.TrimSpace(r.Source),
			Subject: strings.TrimSpace(r.Subject), Text: strings.TrimSpace(r.Text)}
		switch {
		case p.No == "":
			l.problem(faqFile, kl.entry, "entry has no no: (the 受理番号 of the CSV row)")
			continue
		case l.b.pastAnswers[p.No] != nil:
			l.problem(faqFile, kl.at("no"), "duplicate 受理番号 %q (first at line %d)", p.No, l.faqLines[p.No])
			continue
		}
		if p.Source == "" {
			l.problem(faqFile, kl.entry, "受理番号 %q has no source: (the CSV file that holds the row)", p.No)
		}
		if p.Subject == "" || p.Text == "" {
			l.problem(faqFile, kl.entry, "受理番号 %q needs a subject: and a text:", p.No)
		}
		l.b.pastAnswers[p.No] = p
		l.faqLines[p.No] = kl.at("no")
	}
}
