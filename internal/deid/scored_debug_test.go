package deid

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestScoredDebug(t *testing.T) {
	if os.Getenv("SCORED_DEBUG") == "" {
		t.Skip()
	}
	f, _ := os.Open("testdata/names_dev2.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct {
			ID            int
			Title, Detail string
			Spans         []struct{ Field, Text string }
		}
		json.Unmarshal(sc.Bytes(), &m)
		gold := map[string]bool{}
		for _, s := range m.Spans {
			gold[s.Text] = true
		}
		for _, text := range []string{m.Title, m.Detail} {
			debugScored = func(name string, tt, sw, lw, rw int) {
				mark := " "
				if gold[name] {
					mark = "G"
				}
				fmt.Printf("%s %4d %s sw%d lw%d rw%d %d\n", mark, tt, name, sw, lw, rw, m.ID)
			}
			Spans(text)
		}
	}
	debugScored = nil
}

func TestScoredFalse(t *testing.T) {
	if os.Getenv("SCORED_DEBUG") == "" {
		t.Skip()
	}
	f, _ := os.Open("testdata/names_dev2.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct {
			ID            int
			Title, Detail string
			Spans         []struct {
				Field      string
				Start, End int
			}
		}
		json.Unmarshal(sc.Bytes(), &m)
		for fi, text := range []string{m.Title, m.Detail} {
			field := []string{"title", "detail"}[fi]
			for _, s := range Spans(text) {
				if s.Type != Person {
					continue
				}
				ok := false
				for _, g := range m.Spans {
					ok = ok || g.Field == field && g.Start == s.Start && g.End == s.End
				}
				if !ok {
					fmt.Printf("FALSE %d %s %s %.2f\n", m.ID, s.Text, s.Rule, s.Score)
				}
			}
		}
	}
}
