package knowledge

import "math"

// vectors is a set of documents as TF-IDF vectors over character bigrams, for cosine
// similarity. Cosine is bounded (0..1) whatever the length of the query, which is what lets
// thresholds mean the same thing for "ウイルス" and for a 400-character story.
type vectors struct {
	terms map[string]term
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

// newVectors builds vectors for docs, each a list of folded texts with a weight.
func newVectors(docs [][]field) *vectors {
	v := &vectors{terms: map[string]term{}, n: len(docs)}
	tfs := make([]map[string]float64, len(docs))
	df := map[string]int{}
	for i, d := range docs {
		tf := map[string]float64{}
		for _, f := range d {
			for g, c := range gramCounts(f.text) {
				tf[g] += f.weight * float64(c)
			}
		}
		for g := range tf {
			df[g]++
		}
		tfs[i] = tf
	}
	n := float64(len(docs))
	for g, c := range df {
		v.terms[g] = term{idf: math.Log(1 + n/float64(c))}
	}
	weight := func(g string, c float64) float64 {
		if c < 1 {
			return c * v.terms[g].idf // fractional field weights below one occurrence
		}
		return (1 + math.Log(c)) * v.terms[g].idf
	}
	for i, tf := range tfs {
		sum := 0.0
		for g, c := range tf {
			w := weight(g, c)
			sum += w * w
		}
		norm := math.Sqrt(sum) // > 0: every bigram of a document has a positive weight
		for g, c := range tf {
			t := v.terms[g]
			t.docs = append(t.docs, weighted{doc: i, w: weight(g, c) / norm})
			v.terms[g] = t
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
		t, ok := v.terms[g]
		if !ok {
			// a bigram no document has still counts towards the query's length, so an unknown
			// long text does not look similar to everything it shares one bigram with
			t.idf = math.Log(1 + float64(v.n))
		}
		w := (1 + math.Log(float64(c))) * t.idf
		sum += w * w
	}
	if sum == 0 {
		return
	}
	norm := math.Sqrt(sum)
	for g, c := range grams {
		t, ok := v.terms[g]
		if !ok {
			continue
		}
		qw := (1 + math.Log(float64(c))) * t.idf / norm
		for _, p := range t.docs {
			sims[p.doc] += qw * p.w
		}
	}
}
