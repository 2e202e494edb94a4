package policy

import "jiceng/internal/pdftext"

// readPDF reads a PDF with a text layer (pdftext) as plain text: page
// numbers and the running header or footer repeated on most pages are
// dropped, and the lines wrapped by the layout joined again, across page
// breaks too.
func readPDF(b []byte) (draft, error) {
	pages, err := pdftext.Extract(b)
	if err != nil {
		return draft{}, err
	}
	var perPage [][]block
	edges := map[string]int{} // first and last lines, by how many pages have them
	for _, p := range pages {
		lines := splitLines(cleanControls(p))
		for i := range lines {
			lines[i].gap = false // a blank line of a page layout is no paragraph break
		}
		perPage = append(perPage, lines)
		seen := map[string]bool{}
		for _, l := range edgeLines(lines) {
			if !seen[l.text] {
				seen[l.text] = true
				edges[l.text]++
			}
		}
	}
	var all []block
	for _, lines := range perPage {
		n := len(lines)
		for i, l := range lines {
			edge := i < 2 || i >= n-2
			if edge && pageNumberRe.MatchString(l.text) {
				continue
			}
			if edge && len(pages) >= 3 && edges[l.text]*2 > len(pages) {
				continue // a running header or footer
			}
			all = append(all, l)
		}
	}
	if len(all) == 0 {
		return draft{}, nil
	}
	return draft{blocks: joinWrapped(all)}, nil
}

// edgeLines are the first two and last two lines of a page.
func edgeLines(lines []block) []block {
	if len(lines) <= 4 {
		return lines
	}
	out := append([]block{}, lines[:2]...)
	return append(out, lines[len(lines)-2:]...)
}
