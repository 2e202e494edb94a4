package importer_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"jiceng/internal/importer"
)

// FuzzRecordRows feeds any bytes, as a CSV file, to the record loader
// (person or enterprise, by the first byte) and checks its guarantees:
// every row read is accounted for once, the rejects file has a line per
// rejected row, every stored record has a key and no empty value or flag,
// and loading the same file again leaves every record unchanged.
//
//	go test ./internal/importer -run '^$' -fuzz FuzzRecordRows -fuzztime 60s
func FuzzRecordRows(f *testing.F) {
	for _, name := range []string{"records_persons.csv", "title.csv", "bom.csv", "invalid.csv", "truncated.csv", "wenzheng-gbk.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\x01企业名称,统一社会信用代码,执照起始日期,执照截止日期\n甲,91110105MA01ABCD13,2020-01-01,2019-01-01\n甲,,,\n"))
	f.Add([]byte("姓名,身份证号,手机\n张三,,\n张三,,13800000000\n\"张三\",\"\",\"13800000000\"\n姓名,身份证号,手机\n"))
	// The hostile seeds but the two of MaxColumns columns, whose mutations
	// take seconds each (TestHostileSeeds covers those).
	for _, b := range hostileSeeds()[2:] {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind := "person"
		if len(data) > 0 && data[0]%2 == 1 {
			kind = "enterprise"
		}
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		read := 0
		if r, _, err := importer.Open(p, importer.ReadOptions{}); err == nil {
			for {
				if _, err := r.Read(); err != nil {
					if err != io.EOF {
						read = -1
					}
					break
				}
				read++
			}
			r.Close()
		}
		st := newMem()
		opt := importer.RecordOptions{Kind: kind, Source: "模糊测试", BatchSize: 3}
		sum, err := importer.ImportRecords(context.Background(), st, []string{p}, opt)
		if sum.Created+sum.Updated+sum.Unchanged+sum.Rejected != sum.Rows {
			t.Fatalf("rows %d, accounted %+v", sum.Rows, sum)
		}
		if len(st.recs) != sum.Created {
			t.Fatalf("%d records stored, %d created", len(st.recs), sum.Created)
		}
		for k, r := range st.recs {
			if k[2] == "" || r.Key != k[2] || r.Kind != kind {
				t.Fatalf("record %+v under %q", r, k)
			}
			for f, v := range r.Values {
				if v == "" || f == "" {
					t.Fatalf("empty value of %q in %+v", f, r)
				}
			}
			for f, why := range r.Flags {
				if why == "" || r.Values[f] == "" {
					t.Fatalf("flag of %q without a reason or value: %+v", f, r)
				}
			}
		}
		if err != nil {
			return
		}
		fs := sum.Files[0]
		if read >= 0 && fs.Rows+fs.BlankRows+fs.TitleRows+fs.HeaderRepeats+1 != read {
			t.Fatalf("%d rows read, file summary %+v", read, fs)
		}
		if sum.Rejected > 0 {
			if n := len(readRejects(t, fs.RejectsFile)) - 1; n != sum.Rejected {
				t.Fatalf("rejects file has %d rows, %d rejected", n, sum.Rejected)
			}
		}
		again, err := importer.ImportRecords(context.Background(), st, []string{p}, opt)
		if err != nil {
			t.Fatalf("second load: %v", err)
		}
		if again.Unchanged != sum.Created+sum.Updated+sum.Unchanged || again.Created+again.Updated != 0 || again.Rejected != sum.Rejected {
			t.Fatalf("second load %+v after %+v", again, sum)
		}
	})
}
