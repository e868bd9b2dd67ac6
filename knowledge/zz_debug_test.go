package knowledge

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

func TestZZDebug(t *testing.T) {
	kb := loadSeeds(t)
	f, err := os.Open("/tmp/dbg.txt")
	if err != nil {
		t.Skip()
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := sc.Text()
		ix := kb.index
		q, _ := kb.fold(text)
		denied := ix.read.denied(q)
		masked := mask(q, denied)
		why := ix.read.readingOf(q, denied)
		s := ix.signals(q, masked, denied, &why)
		type row struct {
			id                 string
			tot, ph, ex, do, c float64
		}
		var rows []row
		p := ix.p
		for i := range s.phrase {
			tot := p.phraseWeight*s.phrase[i] + p.exampleWeight*s.example[i] + p.docWeight*s.doc[i] + p.caseWeight*s.cases[i]
			rows = append(rows, row{ix.topicIDs[i], tot, s.phrase[i], s.example[i], s.doc[i], s.cases[i]})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].tot > rows[j].tot })
		r := kb.Search(text)
		fmt.Printf("%s\n  q=%s why=%+v\n", text, q, r.Why)
		for _, x := range rows[:4] {
			fmt.Printf("  %-20s tot=%.2f ph=%.2f ex=%.2f doc=%.2f cases=%.2f\n", x.id, x.tot, x.ph, x.ex, x.do, x.c)
		}
	}
}

func TestZZSum(t *testing.T) {
	kb := loadSeeds(t)
	sets := []string{"tune-registers", "tune-registers-2", "tune-registers-3", "tune-registers-4", "tune-registers-5", "tune-registers-6", "tune-registers-7", "tune-registers-8", "tune-registers-9"}
	if os.Getenv("HELD") == "1" {
		sets = []string{"heldout-registers-2", "heldout-registers-3", "heldout-registers-4"}
	}
	N, R, W := 0, 0, 0
	topicN, answered, urgentN, urgentAns := 0, 0, 0, 0
	byReg := map[string][2]int{}
	for _, name := range sets {
		path := "testdata/" + name + ".tsv"
		if _, err := os.Stat(path); err != nil {
			continue
		}
		lines := readRegisters(t, path)
		for _, l := range lines {
			if l.want == "clarify" || l.want == "escalate" || l.want == "social" || l.want == "fallback" || l.want == "out-of-scope" || strings.Contains(l.want, "|") {
				continue
			}
			r := kb.Search(l.text)
			ok := decision(r) == "answer" && r.Topics[0].Topic.ID == l.want
			topicN++
			if ok {
				answered++
			}
			if tp := kb.topicIdx[l.want]; tp != nil && tp.Urgent {
				urgentN++
				if ok {
					urgentAns++
				}
			}
		}
		by, all := scoreRegisters(kb, lines)
		for k, v := range by {
			x := byReg[k]
			byReg[k] = [2]int{x[0] + v.n, x[1] + v.right}
		}
		if f := os.Getenv("MISS"); f != "" && os.Getenv("HELD") != "1" {
			out, _ := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			for _, m := range all.misses {
				fmt.Fprintln(out, name, m)
			}
			out.Close()
		}
		fmt.Printf("%-22s n=%4d right=%5.1f%% sure-wrong=%d (%.1f%%)\n", name, all.n, 100*all.rate(), all.wrongSure, 100*float64(all.wrongSure)/float64(all.n))
		N += all.n
		R += all.right
		W += all.wrongSure
	}
	fmt.Printf("%-22s n=%4d right=%5.1f%% sure-wrong=%d (%.1f%%)\n", "ALL", N, 100*float64(R)/float64(N), W, 100*float64(W)/float64(N))
	fmt.Printf("right topic answered at once: %.1f%% of %d; urgent %.1f%% of %d\n", 100*float64(answered)/float64(topicN), topicN, 100*float64(urgentAns)/float64(urgentN), urgentN)
	keys := []string{}
	for k := range byReg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %-13s %4d %5.1f%%\n", k, byReg[k][0], 100*float64(byReg[k][1])/float64(byReg[k][0]))
	}
}

func TestZZOne(t *testing.T) {
	kb := loadSeeds(t)
	r := kb.Search(os.Getenv("Q"))
	fmt.Printf("%+v\n", r.Why)
	for _, m := range r.Topics {
		fmt.Println(m.Topic.ID, m.Score, m.Confidence)
	}
	fmt.Println(decision(r), r.Escalate, r.Social)
}

func TestZZSplit(t *testing.T) {
	kb := loadSeeds(t)
	type k struct {
		worded bool
		band   int
	}
	stat := map[k][2]int{}
	for _, name := range []string{"tune-registers", "tune-registers-2", "tune-registers-3", "tune-registers-4", "tune-registers-5", "tune-registers-6", "tune-registers-7", "tune-registers-8", "tune-registers-9"} {
		for _, l := range readRegisters(t, "testdata/"+name+".tsv") {
			r := kb.Search(l.text)
			if decision(r) != "answer" || r.Social != "" {
				continue
			}
			top := r.Topics[0].Topic.ID
			worded := false
			for _, p := range r.Why.Phrases {
				if strings.HasPrefix(p, top+":") {
					worded = true
				}
			}
			band := int(r.Topics[0].Confidence * 10)
			right := strings.Contains("|"+l.want+"|", "|"+top+"|")
			x := stat[k{worded, band}]
			x[0]++
			if right {
				x[1]++
			}
			stat[k{worded, band}] = x
		}
	}
	for _, w := range []bool{true, false} {
		for b := 6; b <= 10; b++ {
			x := stat[k{w, b}]
			if x[0] > 0 {
				fmt.Printf("worded=%v conf=%d0%% n=%d wrong=%d\n", w, b, x[0], x[0]-x[1])
			}
		}
	}
}
