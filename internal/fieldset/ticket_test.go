package fieldset

import (
	"reflect"
	"strings"
	"testing"
)

func TestTicket(t *testing.T) {
	s := Tickets()
	base := map[string]string{"number": "A1", "received_at": "2024-03-05 08:30", "content": "内容"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name   string
		values map[string]string
		probs  []Problem
		flags  []string
		extra  map[string]string
	}{
		{"valid", base, nil, nil, nil},
		{"missing number", with("number", " "),
			[]Problem{{"number", "缺少必填字段 工单编号", true}}, nil, nil},
		{"bad number format rejects", with("number", "A 1"),
			[]Problem{{"number", "格式不正确", true}}, nil, nil},
		{"bad received_at rejects", with("received_at", "昨天"),
			[]Problem{{"received_at", "日期无法识别", true}}, nil, nil},
		{"bad phone flagged, raw kept", with("caller_phone", "12345"),
			[]Problem{{"caller_phone", "号码格式不正确", false}}, []string{"caller_phone: 号码格式不正确"}, nil},
		{"bad deadline flagged, raw in Extra", with("deadline", "下周"),
			[]Problem{{"deadline", "日期无法识别", false}}, []string{"deadline: 日期无法识别"}, map[string]string{"办理时限（原值）": "下周"}},
		{"resolve before receive", with("resolved_at", "2024-03-01"),
			[]Problem{{"resolved_at", "早于受理时间", false}}, []string{"resolved_at: 早于受理时间"}, nil},
		{"callback before receive", with("callback_at", "2024-03-05 08:29"),
			[]Problem{{"callback_at", "早于受理时间", false}}, []string{"callback_at: 早于受理时间"}, nil},
		{"flags column merges", with("flags", "x: y、caller_phone: 号码格式不正确", "caller_phone", "1"),
			[]Problem{{"caller_phone", "号码格式不正确", false}}, []string{"caller_phone: 号码格式不正确", "x: y"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, probs := s.Ticket(tt.values)
			if !reflect.DeepEqual(probs, tt.probs) {
				t.Errorf("problems = %v, want %v", probs, tt.probs)
			}
			if !reflect.DeepEqual(tk.Flags, tt.flags) {
				t.Errorf("flags = %q, want %q", tk.Flags, tt.flags)
			}
			if !reflect.DeepEqual(tk.Extra, tt.extra) {
				t.Errorf("extra = %v, want %v", tk.Extra, tt.extra)
			}
		})
	}
	tk, _ := s.Ticket(with("caller_phone", "12345", "satisfaction", "非常满意", "resolved", "已解决", "lng", "116.4", "tags", "a,b"))
	if tk.CallerPhone != "12345" || tk.Satisfaction != "满意" || tk.Resolved == nil || !*tk.Resolved || *tk.Lng != 116.4 ||
		strings.Join(tk.Tags, "/") != "a/b" || tk.Number != "A1" || FormatDateTime(tk.ReceivedAt) != "2024-03-05 08:30:00" {
		t.Errorf("ticket = %+v", tk)
	}
}

// TestTicketStreetFields checks a street's own field set: extra fields go
// to Extra by name, normalised, and Values gives them back.
func TestTicketStreetFields(t *testing.T) {
	decl := strings.Join([]string{
		"name,label,type,format,required,sensitivity,update_cycle,on_invalid,aliases",
		"number,工单编号,string,,yes,internal,event,reject,",
		"received_at,受理时间,datetime,,yes,internal,event,reject,来电时间",
		"content,诉求内容,text,,yes,personal,event,reject,",
		"building,楼栋,string,,no,internal,event,flag,楼号",
		"visit_date,走访日期,datetime,,no,internal,event,reject,",
		"household_phone,户主电话,phone,,no,personal,event,flag,",
	}, "\n")
	s, err := Load(strings.NewReader(decl))
	if err != nil {
		t.Fatal(err)
	}
	tk, probs := s.Ticket(map[string]string{"number": "A1", "received_at": "2024-03-05", "content": "c",
		"building": "3号楼", "visit_date": "2024年3月6日", "household_phone": "+86 138 1234 5678"})
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	want := map[string]string{"building": "3号楼", "visit_date": "2024-03-06 00:00:00", "household_phone": "13812345678"}
	if !reflect.DeepEqual(tk.Extra, want) {
		t.Errorf("extra = %v, want %v", tk.Extra, want)
	}
	if got := s.Values(&tk); !reflect.DeepEqual(got, []string{"A1", "2024-03-05 00:00:00", "c", "3号楼", "2024-03-06 00:00:00", "13812345678"}) {
		t.Errorf("Values = %q", got)
	}
	if _, probs := s.Ticket(map[string]string{"number": "A1", "received_at": "2024-03-05", "content": "c", "visit_date": "x"}); len(probs) != 1 || !probs[0].Reject {
		t.Errorf("invalid extra date with on_invalid=reject: %v", probs)
	}
	if s.Lookup("楼号") == nil || s.Lookup("楼号").Name != "building" {
		t.Errorf("alias of a street field not found")
	}
}

func TestLoadRejectsBadTimeOrder(t *testing.T) {
	decl := "name,label,type,format,required,sensitivity,update_cycle,on_invalid,aliases\n" +
		"a,甲,datetime,>=b,no,internal,event,flag,\n"
	if _, err := Load(strings.NewReader(decl)); err == nil {
		t.Error("format >= an unknown field: want error")
	}
}

// TestExportHeaders: the usual headers of 问政/留言板 and 12345 exports
// name their field without a mapping.
func TestExportHeaders(t *testing.T) {
	set := Tickets()
	tests := []struct{ header, field string }{
		{"留言编号", "number"}, {"留言用户", "poster"}, {"留言主题", "title"}, {"留言时间", "received_at"},
		{"留言详情", "content"}, {"答复意见", "reply"}, {"答复时间", "replied_at"}, {"点赞数", "supports"},
		{"反对数", "opposes"}, {"诉求人", "caller_name"}, {"反映渠道", "channel"}, {"办理单位", "unit"},
		{"处理结果", "reply"}, {"回复时间", "replied_at"}, {"一级标签", "category1"}, {"工单来源", "channel"},
		{"诉求人电话", "caller_phone"}, {"诉求地址", "address"}, {"办结时间", "resolved_at"}, {"处理部门", "unit"},
		{"回访情况", "satisfaction"}, {"提交时间", "received_at"}, {"答复单位", "unit"},
		{"msg_id", "number"}, {"user", "poster"}, {"time", "received_at"}, {"title", "title"}, {"detail", "content"},
		{" 留言详情* ", "content"}, {"Msg_ID", "number"}, {"时间", "received_at"}, {"详情", "content"}, {"用户", "poster"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			f := set.Lookup(tt.header)
			if f == nil || f.Name != tt.field {
				t.Errorf("Lookup(%q) = %v, want %s", tt.header, f, tt.field)
			}
		})
	}
}

// TestNewFields: the fields 问政 exports carry are declared as they should
// be, and kept in Extra by name, normalised.
func TestNewFields(t *testing.T) {
	set := Tickets()
	for name, want := range map[string][2]string{
		"poster": {TypeString, SensPersonal}, "replied_at": {TypeDateTime, SensInternal},
		"supports": {TypeInt, SensPublic}, "opposes": {TypeInt, SensPublic},
	} {
		f := set.Field(name)
		if f == nil || f.Type != want[0] || f.Sensitivity != want[1] || IsColumn(name) {
			t.Errorf("field %s = %+v, want type %s, sensitivity %s, in Extra", name, f, want[0], want[1])
		}
	}
	tk, probs := set.Ticket(map[string]string{"number": "W1", "received_at": "2024-03-05 08:30", "content": "x",
		"poster": " A001 ", "replied_at": "2024/3/6 9:00", "supports": "12.0", "opposes": "-1"})
	want := map[string]string{"poster": "A001", "replied_at": "2024-03-06 09:00:00", "supports": "12", "opposes": "-1"} // an invalid extra value is kept, flagged
	if len(probs) != 1 || probs[0].Field != "opposes" || probs[0].Reject {
		t.Errorf("problems %+v, want one flag on opposes", probs)
	}
	for k, v := range want {
		if tk.Extra[k] != v {
			t.Errorf("Extra[%s] = %q, want %q (%v)", k, tk.Extra[k], v, tk.Extra)
		}
	}
	_, probs = set.Ticket(map[string]string{"number": "W1", "received_at": "2024-03-05 08:30", "content": "x", "replied_at": "2024-03-01"})
	if len(probs) != 1 || probs[0].Field != "replied_at" || probs[0].Reason != "早于受理时间" {
		t.Errorf("reply before receipt: %+v", probs)
	}
}
