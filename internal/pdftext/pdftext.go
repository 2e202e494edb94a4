// Package pdftext extracts the text of PDF files with a text layer, such as
// the policy documents that Word and WPS save as PDF: bytes in, the text of
// each page out.
//
// It reads the file structure (cross-reference tables and streams, object
// streams, incremental updates, and a scan for objects when the
// cross-reference is broken), the page tree and the content streams, and
// turns shown glyphs into text by the fonts' ToUnicode CMaps, simple
// encodings with /Differences, and predefined Chinese CMaps (Unicode and
// GBK codes). Lines break where the baseline moves; nothing is reordered,
// so multi-column layouts come out in content order.
//
// It does not decrypt, does not recognise text in images, and decodes only
// the Flate, ASCIIHex, ASCII85 and RunLength filters. Every input is
// bounded by the limits below; a hostile file yields an error, never a
// panic or unbounded memory.
package pdftext

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"jiceng/internal/core"
)

// Limits on the work done for one file.
const (
	MaxInputBytes   = 100 << 20 // size of the file
	MaxObjects      = 1 << 20   // indirect objects parsed
	MaxPages        = 5000
	MaxStreamBytes  = 32 << 20  // decoded bytes of one stream
	MaxTotalBytes   = 256 << 20 // decoded bytes of all streams
	MaxContentBytes = 256 << 20 // content interpreted, counting each run of a form
	MaxDepth        = 64        // nesting of objects, page tree and reference chains
	MaxFormDepth    = 12        // Form XObjects within Form XObjects
	MaxCMapEntries  = 1 << 18   // entries of one CMap or width array
)

// Result is the text of a PDF and what of it could not be read.
type Result struct {
	// Pages holds the text of each page, lines separated by "\n"; a page
	// without text is "".
	Pages []string
	// Skipped says, in Chinese and safe to show, what content was left out,
	// such as a stream compressed in a way this package does not decode.
	Skipped []string
}

// Extract returns the text of each page of the PDF b, in reading order,
// lines separated by "\n". Errors are *core.Error with code EINVALID and a
// message for the user: not a PDF, encrypted, damaged, too large or
// complex, or no text layer (a scan).
func Extract(b []byte) ([]string, error) {
	r, err := Read(b)
	if err != nil {
		return nil, err
	}
	return r.Pages, nil
}

// recoverPanics turns a panic into a damaged-file error; the fuzz test turns
// it off to see them.
var recoverPanics = true

// Read is Extract that also says what content was skipped.
func Read(b []byte) (res *Result, err error) {
	if recoverPanics {
		defer func() {
			if p := recover(); p != nil {
				res, err = nil, invalid(msgDamaged, fmt.Errorf("panic: %v", p))
			}
		}()
	}
	if len(b) > MaxInputBytes {
		return nil, invalid(fmt.Sprintf("PDF 文件超过 %d MB，无法处理", MaxInputBytes>>20), nil)
	}
	if i := bytes.Index(b[:min(len(b), 1024)], []byte("%PDF-")); i < 0 {
		return nil, invalid("不是 PDF 文件（文件开头没有 %PDF 标记）", nil)
	}
	d, err := load(b)
	if err != nil {
		return nil, fail(err)
	}
	if d.trailer["Encrypt"] != nil {
		return nil, invalid(msgEncrypted, nil)
	}
	pages, err := d.pages()
	if err != nil {
		return nil, fail(err)
	}
	if len(pages) == 0 {
		return nil, invalid(msgDamaged, errors.New("no pages"))
	}
	res = &Result{Pages: make([]string, len(pages))}
	var skipped []error
	glyphs, decoded, chars := 0, 0, 0
	p := &interp{d: d, fonts: map[any]*font{}, active: map[int]bool{}, skipped: &skipped}
	for i, pg := range pages {
		p.out = &pageText{}
		content, errs, err := d.contents(pg.dict)
		if err != nil {
			return nil, fail(err)
		}
		skipped = append(skipped, errs...)
		gs := gstate{ctm: identity, th: 1}
		if err := p.run(content, pg.res, gs, 0); err != nil {
			return nil, fail(err)
		}
		res.Pages[i] = p.out.String()
		glyphs += p.out.glyphs
		decoded += p.out.decoded
		chars += len(res.Pages[i])
	}
	for _, e := range skipped {
		res.Skipped = append(res.Skipped, skippedMessage(e))
	}
	if chars == 0 {
		switch {
		case len(skipped) > 0:
			return nil, invalid(res.Skipped[0]+"，无法提取文字", skipped[0])
		case glyphs > 0 && decoded == 0:
			return nil, invalid(msgNoMapping, nil)
		default:
			return nil, invalid(msgNoText, nil)
		}
	}
	return res, nil
}

// User-facing messages.
const (
	msgDamaged   = "PDF 文件已损坏，无法读取"
	msgEncrypted = "PDF 已加密，暂不支持加密的 PDF，请提供未加密的文件"
	msgNoText    = "PDF 没有文字层（可能是扫描件），请提供文字版或先做文字识别"
	msgNoMapping = "PDF 中的文字无法解码（字体缺少字符映射），请提供文字版或先做文字识别"
)

func invalid(msg string, err error) *core.Error {
	return &core.Error{Code: core.EINVALID, Message: msg, Err: err}
}

// fail maps an internal error to the user's error.
func fail(err error) *core.Error {
	var lim *errLimit
	if errors.As(err, &lim) {
		return invalid(fmt.Sprintf("PDF 过于复杂（%s超过上限），无法处理", limitName(lim.what)), err)
	}
	return invalid(msgDamaged, err)
}

func limitName(what string) string {
	switch what {
	case "objects":
		return "对象数"
	case "pages":
		return "页数"
	case "decoded stream size", "decoded size":
		return "解压后的大小"
	case "content":
		return "页面内容"
	case "cross-reference sections":
		return "修订次数"
	}
	return what
}

func skippedMessage(err error) string {
	var f *errFilter
	if errors.As(err, &f) {
		if f.err == nil {
			return fmt.Sprintf("部分页面内容使用了不支持的压缩方式 %s", f.filter)
		}
		return fmt.Sprintf("部分页面内容的 %s 压缩数据已损坏", f.filter)
	}
	return "部分页面内容无法读取"
}

// page is a page dictionary with its inherited resources.
type page struct {
	dict dict
	res  dict
}

// pages walks the page tree; when it yields nothing, the page objects found
// by the scan are taken in file order.
func (d *document) pages() ([]page, error) {
	root, _ := d.rootDict()
	var out []page
	seen := map[int]bool{}
	var walk func(o any, res dict, depth int) error
	walk = func(o any, res dict, depth int) error {
		if depth > MaxDepth {
			return nil
		}
		if r, ok := o.(ref); ok {
			if seen[r.num] {
				return nil
			}
			seen[r.num] = true
		}
		node, ok := d.resolve(o).(dict)
		if !ok {
			return nil
		}
		if r, ok := d.resolve(node["Resources"]).(dict); ok {
			res = r
		}
		kids, isTree := d.resolve(node["Kids"]).(array)
		if node.name("Type") == "Page" || !isTree && node["Contents"] != nil {
			if len(out) >= MaxPages {
				return &errLimit{"pages"}
			}
			out = append(out, page{node, res})
			return nil
		}
		for _, k := range kids {
			if err := walk(k, res, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root["Pages"], nil, 0); err != nil {
		return nil, err
	}
	if len(out) > 0 {
		return out, nil
	}
	d.scan()
	type found struct {
		at int
		p  page
	}
	var fs []found
	for n, e := range d.scanned {
		if e.inStream {
			continue
		}
		if pd, ok := d.object(n).(dict); ok && pd.name("Type") == "Page" {
			res, _ := d.resolve(pd["Resources"]).(dict)
			fs = append(fs, found{e.offset, page{pd, res}})
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].at < fs[j].at })
	for _, f := range fs {
		if len(out) >= MaxPages {
			return nil, &errLimit{"pages"}
		}
		out = append(out, f.p)
	}
	return out, nil
}

// contents returns the decoded content of a page: its stream, or its
// streams joined. Streams that cannot be decoded are left out and returned
// as errors; a limit exceeded is the error err.
func (d *document) contents(pg dict) (content []byte, skipped []error, err error) {
	var streams []*stream
	switch c := d.resolve(pg["Contents"]).(type) {
	case *stream:
		streams = append(streams, c)
	case array:
		for _, o := range c {
			if s, ok := d.resolve(o).(*stream); ok {
				streams = append(streams, s)
			}
		}
	}
	for _, s := range streams {
		data, err := d.decode(s)
		if err != nil {
			var lim *errLimit
			if errors.As(err, &lim) {
				return nil, nil, err
			}
			skipped = append(skipped, err)
			continue
		}
		content = append(content, data...)
		content = append(content, '\n')
	}
	return content, skipped, nil
}
