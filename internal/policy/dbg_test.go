package policy

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestDebugDump(t *testing.T) {
	f := os.Getenv("POLICY_DUMP")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	d, err := Parse("x", f, b, Options{Now: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.MarshalIndent(d, "", " ")
	os.Stdout.Write(j)
}
