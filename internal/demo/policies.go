package demo

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

// The demo street's policy base (policies/): documents of the fictional
// 海川区 and 清河湾街道 as Markdown, invented but shaped like the real ones
// (title, 文号, issuer, 章 and 条, 成文日期, validity clauses), and the
// street's 问/答 sheet qa.csv. policies/README.md says what is there.
//
//go:embed policies/*.md policies/*.csv
var policiesFS embed.FS

// PolicyFile is one file of the demo policy base.
type PolicyFile struct {
	// Name is the file name, e.g. dibao_2024.md or qa.csv.
	Name    string
	Content []byte
}

// Policies returns the files of the demo policy base in name order: the
// policy documents (*.md, the README excepted) and the 问/答 sheet qa.csv.
func Policies() []PolicyFile {
	names, err := fs.Glob(policiesFS, "policies/*")
	if err != nil {
		panic("demo: " + err.Error()) // the pattern is constant
	}
	sort.Strings(names)
	var files []PolicyFile
	for _, n := range names {
		base := path.Base(n)
		if base == "README.md" {
			continue
		}
		b, err := policiesFS.ReadFile(n)
		if err != nil {
			panic("demo: " + err.Error()) // embedded and tested
		}
		files = append(files, PolicyFile{Name: base, Content: b})
	}
	return files
}

// Policy returns the content of the demo policy file name (dibao_2024.md,
// qa.csv, ...), false when there is none.
func Policy(name string) ([]byte, bool) {
	b, err := policiesFS.ReadFile("policies/" + name)
	return b, err == nil && path.Base(name) == name && name != "README.md"
}
