package knowledge

import (
	"math"
	"time"
)

// Calendar tells Japan's public holidays for any date: the national holidays of the Public
// Holiday Act (国民の祝日に関する法律) computed from its rules, the substitute holidays (振替休日)
// and the sandwiched rest days (国民の休日) that follow from them, and extra days that special
// laws declare national holidays (the enthronement days of 2019, for instance).
//
// The rules are exact for 1980 to 2099: the equinox days use the standard approximation formula,
// which holds for those years. Outside them the formula is extrapolated, so an equinox may be a
// day off; an admin adds such a day in holidays.yaml. A nil *Calendar knows the rules and the
// special-law days compiled in, with no additions.
type Calendar struct {
	extra map[string]string // YYYY-MM-DD -> name, read as national holidays
}

// NewCalendar returns a calendar whose national holidays are those of the rules plus extra, a
// map from YYYY-MM-DD dates (Japan time) to names. Extra days count as national holidays: one on
// a Sunday gives a substitute holiday, two of them a day apart make the day between a holiday.
func NewCalendar(extra map[string]string) *Calendar {
	return &Calendar{extra: extra}
}

// Names of the holidays Holiday returns, in English; the Japanese names of the law are beside them.
const (
	NewYearsDay        = "New Year's Day"           // 元日
	ComingOfAgeDay     = "Coming of Age Day"        // 成人の日
	FoundationDay      = "National Foundation Day"  // 建国記念の日
	EmperorsBirthday   = "Emperor's Birthday"       // 天皇誕生日
	VernalEquinoxDay   = "Vernal Equinox Day"       // 春分の日
	ShowaDay           = "Showa Day"                // 昭和の日
	ConstitutionDay    = "Constitution Day"         // 憲法記念日
	GreeneryDay        = "Greenery Day"             // みどりの日
	ChildrensDay       = "Children's Day"           // こどもの日
	MarineDay          = "Marine Day"               // 海の日
	MountainDay        = "Mountain Day"             // 山の日
	RespectForAgedDay  = "Respect for the Aged Day" // 敬老の日
	AutumnalEquinoxDay = "Autumnal Equinox Day"     // 秋分の日
	SportsDay          = "Sports Day"               // スポーツの日 (体育の日 until 2019)
	CultureDay         = "Culture Day"              // 文化の日
	LabourDay          = "Labour Thanksgiving Day"  // 勤労感謝の日
	SubstituteHoliday  = "Substitute Holiday"       // 振替休日
	CitizensHoliday    = "Citizens' Holiday"        // 国民の休日
)

// specialDays are national holidays declared by laws of their own, one day each.
var specialDays = map[string]string{
	"1989-02-24": "Funeral of Emperor Showa",    // 昭和天皇の大喪の礼
	"1990-11-12": "Enthronement Ceremony",       // 即位礼正殿の儀
	"1993-06-09": "Wedding of the Crown Prince", // 皇太子徳仁親王の結婚の儀
	"2019-05-01": "Enthronement Day",            // 天皇の即位の日
	"2019-10-22": "Enthronement Ceremony",       // 即位礼正殿の儀
}

// Holiday returns the name of the public holiday on t's date in Japan time, and whether there is
// one. Saturdays and Sundays are not holidays by themselves.
func (c *Calendar) Holiday(t time.Time) (string, bool) {
	t = t.In(Tokyo)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if name := c.national(d); name != "" {
		return name, true
	}
	if c.substitute(d) {
		return SubstituteHoliday, true
	}
	if c.sandwiched(d) {
		return CitizensHoliday, true
	}
	return "", false
}

// IsHoliday reports whether t's date in Japan time is a public holiday.
func (c *Calendar) IsHoliday(t time.Time) bool {
	_, ok := c.Holiday(t)
	return ok
}

// substitute reports whether d is a 振替休日: since 2007, the first day that is not a national
// holiday after one on a Sunday; from April 1973 to 2006, the Monday after a Sunday holiday.
func (c *Calendar) substitute(d time.Time) bool {
	switch {
	case d.Year() >= 2007:
		for p := d.AddDate(0, 0, -1); c.national(p) != ""; p = p.AddDate(0, 0, -1) {
			if p.Weekday() == time.Sunday {
				return true
			}
		}
		return false
	case d.Before(time.Date(1973, time.April, 12, 0, 0, 0, 0, time.UTC)):
		return false
	default:
		p := d.AddDate(0, 0, -1)
		return p.Weekday() == time.Sunday && c.national(p) != ""
	}
}

// sandwiched reports whether d is a 国民の休日: a day between two national holidays, since 1986.
// Until 2006 a Sunday or a substitute holiday did not count as one.
func (c *Calendar) sandwiched(d time.Time) bool {
	if d.Year() < 1986 || (d.Year() < 2007 && d.Weekday() == time.Sunday) {
		return false
	}
	return c.national(d.AddDate(0, 0, -1)) != "" && c.national(d.AddDate(0, 0, 1)) != ""
}

// national returns the national holiday (国民の祝日) on d, a date at midnight UTC, or "".
func (c *Calendar) national(d time.Time) string {
	key := d.Format(time.DateOnly)
	if name, ok := specialDays[key]; ok {
		return name
	}
	if c != nil {
		if name, ok := c.extra[key]; ok {
			return name
		}
	}
	y, day := d.Year(), d.Day()
	nthMonday := func(n int) bool { return d.Weekday() == time.Monday && (day-1)/7 == n-1 }
	switch d.Month() {
	case time.January:
		switch {
		case day == 1:
			return NewYearsDay
		case y < 2000 && day == 15, y >= 2000 && nthMonday(2):
			return ComingOfAgeDay
		}
	case time.February:
		switch {
		case day == 11:
			return FoundationDay
		case y >= 2020 && day == 23:
			return EmperorsBirthday
		}
	case time.March:
		if day == equinox(y, 20.8431) {
			return VernalEquinoxDay
		}
	case time.April:
		if day == 29 {
			switch {
			case y <= 1988:
				return EmperorsBirthday
			case y <= 2006:
				return GreeneryDay
			default:
				return ShowaDay
			}
		}
	case time.May:
		switch {
		case day == 3:
			return ConstitutionDay
		case day == 4 && y >= 2007:
			return GreeneryDay
		case day == 5:
			return ChildrensDay
		}
	case time.July:
		switch {
		case y == 2020 && day == 23, y == 2021 && day == 22:
			return MarineDay
		case y == 2020 && day == 24, y == 2021 && day == 23:
			return SportsDay
		case y >= 1996 && y <= 2002 && day == 20:
			return MarineDay
		case y >= 2003 && y != 2020 && y != 2021 && nthMonday(3):
			return MarineDay
		}
	case time.August:
		switch {
		case y == 2020 && day == 10, y == 2021 && day == 8:
			return MountainDay
		case y >= 2016 && y != 2020 && y != 2021 && day == 11:
			return MountainDay
		}
	case time.September:
		switch {
		case y < 2003 && day == 15, y >= 2003 && nthMonday(3):
			return RespectForAgedDay
		case day == equinox(y, 23.2488):
			return AutumnalEquinoxDay
		}
	case time.October:
		switch {
		case y < 2000 && day == 10:
			return SportsDay
		case y >= 2000 && y != 2020 && y != 2021 && nthMonday(2):
			return SportsDay
		}
	case time.November:
		switch day {
		case 3:
			return CultureDay
		case 23:
			return LabourDay
		}
	case time.December:
		if y >= 1989 && y <= 2018 && day == 23 {
			return EmperorsBirthday
		}
	}
	return ""
}

// equinox returns the day of the month of the vernal (base 20.8431, in March) or autumnal (base
// 23.2488, in September) equinox of year y in Japan, by the approximation formula for 1980-2099.
func equinox(y int, base float64) int {
	n := y - 1980
	return int(math.Floor(base + 0.242194*float64(n) - math.Floor(float64(n)/4)))
}
