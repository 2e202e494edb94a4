package tabfile

// Spreadsheet programs run a CSV cell that starts with = + - @ (or a tab
// or carriage return before one) as a formula: =HYPERLINK(...) or
// +cmd|' /C calc'!A0 in a caller's text would be live in the export a
// clerk opens. SafeCell guards such a cell with a leading apostrophe, as
// OWASP recommends and as Excel shows text typed that way; the CSV reader
// takes the apostrophe off again, so that an export imports back unchanged.

// formulaStart reports whether c starts a formula in a spreadsheet.
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// SafeCell returns s guarded for a CSV file a spreadsheet will open. A
// cell already starting with an apostrophe before a formula character gets
// one more, so that unguarding is exact.
func SafeCell(s string) string {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	if i < len(s) && formulaStart(s[i]) {
		return "'" + s
	}
	return s
}

// unguard undoes SafeCell.
func unguard(s string) string {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	if i > 0 && i < len(s) && formulaStart(s[i]) {
		return s[1:]
	}
	return s
}

// SafeCells guards every cell of a record in place and returns it.
func SafeCells(rec []string) []string {
	for i, v := range rec {
		if v != "" && (v[0] == '\'' || formulaStart(v[0])) {
			rec[i] = SafeCell(v)
		}
	}
	return rec
}
