package knowledge

import (
	"fmt"
	"os"
	"sort"
	"testing"
)

// TestTune searches the matcher's weights and thresholds on the development and tuning sets
// (queries.tsv, holdout.tsv) and prints the best settings. It is a tool, not a check: run it
// with HELPDESK_TUNE=1 go test ./knowledge -run TestTune -v. holdout2.tsv is never used here,
// so it stays an unbiased estimate.
func TestTune(t *testing.T) {
	if os.Getenv("HELPDESK_TUNE") == "" {
		t.Skip("set HELPDESK_TUNE=1 to search the matcher's parameters")
	}
	kb := loadSeeds(t)
	ix := kb.index
	type item struct {
		l       labelled
		q       string
		esc     bool
		command bool
		sig     signals
	}
	var items []item
	for _, set := range []string{"testdata/queries.tsv", "testdata/holdout.tsv"} {
		for _, l := range readLabelled(t, set) {
			q := kb.Fold(l.text)
			items = append(items, item{l, q, ix.asksForPerson(q, ix.readPersonWords(q, ix.personCues.find(q)), false), kb.Command(l.text) != "", ix.signals(q, q, nil, nil)})
		}
	}
	type outcome struct {
		p         params
		s         score
		objective float64
	}
	var results []outcome
	base := defaultParams
	for _, pw := range []float64{0.5, 1, 2, 3} {
		for _, ew := range []float64{2, 4, 6} {
			for _, dw := range []float64{1, 2, 4} {
				for _, cw := range []float64{0.5, 1, 1.5} {
					for _, temp := range []float64{0.15, 0.25, 0.35, 0.5} {
						for _, none := range []float64{1.2, 1.6, 2.0, 2.5} {
							for _, conf := range []float64{0.3, 0.4, 0.5, 0.6} {
								for _, floor := range []float64{0.5} {
									for _, vr := range []int{0, 20, 30, 40} {
										p := base
										p.phraseWeight, p.exampleWeight, p.docWeight, p.caseWeight = pw, ew, dw, cw
										p.temperature, p.noneScore, p.confident, p.floor = temp, none, conf, floor
										p.vagueRunes = vr
										o := outcome{p: p}
										for _, it := range items {
											r := Result{Escalate: it.esc}
											ix.rank(kb, it.q, it.sig, p, &r)
											o.s.addResult(it.l, r, it.command)
										}
										o.s.misses = nil // not printed; 27,648 lists of them would only fill memory
										topicN := float64(o.s.topicN)
										o.objective = float64(o.s.top1)/topicN + 0.5*float64(o.s.top3)/topicN +
											0.5*float64(o.s.answeredRight)/topicN +
											0.3*float64(o.s.outcomeOK)/float64(o.s.outcomeN) - 3*float64(o.s.confidentWrong)/float64(o.s.n)
										results = append(results, o)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	sort.Slice(results, func(i, j int) bool { return results[i].objective > results[j].objective })
	for _, o := range results[:15] {
		p := o.p
		fmt.Printf("obj=%.3f top1=%d top3=%d answered=%d outcomes=%d wrong=%d | phrase=%.1f ex=%.1f doc=%.1f case=%.1f temp=%.2f none=%.1f conf=%.1f floor=%.1f vague=%d\n",
			o.objective, o.s.top1, o.s.top3, o.s.answeredRight, o.s.outcomeOK, o.s.confidentWrong, p.phraseWeight, p.exampleWeight, p.docWeight, p.caseWeight, p.temperature, p.noneScore, p.confident, p.floor, p.vagueRunes)
	}
}
