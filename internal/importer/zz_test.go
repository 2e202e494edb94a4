package importer_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func FuzzZZ(f *testing.F) {
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"工单编号", "来电时间", "诉求内容"})
	var buf bytes.Buffer
	x.Write(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		xf, err := excelize.OpenReader(bytes.NewReader(data))
		if err == nil {
			xf.Close()
		}
	})
}
