package dialog

import "time"

// Unanswered returns the kept queries that ended in clarify or fallback since the given time,
// oldest first.
func (e *Engine) Unanswered(since time.Time) ([]Unanswered, error) {
	var out []Unanswered
	err := e.store.view(func(t storeTx) error {
		return t.eachUnanswered(func(u *Unanswered) error {
			if !u.At.Before(since) {
				out = append(out, *u)
			}
			return nil
		})
	})
	return out, err
}
