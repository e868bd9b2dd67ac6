package knowledge_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func day(t testing.TB, date string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, date, knowledge.Tokyo)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// holidays2025to2028 are every public holiday of 2025-2028, worked out by hand from the rules of
// the Public Holiday Act, with the weekday that decides the Happy Monday, substitute and
// sandwiched days.
var holidays2025to2028 = map[string]string{
	"2025-01-01": knowledge.NewYearsDay,        // Wed
	"2025-01-13": knowledge.ComingOfAgeDay,     // second Monday of January
	"2025-02-11": knowledge.FoundationDay,      // Tue
	"2025-02-23": knowledge.EmperorsBirthday,   // Sun ...
	"2025-02-24": knowledge.SubstituteHoliday,  // ... so Monday is 振替休日
	"2025-03-20": knowledge.VernalEquinoxDay,   // Thu
	"2025-04-29": knowledge.ShowaDay,           // Tue
	"2025-05-03": knowledge.ConstitutionDay,    // Sat
	"2025-05-04": knowledge.GreeneryDay,        // Sun ...
	"2025-05-05": knowledge.ChildrensDay,       // Mon, itself a holiday ...
	"2025-05-06": knowledge.SubstituteHoliday,  // ... so the substitute is Tuesday
	"2025-07-21": knowledge.MarineDay,          // third Monday of July
	"2025-08-11": knowledge.MountainDay,        // Mon
	"2025-09-15": knowledge.RespectForAgedDay,  // third Monday of September
	"2025-09-23": knowledge.AutumnalEquinoxDay, // Tue
	"2025-10-13": knowledge.SportsDay,          // second Monday of October
	"2025-11-03": knowledge.CultureDay,         // Mon
	"2025-11-23": knowledge.LabourDay,          // Sun ...
	"2025-11-24": knowledge.SubstituteHoliday,  // ... so Monday

	"2026-01-01": knowledge.NewYearsDay,        // Thu
	"2026-01-12": knowledge.ComingOfAgeDay,     // second Monday
	"2026-02-11": knowledge.FoundationDay,      // Wed
	"2026-02-23": knowledge.EmperorsBirthday,   // Mon
	"2026-03-20": knowledge.VernalEquinoxDay,   // Fri
	"2026-04-29": knowledge.ShowaDay,           // Wed
	"2026-05-03": knowledge.ConstitutionDay,    // Sun ...
	"2026-05-04": knowledge.GreeneryDay,        // Mon
	"2026-05-05": knowledge.ChildrensDay,       // Tue
	"2026-05-06": knowledge.SubstituteHoliday,  // ... the first day after that is no holiday
	"2026-07-20": knowledge.MarineDay,          // third Monday
	"2026-08-11": knowledge.MountainDay,        // Tue
	"2026-09-21": knowledge.RespectForAgedDay,  // third Monday
	"2026-09-22": knowledge.CitizensHoliday,    // between two holidays: 国民の休日
	"2026-09-23": knowledge.AutumnalEquinoxDay, // Wed
	"2026-10-12": knowledge.SportsDay,          // second Monday
	"2026-11-03": knowledge.CultureDay,         // Tue
	"2026-11-23": knowledge.LabourDay,          // Mon

	"2027-01-01": knowledge.NewYearsDay,        // Fri
	"2027-01-11": knowledge.ComingOfAgeDay,     // second Monday
	"2027-02-11": knowledge.FoundationDay,      // Thu
	"2027-02-23": knowledge.EmperorsBirthday,   // Tue
	"2027-03-21": knowledge.VernalEquinoxDay,   // Sun ...
	"2027-03-22": knowledge.SubstituteHoliday,  // ... so Monday
	"2027-04-29": knowledge.ShowaDay,           // Thu
	"2027-05-03": knowledge.ConstitutionDay,    // Mon
	"2027-05-04": knowledge.GreeneryDay,        // Tue
	"2027-05-05": knowledge.ChildrensDay,       // Wed
	"2027-07-19": knowledge.MarineDay,          // third Monday
	"2027-08-11": knowledge.MountainDay,        // Wed
	"2027-09-20": knowledge.RespectForAgedDay,  // third Monday; 21st is not between two holidays
	"2027-09-23": knowledge.AutumnalEquinoxDay, // Thu
	"2027-10-11": knowledge.SportsDay,          // second Monday
	"2027-11-03": knowledge.CultureDay,         // Wed
	"2027-11-23": knowledge.LabourDay,          // Tue

	"2028-01-01": knowledge.NewYearsDay,        // Sat: no substitute for a Saturday
	"2028-01-10": knowledge.ComingOfAgeDay,     // second Monday
	"2028-02-11": knowledge.FoundationDay,      // Fri
	"2028-02-23": knowledge.EmperorsBirthday,   // Wed
	"2028-03-20": knowledge.VernalEquinoxDay,   // Mon
	"2028-04-29": knowledge.ShowaDay,           // Sat
	"2028-05-03": knowledge.ConstitutionDay,    // Wed
	"2028-05-04": knowledge.GreeneryDay,        // Thu
	"2028-05-05": knowledge.ChildrensDay,       // Fri
	"2028-07-17": knowledge.MarineDay,          // third Monday
	"2028-08-11": knowledge.MountainDay,        // Fri
	"2028-09-18": knowledge.RespectForAgedDay,  // third Monday
	"2028-09-22": knowledge.AutumnalEquinoxDay, // Fri
	"2028-10-09": knowledge.SportsDay,          // second Monday
	"2028-11-03": knowledge.CultureDay,         // Fri
	"2028-11-23": knowledge.LabourDay,          // Thu
}

// TestHolidays2025to2028 checks every day of four years: the holidays of the table, and no other.
func TestHolidays2025to2028(t *testing.T) {
	var cal *knowledge.Calendar // the rules alone
	for d := day(t, "2025-01-01"); d.Year() <= 2028; d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		got, ok := cal.Holiday(d)
		want, wantOK := holidays2025to2028[date]
		if got != want || ok != wantOK {
			t.Errorf("Holiday(%s, %s) = %q, %v; want %q, %v", date, d.Weekday(), got, ok, want, wantOK)
		}
	}
}

// TestHolidaysOfChangedRules checks days the law moved or added in past years, so the rules hold
// for any date and not only for the current ones.
func TestHolidaysOfChangedRules(t *testing.T) {
	var cal *knowledge.Calendar
	tests := []struct {
		date string
		want string // "" for no holiday
	}{
		{"1999-01-15", knowledge.ComingOfAgeDay},    // fixed day before Happy Monday (2000)
		{"2000-01-10", knowledge.ComingOfAgeDay},    // second Monday from 2000
		{"2000-01-15", ""},                          //
		{"2006-04-29", knowledge.GreeneryDay},       // みどりの日 was 29 April until 2006
		{"2006-05-04", knowledge.CitizensHoliday},   // a Thursday between 3 and 5 May
		{"2008-05-06", knowledge.SubstituteHoliday}, // みどりの日 on Sunday, 5 May a holiday: Tuesday
		{"2009-09-22", knowledge.CitizensHoliday},   // between 敬老の日 and 秋分の日
		{"2015-09-22", knowledge.CitizensHoliday},   //
		{"2018-12-23", knowledge.EmperorsBirthday},  // Emperor Akihito
		{"2018-12-24", knowledge.SubstituteHoliday},
		{"2019-12-23", ""},                        // no 天皇誕生日 in 2019
		{"2019-04-30", knowledge.CitizensHoliday}, // before the enthronement day
		{"2019-05-01", "Enthronement Day"},
		{"2019-05-02", knowledge.CitizensHoliday},
		{"2019-05-06", knowledge.SubstituteHoliday}, // こどもの日 on Sunday
		{"2020-07-23", knowledge.MarineDay},         // moved for the Olympic Games
		{"2020-07-24", knowledge.SportsDay},
		{"2020-08-10", knowledge.MountainDay},
		{"2020-10-12", ""},
		{"2021-07-22", knowledge.MarineDay},
		{"2021-07-23", knowledge.SportsDay},
		{"2021-08-08", knowledge.MountainDay},
		{"2021-08-09", knowledge.SubstituteHoliday},
		{"2021-08-11", ""},
		{"2021-07-19", ""}, // the third Monday of July, not 海の日 that year
		{"2030-03-20", knowledge.VernalEquinoxDay},
		{"2099-09-23", knowledge.AutumnalEquinoxDay},
	}
	for _, tt := range tests {
		got, _ := cal.Holiday(day(t, tt.date))
		if got != tt.want {
			t.Errorf("Holiday(%s) = %q, want %q", tt.date, got, tt.want)
		}
	}
}

// TestCalendarExtraDays: a day of holidays.yaml counts as a national holiday, with the days that
// follow from it.
func TestCalendarExtraDays(t *testing.T) {
	cal := knowledge.NewCalendar(map[string]string{"2030-05-07": "extra", "2030-06-02": "on a Sunday"})
	tests := []struct {
		date string
		want string
	}{
		{"2030-05-07", "extra"},
		{"2030-05-06", knowledge.SubstituteHoliday}, // こどもの日 2030 is a Sunday
		{"2030-06-02", "on a Sunday"},
		{"2030-06-03", knowledge.SubstituteHoliday},
	}
	for _, tt := range tests {
		if got, _ := cal.Holiday(day(t, tt.date)); got != tt.want {
			t.Errorf("Holiday(%s) = %q, want %q", tt.date, got, tt.want)
		}
	}
}

// TestPublicContactsClosedOnHolidays: for every day of 24 months from 1 December 2026, at three
// times of the working day, no public contact with a schedule is open on a public holiday or on
// a year-end day of government offices (29 December to 3 January).
func TestPublicContactsClosedOnHolidays(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	cal := kb.Holidays()
	var scheduled []*knowledge.Contact
	for _, c := range kb.Contacts() {
		if c.Schedule != nil && !c.Internal {
			scheduled = append(scheduled, c)
		}
	}
	if len(scheduled) == 0 {
		t.Fatal("no public contact has a schedule: nothing to check")
	}
	start := day(t, "2026-12-01")
	end := start.AddDate(0, 24, 0)
	checked, holidays := 0, 0
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		closedDay := cal.IsHoliday(d) || knowledge.YearEnd.Contains(d)
		if !closedDay {
			continue
		}
		holidays++
		for _, hm := range [][2]int{{10, 0}, {13, 30}, {16, 0}} {
			at := time.Date(d.Year(), d.Month(), d.Day(), hm[0], hm[1], 0, 0, knowledge.Tokyo)
			for _, c := range scheduled {
				checked++
				if c.Schedule.OpenAt(at, cal) {
					name, _ := cal.Holiday(at)
					t.Errorf("contact %q is open at %s (%s, holiday %q)", c.ID, at.Format("2006-01-02 15:04 Mon"), c.Hours, name)
				}
			}
		}
	}
	if holidays < 2*(15+6) { // a year has at least 15 holidays besides 1 January, and 6 year-end days
		t.Errorf("only %d closed days in 24 months: the calendar is missing holidays", holidays)
	}
	t.Logf("%d closed days, %d checks", holidays, checked)
}

func TestClosure(t *testing.T) {
	tests := []struct {
		text string
		date string
		in   bool
	}{
		{"12-29..01-03", "2026-12-28", false},
		{"12-29..01-03", "2026-12-29", true},
		{"12-29..01-03", "2026-12-31", true},
		{"12-29..01-03", "2027-01-01", true},
		{"12-29..01-03", "2027-01-03", true},
		{"12-29..01-03", "2027-01-04", false},
		{"08-13..08-16", "2027-08-12", false},
		{"08-13..08-16", "2027-08-13", true},
		{"08-13..08-16", "2027-08-16", true},
		{"08-13..08-16", "2027-08-17", false},
		{"05-01", "2027-05-01", true},
		{"05-01", "2027-05-02", false},
	}
	for _, tt := range tests {
		c, err := knowledge.ParseClosure(tt.text)
		if err != nil {
			t.Fatalf("ParseClosure(%q): %v", tt.text, err)
		}
		if got := c.Contains(day(t, tt.date)); got != tt.in {
			t.Errorf("%s.Contains(%s) = %v, want %v", tt.text, tt.date, got, tt.in)
		}
	}
	for _, bad := range []string{"", "12-29..", "13-01", "12-32", "1-3", "12-29..01-3", "12-29-01-03", "year-end"} {
		if _, err := knowledge.ParseClosure(bad); err == nil {
			t.Errorf("ParseClosure(%q) accepted", bad)
		}
	}
}

// TestNextOpen follows a government desk over weekends, holidays and the year end.
func TestNextOpen(t *testing.T) {
	s, err := knowledge.ParseSchedule("mon-fri 08:30-17:15; closed holidays")
	if err != nil {
		t.Fatal(err)
	}
	s.Closures = append(s.Closures, knowledge.YearEnd)
	at := func(v string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", v, knowledge.Tokyo)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct{ from, want string }{
		{"2026-12-04 18:00", "2026-12-07 08:30"}, // Friday evening: Monday
		{"2026-12-07 09:00", "2026-12-07 09:00"}, // open now
		{"2026-12-07 07:00", "2026-12-07 08:30"}, // before opening
		{"2026-12-28 17:30", "2027-01-04 08:30"}, // the year end
		{"2027-01-08 18:00", "2027-01-12 08:30"}, // 成人の日 on the Monday
		{"2026-09-18 18:00", "2026-09-24 08:30"}, // 21, 22, 23 September
	}
	for _, tt := range tests {
		got, ok := s.NextOpen(at(tt.from), nil)
		if !ok || !got.Equal(at(tt.want)) {
			t.Errorf("NextOpen(%s) = %v, %v; want %s", tt.from, got, ok, tt.want)
		}
	}
}

// TestGovernmentWeekdaysInSeeds: a public contact whose hours say 平日 or 土日祝(日)を除く keeps the
// working days of government offices, so its schedule closes on holidays and on the year-end days.
func TestGovernmentWeekdaysInSeeds(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, c := range kb.Contacts() {
		if c.Internal || !(strings.Contains(c.Hours, "平日") || strings.Contains(c.Hours, "土日祝")) {
			continue
		}
		marked++
		if c.Schedule == nil || !c.Schedule.ClosedOnHolidays || !slices.Contains(c.Schedule.Closures, knowledge.YearEnd) {
			t.Errorf("contact %q (hours %q) needs a schedule with \"closed holidays\" and closures: [\"12-29..01-03\"]", c.ID, c.Hours)
		}
	}
	if marked == 0 {
		t.Error("no contact's hours say 平日 or 土日祝日を除く: the check checks nothing")
	}
}
