package knowledge

import "math"

// vectors is a set of documents as TF-IDF vectors over character bigrams, for cosine
// similarity. Cosine is bounded (0..1) whatever the length of the query, which is what lets
// thresholds mean the same thing for "ウイルス" and for a 400-character story.
type vectors struct {
	idf      map[string]float64
	postings map[string][]weighted // bigram -> documents containing it
	norms    []float64
}

type weighted struct {
	doc int
	w   float64
}

// newVectors builds vectors for docs, each a list of folded texts with a weight.
func newVectors(docs [][]field) *vectors {
	v := &vectors{idf: map[string]float64{}, postings: map[string][]weighted{}, norms: make([]float64, len(docs))}
	tfs := make([]map[string]float64, len(docs))
	df := map[string]int{}
	for i, d := range docs {
		tf := map[string]float64{}
		for _, f := range d {
			for _, g := range bigrams(f.text, nil) {
				tf[g] += f.weight
			}
		}
		for g := range tf {
			df[g]++
		}
		tfs[i] = tf
	}
	n := float64(len(docs))
	for g, c := range df {
		v.idf[g] = math.Log(1 + n/float64(c))
	}
	for i, tf := range tfs {
		sum := 0.0
		for g, c := range tf {
			w := (1 + math.Log(c)) * v.idf[g]
			if c < 1 {
				w = c * v.idf[g] // fractional field weights below one occurrence
			}
			v.postings[g] = append(v.postings[g], weighted{doc: i, w: w})
			sum += w * w
		}
		v.norms[i] = math.Sqrt(sum)
	}
	return v
}

type field struct {
	text   string
	weight float64
}

// query turns folded text into a normalised query vector (bigram -> weight).
func (v *vectors) query(grams map[string]int) map[string]float64 {
	q := map[string]float64{}
	sum := 0.0
	for g, c := range grams {
		idf, ok := v.idf[g]
		if !ok {
			// a bigram no document has still counts towards the query's length, so an unknown
			// long text does not look similar to everything it shares one bigram with
			idf = math.Log(1 + float64(len(v.norms)))
		}
		w := (1 + math.Log(float64(c))) * idf
		if ok {
			q[g] = w
		}
		sum += w * w
	}
	if sum == 0 {
		return q
	}
	norm := math.Sqrt(sum)
	for g := range q {
		q[g] /= norm
	}
	return q
}

// cosine fills sims[i] with the cosine similarity of the query vector and document i.
func (v *vectors) cosine(q map[string]float64, sims []float64) {
	for g, qw := range q {
		for _, p := range v.postings[g] {
			sims[p.doc] += qw * p.w
		}
	}
	for i := range sims {
		if v.norms[i] > 0 {
			sims[i] /= v.norms[i]
		}
	}
}
