package linkage

import "testing"

func TestPartNumber(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "3", "3"},
		{"leading zero", "0501", "501"},
		{"building word", "3号楼", "3"},
		{"dong", "12栋", "12"},
		{"unit word", "2单元", "2"},
		{"chinese numeral", "二单元", "2"},
		{"chinese tens", "十二号楼", "12"},
		{"room word", "501室", "501"},
		{"full-width digits", "５０１", "501"},
		{"spaces", " 3 号楼 ", "3"},
		{"letter block", "A座", "A"},
		{"no number", "甲", "甲"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PartNumber(tt.in); got != tt.want {
				t.Errorf("PartNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A record's parts in fields of their own give the key of the same
// address written as one text.
func TestRecordAddressKey(t *testing.T) {
	text := AddressKey(ParseAddress("望春园一区3号楼2单元501室"))
	if text == "" {
		t.Fatal("no key of the whole address")
	}
	tests := []struct {
		name   string
		values map[string]string
	}{
		{"parts with words", map[string]string{"estate": "望春园一区", "building": "3号楼", "unit_no": "2单元", "room": "501室"}},
		{"parts as numbers", map[string]string{"estate": "望春园一区", "building": "3", "unit_no": "2", "room": "501"}},
		{"chinese numerals", map[string]string{"estate": "望春园一区", "building": "三号楼", "unit_no": "二单元", "room": "501"}},
		{"address text", map[string]string{"address": "望春园一区 3 号楼 2 单元 501"}},
		{"address and parts", map[string]string{"address": "望春园一区3-2-501", "building": "3栋"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AddressKey(RecordAddress(tt.values)); got != text {
				t.Errorf("key = %q, want %q (%+v)", got, text, RecordAddress(tt.values))
			}
		})
	}
}
