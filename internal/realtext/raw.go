package realtext

import (
	"encoding/csv"
	"os"
	"testing"
)

// RawRows returns the records of the real message file that
// JICENG_RAW_MESSAGES names (columns msg_id,user,time,title,detail; the
// header is the first record), or skips tb when it is not set. The file is
// the project's development data and never enters the repository: tests
// that read it print for a developer, they do not assert.
func RawRows(tb testing.TB) [][]string {
	tb.Helper()
	path := os.Getenv("JICENG_RAW_MESSAGES")
	if path == "" {
		tb.Skip("JICENG_RAW_MESSAGES not set")
	}
	return ReadRows(tb, path)
}

// ReadRows returns every record of the CSV file at path, header first, or
// fails tb.
func ReadRows(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}
