package pac

import (
	"fmt"
	"testing"
	"time"
)

var cet = time.FixedZone("CET", 3600)

// timeCase calls a time helper with args at now.
type timeCase struct {
	now  time.Time
	args []any
	want bool
}

func runTimeCases(t *testing.T, name string, f func(time.Time, []any) bool, cases []timeCase) {
	t.Helper()
	for _, c := range cases {
		if got := f(c.now, c.args); got != c.want {
			t.Errorf("%s(%s) at %s = %v, want %v", name, fmtArgs(c.args), c.now.Format("Mon 2006-01-02 15:04:05 MST"), got, c.want)
		}
	}
}

func fmtArgs(args []any) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += ", "
		}
		if str, ok := a.(string); ok {
			s += fmt.Sprintf("%q", str)
		} else {
			s += fmt.Sprint(a)
		}
	}
	return s
}

func day(wd time.Weekday) time.Time {
	// 2026-11-22 is a Sunday.
	return time.Date(2026, time.November, 22+int(wd), 12, 0, 0, 0, cet)
}

func TestWeekdayRange(t *testing.T) {
	wed := day(time.Wednesday)
	// Just after midnight on Wednesday in CET is still Tuesday in GMT.
	earlyWed := time.Date(2026, time.November, 25, 0, 30, 0, 0, cet)
	runTimeCases(t, "weekdayRange", weekdayRange, []timeCase{
		{wed, []any{"WED"}, true},
		{wed, []any{"wed"}, true},
		{wed, []any{"THU"}, false},
		{wed, []any{"MON", "FRI"}, true},
		{day(time.Friday), []any{"MON", "FRI"}, true},
		{day(time.Saturday), []any{"MON", "FRI"}, false},
		// Wrap-around over the weekend: SAT, SUN, MON.
		{day(time.Saturday), []any{"SAT", "MON"}, true},
		{day(time.Sunday), []any{"SAT", "MON"}, true},
		{day(time.Monday), []any{"SAT", "MON"}, true},
		{day(time.Tuesday), []any{"SAT", "MON"}, false},
		{wed, []any{"SAT", "MON"}, false},
		{day(time.Friday), []any{"SAT", "MON"}, false},
		{day(time.Sunday), []any{"SUN", "SUN"}, true},
		{earlyWed, []any{"WED"}, true},
		{earlyWed, []any{"WED", "GMT"}, false},
		{earlyWed, []any{"TUE", "GMT"}, true},
		{earlyWed, []any{"MON", "TUE", "GMT"}, true},
		{wed, []any{"XYZ"}, false},
		{wed, []any{"MON", "XYZ"}, false},
		{wed, []any{}, false},
		{wed, []any{"GMT"}, false},
		{wed, []any{"MON", "TUE", "WED"}, false},
		{wed, []any{float64(3)}, false},
	})
}

func TestDateRange(t *testing.T) {
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, cet)
	// 00:30 on 1 December in CET is 30 November in GMT.
	dec1 := time.Date(2026, time.December, 1, 0, 30, 0, 0, cet)
	runTimeCases(t, "dateRange", dateRange, []timeCase{
		// Days of the month.
		{now, []any{float64(25)}, true},
		{now, []any{"25"}, true},
		{now, []any{float64(24)}, false},
		{now, []any{float64(1), float64(15)}, false},
		{now, []any{float64(16), float64(31)}, true},
		{now, []any{float64(20), float64(5)}, true}, // wraps over the month's end
		{now, []any{float64(26), float64(5)}, false},
		// Months.
		{now, []any{"NOV"}, true},
		{now, []any{"nov"}, true},
		{now, []any{"JAN", "MAR"}, false},
		{now, []any{"OCT", "FEB"}, true}, // wraps over the year's end
		{now, []any{"DEC", "FEB"}, false},
		// Years.
		{now, []any{float64(2026)}, true},
		{now, []any{float64(1995)}, false},
		{now, []any{float64(2025), float64(2027)}, true},
		{now, []any{float64(2027), float64(2030)}, false},
		// Day and month, with and without year.
		{now, []any{float64(25), "NOV"}, true},
		{now, []any{float64(24), "DEC"}, false},
		{now, []any{float64(25), "NOV", float64(2026)}, true},
		{now, []any{float64(25), "NOV", float64(2025)}, false},
		{now, []any{float64(1), "JUN", float64(15), "AUG"}, false},
		{now, []any{float64(1), "NOV", float64(25), "NOV"}, true},
		{now, []any{float64(26), "NOV", float64(30), "NOV"}, false},
		{now, []any{float64(20), "NOV", float64(10), "JAN"}, true},
		{now, []any{float64(26), "NOV", float64(10), "JAN"}, false},
		// Month and year ranges include whole months and do not wrap.
		{now, []any{"OCT", float64(2026), "MAR", float64(2027)}, true},
		{now, []any{"OCT", float64(2025), "MAR", float64(2026)}, false},
		{now, []any{"NOV", float64(2026), "NOV", float64(2026)}, true},
		{now, []any{"MAR", float64(2027), "OCT", float64(2026)}, false},
		// Full dates, both ends included.
		{now, []any{float64(1), "JUN", float64(2026), float64(15), "DEC", float64(2026)}, true},
		{now, []any{float64(1), "JUN", float64(2025), float64(15), "AUG", float64(2025)}, false},
		{now, []any{float64(25), "NOV", float64(2026), float64(25), "NOV", float64(2026)}, true},
		{now, []any{float64(26), "NOV", float64(2026), float64(1), "JAN", float64(2027)}, false},
		{now, []any{float64(1), "JAN", float64(2020), float64(25), "NOV", float64(2026)}, true},
		// GMT.
		{dec1, []any{float64(1)}, true},
		{dec1, []any{float64(1), "GMT"}, false},
		{dec1, []any{float64(30), "GMT"}, true},
		{dec1, []any{"NOV", "GMT"}, true},
		{dec1, []any{"DEC"}, true},
		// Malformed.
		{now, []any{}, false},
		{now, []any{"GMT"}, false},
		{now, []any{float64(0)}, false},
		{now, []any{float64(32)}, false},
		{now, []any{float64(25.5)}, false},
		{now, []any{"FOO"}, false},
		{now, []any{float64(1), "JUN", float64(2026), "AUG"}, false},
		{now, []any{float64(1), "JUN", "AUG", float64(2)}, false},
		{now, []any{float64(1), float64(2), float64(3)}, false},
		{now, []any{float64(1), float64(2), float64(3), float64(4), float64(5), float64(6), float64(7)}, false},
	})
}

func TestTimeRange(t *testing.T) {
	at := func(h, m, s int) time.Time { return time.Date(2026, time.November, 25, h, m, s, 0, cet) }
	now := at(10, 30, 15)
	n := func(v ...float64) []any {
		out := make([]any, len(v))
		for i := range v {
			out[i] = v[i]
		}
		return out
	}
	runTimeCases(t, "timeRange", timeRange, []timeCase{
		{now, n(10), true},
		{now, n(11), false},
		{now, []any{"10"}, true},
		// An end in whole hours is exclusive: timeRange(12, 13) is noon to 1pm.
		{now, n(10, 11), true},
		{now, n(9, 10), false},
		{at(9, 59, 59), n(9, 10), true},
		{now, n(9, 17), true},
		{at(17, 0, 0), n(9, 17), false},
		{at(12, 59, 59), n(12, 12), true},
		{now, n(0, 24), true},
		// Ranges crossing midnight.
		{now, n(22, 6), false},
		{at(23, 0, 0), n(22, 6), true},
		{at(0, 0, 0), n(22, 6), true},
		{at(5, 59, 59), n(22, 6), true},
		{at(6, 0, 0), n(22, 6), false},
		{at(21, 59, 59), n(22, 6), false},
		{at(23, 30, 0), n(22, 0), true},
		// Minutes: the end minute is included.
		{now, n(8, 30, 17, 0), true},
		{at(17, 0, 59), n(8, 30, 17, 0), true},
		{at(17, 1, 0), n(8, 30, 17, 0), false},
		{at(8, 29, 59), n(8, 30, 17, 0), false},
		{now, n(10, 30, 10, 30), true},
		{now, n(22, 30, 10, 30), true},
		{now, n(22, 30, 10, 29), false},
		{at(23, 59, 0), n(22, 30, 6, 15), true},
		// Seconds: timeRange(0, 0, 0, 0, 0, 30) is the first 30 seconds of the day.
		{at(0, 0, 30), n(0, 0, 0, 0, 0, 30), true},
		{at(0, 0, 31), n(0, 0, 0, 0, 0, 30), false},
		{now, n(10, 30, 15, 10, 30, 15), true},
		{now, n(10, 30, 16, 10, 30, 14), false}, // wraps: all day but 10:30:15
		{now, n(10, 30, 15, 10, 30, 14), true},
		{now, n(10, 30, 0, 10, 30, 14), false},
		{at(23, 59, 59), n(23, 59, 30, 0, 0, 10), true},
		// GMT: 00:30 CET is 23:30 GMT.
		{at(0, 30, 0), append(n(23), "GMT"), true},
		{at(0, 30, 0), n(23), false},
		{at(0, 30, 0), n(0), true},
		{at(0, 30, 0), append(n(22, 6), "GMT"), true},
		{at(0, 30, 0), append(n(23, 0, 23, 29), "GMT"), false},
		{at(0, 30, 0), []any{"23", "GMT"}, true},
		// Malformed.
		{now, []any{}, false},
		{now, []any{"GMT"}, false},
		{now, n(25), false},
		{now, n(24), false},
		{now, n(10, 60, 11, 0), false},
		{now, n(10.5), false},
		{now, n(-1), false},
		{now, n(1, 2, 3), false},
		{now, n(1, 2, 3, 4, 5), false},
		{now, []any{"ten"}, false},
	})
}

func TestTimeHelpersFromJS(t *testing.T) {
	opt := testOptions()
	// Wednesday 2026-11-25 00:30 CET, Tuesday 23:30 GMT.
	opt.Now = func() time.Time { return time.Date(2026, time.November, 25, 0, 30, 0, 0, cet) }
	runJSCases(t, opt, []jsCase{
		{`weekdayRange("SAT", "MON")`, false},
		{`weekdayRange("WED")`, true},
		{`weekdayRange("TUE", "GMT")`, true},
		{`dateRange(25, "NOV", 2026)`, true},
		{`dateRange(24, "NOV", 2026, "GMT")`, true},
		{`dateRange("NOV")`, true},
		{`timeRange(0)`, true},
		{`timeRange(23, "GMT")`, true},
		{`timeRange(22, 6)`, true},
		{`timeRange(0, 30, 0, 0, 30, 0)`, true},
		{`timeRange()`, false},
		{`dateRange({})`, false},
	})
}
