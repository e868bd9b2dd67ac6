package knowledge

import (
	"math"
	"slices"
)

// vectors is a set of documents as TF-IDF vectors over character bigrams, for cosine
// similarity. Cosine is bounded (0..1) whatever the length of the query, which is what lets
// thresholds mean the same thing for "ウイルス" and for a 400-character story.
type vectors struct {
	ids   map[string]int32 // bigram -> index into terms
	terms []term
	n     int // number of documents
}

// term is one bigram: its inverse document frequency and the documents containing it, with
// weights already divided by each document's norm, so a query needs no division per document.
type term struct {
	idf  float64
	docs []weighted
}

type weighted struct {
	doc int
	w   float64
}

// newVectors builds vectors for docs, each a list of folded texts with a weight. Bigrams are
// numbered as they are first seen, so that the counting passes index slices instead of
// rewriting map entries: this is most of what loading the knowledge costs.
func newVectors(docs [][]field) *vectors {
	v := &vectors{ids: map[string]int32{}, n: len(docs)}
	type count struct {
		id int32
		c  float64
	}
	tfs := make([][]count, len(docs))
	var (
		df []int
		// by bigram id, its position in the current document's counts, valid when seenIn (the
		// number of the document, from 1) is the current one: no map to clear per document
		at, seenIn []int32
		tf         []count // the current document's counts, copied out at its end
	)
	for i, d := range docs {
		doc := int32(i + 1)
		tf = tf[:0]
		for _, f := range d {
			// each occurrence adds the field's weight (1, 2 or ½: sums of them are exact)
			for g := range grams(f.text) {
				id, ok := v.ids[g]
				if !ok {
					id = int32(len(df))
					v.ids[g] = id
					df, at, seenIn = append(df, 0), append(at, 0), append(seenIn, 0)
				}
				if seenIn[id] == doc {
					tf[at[id]].c += f.weight
					continue
				}
				seenIn[id], at[id] = doc, int32(len(tf))
				tf = append(tf, count{id, f.weight})
				df[id]++
			}
		}
		tfs[i] = slices.Clone(tf)
	}
	n := float64(len(docs))
	v.terms = make([]term, len(df))
	for id, c := range df {
		v.terms[id] = term{idf: math.Log(1 + n/float64(c)), docs: make([]weighted, 0, c)}
	}
	weight := func(id int32, c float64) float64 {
		if c < 1 {
			return c * v.terms[id].idf // fractional field weights below one occurrence
		}
		return (1 + math.Log(c)) * v.terms[id].idf
	}
	for i, tf := range tfs {
		sum := 0.0
		for _, x := range tf {
			w := weight(x.id, x.c)
			sum += w * w
		}
		norm := math.Sqrt(sum) // > 0: every bigram of a document has a positive weight
		for _, x := range tf {
			t := &v.terms[x.id]
			t.docs = append(t.docs, weighted{doc: i, w: weight(x.id, x.c) / norm})
		}
	}
	return v
}

type field struct {
	text   string
	weight float64
}

// similarity adds to sims[i] the cosine similarity of the bigram counts of a folded text and
// document i; sims must be zero on entry.
func (v *vectors) similarity(grams map[string]int, sims []float64) {
	sum := 0.0
	for g, c := range grams {
		// a bigram no document has still counts towards the query's length, so an unknown
		// long text does not look similar to everything it shares one bigram with
		idf := math.Log(1 + float64(v.n))
		if id, ok := v.ids[g]; ok {
			idf = v.terms[id].idf
		}
		w := (1 + math.Log(float64(c))) * idf
		sum += w * w
	}
	if sum == 0 {
		return
	}
	norm := math.Sqrt(sum)
	for g, c := range grams {
		id, ok := v.ids[g]
		if !ok {
			continue
		}
		t := &v.terms[id]
		qw := (1 + math.Log(float64(c))) * t.idf / norm
		for _, p := range t.docs {
			sims[p.doc] += qw * p.w
		}
	}
}
