package dialog_test

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// A scripted dialog is what one person types, turn by turn, with the contact that must have been
// shown by a given turn and the contacts that must never be shown to them:
//
//	=== bec-paid-in-words
//	persona: an accountant, Monday morning
//	want: police-station by 2
//	forbid: shohisha-hotline
//	> 取引先の振込先が変わったというメールが来ました
//	> もう払ってしまいました
//
// want may be "escalate": the conversation must reach a person by that turn.
//
//   - dialogs-tune.txt is the tuning set: its failures were read and the bot changed for them.
//   - dialogs-tune-2.txt was written by another author who had not seen the topic examples; its
//     failures were read and the bot changed for them.
//   - dialogs-tune-3.txt was written later by another such author, for tuning.
//   - dialogs-tune-4.txt was written by another such author for tuning, weighted to vague first
//     messages, answers typed in words, corrections and follow-ups (40/45 when first played).
//   - dialogs-tune-5.txt was written by another such author for tuning, weighted to answers typed
//     in words, corrections, people who already did something and follow-ups (40/45 when first
//     played).
//   - dialogs-tune-6.txt was written by another such author for tuning, weighted to escalation,
//     English and romaji, people who already did something and changes of subject (39/45 when
//     first played).
//   - dialogs-tune-7.txt was written by another such author for tuning, weighted to people who
//     already did something, answers typed in words and follow-ups (35/45 when first played).
//   - dialogs-tune-8.txt was written by another such author for tuning, in new workplaces (a
//     real-estate agency, a home-care office, a cram school ...), weighted to answers typed in
//     words, follow-ups, indirect requests for a person and people who already did something
//     (38/45 when first played).
//   - dialogs-tune-9.txt was written by another such author for tuning, in other workplaces (a
//     dental clinic, a ryokan, a used-car dealer ...), weighted to answers typed in words,
//     follow-ups, thanks, indirect requests for a person and changes of subject (36/45 when
//     first played).
//   - dialogs-tune-10.txt was written by another such author for tuning (a small hotel, a
//     funeral home, a kindergarten, a hospital's clerical office ...), weighted to answers typed
//     in words, openers such as 「相談です」 before the matter, follow-ups, English and IT staff
//     (39/45 when first played, with that round's earlier reading changes).
//   - dialogs-tune-11.txt was written by another such author for tuning, weighted to answers
//     typed in words, follow-ups, thanks, indirect requests for a person, English speakers and
//     elderly hiragana typists (35/45 when first played).
//   - dialogs-tune-12.txt was written by another such author for tuning, weighted to what a
//     conversation does after the first answer (answers typed in words, follow-ups, corrections,
//     a second incident told later) with every contact wanted at least once (36/45 when first
//     played).
//   - dialogs-tune-13.txt was written by another such author for tuning, weighted to frightened
//     people at night, elderly hiragana typists, answers typed in words, follow-ups, device
//     faults and changes of subject (34/45 when first played, with the code before its round).
//   - dialogs-tune-14.txt was written by another such author for tuning, in other workplaces (a
//     taxi company, a nursery school, a ramen shop, a farm selling online ...), weighted to
//     vague first messages, answers typed in words with a new fact, follow-ups about desks, hours
//     and costs, and requests for a person (37/45 when first played, with the code before its
//     round).
//   - dialogs-tune-15.txt was written by another such author for tuning, in other workplaces (a
//     veterinary clinic, a sake brewery, a patent office, a kimono rental shop ...), weighted to
//     two matters at once, corrections (「いや、そうじゃなくて」), managers' questions that turn
//     into an incident, IT staff in jargon and indirect requests for a person (31/45 when first
//     played, with the code before its round).
//   - dialogs-tune-16.txt was written by another such author for tuning, in other workplaces (a
//     general store, a tofu shop, a surf shop, a karaoke bar, a laundromat ...), weighted to
//     people who already did something, answers typed in words, follow-ups, thanks, elderly
//     hiragana typists, English and two matters at once (34/45 when first played, with the code
//     before its round).
//   - dialogs-tune-17.txt was written by another such author for tuning, weighted to what happens
//     after the first answer: answers in one's own words, a new fact that changes the picture (the
//     branch is in Saitama), follow-ups about hours, refunds and what to bring, thanks and
//     indirect requests for a person (36/45 when first played, with the code before its round and
//     with that round's code of the day).
//   - dialogs-tune-18.txt was written by another such author for tuning, in other workplaces (a
//     tea wholesaler, a yacht broker, a pet hotel, a beekeeper ...), weighted to answers in one's
//     own words, follow-ups inside the matter, a change of matter halfway, people outside Tokyo,
//     English, romaji, jargon and managers asking about prevention (36/45 when first played, with
//     the code before its round).
//   - dialogs-tune-19.txt was written by another such author for tuning, in other workplaces (a
//     bee farm, a bowling alley, a notary's office, a Noh mask workshop ...), weighted to answers
//     in one's own words, follow-ups inside the matter (「社長に言うべき？」), corrections, two
//     matters, English, romaji and hiragana (33/45 when first played, with the code before its
//     round and the inside follow-up).
//   - dialogs-tune-20.txt was written by another such author for tuning, in other workplaces (a
//     rowing club, a miso brewery, a tire shop, a bridal photo studio ...), weighted to answers in
//     one's own words, corrections, whom to call, what to tell the boss or the bank, thanks and
//     requests for a person (34/40 when first played, with the code before its round, 91dfc5a).
//   - dialogs-tune-21.txt was written by another such author for tuning, in other workplaces (a
//     dental clinic, a builder, a bakery, a care home, a translation agency ...), weighted to
//     answers in one's own words, follow-ups, corrections and two matters in one story (32/40
//     when first played, with the code of its day, 1aeb418).
//   - dialogs-tune-22.txt was written by another such author for tuning, in other workplaces (a
//     soba restaurant, a land surveyor, a hair salon chain, a florist, a karate dojo ...), weighted
//     to late-night owners, elderly and foreign writers, follow-ups and corrections (34/40 when
//     first played, with the code of its day, 3892cb1).
//   - dialogs-tune-23.txt was written by another such author for tuning, in other workplaces (a
//     taxi company, a florist, a cram school, a sake brewery, a real-estate agent ...), weighted
//     to vague starts made clear later, answers in words, corrections and follow-ups (34/40 when
//     first played, with the code before its round, 279a293).
//   - dialogs-tune-24.txt was written by another such author for tuning, in other workplaces (a
//     rice shop, a community radio station, a scaffolding contractor, a small hotel in Asakusa
//     ...), weighted to people who first test whether the bot answers, two matters at once,
//     answers in words, corrections and follow-ups (35/40 when first played, with the code of
//     its day, c2f3b2a).
//   - dialogs-tune-25.txt was written by another such author for tuning, in other workplaces (a
//     fishing-gear shop, an interior design office, a dry cleaner, a judicial scrivener ...),
//     weighted to two matters at once, indirect requests for a person, managers' calm questions
//     naming a threat, office matters asked again, and writers in English or romaji (35/40 when
//     first played, with the code before its round, 91fde50).
//   - dialogs-tune-26.txt was written by another such author for tuning, in other workplaces (a
//     hot-spring inn, a small publisher, an optician, a driving school ...), weighted to two
//     matters at once, what was already done, answers in words, follow-ups inside a topic and
//     requests for a person (34/40 when first played, with the code of its day, de095b8).
//   - dialogs-tune-27.txt was written by another such author for tuning (a fishing-gear shop, a
//     wedding hall, a kindergarten, a night clinic ...), weighted to two matters in one
//     conversation, requests for a person midway, answers in words, follow-ups and corrections
//     (37/40 when first played, with the code of its day, eacdfb6).
//   - dialogs-heldout-2.txt was written by a third author at the same time, under the same
//     rules, and is never used for tuning.
//   - dialogs-heldout.txt was written by an author who had not seen the topic examples, and it
//     is never used for tuning: only its figures are read.
//   - dialogs-heldout-3.txt was written by another such author with held-out register set 7,
//     and is never used for tuning (23/30 with the code before and after the round it came in).
//   - dialogs-heldout-4.txt was written by another such author with held-out register set 8,
//     and is never used for tuning (20/30 with the code before and after the round it came in).
//   - dialogs-heldout-5.txt was written by another such author with held-out register set 9, and
//     is never used for tuning (21/30 with the code before the round it came in, 22/30 after).
//   - dialogs-heldout-6.txt was written by another such author with held-out register set 10, and
//     is never used for tuning (24/30 with the code before the round it came in, 23/30 after).
//   - dialogs-heldout-7.txt was written by another such author with held-out register set 11, and
//     is never used for tuning (22/30 with the code before the round it came in and after).
//   - dialogs-heldout-8.txt was written by another such author with held-out register set 12, and
//     is never used for tuning (27/30 with the code before the round it came in and after).
//   - dialogs-heldout-9.txt was written by another such author with held-out register set 13, and
//     is never used for tuning (23/30 with the code before the round it came in, 24/30 after).
//   - dialogs-heldout-10.txt was written by another such author with held-out register set 14,
//     and is never used for tuning (22/30 with the code before the round it came in, 23/30
//     after).
//   - dialogs-heldout-11.txt was written by another such author with held-out register set 15,
//     and is never used for tuning (26/30 with the code before the round it came in and after).
//   - dialogs-heldout-12.txt and dialogs-heldout-13.txt were written by two more such authors
//     with held-out register sets 16 and 17, and are never used for tuning (27/30 and 26/30 with
//     the code before the round they came in, in its middle and after).
//   - dialogs-heldout-14.txt was written by another such author with held-out register set 18, at
//     the start of the round that wrote tuning dialogs 13 and 14, and is never used for tuning
//     (30/30 with the code before that round and after it).
//   - dialogs-heldout-15.txt was written by another such author with held-out register set 19, at
//     the start of the round that wrote tuning dialogs 16 and 17, and is never used for tuning
//     (25/30 with the code before that round, 26/30 after it).
//   - dialogs-heldout-16.txt was written by another such author with held-out register set 20, at
//     the start of the round that wrote tuning dialogs 18, and is never used for tuning (24/30
//     with the code before that round).
//   - dialogs-heldout-17.txt was written by another such author with held-out register set 21, at
//     the start of the round that wrote tuning dialogs 19, and is never used for tuning (23/30
//     with the code before that round, cca48c6).
//   - dialogs-heldout-18.txt was written by another such author with held-out register set 22, at
//     the start of the round that wrote tuning dialogs 20, and is never used for tuning (28/30
//     with the code before that round, 91dfc5a).
//   - dialogs-heldout-19.txt was written by another such author with held-out register set 23, at
//     the start of the round that wrote tuning dialogs 21, and is never used for tuning (26/30
//     with the code before that round, 91e2660).
//   - dialogs-heldout-20.txt was written by another such author with held-out register set 24, at
//     the start of the round that wrote tuning dialogs 23, and is never used for tuning (26/30
//     with the code before that round, 279a293).
//   - dialogs-heldout-21.txt was written by another such author with held-out register set 25, at
//     the start of the round that wrote tuning dialogs 25, and is never used for tuning (26/30
//     with the code before that round, 91fde50).
//   - dialogs-heldout-22.txt was written by another such author with held-out register set 26, at
//     the start of the round that wrote tuning dialogs 27, and is never used for tuning (20/30
//     with the code before that round, 744519b).
type scripted struct {
	name, persona string
	line          int
	want          string
	by            int
	forbid        []string
	turns         []string
}

func readScripts(t *testing.T, path string) []scripted {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []scripted
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		var cur *scripted
		if len(out) > 0 {
			cur = &out[len(out)-1]
		}
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "==="):
			out = append(out, scripted{name: strings.TrimSpace(strings.TrimPrefix(line, "===")), line: n})
		case cur == nil:
			t.Fatalf("%s:%d: %q before the first === line", path, n, line)
		case strings.HasPrefix(line, "persona:"):
			cur.persona = strings.TrimSpace(strings.TrimPrefix(line, "persona:"))
		case strings.HasPrefix(line, "want:"):
			want, by, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "want:")), " by ")
			turn, err := strconv.Atoi(strings.TrimSpace(by))
			if !ok || err != nil || turn < 1 {
				t.Fatalf("%s:%d: want: <contact id or escalate> by <turn>", path, n)
			}
			cur.want, cur.by = strings.TrimSpace(want), turn
		case strings.HasPrefix(line, "forbid:"):
			for _, id := range strings.Split(strings.TrimPrefix(line, "forbid:"), ",") {
				if id = strings.TrimSpace(id); id != "" {
					cur.forbid = append(cur.forbid, id)
				}
			}
		case strings.HasPrefix(line, ">"):
			cur.turns = append(cur.turns, strings.TrimSpace(strings.TrimPrefix(line, ">")))
		default:
			t.Fatalf("%s:%d: unexpected line %q", path, n, line)
		}
	}
	for _, s := range out {
		if s.want == "" || len(s.turns) == 0 || s.by > len(s.turns) {
			t.Fatalf("%s:%d: dialog %q needs want: by a turn it has, and turns", path, s.line, s.name)
		}
	}
	return out
}

// scriptResult is how one scripted dialog went.
type scriptResult struct {
	reached   int      // the turn by which the wanted contact (or a person) was reached; 0 = never
	forbidden []string // forbidden contacts shown, with their turn
	seen      []string // the outcome and topic of each turn, for the failure message
}

// play types the dialog's turns into a fresh conversation of te, as a staffed helpdesk at a
// weekday's office hours.
func play(t *testing.T, te *testEngine, user string, s scripted) scriptResult {
	t.Helper()
	kb := te.lib.Base()
	nameOf := func(id string) string {
		if c := kb.Contact(id); c != nil {
			return c.Name
		}
		return "\x00" + id // an unknown id never matches a card
	}
	shows := func(shown []string, id string) bool {
		return slices.ContainsFunc(append([]string{id}, desksOf[id]...), func(id string) bool { return showsContact(shown, nameOf(id)) })
	}
	var r scriptResult
	for i, text := range s.turns {
		reply := te.say(t, user, text)
		r.seen = append(r.seen, fmt.Sprintf("%d:%s/%s", i+1, reply.Outcome, reply.Topic))
		shown := contactNames(reply)
		hit := shows(shown, s.want)
		if s.want == "escalate" {
			hit = reply.Handoff != nil
		}
		if hit && r.reached == 0 {
			r.reached = i + 1
		}
		for _, id := range s.forbid {
			if shows(shown, id) {
				r.forbidden = append(r.forbidden, fmt.Sprintf("%s at turn %d", id, i+1))
			}
		}
	}
	return r
}

// desksOf names, for a contact that is an organisation's general card, the cards of its own desks:
// the authors' list offers JPCERT/CC both as the organisation (jpcert) and as its incident desk
// (jpcert-incident), and the topics show the desk, so that an incident gets one number. A dialog
// that wants (or forbids) the organisation reaches it by any of its cards; one that wants the
// desk is not reached by the organisation's general card.
var desksOf = map[string][]string{"jpcert": {"jpcert-incident"}}

// showsContact reports whether the cards shown include the contact named name: by that name,
// or in an English conversation by the English name with the Japanese one beside it
// ("Council of Anti-Phishing Japan（フィッシング対策協議会）").
func showsContact(shown []string, name string) bool {
	for _, s := range shown {
		if s == name || strings.HasSuffix(s, "（"+name+"）") {
			return true
		}
	}
	return false
}

// scriptFloors are the shares of dialogs of each set that must reach their contact in time with
// no forbidden contact: the tuning set is held to all of them; the held-out set's floor sits
// under the share measured when it was first played, so that it guards against regressions
// while its misses stay visible.
var scriptFloors = map[string]float64{
	"testdata/dialogs-tune.txt":       0.9,
	"testdata/dialogs-tune-2.txt":     0.72,
	"testdata/dialogs-tune-3.txt":     0.75,
	"testdata/dialogs-tune-4.txt":     0.85,
	"testdata/dialogs-tune-5.txt":     0.88,
	"testdata/dialogs-tune-6.txt":     0.85,
	"testdata/dialogs-tune-7.txt":     0.5,
	"testdata/dialogs-tune-8.txt":     0.5,
	"testdata/dialogs-tune-9.txt":     0.5,
	"testdata/dialogs-tune-10.txt":    0.5,
	"testdata/dialogs-tune-11.txt":    0.5,
	"testdata/dialogs-tune-12.txt":    0.5,
	"testdata/dialogs-tune-13.txt":    0.5,
	"testdata/dialogs-tune-14.txt":    0.5,
	"testdata/dialogs-tune-15.txt":    0.5,
	"testdata/dialogs-tune-16.txt":    0.5,
	"testdata/dialogs-tune-17.txt":    0.5,
	"testdata/dialogs-tune-18.txt":    0.5,
	"testdata/dialogs-tune-19.txt":    0.5,
	"testdata/dialogs-tune-20.txt":    0.5,
	"testdata/dialogs-tune-21.txt":    0.5,
	"testdata/dialogs-tune-22.txt":    0.5,
	"testdata/dialogs-tune-23.txt":    0.5,
	"testdata/dialogs-tune-24.txt":    0.5,
	"testdata/dialogs-tune-25.txt":    0.5,
	"testdata/dialogs-tune-26.txt":    0.5,
	"testdata/dialogs-tune-27.txt":    0.5,
	"testdata/dialogs-heldout.txt":    0.80,
	"testdata/dialogs-heldout-2.txt":  0.70,
	"testdata/dialogs-heldout-3.txt":  0.73,
	"testdata/dialogs-heldout-4.txt":  0.65,
	"testdata/dialogs-heldout-5.txt":  0.70,
	"testdata/dialogs-heldout-6.txt":  0.70,
	"testdata/dialogs-heldout-7.txt":  0.70,
	"testdata/dialogs-heldout-8.txt":  0.83,
	"testdata/dialogs-heldout-9.txt":  0.76,
	"testdata/dialogs-heldout-10.txt": 0.73,
	"testdata/dialogs-heldout-11.txt": 0.85,
	"testdata/dialogs-heldout-12.txt": 0.85,
	"testdata/dialogs-heldout-13.txt": 0.83,
	"testdata/dialogs-heldout-14.txt": 0.9,
	"testdata/dialogs-heldout-15.txt": 0.83,
	"testdata/dialogs-heldout-16.txt": 0.76,
	"testdata/dialogs-heldout-17.txt": 0.76,
	"testdata/dialogs-heldout-18.txt": 0.9,
	"testdata/dialogs-heldout-19.txt": 0.85,
	"testdata/dialogs-heldout-20.txt": 0.83,
	"testdata/dialogs-heldout-21.txt": 0.83,
	"testdata/dialogs-heldout-22.txt": 0.63,
}

// TestScriptedDialogs plays every scripted dialog and prints, per set, how many reached the right
// contact by their turn without showing a forbidden one, and the mean number of turns to the
// right contact.
func TestScriptedDialogs(t *testing.T) {
	for _, set := range slices.Sorted(maps.Keys(scriptFloors)) {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(set, "testdata/"), ".txt"), func(t *testing.T) {
			te := newTestEngine(t, dialog.Policy{Staffed: true})
			scripts := readScripts(t, set)
			ok, reached, turns := 0, 0, 0
			var failures []string
			for i, s := range scripts {
				r := play(t, te, fmt.Sprintf("U%d", i), s)
				if r.reached > 0 {
					reached++
					turns += r.reached
				}
				switch {
				case r.reached == 0 || r.reached > s.by:
					failures = append(failures, fmt.Sprintf("%s (line %d): %s not shown by turn %d (reached at %d); turns %s",
						s.name, s.line, s.want, s.by, r.reached, strings.Join(r.seen, " ")))
				case len(r.forbidden) > 0:
					failures = append(failures, fmt.Sprintf("%s (line %d): forbidden %s; turns %s",
						s.name, s.line, strings.Join(r.forbidden, ", "), strings.Join(r.seen, " ")))
				default:
					ok++
				}
			}
			t.Logf("%s: %d/%d dialogs reached the right contact in time with no forbidden one; mean turns to the right contact %.2f (over the %d that reached it)",
				set, ok, len(scripts), float64(turns)/float64(max(reached, 1)), reached)
			if !strings.Contains(set, "heldout") { // reading the held-out misses would tune on them
				for _, f := range failures {
					t.Log("  " + f)
				}
			}
			if share := float64(ok) / float64(len(scripts)); share < scriptFloors[set] {
				t.Errorf("%s: %.0f%% of dialogs passed, floor %.0f%%", set, 100*share, 100*scriptFloors[set])
			}
		})
	}
}
