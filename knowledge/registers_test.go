package knowledge

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// The register sets are labelled by the way people write (narrative, fragment, english, romaji,
// negation ...), three columns: register, want, text. want is a topic id, "a|b" when either
// topic serves the person equally, or an outcome: clarify, escalate, social, fallback.
//
// The tuning sets are part of the knowledge, in seeds/labelled/: the learned reading learns
// from them, so each is scored by the knowledge without it (registerSet), and the figures
// printed beside "the rules alone" are those of the rules, which were edited for their misses.
// The held-out sets stay in testdata/ and are read by the whole knowledge.
//
//   - tune-registers.tsv is the tuning set: its misses were read and the knowledge was edited
//     for them.
//   - tune-registers-2.tsv was written as a held-out set; its misses were read once, so it is a
//     tuning set now.
//   - tune-registers-3.tsv was written by another author who had seen neither the topic examples
//     nor the word lists; its misses were read and the knowledge was edited for them.
//   - tune-registers-4.tsv was written by a fourth author under the same rules, only in the
//     registers that were weakest (narrative, two-topic, jargon, English, romaji ...), for tuning.
//   - tune-registers-5.tsv was written by a fifth author under the same rules, in the registers
//     held-out set 3 found weakest (casual, out-of-scope, person, situation ...), for tuning.
//   - tune-registers-6.tsv and tune-registers-7.tsv were written by two more authors under the
//     same rules (everyday details and brand names; chat-style bursts and pasted messages), for
//     tuning.
//   - tune-registers-8.tsv (the weakest registers again), tune-registers-9.tsv (English, romaji,
//     mixed, requests for a person and social turns in them) and tune-registers-10.tsv (every
//     register, people and sentence shapes the earlier authors had not written) were written by
//     three more authors under the same rules, for tuning. Each was read first with the code of
//     its day, before its misses were read.
//   - tune-registers-11.tsv and tune-registers-12.tsv were written by two more authors under
//     the same rules, weighted to the weakest registers (requests for a person, out-of-scope,
//     English, ambiguous, what already happened), for tuning. Each was read first with the code
//     of its day (85.4% and 90.6%), then to choose the learned reading's settings, before its
//     misses were read.
//   - tune-registers-13.tsv and tune-registers-14.tsv were written by two more authors under
//     the same rules (people and workplaces nobody had used; requests for a person next to texts
//     that only mention one; what already happened; jargon and managers), for tuning. Each was
//     read first with the code of its day (86.8% and 90.4% with the code before tuning sets 11
//     and 12, 88.7% and 91.4% with it), before its misses were read.
//   - tune-registers-15.tsv (managers, negations, out-of-scope) and tune-registers-16.tsv
//     (ambiguous, two-topic, what already happened, jargon) were written by two more authors
//     under the same rules, after held-out set 6 had been read, for tuning; each was read first
//     with the code of its day (90.4% and 94.0%), before its misses were read.
//   - tune-registers-17.tsv to tune-registers-20.tsv were written by four more authors under the
//     same rules, weighted to the registers still weakest (managers, negations, out-of-scope,
//     ambiguous, English), with workplaces of their own (a factory floor, a dental clinic, a
//     print shop, a startup), for tuning; each was read first with the code of its day (93.1,
//     94.3, 92.5 and 94.6%), before its misses were read.
//   - tune-registers-21.tsv (two-topic, ambiguous, out-of-scope, managers, negations) and
//     tune-registers-22.tsv (English, romaji, mixed, managers, negations, out-of-scope) were
//     written by two more authors under the same rules, for tuning; each was read first with
//     the code of its day (91.8 and 92.0%; 90.3 and 92.1% with the code before tuning sets 17
//     to 20), before its misses were read.
//   - tune-registers-23.tsv (two-topic, negations, managers, what already happened; a builder
//     and a dental clinic, Vietnamese interns), tune-registers-24.tsv (two-topic, negations,
//     managers, jargon; a design office and an accounting firm) and tune-registers-25.tsv
//     (negations, two-topic, casual, romaji; a ryokan, a tea shop, a nursery, a taxi company)
//     were written by three more authors under the same rules, for tuning; each was read first
//     with the code of its day (94.0, 89.7 and 94.9%), before its misses were read.
//   - tune-registers-26.tsv (negations, two-topic, ambiguous, casual, managers, jargon,
//     out-of-scope) was written by another author under the same rules, for tuning; it was read
//     first with the code of its day (92.0%, 13 confident wrong), before its misses were read.
//   - tune-registers-27.tsv (negations, two-topic, managers, ambiguous, out-of-scope, jargon,
//     what already happened) was written by another author under the same rules, for tuning;
//     it was read first with the code of its day (95.2%, 5 confident wrong), before its misses
//     were read.
//   - tune-registers-28.tsv (ambiguous, out-of-scope, negations, managers, two-topic, keigo,
//     requests for a person) was written by another author under the same rules, for tuning;
//     it was read first with the code of its day (91.2%, 12 confident wrong), before its misses
//     were read.
//   - tune-registers-29.tsv (ambiguous, negations, out-of-scope, two-topic, managers, requests
//     for a person) was written by another author under the same rules, for tuning; it was read
//     first with the code of its day (93.8%, 12 confident wrong), before its misses were read.
//   - tune-registers-30.tsv (ambiguous, two-topic, out-of-scope, managers, negations, requests
//     for a person; a real-estate agency, a home-care office, a cram school, a law office ...)
//     was written by another author under the same rules, for tuning; it was read first with the
//     code of its day (90.8%, 21 confident wrong), before its misses were read. One label,
//     escalate|ransomware, was made escalate: an outcome does not join a topic.
//   - tune-registers-31.tsv (35 texts in each of the 17 registers; a dental clinic, a
//     construction firm, a ryokan, a tax accountant's office ...; regional speech, voice-input
//     mistakes, pasted scam texts) was written by another author under the same rules, for
//     tuning; it was read first with the code of its day (92.4%, 16 confident wrong), before its
//     misses were read.
//   - tune-registers-32.tsv (40 texts in each of eight registers: managers, two-topic,
//     ambiguous, negations, jargon, out-of-scope, requests for a person, situations; a funeral
//     home, a kindergarten, a machine-parts factory …) was written by another author under the
//     same rules, for tuning; it was read first with the code of its day (92.2%, 5 confident
//     wrong), before its misses were read.
//   - tune-registers-33.tsv (70 texts in each of six registers: two-topic, managers,
//     out-of-scope, jargon, negations, situations) was written by another author under the same
//     rules, for tuning; it was read first with the code of its day (90.7%, 16 confident wrong),
//     before its misses were read.
//   - heldout-registers-26.tsv (30 texts in each of the 17 registers) was written by another
//     author under the same rules, with held-out dialogs 22, at the start of the round that wrote
//     tuning set 51 and tuning dialogs 27: 94.5% (3 confident wrong) of 492 with the code before
//     that round (744519b); never used for tuning.
//   - heldout-registers-25.tsv (30 texts in each of the 17 registers; a soba shop, a veterinary
//     clinic, a kimono rental, a plastic-mould factory, a judo club ...) was written by another
//     author under the same rules, with held-out dialogs 21, at the start of the round that wrote
//     tuning sets 48 and 49 and tuning dialogs 25: 97.0% (5 confident wrong) of 496 with the code
//     before that round (91fde50); never used for tuning.
//   - heldout-registers-24.tsv (30 texts in each of the 17 registers; a funeral home, a kimono
//     rental, a daycare, a fishing-supply shop, a dental lab ...) was written by another author
//     under the same rules, with held-out dialogs 20, at the start of the round that wrote tuning
//     sets 45 and 46 and tuning dialogs 23: 94.8% (7 confident wrong) of 502 with the code before
//     that round (279a293); never used for tuning.
//   - heldout-registers-23.tsv (30 texts in each of the 17 registers; a piano tuner's office, a
//     fishmonger, a public bath, a glasses shop, a pet hotel ...) was written by another author
//     under the same rules, with held-out dialogs 19, at the start of the round that wrote tuning
//     set 43 and tuning dialogs 21: 94.8% (8 confident wrong) of 502 with the code before that
//     round (91e2660); never used for tuning.
//   - heldout-registers-22.tsv (30 texts in each of the 17 registers; a ski-rental shop, a
//     sign-language interpreting office, a coin-laundry chain, a recording studio ...) was
//     written by another author under the same rules, with held-out dialogs 18, at the start of
//     the round that wrote tuning set 40 and tuning dialogs 20: 97.4% (2 confident wrong) of 500
//     with the code before that round (91dfc5a); never used for tuning.
//   - heldout-registers-21.tsv (30 texts in each of the 17 registers; a funeral home, a ramen
//     chain's head office, a yoga studio, a capsule hotel, an embroidery workshop ...) was written
//     by another author under the same rules, with held-out dialogs 17, at the start of the round
//     that wrote tuning set 39 and tuning dialogs 19: 92.4% (10 confident wrong) of 503 with the
//     code before that round (cca48c6); never used for tuning.
//   - heldout-registers-20.tsv (30 texts in each of the 17 registers; a tatami maker, a dental
//     lab, a cram school, a sake brewery, a used-car dealer ...) was written by another author
//     under the same rules, with held-out dialogs 16, at the start of the round that wrote tuning
//     set 38 and tuning dialogs 18: 96.0% (6 confident wrong) of 501 with the code before that
//     round (17db398); never used for tuning.
//   - heldout-registers-19.tsv (30 texts in each of the 17 registers; a funeral flower shop, a
//     shrine office, a fishing-tackle shop, a piano school, a guesthouse ...) was written by
//     another author under the same rules, with held-out dialogs 15, at the start of the round
//     that wrote tuning dialogs 16 and 17: 96.8% (3 confident wrong) of 502 with the code before
//     that round (3484317) and at its end; never used for tuning.
//   - heldout-registers-18.tsv (30 texts in each of the 17 registers; a dental clinic, a taxi
//     company, a temp agency, a driving school, a logistics depot ...) was written by another
//     author under the same rules, with held-out dialogs 14, at the start of the round that wrote
//     tuning set 37: 98.6% (4 confident wrong) of 503 with the code before that round (34b3f47)
//     and at its end; never used for tuning.
//   - testdata/tune-registers-40.tsv (30 texts in each of the 17 registers, weighted to
//     managers, two-topic messages, indirect requests for a person and office matters; a boat
//     rental, a temple office, a dog-grooming salon, a plastics moulding plant ...) was written
//     by another author under the same rules, for tuning; it was read first with the code of its
//     day (91dfc5a: 95.1% of 493, 4 confident wrong), before its misses were read. It is not
//     learnt: learning it took the other tuning files, each left out, from 823 to 829 missed
//     lines (206 to 205 confident wrong), and again beside files 41 and 42 from 819 to 814 (203
//     to 206 confident wrong). Its misses guide word lists.
//   - testdata/tune-registers-41.tsv (80 requests for a person, 70 managers, 70 office matters,
//     40 social turns; a bicycle courier, a surf school, a sake bar …) and
//     testdata/tune-registers-42.tsv (90 two-topic messages, 70 negations, 50 jargon, 50
//     situations; a soap shop, a climbing gym, a shipping agent …) were written by two more
//     authors under the same rules, for tuning; they were read first with the code of their day
//     (45e0d69: 89.9% of 258, 6 confident wrong; def5365: 93.5% of 260, 4 confident wrong),
//     before their misses were read. They are not learnt: learning both took the other tuning
//     files, each left out, from 823 to 819 missed lines (206 to 203 confident wrong), but held-out
//     set 11's jargon under its floor (76.7%, floor 80%: seen through the floor test, not read),
//     a kimono shop's greeting to a fake shop and an office's coffee machine to a fault. Their
//     misses guide word lists.
//   - testdata/tune-registers-43.tsv (40 texts in each of eight registers: two-topic,
//     managers, requests for a person, office matters, ambiguous, jargon, negations, situations;
//     a dental clinic, a builder, a bakery chain, a care home …) was written by another author
//     under the same rules, for tuning; it was read first with the code of its day (1aeb418:
//     91.8% of 317, 6 confident wrong), before its misses were read. It is not learnt.
//   - testdata/tune-registers-44.tsv (35 texts in each of nine registers: narrative, junk,
//     social, negations, managers, two-topic, requests for a person, keigo, fragments; a soba
//     restaurant, a land surveyor, a hair salon chain …) was written by another author under the
//     same rules, for tuning; it was read first with the code of its day (d95c0f3: 90.4% of 312,
//     7 confident wrong), before its misses were read. Neither 43 nor 44 is learnt: learning
//     both took the other tuning files, each left out, from 806 to 810 missed lines and all of
//     them from 223 to 227 confident wrong. Their misses guide word lists.
//   - testdata/tune-registers-45.tsv (40 texts in each of eight registers: negations, two-topic,
//     ambiguous, requests for a person, jargon, managers, office matters, situations, and 12 in
//     each of the others; a ramen chain's head office, a nursing-care agency, a sign maker …) was
//     written by another author under the same rules, for tuning; it was read first with the code
//     of its day (ed1b281: 93.2% of 424, 4 confident wrong), before
//     its misses were read.
//   - testdata/tune-registers-46.tsv (40 texts in each of eight registers: narrative, negations,
//     two-topic, ambiguous, requests for a person, jargon, managers, office matters, and 12 in
//     each of the others; a veterinary clinic, a temple office, a karaoke box, a moving company
//     …) was written by another author under the same rules, for tuning; it was read first with
//     the code of its day (59198ec: 92.5% of 427, 10 confident wrong), before its misses were read.
//     Neither 45 nor 46 is learnt: learning both took the tuning files, each left out, from 928
//     to 935 missed lines and from 232 to 233 confident wrong. Their misses guide word lists.
//   - testdata/tune-registers-47.tsv (50 texts in each of four registers: two-topic, managers,
//     requests for a person, office matters, 30 in each of five more and 10 in the others; a shoe
//     repair shop, a bridal salon, a fish market wholesaler …) was written by another author under
//     the same rules, for tuning; it was read first with the code of its day (72108e6: 89.9% of
//     426, 11 confident wrong), before its misses were read. It is not learnt.
//   - testdata/tune-registers-48.tsv (60 texts each of two-topic and managers, 50 each of
//     requests for a person and office matters, 40 each of negations, ambiguous and jargon, 30
//     situations, 20 narratives and 10 in the others; a ramen chain, a funeral home, a sake
//     brewery, a customs broker …) and testdata/tune-registers-49.tsv (50 each of two-topic,
//     managers and requests for a person, 40 each of negations, jargon and office matters, 30
//     each of narratives, ambiguous and situations, 20 casual and keigo, 10 in the others; a
//     tatami maker, a taxi company, a temple office, a ski rental …) were written by two more
//     authors under the same rules, for tuning; each was read first with the code of its day
//     (96ece3d: 90.8% of 459, 10 confident wrong; 92.5% of 451, 4), before its misses were
//     read. Neither is learnt.
//   - testdata/tune-registers-50.tsv (70 texts each of two-topic and managers, 60 requests for
//     a person, 40 office matters, 30 each of negations, jargon and situations, 20 each of
//     narratives and ambiguous, 10 in the others; a hot-spring inn, an optician, a driving
//     school, a notary office …) was written by another author under the same rules, for
//     tuning; it was read first with the code of its day (de095b8: 90.3% of 445, 13 confident
//     wrong), before its misses were read. It is not learnt.
//   - testdata/tune-registers-51.tsv (70 two-topic texts, 60 each of managers, requests for a
//     person and office matters, 50 ambiguous, 40 each of negations and jargon, 30 situations,
//     20 each of mixed, English and narratives) was written by another author under the same
//     rules, for tuning; it was read first with the code of its day (eacdfb6: 94.6% of 464, 7
//     confident wrong), before its misses were read. It is not learnt.
//   - testdata/tune-registers-38.tsv (36 texts in each of ten registers: two-topic, managers,
//     requests for a person, ambiguous, jargon, out-of-scope, negations, casual, social,
//     situations; a taxidermy shop, a bento factory, a marina, a patent office ...) was written
//     by another author under the same rules, for tuning; it was read first with the code of its
//     day (17db398: 90.5% of 359, 10 confident wrong), before its misses were read. It is not
//     learnt: learning it took the other tuning files, each left out, from 761 to 764 missed
//     lines (confident wrong 196 to 193), and a police report after an intrusion
//     (TestPoliceReportWithoutWo) to a report to IPA. Its misses guide word lists.
//   - testdata/tune-registers-37.tsv (70 texts in each of six registers: two-topic, jargon,
//     managers, requests for a person, negations, out-of-scope) was written by another author
//     under the same rules, for tuning; it was read first with the code of its day (89.0%, 7
//     confident wrong, of the 419 texts not learnt word for word), before its misses were read.
//     It is not learnt (it lives in testdata, not in the seeds): learning it took the other
//     tuning files, each left out, from 745 to 753 missed lines. Its misses guide word lists.
//   - heldout-registers-17.tsv (30 texts in each of the 17 registers; a funeral home, a hospital
//     office, a fishing-gear web shop, a translation agency, a hot-spring inn ...) was written by
//     another author under the same rules, with held-out dialogs 13, in the middle of the round
//     that learnt tuning sets 35 and 36 (after set 16 had been read), and read once at its end:
//     95.1% (7 confident wrong) of 506 with the code before the round (f125aaa), 95.3% (8) at
//     set 16's reading (a29463f), 95.3% (7) after; never used for tuning.
//   - heldout-registers-16.tsv (30 texts in each of the 17 registers) was written by another
//     author under the same rules, with held-out dialogs 12, at the start of that round, and
//     read in its middle (after the learned reading's order of the choices and tuning set 35):
//     96.8% (5 confident wrong) of 504 with the code before the round (f125aaa), 97.2% (4) then
//     (a29463f); at the round's end 96.8% (5). Never used for tuning.
//   - tune-registers-35.tsv (70 texts in each of five registers: two-topic, jargon,
//     out-of-scope, managers, ambiguous; 35 each of negations and requests for a person) was
//     written by another author under the same rules, for tuning; it was read first with the code
//     of its day (93.3%, 6 confident wrong), before its misses were read. Learning it took the
//     other tuning files, each left out, from 684 to 682 missed lines.
//   - tune-registers-36.tsv (70 texts in each of six registers: two-topic, requests for a
//     person, situations, managers, jargon, ambiguous) was written by another author under the
//     same rules, for tuning; it was read first with the code of its day (89.5%, 8 confident
//     wrong), before its misses were read. Learning it took the other tuning files, each left
//     out, from 708 to 706 missed lines (183 to 182 confident wrong).
//   - tune-registers-39.tsv (40 texts in each of seven registers: two-topic, requests for a
//     person, managers, jargon, ambiguous, negations, out-of-scope; 15 in each of the others; a
//     piano tuner, a ferry ticket office, a surveying firm, a florist ...) was written by another
//     author under the same rules, for tuning; it was read first with the code of its day
//     (cca48c6: 91.5% of 423, 5 confident wrong), before its misses were read. Learning it took
//     the other tuning files, each left out, from 793 to 787 missed lines (206 to 203 confident
//     wrong).
//   - heldout-registers-15.tsv (30 texts in each of the 17 registers) was written by another
//     author under the same rules, with held-out dialogs 11, at the start of the round that
//     learnt tuning dialogs 12 (and wrote tuning set 34, read once and left unlearnt: learning
//     it lost more of the other tuning files than it gained), and read once at its end: 95.6%
//     (6 confident wrong) of 502 with the code before the round (49aa625) and after it; never
//     used for tuning.
//   - heldout-registers-14.tsv (30 texts in each of the 17 registers; a dental clinic, a bakery,
//     a temp agency, a shrine office, a driving school ...) was written by another author under
//     the same rules, with held-out dialogs 10, at the start of the round that learnt tuning set
//     33, and read once at its end: 96.4% (3 confident wrong) of 502 with the code before the
//     round (bc2cd59) and after it; never used for tuning.
//   - heldout-registers-13.tsv (30 texts in each of the 17 registers; a real-estate agency, a
//     printing company, an izakaya group, a fishery co-op, a hair salon ...) was written by
//     another author under the same rules, with held-out dialogs 9, at the start of the round
//     that learnt tuning sets 31 and 32, and read once at its end: 95.6% (3 confident wrong) of
//     499 with the code before the round (f7695ea), 95.8% (3) after; never used for tuning.
//   - heldout-registers-12.tsv (30 texts in each of the 17 registers; a veterinary clinic, a
//     car repair shop, a nursery school, a sake brewery ...) was written by another author under
//     the same rules, with held-out dialogs 8, after the reading changes of the round that learnt
//     tuning set 30 were made and set 11 had been read, and read once at its end: 96.6% (3
//     confident wrong) of 506 with the code before the round, 96.8% (3) after, and 97.0% (3) with
//     the code after the round not learning tuning set 30; never used for tuning.
//   - heldout-registers-11.tsv (30 texts in each of the 17 registers; a dental clinic, a tax
//     office, a builder, a software house, a florist ...) was written by another author under the
//     same rules, with held-out dialogs 7, at the end of the round that learnt tuning set 30, and
//     read at the end of that round: 93.0% (11 confident wrong) of 502 with the code before the
//     round, 93.2% (12) after, and 92.8% (12) with the code after the round not learning tuning
//     set 30; never used for tuning.
//   - heldout-registers-10.tsv (30 texts in each of the 17 registers) was written by another
//     author under the same rules, with held-out dialogs 6, at the end of the round that learnt
//     tuning set 29, and read at the end of that round: 96.2% (5 confident wrong) with the code
//     before the round, 96.0% (5) after (of all 510 texts, 96.3% before, 96.1% after, and 96.3%
//     with the code after the round not learning tuning set 29); never used for tuning.
//   - heldout-registers-9.tsv was written by another author under the same rules, with held-out
//     dialogs 5, at the same time as tuning set 27, and read once, at the end of the round that
//     learnt from it: 97.4% with the code before the round, 97.8% after; never used for tuning.
//   - heldout-registers-8.tsv was written by another author under the same rules, with people
//     and workplaces of its own (a real-estate agency, a bakery chain, an IT reseller, a law
//     office, a printing company, a care home), at the same time as tuning sets 23 to 25, and
//     read once, at the end of the round that learnt from them: 95.1% with the code before the
//     round, 95.7% after; never used for tuning.
//   - heldout-registers-7.tsv was written by another author under the same rules, with people
//     and workplaces of its own (a ryokan's sales office, a kindergarten, a veterinary clinic, a
//     Nepalese restaurant), at the same time as tuning sets 21 and 22, and read once, at the end
//     of the round that learnt from them: 94.1% with the code before the round, 95.7% after;
//     never used for tuning.
//   - heldout-registers-6.tsv was written by another author under the same rules, with people
//     and workplaces of its own (a dental clinic, a construction site, a ramen shop, foreign
//     staff), at the same time as tuning sets 11 and 12, and read once, at the end of the round
//     that learnt from them: 91.3% with the code before it, 94.4% after; never used for tuning.
//   - heldout-registers-5.tsv was written by another author under the same rules, with new
//     people and workplaces, after the learned reading was built; it is never used for tuning.
//   - heldout-registers-4.tsv was written by another author under the same rules, at the same
//     time as tune-registers-8 and 9, and is never used for tuning: only its figures are read.
//   - heldout-registers-3.tsv was written by a third author under the same rules, at the same
//     time as tune-registers-3.tsv, and is never used for tuning.
//   - heldout-registers-2.tsv was written by an author who had seen neither the topic examples,
//     nor the word lists, nor the other sets, and it is never used for tuning: only its figures
//     are read, and the test never prints its misses.

type registered struct {
	labelled
	register string
}

func readRegisters(t testing.TB, path string) []registered {
	t.Helper()
	var out []registered
	for _, r := range readRows(t, path, 3, "register<TAB>want<TAB>text") {
		out = append(out, registered{labelled: labelled{line: r.line, want: r.cols[1], text: r.cols[2]}, register: r.cols[0]})
	}
	return out
}

// outcomes are the wants that are not topics.
var outcomes = []string{"clarify", "escalate", "social", "fallback"}

// verdict is how one message was read, against what its label wants.
type verdict struct {
	right, confidentWrong bool
	got                   string
	atOnce                bool // answered at once with the wanted topic
}

// judge reads one labelled message the way the dialog reads a free text at the menu.
func judge(kb *Base, want, text string) verdict {
	r := kb.Search(text)
	d := decision(r)
	atOnce := d == "answer" && r.Social == "" && r.Topics[0].Topic.ID == want
	switch {
	case r.Social != "":
		d = "social"
	case kb.Command(text) != "":
		d = "fallback" // a steering word (メニュー, test): the dialog shows the menu
	}
	got := d
	if len(r.Topics) > 0 && (d == "answer" || d == "clarify") {
		got += ":" + r.Topics[0].Topic.ID
	}
	if slices.Contains(outcomes, want) {
		return verdict{right: d == want, confidentWrong: d == "answer", got: got}
	}
	top := ""
	if len(r.Topics) > 0 && d != "escalate" && d != "social" && d != "fallback" {
		top = r.Topics[0].Topic.ID
	}
	right := top != "" && slices.Contains(strings.Split(want, "|"), top)
	return verdict{right: right, confidentWrong: !right && d == "answer", got: got, atOnce: atOnce}
}

// registerScore is one register's figures.
type registerScore struct {
	n, right, wrongSure int
	misses              []string
	// topic messages (labelled with one topic) and those answered at once with it, of all
	// topics and of the urgent ones
	topics, atOnce, urgent, urgentAtOnce int
}

// atOnceShares writes the shares of topic messages answered at once, as "75.0% of 120".
func (s registerScore) atOnceShares() (all, urgent string) {
	share := func(a, b int) string { return fmt.Sprintf("%.1f%% of %d", 100*float64(a)/float64(max(b, 1)), b) }
	return share(s.atOnce, s.topics), share(s.urgentAtOnce, s.urgent)
}

func (s registerScore) rate() float64 { return float64(s.right) / float64(max(s.n, 1)) }

// scoreRegisters scores a register set, by register and overall.
func scoreRegisters(kb *Base, set []registered) (map[string]*registerScore, *registerScore) {
	by := map[string]*registerScore{}
	all := &registerScore{}
	for _, l := range set {
		s := by[l.register]
		if s == nil {
			s = &registerScore{}
			by[l.register] = s
		}
		v := judge(kb, l.want, l.text)
		tp := kb.topicIdx[l.want]
		for _, x := range []*registerScore{s, all} {
			if tp != nil {
				x.topics, x.atOnce = x.topics+1, x.atOnce+b2i(v.atOnce)
				if tp.Urgent {
					x.urgent, x.urgentAtOnce = x.urgent+1, x.urgentAtOnce+b2i(v.atOnce)
				}
			}
			x.n++
			if v.right {
				x.right++
			} else {
				x.misses = append(x.misses, fmt.Sprintf("%d [%s] want %s got %s: %s", l.line, l.register, l.want, v.got, l.text))
			}
			if v.confidentWrong {
				x.wrongSure++
			}
		}
	}
	return by, all
}

// The bars a register set is held to. Every set's figures are printed against the target; each
// must stay above its floor, set just under the figures measured at the last change to the
// reading, so that the test guards against regressions without hiding where the target is not
// yet met.
const (
	targetRegister = 0.95 // per register: right first reading
	targetOverall  = 0.97
	targetSureBad  = 0.01 // confident wrong answers, overall
)

var registerFloors = map[string]struct{ register, overall, sureBad float64 }{
	"labelled/tune-registers.tsv":    {register: 0.86, overall: 0.97, sureBad: 0.010},
	"labelled/tune-registers-2.tsv":  {register: 0.75, overall: 0.95, sureBad: 0.010},
	"labelled/tune-registers-3.tsv":  {register: 0.86, overall: 0.97, sureBad: 0.015},
	"labelled/tune-registers-4.tsv":  {register: 0.91, overall: 0.96, sureBad: 0.005},
	"labelled/tune-registers-5.tsv":  {register: 0.89, overall: 0.95, sureBad: 0.020},
	"labelled/tune-registers-6.tsv":  {register: 0.80, overall: 0.92, sureBad: 0.025},
	"labelled/tune-registers-7.tsv":  {register: 0.83, overall: 0.95, sureBad: 0.005},
	"labelled/tune-registers-8.tsv":  {register: 0.87, overall: 0.95, sureBad: 0.015},
	"labelled/tune-registers-9.tsv":  {register: 0.91, overall: 0.94, sureBad: 0.015},
	"labelled/tune-registers-10.tsv": {register: 0.79, overall: 0.94, sureBad: 0.015},
	"labelled/tune-registers-11.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-12.tsv": {register: 0.70, overall: 0.90, sureBad: 0.030},
	"labelled/tune-registers-13.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-14.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-15.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-16.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-17.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-18.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-19.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-20.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-21.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-22.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-23.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-24.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-25.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-26.tsv": {register: 0.70, overall: 0.85, sureBad: 0.050},
	"labelled/tune-registers-27.tsv": {register: 0.75, overall: 0.93, sureBad: 0.015},
	"labelled/tune-registers-28.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-29.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-30.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-31.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-32.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-33.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-35.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-36.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"labelled/tune-registers-39.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-40.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-41.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-42.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-43.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-44.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-45.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-46.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-47.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-48.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-49.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-50.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-51.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-37.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	"testdata/tune-registers-38.tsv": {register: 0.5, overall: 0.8, sureBad: 0.05},
	// one two-topic text of 26 turned (76.9% → 73.1%) when tuning file 28 was learnt; the
	// knowledge without that file keeps 76.9%
	"testdata/heldout-registers-2.tsv": {register: 0.73, overall: 0.92, sureBad: 0.016},
	"testdata/heldout-registers-3.tsv": {register: 0.85, overall: 0.93, sureBad: 0.015},
	"testdata/heldout-registers-4.tsv": {register: 0.83, overall: 0.91, sureBad: 0.020},
	"testdata/heldout-registers-5.tsv": {register: 0.82, overall: 0.94, sureBad: 0.020},
	"testdata/heldout-registers-6.tsv": {register: 0.80, overall: 0.93, sureBad: 0.025},
	"testdata/heldout-registers-7.tsv": {register: 0.82, overall: 0.94, sureBad: 0.020},
	// one jargon text of 30 turned (86.7% → 83.3%) when tuning file 28 was learnt; the
	// knowledge without that file keeps 86.7%
	"testdata/heldout-registers-8.tsv":  {register: 0.83, overall: 0.95, sureBad: 0.015},
	"testdata/heldout-registers-9.tsv":  {register: 0.90, overall: 0.96, sureBad: 0.010},
	"testdata/heldout-registers-10.tsv": {register: 0.86, overall: 0.95, sureBad: 0.015},
	"testdata/heldout-registers-11.tsv": {register: 0.80, overall: 0.92, sureBad: 0.030},
	"testdata/heldout-registers-12.tsv": {register: 0.86, overall: 0.95, sureBad: 0.015},
	"testdata/heldout-registers-13.tsv": {register: 0.86, overall: 0.95, sureBad: 0.01},
	"testdata/heldout-registers-14.tsv": {register: 0.86, overall: 0.95, sureBad: 0.01},
	"testdata/heldout-registers-15.tsv": {register: 0.85, overall: 0.95, sureBad: 0.015},
	"testdata/heldout-registers-16.tsv": {register: 0.86, overall: 0.96, sureBad: 0.01},
	"testdata/heldout-registers-17.tsv": {register: 0.80, overall: 0.94, sureBad: 0.02},
	"testdata/heldout-registers-18.tsv": {register: 0.85, overall: 0.95, sureBad: 0.02},
	"testdata/heldout-registers-19.tsv": {register: 0.86, overall: 0.95, sureBad: 0.01},
	"testdata/heldout-registers-20.tsv": {register: 0.85, overall: 0.94, sureBad: 0.014},
	"testdata/heldout-registers-21.tsv": {register: 0.75, overall: 0.92, sureBad: 0.021},
	"testdata/heldout-registers-22.tsv": {register: 0.85, overall: 0.95, sureBad: 0.01},
	"testdata/heldout-registers-23.tsv": {register: 0.85, overall: 0.92, sureBad: 0.02},
	"testdata/heldout-registers-24.tsv": {register: 0.8, overall: 0.92, sureBad: 0.02},
	"testdata/heldout-registers-25.tsv": {register: 0.8, overall: 0.92, sureBad: 0.02},
	"testdata/heldout-registers-26.tsv": {register: 0.8, overall: 0.92, sureBad: 0.02},
}

// registerSet returns the labelled messages of set and the knowledge to read them with; whole is
// the seeds' knowledge and learnt its learnt texts (learntTexts). A labelled/ file is one the
// learned reading learns from, so it is read by the seeds loaded without it: its figures say how
// the reading does on messages it has not learnt, as a held-out set's do. A testdata/ set is read
// by whole, without the texts that are word for word (after folding, 10 characters or more) a
// learnt text: two authors may write the same sentence, and the knowledge knows it by
// construction.
func registerSet(t testing.TB, whole *Base, learnt map[string]bool, set string) (*Base, []registered) {
	if !strings.HasPrefix(set, "labelled/") {
		var lines []registered
		all := readRegisters(t, set)
		for _, l := range all {
			if f := whole.Fold(l.text); learnt[f] && utf8.RuneCountInString(f) >= learnedMinRunes {
				continue
			}
			lines = append(lines, l)
		}
		if left := len(all) - len(lines); left > 0 {
			t.Logf("%s: %d texts left out, learnt word for word", set, left)
		}
		return whole, lines
	}
	var lines []registered
	for _, m := range whole.labelled {
		if m.File == set {
			lines = append(lines, registered{labelled{line: m.Line, want: m.Label, text: m.Text}, m.Register})
		}
	}
	if len(lines) == 0 {
		t.Fatalf("%s: no labelled messages", set)
	}
	kb, err := Load(seedFolder(t, map[string]string{set: ""})) // the knowledge without the file
	if err != nil {
		t.Fatalf("load seeds without %s: %v", set, err)
	}
	return kb, lines
}

// learntTexts are the folded texts kb learns from: its topics' examples and the messages labelled
// with a topic.
func learntTexts(kb *Base) map[string]bool {
	learnt := map[string]bool{}
	for _, tp := range kb.topics {
		for _, e := range tp.Examples {
			learnt[kb.Fold(e)] = true
		}
	}
	for _, m := range kb.labelled {
		if m.Topic() != "" {
			learnt[kb.Fold(m.Text)] = true
		}
	}
	return learnt
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestRegisterQuality(t *testing.T) {
	whole := loadSeeds(t)
	learnt := learntTexts(whole)
	for _, set := range slices.Sorted(maps.Keys(registerFloors)) {
		t.Run(strings.TrimSuffix(path.Base(set), ".tsv"), func(t *testing.T) {
			kb, lines := registerSet(t, whole, learnt, set)
			by, all := scoreRegisters(kb, lines)
			// the same messages read by the rules alone, for comparison
			learned := kb.index.learned
			kb.index.learned = nil
			rulesBy, rules := scoreRegisters(kb, lines)
			kb.index.learned = learned
			floor := registerFloors[set]
			var b strings.Builder
			fmt.Fprintf(&b, "%-14s %5s %7s %-15s %s\n", "register", "n", "right", "confident-wrong", "(the rules alone, without the learned reading)")
			met := all.rate() >= targetOverall
			for _, name := range slices.Sorted(maps.Keys(by)) {
				s, r := by[name], rulesBy[name]
				mark := ""
				if s.rate() < targetRegister {
					mark, met = "  below 95%", false
				}
				fmt.Fprintf(&b, "%-14s %5d %6.1f%% %-15d (%.1f%%, %d)%s\n", name, s.n, 100*s.rate(), s.wrongSure, 100*r.rate(), r.wrongSure, mark)
				if s.rate() < floor.register {
					t.Errorf("%s: register %s right %.1f%%, floor %.0f%%", set, name, 100*s.rate(), 100*floor.register)
				}
			}
			sure := float64(all.wrongSure) / float64(all.n)
			fmt.Fprintf(&b, "%-14s %5d %6.1f%% %-15s (%.1f%%, %d (%.1f%%))\n", "overall", all.n, 100*all.rate(),
				fmt.Sprintf("%d (%.1f%%)", all.wrongSure, 100*sure), 100*rules.rate(), rules.wrongSure, 100*float64(rules.wrongSure)/float64(rules.n))
			fmt.Fprintf(&b, "target: every register ≥ 95%%, overall ≥ 97%%, confident wrong ≤ 1%%: %s\n",
				map[bool]string{true: "met", false: "NOT met"}[met && sure <= targetSureBad])
			at, urgent := all.atOnceShares()
			rulesAt, rulesUrgent := rules.atOnceShares()
			fmt.Fprintf(&b, "topic messages answered at once with the right topic: %s, urgent %s (the rules alone: %s, %s)", at, urgent, rulesAt, rulesUrgent)
			t.Log("\n" + b.String())
			// Only the tuning set's misses are printed: reading the held-out set's would make it a
			// tuning set.
			if testing.Verbose() && strings.Contains(set, "tune") { // never the held-out set's
				sort.Strings(all.misses)
				for _, m := range all.misses {
					t.Log("  " + m)
				}
			}
			if all.rate() < floor.overall || sure > floor.sureBad {
				t.Errorf("%s: overall %.1f%% right, %.1f%% confident wrong; floors %.0f%% and %.0f%%", set, 100*all.rate(), 100*sure, 100*floor.overall, 100*floor.sureBad)
			}
		})
	}
}
