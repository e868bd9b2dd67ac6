package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"time"
)

// The accessors below return the Base's own values: callers must treat them as read-only,
// which is what lets every goroutine share one Base without locks.

// Topics returns the topics in file order.
func (b *Base) Topics() []*Topic { return b.topics }

// Topic returns the topic with the given id, or nil.
func (b *Base) Topic(id string) *Topic { return b.topicIdx[id] }

// Contacts returns the public contacts and in-company roles of contacts.yaml, in file order.
func (b *Base) Contacts() []*Contact { return b.contacts }

// Contact returns the contact (or support programme) with the given id, or nil.
func (b *Base) Contact(id string) *Contact { return b.contactIdx[id] }

// Programmes returns the support programmes, in file order.
func (b *Base) Programmes() []*Programme { return b.programmes }

// Sources returns the seed documents.
func (b *Base) Sources() []*Source { return b.sources }

// Alerts returns the alerts that concern a topic, newest first (alerts of one date in file order).
func (b *Base) Alerts(topic string) []*Alert { return slices.Clip(b.topicAlert[topic]) }

// Current reports whether alert a is still current at now: no more than current_for_days
// (alerts.yaml) have passed since its date. An alert that is no longer current is still shown,
// with its date, under a heading that names it as a reference of its year: the alerts of the
// seeds point to documents (JPCERT/CC's FAQs, IPA's pages) that stay useful after the wave they
// warned of, so they are labelled by age rather than hidden. The caller passes its own clock
// (the engine's), so tests and replays see the same answer.
func (b *Base) Current(a *Alert, now time.Time) bool {
	return !now.After(a.Date.Add(b.alertsCurrentFor))
}

// Intake returns the questions of the 問診票 in order.
func (b *Base) Intake() []*IntakeQuestion { return b.intake }

// Menu returns the greeting menu's entries.
func (b *Base) Menu() []*MenuEntry { return b.menu }

// MenuEntry returns the menu entry with the given id, or nil.
func (b *Base) MenuEntry(id string) *MenuEntry {
	for _, m := range b.menu {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// Message returns one of the bot's phrases; Load guarantees every key of messages.yaml exists.
func (b *Base) Message(key string) string { return b.messages[key] }

// Holidays returns the calendar of public holidays, for Schedule.OpenAt: the rules of the
// Public Holiday Act plus the days of holidays.yaml.
func (b *Base) Holidays() *Calendar { return b.holidays }

// Cases returns the past consultations of every consultations*.csv, in file order.
func (b *Base) Cases() []*Case { return b.cases }

// FAQ returns the past consultations whose standard answer belongs to a topic.
func (b *Base) FAQ(topic string) []*Case {
	var out []*Case
	if t := b.topicIdx[topic]; t != nil {
		for _, no := range t.FAQ {
			out = append(out, b.caseIdx[no])
		}
	}
	return out
}

// PastAnswers returns the edited standard answers of the past consultations of a topic's faq:
// list (faq.yaml), in that order. Load guarantees each exists.
func (b *Base) PastAnswers(topic string) []*PastAnswer {
	var out []*PastAnswer
	if t := b.topicIdx[topic]; t != nil {
		for _, no := range t.FAQ {
			if p := b.pastAnswers[no]; p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// Hash is a short digest of the files the Base was loaded from (their names and bytes): two
// Bases with the same Hash were loaded from the same knowledge, so operators can tell which
// knowledge a bot serves and whether a reload took.
func (b *Base) Hash() string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(b.files)) {
		h.Write([]byte(name + "\x00" + b.files[name] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
