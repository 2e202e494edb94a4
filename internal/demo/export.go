package demo

import (
	"time"

	"jiceng/internal/core"
)

// Header is the column header of a 12345 work-order export as streets
// receive it; every column is an alias in the standard field set.
var Header = []string{"工单编号", "来源渠道", "来电时间", "来电人", "联系电话", "身份证号", "地址", "所属街道", "所属社区",
	"网格", "标题", "诉求内容", "一级分类", "二级分类", "三级分类", "诉求类型", "紧急程度", "承办单位", "工单状态", "办理时限",
	"联系时间", "办结时间", "答复内容", "是否解决", "满意度", "回访时间"}

// TimeLayout is how exports write times.
const TimeLayout = "2006-01-02 15:04:05"

// Record returns t as a row under Header, reusing rec's storage when it is
// long enough.
func Record(t *core.Ticket, rec []string) []string {
	if cap(rec) < len(Header) {
		rec = make([]string, len(Header))
	}
	rec = rec[:len(Header)]
	resolved := ""
	if t.Resolved != nil {
		resolved = "否"
		if *t.Resolved {
			resolved = "是"
		}
	}
	rec[0] = t.Number
	rec[1] = string(t.Channel)
	rec[2] = fmtTime(t.ReceivedAt)
	rec[3] = t.CallerName
	rec[4] = t.CallerPhone
	rec[5] = t.CallerID
	rec[6] = t.Address
	rec[7] = t.Street
	rec[8] = t.Community
	rec[9] = t.Grid
	rec[10] = t.Title
	rec[11] = t.Content
	rec[12] = t.Category1
	rec[13] = t.Category2
	rec[14] = t.Category3
	rec[15] = string(t.Intent)
	rec[16] = string(t.Urgency)
	rec[17] = t.Unit
	rec[18] = t.Status
	rec[19] = fmtTime(t.Deadline)
	rec[20] = fmtTime(t.ContactedAt)
	rec[21] = fmtTime(t.ResolvedAt)
	rec[22] = t.Reply
	rec[23] = resolved
	rec[24] = string(t.Satisfaction)
	rec[25] = fmtTime(t.CallbackAt)
	return rec
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	// By hand: time.Format is the costliest part of a row.
	t = t.In(core.StreetTime)
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	var b [19]byte
	put := func(i, v, n int) {
		for k := n - 1; k >= 0; k-- {
			b[i+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = ' '
	put(11, h, 2)
	b[13] = ':'
	put(14, mi, 2)
	b[16] = ':'
	put(17, sec, 2)
	return string(b[:])
}
