package policy

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/tabfile"
)

// Limits of the readers. A document beyond one is refused with an
// EINVALID error that names the limit.
const (
	// MaxInput is the largest file Parse reads.
	MaxInput = 32 << 20
	// MaxUnzipped is the most a DOCX may unzip to (all the parts read
	// together), against zip bombs.
	MaxUnzipped = 128 << 20
	// MaxPassages is the most passages one document splits into.
	MaxPassages = 50000
	// MaxHTMLToken is the largest single HTML token (a tag with its
	// attributes, or a run of text) read.
	MaxHTMLToken = 4 << 20
)

// Passage sizes, in runes.
const (
	// TargetRunes is the size beyond which an article or paragraph is
	// split at sentence ends.
	TargetRunes = 600
	// minRunes is the size below which a fragment is merged with its
	// neighbour.
	minRunes = 40
	// hardRunes is the most one passage holds even when its text has no
	// sentence end to cut at (it is then cut at a comma, or anywhere).
	hardRunes = 1500
)

// Formats of documents.
const (
	FormatTXT  = "txt"
	FormatMD   = "md"
	FormatHTML = "html"
	FormatDOCX = "docx"
	FormatPDF  = "pdf"
	FormatQA   = "qa"
)

// Options tune Parse and the sheet readers. The zero value is usable.
type Options struct {
	// Now is the time against which a period of validity (有效期至) is
	// judged: a document whose ValidUntil is before Now's day is Expired.
	// Zero means no document is found expired by its dates.
	Now time.Time
}

// Parse reads the policy document in b, named name (its file name: the
// extension picks the format when the content does not: txt, md or
// markdown, html or htm, docx, pdf), under the caller's id. It returns the
// document with its metadata and its passages, numbered id#1, id#2, ...
// A document whose text and file metadata show no title is titled by its
// file name without the extension.
//
// Text is UTF-8 with or without a BOM, UTF-16 with a BOM, or GBK/GB18030.
// Errors are *core.Error with a Chinese message that quotes none of the
// content: an empty or oversized file, a binary or unreadable one, a
// document without text, one beyond MaxPassages. Parse never panics on any
// input and is safe for concurrent use.
func Parse(id, name string, b []byte, opt Options) (doc Document, err error) {
	if recoverPanics {
		// The readers are fuzzed not to panic; should one still, the
		// document is refused, not the process.
		defer func() {
			if p := recover(); p != nil {
				doc, err = Document{}, &core.Error{Code: core.EINVALID, Message: base(name) + ": 文档无法读取（格式异常）", Err: fmt.Errorf("panic: %v", p)}
			}
		}()
	}
	if len(b) > MaxInput {
		return Document{}, core.Errorf(core.EINVALID, "%s 超过 %d MB 的上限", base(name), MaxInput>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return Document{}, core.Errorf(core.EINVALID, "%s 是空文件", base(name))
	}
	var format string
	format, err = detect(name, b)
	if err != nil {
		return Document{}, err
	}
	var d draft
	switch format {
	case FormatDOCX:
		d, err = readDOCX(b)
	case FormatPDF:
		d, err = readPDF(b)
	default:
		var text string
		text, err = decodeText(b)
		if err != nil {
			break
		}
		switch format {
		case FormatMD:
			d = readMarkdown(text)
		case FormatHTML:
			d, err = readHTML(text)
		default:
			d = readPlain(text)
		}
	}
	if err != nil {
		return Document{}, prefixErr(name, err)
	}
	doc, err = d.build(id, format, opt)
	if err != nil {
		return Document{}, prefixErr(name, err)
	}
	if doc.Title == "" && name != "" {
		doc.Title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	return doc, nil
}

// recoverPanics turns a panic of a reader into an error; the fuzz tests
// turn it off to see them.
var recoverPanics = true

func base(name string) string {
	if name == "" {
		return "文件"
	}
	return filepath.Base(name)
}

// prefixErr names the file in a *core.Error's message.
func prefixErr(name string, err error) error {
	return core.Errorf(core.ErrorCode(err), "%s: %s", base(name), core.ErrorMessage(err))
}

var (
	magicZip = []byte("PK\x03\x04")
	magicPDF = []byte("%PDF-")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// detect finds the format: binary signatures first (a renamed DOCX or PDF
// still reads), then the extension, then the look of the text.
func detect(name string, b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, magicZip):
		return FormatDOCX, nil
	case bytes.HasPrefix(b, magicPDF):
		return FormatPDF, nil
	case bytes.HasPrefix(b, magicOLE):
		return "", core.Errorf(core.EINVALID, "%s 是旧版 Word (.doc)、Excel (.xls) 或加密文件，不支持；请另存为 .docx 后再导入", base(name))
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".docx":
		return "", core.Errorf(core.EINVALID, "%s 不是有效的 DOCX 文件", base(name))
	case ".pdf":
		return "", core.Errorf(core.EINVALID, "%s 不是有效的 PDF 文件", base(name))
	case ".md", ".markdown":
		return FormatMD, nil
	case ".html", ".htm", ".xhtml":
		return FormatHTML, nil
	case ".txt", ".text":
		return FormatTXT, nil
	}
	return sniffText(b), nil
}

// sniffText tells HTML and Markdown from plain text by their first
// kilobytes.
func sniffText(b []byte) string {
	head := b[:min(len(b), 4096)]
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	lower := bytes.ToLower(bytes.TrimSpace(head))
	for _, p := range []string{"<!doctype html", "<html", "<?xml", "<head", "<body", "<meta", "<!--"} {
		if bytes.HasPrefix(lower, []byte(p)) {
			return FormatHTML
		}
	}
	if bytes.Contains(lower, []byte("<p>")) || bytes.Contains(lower, []byte("<div")) || bytes.Contains(lower, []byte("<br")) {
		return FormatHTML
	}
	for _, line := range bytes.Split(head, []byte("\n")) {
		if mdSniffRe.Match(bytes.TrimRight(line, "\r")) {
			return FormatMD
		}
	}
	return FormatTXT
}

// decodeText decodes b to UTF-8 (tabfile.Decode: BOMs, UTF-8, else
// GB18030) and drops control characters but newlines and tabs.
func decodeText(b []byte) (string, error) {
	t, err := tabfile.Decode(bytes.NewReader(b))
	if err != nil {
		if bytes.IndexByte(b, 0) >= 0 && !bytes.HasPrefix(b, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
			return "", core.Errorf(core.EINVALID, "不是文本文件（含有空字节），也不是 DOCX 或 PDF")
		}
		return "", core.Errorf(core.EINVALID, "编码无法识别：既不是 UTF-8 也不是 GBK/GB18030；请另存为 UTF-8 文本后再导入")
	}
	var sb strings.Builder
	if _, err := io.Copy(&sb, io.LimitReader(t, 4*MaxInput)); err != nil {
		return "", core.Errorf(core.EINVALID, "读取文件失败")
	}
	s := sb.String()
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return cleanControls(s), nil
}

// cleanControls drops control and format characters (zero-width spaces,
// BOMs inside the text) but newlines and tabs, and makes every line end a
// "\n".
func cleanControls(s string) string {
	clean := true
	for _, r := range s {
		if r == '\r' || (r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r))) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}
