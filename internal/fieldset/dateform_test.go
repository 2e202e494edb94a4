package fieldset

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateTimeInZone(t *testing.T) {
	ny, err := LoadZone("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		loc      *time.Location
		want     string // UTC, "" means an error
	}{
		{"naive in street time", "2024-03-05 08:30", nil, "2024-03-05T00:30:00Z"},
		{"naive in New York winter", "2024-03-05 08:30", ny, "2024-03-05T13:30:00Z"},
		{"naive in New York summer", "2024-07-05 08:30", ny, "2024-07-05T12:30:00Z"},
		{"us form in New York", "07/05/2024 08:30:00 PM", ny, "2024-07-06T00:30:00Z"},
		{"offset wins over zone", "2024-07-05T08:30:00+08:00", ny, "2024-07-05T00:30:00Z"},
		{"Z wins over zone", "2024-07-05 08:30:00Z", ny, "2024-07-05T08:30:00Z"},
		{"excel serial in New York", "45356.5", ny, "2024-03-05T17:00:00Z"},
		{"compact in New York", "20240305083000", ny, "2024-03-05T13:30:00Z"},
		{"date only in UTC", "2024-03-05", time.UTC, "2024-03-05T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDateTimeIn(tt.in, tt.loc)
			if err != nil {
				t.Fatalf("ParseDateTimeIn(%q): %v", tt.in, err)
			}
			if s := got.UTC().Format(time.RFC3339); s != tt.want {
				t.Errorf("ParseDateTimeIn(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestDateForm(t *testing.T) {
	tests := []struct {
		name, format, zone, in string
		want                   string // UTC; "" means an error
	}{
		{"auto", "", "", "2024/3/5 8:30", "2024-03-05T00:30:00Z"},
		{"auto word", "auto", "UTC", "2024/3/5 8:30", "2024-03-05T08:30:00Z"},
		{"us pattern", "MM/DD/YYYY hh:mm:ss AM", "America/New_York", "03/05/2024 08:30:15 PM", "2024-03-06T01:30:15Z"},
		{"us pattern one digit", "MM/DD/YYYY hh:mm:ss AM", "", "3/5/2024 8:30:15 am", "2024-03-05T00:30:15Z"},
		{"us pattern chinese meridiem", "MM/DD/YYYY hh:mm AM", "", "3/5/2024 下午8:30", ""},
		{"us pattern chinese meridiem spaced", "MM/DD/YYYY hh:mm AM", "", "3/5/2024 8:30 下午", "2024-03-05T12:30:00Z"},
		{"day first", "DD/MM/YYYY HH:mm", "", "05/03/2024 08:30", "2024-03-05T00:30:00Z"},
		{"day first rejects us", "DD/MM/YYYY", "", "03/13/2024", ""},
		{"dotted two-digit year", "DD.MM.YY", "+01:00", "05.03.24", "2024-03-04T23:00:00Z"},
		{"chinese pattern", "YYYY年M月D日", "", "2024年3月5日", "2024-03-04T16:00:00Z"},
		{"java style", "yyyy-MM-dd HH:mm:ss", "", "2024-03-05 08:30:00", "2024-03-05T00:30:00Z"},
		{"fraction", "YYYY-MM-DD HH:mm:ss.SSS", "UTC", "2024-03-05 08:30:00.123", "2024-03-05T08:30:00Z"},
		{"offset token", "YYYY-MM-DDTHH:mm:ssZ", "America/New_York", "2024-03-05T08:30:00+08:00", "2024-03-05T00:30:00Z"},
		{"offset token Z", "YYYY-MM-DDTHH:mm:ssZ", "", "2024-03-05T08:30:00Z", "2024-03-05T08:30:00Z"},
		{"basic offset token", "YYYYMMDDHHmmssZZ", "", "20240305083000+0100", "2024-03-05T07:30:00Z"},
		{"pattern strict", "YYYY-MM-DD", "", "2024-03-05 08:30", ""},
		{"pattern bad day", "YYYY-MM-DD", "", "2024-02-30", ""},
		{"go layout", "2006-01-02 15:04:05 -0700", "", "2024-03-05 08:30:00 +0000", "2024-03-05T08:30:00Z"},
		{"iso naive", "iso", "UTC", "2024-03-05T08:30:00", "2024-03-05T08:30:00Z"},
		{"iso offset", "rfc3339", "UTC", "2024-03-05T08:30:00+08:00", "2024-03-05T00:30:00Z"},
		{"iso refuses slashes", "iso", "", "2024/03/05", ""},
		{"excel", "excel", "UTC", "45356.5", "2024-03-05T12:00:00Z"},
		{"excel refuses text", "excel", "", "2024-03-05", ""},
		{"unix", "unix", "", "1709627400", "2024-03-05T08:30:00Z"},
		{"unix ms", "unixms", "", "1709627400000", "2024-03-05T08:30:00Z"},
		{"unix refuses exponent", "unix", "", "1.7e9", ""},
		{"unix year 2300", "unix", "", "10413792000", ""},
		{"year 1800", "YYYY-MM-DD", "", "1800-01-01", ""},
		{"empty", "YYYY-MM-DD", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDateForm(tt.format, tt.zone)
			if err != nil {
				t.Fatalf("NewDateForm(%q, %q): %v", tt.format, tt.zone, err)
			}
			got, err := d.Parse(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if s := got.UTC().Format(time.RFC3339); s != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestNewDateFormErrors(t *testing.T) {
	tests := []struct{ name, format, zone, want string }{
		{"unknown letter", "YYYY-MM-DD Q", "", "无法识别的格式符"},
		{"digit literal", "YYYY-MM-01", "", "无法识别的格式符"},
		{"no year", "MM/DD", "", "缺少年份"},
		{"twelve hours without meridiem", "YYYY-MM-DD hh:mm", "", "AM/PM"},
		{"repeated element", "YYYY-MM-DD MM", "", "重复"},
		{"fraction without point", "YYYY-MM-DD HH:mm:ssSSS", "", "小数"},
		{"unknown zone", "", "Mars/Olympus", "未知时区"},
		{"local zone", "", "Local", "Local"},
		{"bad offset", "", "+25:00", "未知时区"},
		{"too long", strings.Repeat("YYYY", 20), "", "重复"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDateForm(tt.format, tt.zone)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewDateForm(%q, %q) = %v, want an error containing %q", tt.format, tt.zone, err, tt.want)
			}
		})
	}
}

func TestLoadZone(t *testing.T) {
	tests := []struct {
		in   string
		want int // offset in seconds on 2024-01-15
	}{
		{"", 8 * 3600}, {"CST", 8 * 3600}, {"北京时间", 8 * 3600}, {"Asia/Shanghai", 8 * 3600},
		{"UTC", 0}, {"Z", 0}, {"+08:00", 8 * 3600}, {"-0500", -5 * 3600}, {"UTC+8", 8 * 3600},
		{"GMT-5", -5 * 3600}, {"UTC+05:30", 5*3600 + 1800}, {"America/New_York", -5 * 3600},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc, err := LoadZone(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			_, off := time.Date(2024, 1, 15, 12, 0, 0, 0, loc).Zone()
			if off != tt.want {
				t.Errorf("LoadZone(%q) offset %d, want %d", tt.in, off, tt.want)
			}
		})
	}
}

// FuzzDateForm: a form that builds reads values without panicking, and
// what it reads comes back to the same instant through the normalised
// form.
func FuzzDateForm(f *testing.F) {
	for _, c := range [][3]string{
		{"MM/DD/YYYY hh:mm:ss AM", "America/New_York", "03/05/2024 08:30:15 PM"},
		{"DD.MM.YY", "+01:00", "05.03.24"},
		{"YYYY年M月D日", "", "2024年3月5日"},
		{"YYYY-MM-DDTHH:mm:ssZ", "", "2024-03-05T08:30:00+08:00"},
		{"YYYY-MM-DD HH:mm:ss.SSS", "UTC", "2024-03-05 08:30:00.123"},
		{"2006-01-02 15:04:05 -0700", "", "2024-03-05 08:30:00 +0000"},
		{"excel", "UTC", "45356.5"},
		{"unixms", "", "1709627400000"},
		{"iso", "GMT-5", "2024-03-05T08:30"},
		{"", "Asia/Shanghai", "2024/3/5 下午3:30"},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, format, zone, s string) {
		d, err := NewDateForm(format, zone)
		if err != nil {
			return
		}
		tm, err := d.Parse(s)
		if err != nil {
			return
		}
		if y := tm.Year(); y < 1900 || y > 2199 {
			t.Fatalf("%q in form %q: year %d", s, format, y)
		}
		back, err := ParseDateTime(FormatDateTime(tm))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("%q in form %q = %v; normalised %q reads back %v, %v", s, format, tm, FormatDateTime(tm), back, err)
		}
	})
}

// BenchmarkParseDateTime measures the forms of real exports, one value
// each per iteration.
func BenchmarkParseDateTime(b *testing.B) {
	ny, _ := LoadZone("America/New_York")
	us, _ := NewDateForm("MM/DD/YYYY hh:mm:ss AM", "America/New_York")
	for _, bc := range []struct {
		name, in string
		parse    func(string) (time.Time, error)
	}{
		{"iso", "2024-03-05 08:30:00", ParseDateTime},
		{"slash", "2024/3/5 8:30", ParseDateTime},
		{"us-ampm", "03/05/2024 08:30:15 PM", ParseDateTime},
		{"offset", "2024-03-05T00:30:00.123+00:00", ParseDateTime},
		{"zone", "2024-03-05 08:30:00", func(s string) (time.Time, error) { return ParseDateTimeIn(s, ny) }},
		{"declared", "03/05/2024 08:30:15 PM", us.Parse},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.parse(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
