package deid

import "testing"

func TestMaskSpans(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"nothing personal", "先行联系来电人", "先行联系来电人"},
		{"a phone", "回拨13812345678确认地址", "回拨138****5678确认地址"},
		{"an ID number and a name", "核对王建国身份证110101199003074514", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MaskSpans(tt.text)
			if tt.want != "" && got != tt.want {
				t.Errorf("MaskSpans(%q) = %q, want %q", tt.text, got, tt.want)
			}
			if left := Spans(got); len(left) > 0 {
				t.Errorf("MaskSpans(%q) = %q still holds %v", tt.text, got, left)
			}
		})
	}
}

func FuzzMaskSpans(f *testing.F) {
	f.Add("回拨13812345678确认地址")
	f.Add("核对王建国身份证110101199003074514，卡号6222021234567890128")
	f.Fuzz(func(t *testing.T, text string) {
		got := MaskSpans(text)
		if len(Spans(text)) == 0 && got != text {
			t.Errorf("MaskSpans changed %q to %q without any span", text, got)
		}
	})
}
