package dialog

import "time"

// Hasten makes every entry of channel that waits for a later attempt due at now, with its
// backoff started over: the channel answered again, so what waited for it need not wait out
// the rest of a backoff grown during the outage. Order per recipient is unchanged (the queue
// keeps it). It returns how many entries it brought forward.
func (e *Engine) Hasten(channel string, now time.Time) (int, error) {
	n := 0
	err := e.store.batch(func(t storeTx) error {
		n = 0
		var later []*Delivery
		if err := t.eachDelivery(func(d *Delivery) bool {
			if d.Channel == channel && d.NextAttempt.After(now) {
				later = append(later, d)
			}
			return true
		}); err != nil {
			return err
		}
		for _, d := range later {
			d.NextAttempt, d.Attempts = now, 0
			if err := t.putDelivery(d); err != nil {
				return err
			}
		}
		n = len(later)
		return nil
	})
	return n, err
}
