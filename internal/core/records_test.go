package core

import (
	"reflect"
	"testing"
)

func TestMergeRecord(t *testing.T) {
	cur := Record{
		Values: map[string]string{"name": "张三", "phone": "13800000000", "address": "幸福路1号"},
		Flags:  map[string]string{"phone": "手机号格式不正确"},
		Fixed:  []string{"phone"},
	}
	tests := []struct {
		name                string
		u                   RecordUpsert
		wantValues, wantFlg map[string]string
		wantKept            []string
	}{
		{
			name:       "fixed field keeps the steward's value and reports it",
			u:          RecordUpsert{Values: map[string]string{"name": "张三", "phone": "1380000", "address": "幸福路2号"}, Flags: map[string]string{"phone": "位数不对"}},
			wantValues: map[string]string{"name": "张三", "phone": "13800000000", "address": "幸福路2号"},
			wantFlg:    map[string]string{"phone": "手机号格式不正确"},
			wantKept:   []string{"phone"},
		},
		{
			name:       "same value as the fix is not reported",
			u:          RecordUpsert{Values: map[string]string{"name": "张三", "phone": "13800000000"}},
			wantValues: map[string]string{"name": "张三", "phone": "13800000000"},
			wantFlg:    map[string]string{"phone": "手机号格式不正确"},
		},
		{
			name:       "absent field is cleared unless fixed, empty dropped",
			u:          RecordUpsert{Values: map[string]string{"name": "张三", "address": "", "phone": "13800000000"}},
			wantValues: map[string]string{"name": "张三", "phone": "13800000000"},
			wantFlg:    map[string]string{"phone": "手机号格式不正确"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, f, k := MergeRecord(cur, tt.u)
			if !reflect.DeepEqual(v, tt.wantValues) || !reflect.DeepEqual(f, tt.wantFlg) || !reflect.DeepEqual(k, tt.wantKept) {
				t.Errorf("got %v %v %v, want %v %v %v", v, f, k, tt.wantValues, tt.wantFlg, tt.wantKept)
			}
		})
	}
}

func TestRecordDiff(t *testing.T) {
	got := RecordDiff(map[string]string{"a": "1", "b": "2"}, map[string]string{"b": "3", "c": "4"})
	want := map[string]FieldChange{"a": {"1", ""}, "b": {"2", "3"}, "c": {"", "4"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if d := RecordDiff(map[string]string{"a": "1"}, map[string]string{"a": "1"}); len(d) != 0 {
		t.Errorf("equal maps: got %v", d)
	}
}

func TestCheckRecordUpsert(t *testing.T) {
	tests := []struct {
		name string
		u    RecordUpsert
		ok   bool
	}{
		{"valid", RecordUpsert{Kind: "person", Source: "民政科", Key: "k"}, true},
		{"no kind", RecordUpsert{Source: "民政科", Key: "k"}, false},
		{"no source", RecordUpsert{Kind: "person", Key: "k"}, false},
		{"spaced source", RecordUpsert{Kind: "person", Source: " 民政科", Key: "k"}, false},
		{"no key", RecordUpsert{Kind: "person", Source: "民政科"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRecordUpsert(tt.u)
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code %s, want invalid", ErrorCode(err))
			}
		})
	}
}
