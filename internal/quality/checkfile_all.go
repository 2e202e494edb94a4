package quality

import (
	"errors"
	"strconv"
	"strings"

	"jiceng/internal/core"
)

// MaxCheckLines bounds the lines of a check file a street uploads.
const MaxCheckLines = 10000

// ParseChecksAll reads a check file as ParseChecks does but reports every
// bad line, not only the first: each as a core.RowError on its line, the
// reason with its column ("第 3 列：未知的检查指标 …"). The lines below a
// bad section header are not checked (their record kind is unknown) until
// the next header. A file with no check at all is refused too: a street's
// check file replaces the built-in one. The error is nil or a
// core.RowErrors.
func ParseChecksAll(text string) ([]Check, error) {
	if strings.Count(text, "\n") >= MaxCheckLines {
		return nil, core.RowErrors{{Reason: "检查文件超过 " + strconv.Itoa(MaxCheckLines) + " 行"}}
	}
	var bad core.RowErrors
	out := walkChecks(text, func(err error, line int) bool {
		bad = append(bad, rowError(err, line))
		return true
	})
	if len(bad) > 0 {
		return nil, bad
	}
	if len(out) == 0 {
		return nil, core.RowErrors{{Reason: "检查文件中没有检查（每行一条，如 missing_percent(phone) < 5% warn）"}}
	}
	return out, nil
}

// rowError is a parse error as a row of the file, its column in the
// reason.
func rowError(err error, line int) core.RowError {
	var pe *ParseError
	if errors.As(err, &pe) {
		return core.RowError{Row: pe.Line, Reason: "第 " + strconv.Itoa(pe.Col) + " 列：" + pe.Msg}
	}
	return core.RowError{Row: line, Reason: err.Error()}
}
