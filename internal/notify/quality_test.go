package notify

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSendQuality(t *testing.T) {
	reports := []QualityReport{
		{RunID: 7, Owner: "民政科", Source: "民政科", Registry: "person", Score: 82.5, Status: "warn", Records: 1200,
			Checks: []QualityCheck{{Name: "联系电话缺失率", Field: "phone", Status: "warn", Checked: 1200, Failed: 96, Rate: 0.08}},
			Text:   "民政科 人口数据质量 82.5 分"},
		{RunID: 7, Owner: "派出所", Source: "公安人口库", Registry: "person", Score: 100, Status: "pass", Records: 900},
	}
	tests := []struct {
		name     string
		statuses []int
		requests int
		wantErr  bool
	}{
		{"both sent", nil, 2, false},
		{"a 5xx is retried", []int{503}, 3, false},
		{"one owner's failure does not stop the other", []int{400}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{statuses: tt.statuses}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			now := time.Date(2025, 3, 10, 10, 0, 0, 0, cst)
			h := &Webhook{URL: srv.URL + "/hook?token=secret", Secret: []byte("k"), RetryWait: time.Millisecond, Now: func() time.Time { return now }}
			err := h.SendQuality(context.Background(), reports)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if len(rec.bodies) != tt.requests {
				t.Fatalf("%d requests, want %d", len(rec.bodies), tt.requests)
			}
			last := rec.bodies[len(rec.bodies)-1]
			if !Verify([]byte("k"), last, rec.headers[len(rec.headers)-1].Get(SignatureHeader)) {
				t.Error("body not signed")
			}
			var got QualityReport
			if err := json.Unmarshal(last, &got); err != nil {
				t.Fatal(err)
			}
			if got.Kind != "quality_report" || got.Owner != "派出所" || got.Checks == nil || !got.SentAt.Equal(now) {
				t.Errorf("last report = %+v", got)
			}
		})
	}
	if err := (&Webhook{URL: "ftp://x"}).SendQuality(context.Background(), reports); err == nil {
		t.Error("bad URL accepted")
	}
	if err := (&Webhook{URL: "http://127.0.0.1:1"}).SendQuality(context.Background(), nil); err != nil {
		t.Errorf("nothing to send: %v", err)
	}
}
