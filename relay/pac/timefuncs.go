package pac

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The time helpers: weekdayRange, dateRange and timeRange. Their arguments
// arrive as float64 (JS numbers) or string. A trailing "GMT" switches from
// local time to UTC. Malformed arguments make a helper return false, never
// throw: a PAC that misuses one keeps working for its other rules.

var weekdays = map[string]time.Weekday{
	"SUN": time.Sunday, "MON": time.Monday, "TUE": time.Tuesday, "WED": time.Wednesday,
	"THU": time.Thursday, "FRI": time.Friday, "SAT": time.Saturday,
}

var months = map[string]time.Month{
	"JAN": time.January, "FEB": time.February, "MAR": time.March, "APR": time.April,
	"MAY": time.May, "JUN": time.June, "JUL": time.July, "AUG": time.August,
	"SEP": time.September, "OCT": time.October, "NOV": time.November, "DEC": time.December,
}

// splitGMT removes a trailing "GMT" and returns now in the zone it selects.
func splitGMT(now time.Time, args []any) (time.Time, []any) {
	if n := len(args); n > 0 {
		if s, ok := args[n-1].(string); ok && strings.EqualFold(strings.TrimSpace(s), "GMT") {
			return now.UTC(), args[:n-1]
		}
	}
	return now, args
}

// inRange reports whether lo <= v <= hi, wrapping around when lo > hi
// (weekdayRange("SAT", "MON"), timeRange(22, 6)).
func inRange(v, lo, hi int) bool {
	if lo <= hi {
		return lo <= v && v <= hi
	}
	return v >= lo || v <= hi
}

// weekdayRange(wd1 [, wd2] [, "GMT"]): today is wd1, or in wd1..wd2 inclusive.
func weekdayRange(now time.Time, args []any) bool {
	now, args = splitGMT(now, args)
	if len(args) < 1 || len(args) > 2 {
		return false
	}
	var days [2]int
	for i, a := range args {
		s, ok := a.(string)
		d, known := weekdays[strings.ToUpper(strings.TrimSpace(s))]
		if !ok || !known {
			return false
		}
		days[i] = int(d)
	}
	if len(args) == 1 {
		days[1] = days[0]
	}
	return inRange(int(now.Weekday()), days[0], days[1])
}

// dateField is one dateRange argument: a day of month, a month or a year.
type dateField struct {
	kind byte // 'd', 'm' or 'y'
	val  int
}

func parseDateField(a any) (dateField, bool) {
	var n float64
	switch v := a.(type) {
	case float64:
		n = v
	case string:
		s := strings.TrimSpace(v)
		if m, ok := months[strings.ToUpper(s)]; ok {
			return dateField{'m', int(m)}, true
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return dateField{}, false
		}
		n = f
	default:
		return dateField{}, false
	}
	if n != math.Trunc(n) {
		return dateField{}, false
	}
	switch {
	case n >= 1 && n <= 31:
		return dateField{'d', int(n)}, true
	case n >= 1000 && n <= 9999:
		return dateField{'y', int(n)}, true
	}
	return dateField{}, false
}

// dateRange accepts every form of the Netscape specification:
//
//	dateRange(day) dateRange(day1, day2)
//	dateRange(month) dateRange(month1, month2)
//	dateRange(year) dateRange(year1, year2)
//	dateRange(day, month) dateRange(day, month, year)
//	dateRange(day1, month1, day2, month2)
//	dateRange(month1, year1, month2, year2)
//	dateRange(day1, month1, year1, day2, month2, year2)
//
// each with an optional trailing "GMT". A single date matches when every
// given field equals today's. A range is two dates with the same fields and
// includes both ends; without a year it wraps around the year's end
// (dateRange("DEC", "FEB"), dateRange(20, "DEC", 10, "JAN")).
func dateRange(now time.Time, args []any) bool {
	now, args = splitGMT(now, args)
	if len(args) == 0 || len(args) > 6 {
		return false
	}
	fields := make([]dateField, len(args))
	for i, a := range args {
		f, ok := parseDateField(a)
		if !ok {
			return false
		}
		fields[i] = f
	}
	// A field kind seen twice starts the second date.
	split := -1
	seen := map[byte]bool{}
	for i, f := range fields {
		if seen[f.kind] {
			split = i
			break
		}
		seen[f.kind] = true
	}
	today := map[byte]int{'d': now.Day(), 'm': int(now.Month()), 'y': now.Year()}
	if split < 0 {
		for _, f := range fields {
			if today[f.kind] != f.val {
				return false
			}
		}
		return true
	}
	start, end := fields[:split], fields[split:]
	if len(start) != len(end) {
		return false
	}
	for i := range start {
		if start[i].kind != end[i].kind {
			return false
		}
	}
	// Compare as numbers built from the given fields, most significant first.
	key := func(get func(kind byte) (int, bool)) int {
		k := 0
		for _, kind := range []byte{'y', 'm', 'd'} {
			k *= 100
			if kind == 'y' {
				k *= 100
			}
			if v, ok := get(kind); ok {
				k += v
			}
		}
		return k
	}
	from := func(fs []dateField) func(byte) (int, bool) {
		return func(kind byte) (int, bool) {
			for _, f := range fs {
				if f.kind == kind {
					return f.val, true
				}
			}
			return 0, false
		}
	}
	lo, hi := key(from(start)), key(from(end))
	cur := key(func(kind byte) (int, bool) {
		if !seen[kind] {
			return 0, false
		}
		return today[kind], true
	})
	if seen['y'] {
		return lo <= cur && cur <= hi
	}
	return inRange(cur, lo, hi)
}

// timeRange accepts timeRange(hour), timeRange(hour1, hour2),
// timeRange(h1, m1, h2, m2) and timeRange(h1, m1, s1, h2, m2, s2), each with
// an optional trailing "GMT". As in the Netscape specification,
// timeRange(12) and timeRange(12, 13) both mean noon to 1pm: an end given in
// whole hours is exclusive, an end with minutes includes that minute, an end
// with seconds includes that second. A start later than the end wraps
// around midnight (timeRange(22, 6)).
func timeRange(now time.Time, args []any) bool {
	now, args = splitGMT(now, args)
	n := make([]int, len(args))
	for i, a := range args {
		var f float64
		switch v := a.(type) {
		case float64:
			f = v
		case string:
			p, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return false
			}
			f = p
		default:
			return false
		}
		if f != math.Trunc(f) || f < 0 || f > 59 {
			return false
		}
		n[i] = int(f)
	}
	cur := now.Hour()*3600 + now.Minute()*60 + now.Second()
	var lo, hi int
	switch len(n) {
	case 1:
		lo, hi = n[0]*3600, n[0]*3600+3599
	case 2:
		lo, hi = n[0]*3600, n[1]*3600-1
		if n[0] == n[1] {
			hi = lo + 3599
		}
	case 4:
		lo, hi = n[0]*3600+n[1]*60, n[2]*3600+n[3]*60+59
	case 6:
		lo, hi = n[0]*3600+n[1]*60+n[2], n[3]*3600+n[4]*60+n[5]
	default:
		return false
	}
	hours := []int{n[0]}
	if len(n) == 2 {
		hours = append(hours, n[1])
	} else if len(n) >= 4 {
		hours = append(hours, n[len(n)/2])
	}
	for i, h := range hours {
		// 24 is allowed only as an exclusive end hour: timeRange(0, 24).
		if h > 24 || (h == 24 && !(len(n) == 2 && i == 1)) {
			return false
		}
	}
	if hi < 0 {
		hi += 24 * 3600
	}
	return inRange(cur, lo, hi)
}
