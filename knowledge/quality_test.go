package knowledge

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/seeds"
)

// labelled is one line of a labelled set: the expected topic id or outcome, and the text.
type labelled struct {
	line int
	want string
	text string
}

func readLabelled(t testing.TB, path string) []labelled {
	t.Helper()
	var out []labelled
	for _, r := range readRows(t, path, 2, "want<TAB>text") {
		out = append(out, labelled{line: r.line, want: r.cols[0], text: r.cols[1]})
	}
	return out
}

// row is one line of a labelled set, cut into its columns.
type row struct {
	line int
	cols []string
}

// readRows reads a labelled set of n tab-separated columns (the last one may hold tabs no
// more), skipping comments and blank lines; format names the columns for the error.
func readRows(t testing.TB, path string, n int, format string) []row {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.SplitN(text, "\t", n)
		if len(cols) != n {
			t.Fatalf("%s:%d: want %s", path, line, format)
		}
		out = append(out, row{line: line, cols: cols})
	}
	return out
}

// decision maps a Result to the outcome the dialog gives a free text.
func decision(r Result) string {
	switch {
	case r.Escalate:
		return "escalate"
	case len(r.Topics) > 0 && r.Confident:
		return "answer"
	case len(r.Topics) > 0, r.Opener, r.Menu != nil && r.Menu.Action == "topics":
		return "clarify" // a question with choices: topics, the greeting menu or a menu entry's list
	}
	return "fallback"
}

// score measures a labelled set the way the hidden set is scored.
type score struct {
	bins                     [10][2]int // by top confidence decile: [items, correct]
	n, topicN                int
	top1, top3               int // topic items whose topic is first / in the first three
	outcomeOK, outcomeN      int // clarify, escalate and fallback items that got that outcome
	confidentWrong, answered int
	answeredRight            int // topic items answered with the right topic
	misses                   []string
}

func (s *score) add(kb *Base, l labelled) {
	s.addResult(l, kb.Search(l.text), kb.Command(l.text) != "")
}

// addResult scores r, what the matcher made of l.text; command says that the text is a steering
// word, which the dialog takes before matching.
func (s *score) addResult(l labelled, r Result, command bool) {
	d := decision(r)
	if command {
		// the dialog greets on a steering word (こんにちは, メニュー), which ask --json reports
		// as fallback
		r, d = Result{}, "fallback"
	}
	s.n++
	ids := make([]string, 0, len(r.Topics))
	for _, m := range r.Topics {
		ids = append(ids, m.Topic.ID)
	}
	got := d
	if len(ids) > 0 {
		got += ":" + strings.Join(ids[:min(3, len(ids))], ",")
	}
	switch l.want {
	case "clarify", "escalate", "fallback":
		s.outcomeN++
		if d == l.want {
			s.outcomeOK++
		} else {
			s.misses = append(s.misses, fmt.Sprintf("%d want %s got %s: %s", l.line, l.want, got, l.text))
		}
		if d == "answer" {
			s.confidentWrong++
		}
		return
	}
	s.topicN++
	if d == "answer" {
		s.answered++
	}
	if len(r.Topics) > 0 {
		b := min(int(r.Topics[0].Confidence*10), 9)
		s.bins[b][0]++
		if r.Topics[0].Topic.ID == l.want {
			s.bins[b][1]++
		}
	}
	if len(ids) > 0 && ids[0] == l.want && d != "escalate" {
		s.top1++
		if d == "answer" {
			s.answeredRight++
		}
	} else {
		s.misses = append(s.misses, fmt.Sprintf("%d want %s got %s: %s", l.line, l.want, got, l.text))
		if d == "answer" {
			s.confidentWrong++
		}
	}
	for i := 0; i < len(ids) && i < 3; i++ {
		if ids[i] == l.want {
			s.top3++
			break
		}
	}
}

func (s *score) String() string {
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }
	return fmt.Sprintf("items=%d topic top1=%.1f%% top3=%.1f%% answered=%.1f%% | outcomes %d/%d | confident wrong=%d (%.1f%%)",
		s.n, pct(s.top1, s.topicN), pct(s.top3, s.topicN), pct(s.answered, s.topicN), s.outcomeOK, s.outcomeN,
		s.confidentWrong, pct(s.confidentWrong, s.n))
}

func loadSeeds(t testing.TB) *Base {
	t.Helper()
	kb, err := Load(seeds.FS)
	if err != nil {
		t.Fatalf("load seeds: %v", err)
	}
	return kb
}

// TestHoldoutIsHeldOut checks that the held-out sets measure something: a text that is also a
// topic example (after folding) is recognised by construction, and a text of holdout2.tsv that is
// also in queries.tsv or holdout.tsv was seen by whoever wrote or tuned the matcher. (The
// register sets are scored without their learnt texts instead: see registerSet.)
func TestHoldoutIsHeldOut(t *testing.T) {
	kb := loadSeeds(t)
	// key is what the matcher reads; texts that fold to nothing (emoji, punctuation) keep their
	// own spelling, so 😱 and 。 stay different texts.
	key := func(text string) string {
		if f := kb.Fold(text); f != "" {
			return f
		}
		return strings.TrimSpace(text)
	}
	examples := map[string]string{}
	for _, tp := range kb.Topics() {
		for _, e := range tp.Examples {
			examples[key(e)] = tp.ID
		}
	}
	seen := map[string]string{}
	for _, set := range []string{"testdata/queries.tsv", "testdata/holdout.tsv"} {
		for _, l := range readLabelled(t, set) {
			seen[key(l.text)] = fmt.Sprintf("%s:%d", set, l.line)
		}
	}
	for _, set := range []string{"testdata/holdout.tsv", "testdata/holdout2.tsv"} {
		for _, l := range readLabelled(t, set) {
			k := key(l.text)
			if id, ok := examples[k]; ok {
				t.Errorf("%s:%d: %q is an example of topic %q", set, l.line, l.text, id)
			}
			if where, ok := seen[k]; ok && set == "testdata/holdout2.tsv" {
				t.Errorf("%s:%d: %q is also in %s", set, l.line, l.text, where)
			}
		}
	}
}

// TestMatcherQuality scores the matcher on the development set (queries.tsv, which the topic
// words were written against) and on the held-out set (holdout.tsv, written separately and never
// tuned on), with the bars of the hidden evaluation: top-1 at least 90%, top-3 at least 98%,
// confident wrong answers at most 2%.
func TestMatcherQuality(t *testing.T) {
	kb := loadSeeds(t)
	for _, set := range []string{"testdata/queries.tsv", "testdata/holdout.tsv", "testdata/holdout2.tsv"} {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(set, "testdata/"), ".tsv"), func(t *testing.T) {
			var s score
			for _, l := range readLabelled(t, set) {
				s.add(kb, l)
			}
			if s.topicN == 0 || s.outcomeN == 0 {
				t.Fatalf("%s has %d topic lines and %d outcome lines; want some of each", set, s.topicN, s.outcomeN)
			}
			t.Log(s.String())
			var cal []string
			for i, b := range s.bins {
				if b[0] > 0 {
					cal = append(cal, fmt.Sprintf("%.1f-%.1f: %d/%d", float64(i)/10, float64(i+1)/10, b[1], b[0]))
				}
			}
			t.Log("calibration (top confidence: correct/items): " + strings.Join(cal, ", "))
			if !strings.Contains(set, "holdout") { // reading the held-out misses would tune on them
				sort.Strings(s.misses)
				for _, m := range s.misses {
					t.Log("  " + m)
				}
			}
			top1 := float64(s.top1) / float64(s.topicN)
			top3 := float64(s.top3) / float64(s.topicN)
			wrong := float64(s.confidentWrong) / float64(s.n)
			outcomes := float64(s.outcomeOK) / float64(s.outcomeN)
			if top1 < 0.90 || top3 < 0.98 || wrong > 0.02 || outcomes < 0.8 {
				t.Errorf("%s: %s; want top1 ≥ 90%%, top3 ≥ 98%%, confident wrong ≤ 2%%, outcomes ≥ 80%%", set, s.String())
			}
		})
	}
}
