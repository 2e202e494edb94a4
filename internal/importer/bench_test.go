package importer_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/importer/importtest"
)

// nopStore accepts every batch as created.
type nopStore struct{}

func (nopStore) UpsertTickets(_ context.Context, t []core.Ticket, _ string) (core.UpsertResult, error) {
	return core.UpsertResult{Created: len(t)}, nil
}

// BenchmarkParseRow measures mapping one row's values onto a ticket.
func BenchmarkParseRow(b *testing.B) {
	set := fieldset.Tickets()
	rec := importtest.Row(7, nil)
	vals := make([]string, len(set.Fields))
	idx := make([]int, len(importtest.Header))
	for i, h := range importtest.Header {
		idx[i] = set.Index(set.Lookup(h).Name)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, v := range rec {
			vals[idx[i]] = v
		}
		if _, probs := set.TicketValues(vals); len(probs) > 0 {
			b.Fatal(probs)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
}

// BenchmarkDecodeCSV measures reading records only, from UTF-8 and from
// GBK (through the decoder that records undecodable bytes).
func BenchmarkDecodeCSV(b *testing.B) {
	const n = 100000
	utf := importtest.CSVFile(b, n)
	raw, err := os.ReadFile(utf)
	if err != nil {
		b.Fatal(err)
	}
	gb, err := simplifiedchinese.GBK.NewEncoder().Bytes(raw)
	if err != nil {
		b.Fatal(err)
	}
	gbk := filepath.Join(b.TempDir(), "bench-gbk.csv")
	os.WriteFile(gbk, gb, 0o644)
	for _, bc := range []struct{ name, path string }{{"utf8", utf}, {"gbk", gbk}} {
		b.Run(bc.name, func(b *testing.B) {
			fi, _ := os.Stat(bc.path)
			b.SetBytes(fi.Size())
			for b.Loop() {
				r, _, err := importer.Open(bc.path, importer.ReadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if row, err := r.Read(); err == io.EOF {
						break
					} else if err != nil || row.Err != "" {
						b.Fatal(err, row.Err)
					}
				}
				r.Close()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
}

// BenchmarkImportNoStore measures the importer without a database:
// decoding, parsing, duplicate check and batching.
func BenchmarkImportNoStore(b *testing.B) {
	const n = 100000
	p := importtest.CSVFile(b, n)
	for b.Loop() {
		sum, err := importer.Import(context.Background(), nopStore{}, p, importer.Options{})
		if err != nil || sum.Created != n {
			b.Fatal(sum, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tickets/s")
}
