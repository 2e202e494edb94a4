package core

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestRowErrors(t *testing.T) {
	rs := RowErrors{{Row: 2, Reason: "名称不能为空"}, {Row: 0, Reason: "缺少紧急程度「一般」的一行"}}
	err := rs.Err("时限表")
	if ErrorCode(err) != EINVALID {
		t.Errorf("code %q", ErrorCode(err))
	}
	if got, want := ErrorMessage(err), "时限表第 2 行：名称不能为空\n时限表缺少紧急程度「一般」的一行"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got := Rows(fmt.Errorf("wrapped: %w", err)); !reflect.DeepEqual(got, []RowError(rs)) {
		t.Errorf("Rows = %+v", got)
	}
	if got := Rows(Errorf(EINVALID, "文件为空")); len(got) != 1 || got[0].Reason != "文件为空" {
		t.Errorf("Rows of one error = %+v", got)
	}
	if got := Rows(errors.New("区域文件表头缺少列 社区")); len(got) != 1 || got[0].Reason != "区域文件表头缺少列 社区" {
		t.Errorf("Rows of a plain error = %+v", got)
	}
	if RowErrors(nil).Err("x") != nil || Rows(nil) != nil {
		t.Error("no rows is no error")
	}
}

func TestCheckSetting(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
		ok   bool
	}{{"limits", 10, true}, {"", 1, false}, {"Limits", 1, false}, {"a/b", 1, false}, {"limits", MaxSettingSize + 1, false},
		{"open311", 1, true}, {"311", 1, false}} {
		if err := CheckSetting(tc.name, make([]byte, tc.size)); (err == nil) != tc.ok {
			t.Errorf("CheckSetting(%q, %d bytes) = %v", tc.name, tc.size, err)
		}
	}
}
