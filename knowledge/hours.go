package knowledge

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tokyo is Japan time, in which every opening hour of the knowledge is written. It falls back to
// a fixed +09:00 zone when the system has no time zone database (Japan has no daylight saving).
var Tokyo = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tokyo"); err == nil {
		return loc
	}
	return time.FixedZone("JST", 9*60*60)
}()

// Schedule is the machine-readable form of opening hours, used to say "now open" or "closed".
type Schedule struct {
	Days             [7]bool // indexed by time.Weekday
	Spans            []Span  // minutes after midnight; empty means all day on open days
	ClosedOnHolidays bool    // closed on Japan's public holidays (see Calendar)
	// Closures are the days of the year the contact is closed whatever the weekday, such as
	// 12-29..01-03, the year-end days on which government offices are closed (行政機関の休日).
	Closures []Closure
}

// Span is an opening period within a day, in minutes after midnight, From inclusive, To exclusive.
type Span struct{ From, To int }

// OpenAt reports whether the schedule is open at t. cal tells the public holidays; nil means
// those of the rules alone.
func (s *Schedule) OpenAt(t time.Time, cal *Calendar) bool {
	t = t.In(Tokyo)
	if !s.Days[t.Weekday()] {
		return false
	}
	if s.ClosedOnHolidays && cal.IsHoliday(t) {
		return false
	}
	for _, c := range s.Closures {
		if c.Contains(t) {
			return false
		}
	}
	if len(s.Spans) == 0 {
		return true
	}
	m := t.Hour()*60 + t.Minute()
	for _, sp := range s.Spans {
		if m >= sp.From && m < sp.To {
			return true
		}
	}
	return false
}

// NextOpen returns the first moment at or after t when the schedule is open, looking at most
// 30 days ahead; ok is false when it never opens in that window. cal is as for OpenAt.
func (s *Schedule) NextOpen(t time.Time, cal *Calendar) (next time.Time, ok bool) {
	t = t.In(Tokyo).Truncate(time.Minute)
	if s.OpenAt(t, cal) {
		return t, true
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Tokyo)
	for i := 0; i < 30; i++ {
		d := day.AddDate(0, 0, i)
		spans := s.Spans
		if len(spans) == 0 {
			spans = []Span{{0, 24 * 60}}
		}
		for _, sp := range spans {
			c := d.Add(time.Duration(sp.From) * time.Minute)
			if c.Before(t) {
				continue
			}
			if s.OpenAt(c, cal) {
				return c, true
			}
		}
	}
	return time.Time{}, false
}

// Closure is a yearly run of closed days, From to To inclusive, each a month and a day. A
// closure whose To comes before its From runs over the new year (12-29..01-03).
type Closure struct{ From, To MonthDay }

// MonthDay is a day of the year, such as 12-29.
type MonthDay struct {
	Month time.Month
	Day   int
}

// YearEnd is the closure of government offices at the turn of the year, 29 December to
// 3 January (行政機関の休日に関する法律).
var YearEnd = Closure{MonthDay{time.December, 29}, MonthDay{time.January, 3}}

func (m MonthDay) before(o MonthDay) bool {
	return m.Month < o.Month || (m.Month == o.Month && m.Day < o.Day)
}

// Contains reports whether t's date in Japan time falls in the closure.
func (c Closure) Contains(t time.Time) bool {
	t = t.In(Tokyo)
	d := MonthDay{t.Month(), t.Day()}
	if c.To.before(c.From) {
		return !d.before(c.From) || !c.To.before(d)
	}
	return !d.before(c.From) && !c.To.before(d)
}

// String returns the closure as the knowledge files write it, e.g. "12-29..01-03".
func (c Closure) String() string {
	return fmt.Sprintf("%02d-%02d..%02d-%02d", int(c.From.Month), c.From.Day, int(c.To.Month), c.To.Day)
}

// ParseClosure reads a closure as the knowledge files write it: "MM-DD..MM-DD", both days
// included, for example "12-29..01-03"; a single day is "MM-DD".
func ParseClosure(text string) (Closure, error) {
	from, to, isRange := strings.Cut(strings.TrimSpace(text), "..")
	if !isRange {
		to = from
	}
	a, err := parseMonthDay(from)
	if err != nil {
		return Closure{}, fmt.Errorf("closure %q: %v", text, err)
	}
	b, err := parseMonthDay(to)
	if err != nil {
		return Closure{}, fmt.Errorf("closure %q: %v", text, err)
	}
	return Closure{a, b}, nil
}

func parseMonthDay(s string) (MonthDay, error) {
	// 2000 is a leap year, so 02-29 is accepted.
	d, err := time.Parse("2006-01-02", "2000-"+s)
	if err != nil || len(s) != len("01-02") {
		return MonthDay{}, fmt.Errorf("%q is not a day MM-DD", s)
	}
	return MonthDay{d.Month(), d.Day()}, nil
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseSchedule reads the compact form used in the knowledge files, for example
// "mon-fri 10:00-12:00 13:30-17:00; closed holidays year-end". Days are mon..sun, ranges
// (mon-fri), lists (mon,wed) or the words weekdays and daily; times are HH:MM-HH:MM. After
// "closed", holidays closes the schedule on public holidays and year-end adds the closure YearEnd
// (the same as closures: [12-29..01-03] beside the schedule in contacts.yaml).
func ParseSchedule(text string) (*Schedule, error) {
	s := &Schedule{}
	main, closed, _ := strings.Cut(text, ";")
	fields := strings.Fields(main)
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty schedule")
	}
	if err := s.parseDays(fields[0]); err != nil {
		return nil, err
	}
	for _, f := range fields[1:] {
		sp, err := parseSpan(f)
		if err != nil {
			return nil, err
		}
		s.Spans = append(s.Spans, sp)
	}
	closed = strings.TrimSpace(closed)
	if closed != "" {
		words := strings.Fields(closed)
		if words[0] != "closed" {
			return nil, fmt.Errorf("after ';' expected \"closed\", got %q", words[0])
		}
		for _, w := range words[1:] {
			switch w {
			case "holidays":
				s.ClosedOnHolidays = true
			case "year-end":
				s.Closures = append(s.Closures, YearEnd)
			default:
				return nil, fmt.Errorf("unknown closing rule %q (want holidays or year-end)", w)
			}
		}
	}
	return s, nil
}

func (s *Schedule) parseDays(f string) error {
	switch f {
	case "daily":
		for i := range s.Days {
			s.Days[i] = true
		}
		return nil
	case "weekdays":
		f = "mon-fri"
	}
	for _, part := range strings.Split(f, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok := dayNames[from]
		if !ok {
			return fmt.Errorf("unknown day %q (want mon..sun, weekdays or daily)", from)
		}
		if !isRange {
			s.Days[a] = true
			continue
		}
		b, ok := dayNames[to]
		if !ok {
			return fmt.Errorf("unknown day %q (want mon..sun)", to)
		}
		for d := a; ; d = (d + 1) % 7 {
			s.Days[d] = true
			if d == b {
				break
			}
		}
	}
	return nil
}

func parseSpan(f string) (Span, error) {
	from, to, ok := strings.Cut(f, "-")
	if !ok {
		return Span{}, fmt.Errorf("time range %q: want HH:MM-HH:MM", f)
	}
	a, err := parseClock(from)
	if err != nil {
		return Span{}, fmt.Errorf("time range %q: %v", f, err)
	}
	b, err := parseClock(to)
	if err != nil {
		return Span{}, fmt.Errorf("time range %q: %v", f, err)
	}
	if b <= a {
		return Span{}, fmt.Errorf("time range %q ends before it starts", f)
	}
	return Span{a, b}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return hh*60 + mm, nil
}

// HoursIn writes schedule s for a reader of English, from the same fields the bot uses to say
// "open now", so the English hours can never disagree with the Japanese ones: for example
// "Mon–Fri 10:00–12:00, 13:30–17:00 (closed on public holidays and 12/29–1/3)". The words and
// the weekday names are messages.en.yaml's.
func (b *Base) HoursIn(s *Schedule) string {
	msg := func(key string) string { return b.MessageIn("en", key) }
	var out strings.Builder
	out.WriteString(englishDays(s.Days, strings.Fields(msg("weekday_names")), msg("hours_every_day"), msg("hours_no_days")))
	if len(s.Spans) == 0 {
		out.WriteString(", " + msg("hours_all_day"))
	}
	for i, sp := range s.Spans {
		if i == 0 {
			out.WriteString(" ")
		} else {
			out.WriteString(", ")
		}
		fmt.Fprintf(&out, "%d:%02d–%d:%02d", sp.From/60, sp.From%60, sp.To/60, sp.To%60)
	}
	var closed []string
	if s.ClosedOnHolidays {
		closed = append(closed, msg("hours_holidays"))
	}
	for _, c := range s.Closures {
		if c.From == c.To {
			closed = append(closed, fmt.Sprintf("%d/%d", c.From.Month, c.From.Day))
			continue
		}
		closed = append(closed, fmt.Sprintf("%d/%d–%d/%d", c.From.Month, c.From.Day, c.To.Month, c.To.Day))
	}
	if len(closed) > 0 {
		out.WriteString(" " + strings.ReplaceAll(msg("hours_closed"), "{days}", strings.Join(closed, " "+msg("hours_and")+" ")))
	}
	return out.String()
}

// englishDays names the open days: every, a run of three or more such as "Mon–Fri", or a list
// "Mon, Wed". names are the weekday names, Sunday first; weeks are read Monday first, so that
// Mon–Sun and Sat, Sun read as people write them.
func englishDays(days [7]bool, names []string, every, none string) string {
	if len(names) != 7 {
		names = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	}
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var open []int // positions in order
	for i, d := range order {
		if days[d] {
			open = append(open, i)
		}
	}
	switch {
	case len(open) == 7:
		return every
	case len(open) == 0:
		return none
	case len(open) > 2 && open[len(open)-1]-open[0]+1 == len(open):
		return names[order[open[0]]] + "–" + names[order[open[len(open)-1]]]
	}
	var list []string
	for _, i := range open {
		list = append(list, names[order[i]])
	}
	return strings.Join(list, ", ")
}
