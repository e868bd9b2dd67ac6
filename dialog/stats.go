package dialog

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog/store"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// Unanswered returns the kept queries that ended in clarify or fallback since the given time,
// oldest first.
func (a *Admin) Unanswered(since time.Time) ([]Unanswered, error) {
	var out []Unanswered
	err := a.e.store.View(context.Background(), func(t store.Tx) error {
		return t.EachUnanswered(func(u *Unanswered) error {
			if !u.At.Before(since) {
				u.Who = nil
				out = append(out, *u)
			}
			return nil
		})
	})
	return out, err
}

// TopicStats are the figures of one topic ("" collects texts that matched no topic).
type TopicStats struct {
	Topic         string `json:"topic"`
	Title         string `json:"title"`
	Consultations int    `json:"consultations"`
	Answers       int    `json:"answers"`
	Clarify       int    `json:"clarify"`
	Fallback      int    `json:"fallback"`
	Escalations   int    `json:"escalations"`
	Resolved      int    `json:"resolved"` // 解決した pressed by users
}

// WeekStats counts one topic's consultations and escalations in one week (starting Monday).
type WeekStats struct {
	Week          string `json:"week"` // YYYY-MM-DD of the Monday
	Topic         string `json:"topic"`
	Consultations int    `json:"consultations"`
	Escalations   int    `json:"escalations"`
}

// UnansweredCount is one text the bot could not answer, with how often it was sent.
type UnansweredCount struct {
	Text    string    `json:"text"`
	Outcome Outcome   `json:"outcome"`
	Count   int       `json:"count"`
	Last    time.Time `json:"last"`
	// Nearest are the topics the knowledge finds closest to the text, best first, so that an
	// admin can add the text as an example of the right one.
	Nearest []Nearest `json:"nearest,omitempty"`
}

// Nearest is a topic close to a text the bot could not answer.
type Nearest struct {
	Topic string  `json:"topic"`
	Title string  `json:"title"`
	Score float64 `json:"score"` // the matcher's confidence, 0..1
}

// nearestShown is how many unanswered texts get their nearest topics: more than the stats
// (50) and the report (30) show, and few enough that gathering the figures stays quick however
// many texts are kept.
const nearestShown = 50

// nearestTopics returns the two topics closest to text.
func nearestTopics(kb *knowledge.Base, text string) []Nearest {
	var out []Nearest
	for _, m := range kb.Search(text).Topics {
		if len(out) == 2 {
			break
		}
		out = append(out, Nearest{Topic: m.Topic.ID, Title: m.Topic.Title, Score: math.Round(m.Confidence*1e4) / 1e4})
	}
	return out
}

// CaseStats are the figures of the cases handed to staff.
type CaseStats struct {
	ByStatus map[string]int `json:"by_status"`
	// Resolution times (creation to resolve or hand-back) of closed cases, in seconds, by the
	// week they were opened.
	Resolution map[string][]float64 `json:"resolution_seconds"`
}

// Stats are the figures admins read to see how the bot is doing.
type Stats struct {
	Since      time.Time         `json:"since"`
	Until      time.Time         `json:"until"`
	Topics     []TopicStats      `json:"topics"`
	Weeks      []WeekStats       `json:"weeks"`
	Unanswered []UnansweredCount `json:"unanswered"`
	Cases      CaseStats         `json:"cases"`
	// Knowledge is the knowledge the figures were gathered with: by a running bot, the one it
	// serves; from a database file, the folder the command read.
	Knowledge knowledge.Version `json:"knowledge"`
}

// Stats gathers the figures since the given time (zero: all of them).
func (a *Admin) Stats(since time.Time) (Stats, error) {
	kb := a.e.lib.Base()
	st := Stats{Since: since, Until: a.e.now(), Cases: CaseStats{ByStatus: map[string]int{}, Resolution: map[string][]float64{}},
		Knowledge: a.e.lib.Version()}
	topics := map[string]*TopicStats{}
	weeks := map[[2]string]*WeekStats{}
	unanswered := map[string]*UnansweredCount{}
	sinceDay := since.In(knowledge.Tokyo).Format(time.DateOnly)
	err := a.e.store.View(context.Background(), func(t store.Tx) error {
		err := t.EachCounter(func(day, topic, name string, n uint64) error {
			if !since.IsZero() && day < sinceDay {
				return nil
			}
			ts := topics[topic]
			if ts == nil {
				ts = &TopicStats{Topic: topic}
				topics[topic] = ts
			}
			c := int(n)
			switch name {
			case "consultation":
				ts.Consultations += c
			case "answer":
				ts.Answers += c
			case "clarify":
				ts.Clarify += c
			case "fallback":
				ts.Fallback += c
			case "escalate":
				ts.Escalations += c
			case "resolved":
				ts.Resolved += c
			default:
				return nil
			}
			if name == "consultation" || name == "escalate" {
				d, err := time.ParseInLocation(time.DateOnly, day, knowledge.Tokyo)
				if err != nil {
					return nil
				}
				wk := [2]string{weekOf(d), topic}
				w := weeks[wk]
				if w == nil {
					w = &WeekStats{Week: wk[0], Topic: topic}
					weeks[wk] = w
				}
				if name == "consultation" {
					w.Consultations += c
				} else {
					w.Escalations += c
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = t.EachUnanswered(func(u *Unanswered) error {
			if u.At.Before(since) {
				return nil
			}
			key := kb.Fold(u.Text)
			uc := unanswered[key]
			if uc == nil {
				uc = &UnansweredCount{Text: u.Text, Outcome: u.Outcome}
				unanswered[key] = uc
			}
			uc.Count++
			if u.At.After(uc.Last) {
				uc.Last = u.At
			}
			return nil
		})
		if err != nil {
			return err
		}
		return t.EachCase(func(c *Case) error {
			if c.Created.Before(since) {
				return nil
			}
			st.Cases.ByStatus[string(c.Status)]++
			if !c.Closed.IsZero() && (c.Status == CaseResolved || c.Status == CaseReturned) {
				w := weekOf(c.Created)
				st.Cases.Resolution[w] = append(st.Cases.Resolution[w], c.Closed.Sub(c.Created).Seconds())
			}
			return nil
		})
	})
	if err != nil {
		return Stats{}, err
	}
	for _, ts := range topics {
		if tp := kb.Topic(ts.Topic); tp != nil {
			ts.Title = tp.Title
		}
		st.Topics = append(st.Topics, *ts)
	}
	sort.Slice(st.Topics, func(i, j int) bool {
		if st.Topics[i].Consultations != st.Topics[j].Consultations {
			return st.Topics[i].Consultations > st.Topics[j].Consultations
		}
		return st.Topics[i].Topic < st.Topics[j].Topic
	})
	for _, w := range weeks {
		st.Weeks = append(st.Weeks, *w)
	}
	sort.Slice(st.Weeks, func(i, j int) bool {
		if st.Weeks[i].Week != st.Weeks[j].Week {
			return st.Weeks[i].Week < st.Weeks[j].Week
		}
		return st.Weeks[i].Topic < st.Weeks[j].Topic
	})
	for _, u := range unanswered {
		st.Unanswered = append(st.Unanswered, *u)
	}
	sort.Slice(st.Unanswered, func(i, j int) bool {
		if st.Unanswered[i].Count != st.Unanswered[j].Count {
			return st.Unanswered[i].Count > st.Unanswered[j].Count
		}
		return st.Unanswered[i].Last.After(st.Unanswered[j].Last)
	})
	for i := range st.Unanswered[:min(len(st.Unanswered), nearestShown)] {
		st.Unanswered[i].Nearest = nearestTopics(kb, st.Unanswered[i].Text)
	}
	return st, nil
}

// weekOf returns the Monday of t's week in Japan time, as YYYY-MM-DD.
func weekOf(t time.Time) string {
	t = t.In(knowledge.Tokyo)
	offset := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-offset, 0, 0, 0, 0, knowledge.Tokyo).Format(time.DateOnly)
}

// OpenCases counts the cases waiting for or being handled by staff.
func (a *Admin) OpenCases() (int, error) {
	n := 0
	err := a.e.store.View(context.Background(), func(t store.Tx) error {
		return t.EachCaseStatus(func(status CaseStatus) {
			if (&Case{Status: status}).IsOpen() {
				n++
			}
		})
	})
	return n, err
}

// Cases returns the cases opened since the given time, oldest first.
func (a *Admin) Cases(since time.Time) ([]Case, error) {
	var out []Case
	err := a.e.store.View(context.Background(), func(t store.Tx) error {
		return t.EachCase(func(c *Case) error {
			if !c.Created.Before(since) {
				out = append(out, *c)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}
