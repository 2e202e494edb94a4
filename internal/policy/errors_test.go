package policy

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// makeZip writes a zip of the given parts, in order.
func makeZip(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docxBody is a minimal DOCX whose document body is body.
func docxBody(t testing.TB, body string) []byte {
	return makeZip(t, "word/document.xml", `<?xml version="1.0"?><w:document `+wNS+`><w:body>`+body+`</w:body></w:document>`)
}

// zipBomb is a DOCX whose document part says it unzips to claimed bytes
// and really unzips to real.
func zipBomb(t testing.TB, claimed uint64, real int) []byte {
	t.Helper()
	var data bytes.Buffer
	fw, _ := flate.NewWriter(&data, flate.BestSpeed)
	chunk := make([]byte, 1<<20)
	for n := 0; n < real; n += len(chunk) {
		fw.Write(chunk[:min(len(chunk), real-n)])
	}
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate,
		CompressedSize64: uint64(data.Len()), UncompressedSize64: claimed})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("<w:p>", maxXMLDepth+10)
	tests := []struct {
		name, file string
		b          []byte
		want       string // in the message
	}{
		{"empty", "a.txt", nil, "空文件"},
		{"only whitespace", "a.txt", []byte(" \n\t\r\n　"), "空文件"},
		{"too big", "a.txt", bytes.Repeat([]byte("字"), MaxInput/3+1), "上限"},
		{"binary junk", "a.txt", []byte("\x00\x01\x02\xff\xfe\x00junk\x00"), "不是文本文件"},
		{"undecodable bytes", "a.txt", bytes.Repeat([]byte{0x81, 0x20, 0xff, 0x80}, 200), "编码无法识别"},
		{"old Word", "a.doc", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, "旧版 Word"},
		{"docx that is no zip", "a.docx", []byte("PK\x03\x04 broken"), "不是有效的 DOCX"},
		{"docx named but text", "a.docx", []byte("hello"), "不是有效的 DOCX"},
		{"zip without document", "a.docx", makeZip(t, "readme.txt", "x"), "没有正文"},
		{"xlsx as docx", "a.docx", makeZip(t, "xl/workbook.xml", "<workbook/>"), "Excel"},
		{"malformed document XML", "a.docx", makeZip(t, "word/document.xml", "<w:document><w:body><w:p>"), "XML 有误"},
		{"deep document XML", "a.docx", docxBody(t, deep), "嵌套"},
		{"docx without text", "a.docx", docxBody(t, `<w:p></w:p>`), "没有可读的文字"},
		{"zip bomb", "a.docx", zipBomb(t, 1<<40, 1<<10), "解压后超过"},
		// archive/zip stops at the size the header declares.
		{"zip bomb with a lying header", "a.docx", zipBomb(t, 1<<10, MaxUnzipped+1<<20), "无法读取"},
		{"pdf without text", "a.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"), "PDF"},
		{"html of scripts only", "a.html", []byte("<html><script>var x = '<p>text</p>'</script><style>p{}</style></html>"), "没有可读的文字"},
		{"html token too big", "a.html", []byte("<p title=\"" + strings.Repeat("a", MaxHTMLToken+10) + "\">x</p>"), "单个标记"},
		{"markdown of marks only", "a.md", []byte("# \n\n---\n\n```\n```\n"), "没有可读的文字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("d", tt.file, tt.b, Options{})
			checkErr(t, err, tt.want)
		})
	}
}

func TestParseHostileHTML(t *testing.T) {
	tests := []struct {
		name, html string
		want       string // the text of the document
		absent     []string
	}{
		{"deep nesting", strings.Repeat("<div><span>", 200000) + "<p>清河湾街道便民服务中心地址为清河湾路1号。</p>" + strings.Repeat("</span></div>", 200000),
			"清河湾街道便民服务中心地址为清河湾路1号。", nil},
		{"unclosed script", "<p>第一段文字内容在这里。</p><script>document.write('<p>注入</p>')", "第一段文字内容在这里。", []string{"注入"}},
		{"script closed inside a string", "<p>正文一。</p><script>var s = \"</scr\" + \"ipt><p>注入</p>\";</script><p>正文二。</p>", "正文一。", []string{"注入"}},
		{"comment hiding markup", "<p>可见文字。</p><!-- <p>注释</p> --><p>也可见。</p>", "可见文字。", []string{"注释"}},
		{"hidden elements", "<p>可见文字。</p><div hidden><p>隐藏一</p></div><span style=\"DISPLAY: none\">隐藏二</span><p aria-hidden=\"true\">隐藏三</p>", "可见文字。", []string{"隐藏一", "隐藏二", "隐藏三"}},
		{"iframe and template", "<p>可见文字。</p><iframe><p>框架</p></iframe><template><p>模板</p></template>", "可见文字。", []string{"框架", "模板"}},
		{"entities", "<p>低保标准&nbsp;&lt;1500元&gt;&amp;&#x4E00;&#19968;&quot;</p>", "低保标准 <1500元>&一一\"", nil},
		{"huge attribute", "<p data-x=\"" + strings.Repeat("属性", 100000) + "\">正文。</p>", "正文。", []string{"属性"}},
		{"head left open", "<html><head><title>标题</title><p>正文在未关闭的头部之后。</p>", "正文在未关闭的头部之后。", nil},
		{"plaintext swallows the rest", "<p>正文。</p><plaintext><p>之后</p>", "正文。", []string{"之后"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("d", "a.html", []byte(tt.html), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, p := range d.Passages {
				all = append(all, p.Text)
			}
			text := d.Title + "\n" + strings.Join(all, "\n")
			if !strings.Contains(text, tt.want) {
				t.Errorf("text %q does not hold %q", text, tt.want)
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("text %q holds %q", text, a)
				}
			}
		})
	}
}

func TestParseEncodings(t *testing.T) {
	text := "海川区垃圾分类管理办法\n第一条　为推进生活垃圾分类，制定本办法。\n第二条　居民应当按照厨余垃圾、可回收物、有害垃圾和其他垃圾分类投放。\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("d", "a.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"GBK", []byte(gbk)},
		{"CRLF", []byte(strings.ReplaceAll(text, "\n", "\r\n"))},
		{"zero-width spaces", []byte(strings.ReplaceAll(text, "管理", "管\u200b理"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("d", "a.txt", tt.b, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if g, w := string(golden(got)), string(golden(want)); g != w {
				t.Errorf("got %s\nwant %s", g, w)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, file, text, want string
	}{
		{"docx renamed", "a.txt", "PK\x03\x04", FormatDOCX},
		{"pdf renamed", "a.bin", "%PDF-1.7", FormatPDF},
		{"markdown by extension", "a.markdown", "x", FormatMD},
		{"html by extension", "a.htm", "x", FormatHTML},
		{"html by content", "a", "<!DOCTYPE html><html>", FormatHTML},
		{"html fragment", "a", "一些文字<p>段落</p>", FormatHTML},
		{"markdown by content", "a", "前言\n\n## 第一部分\n", FormatMD},
		{"text", "a", "第一条 本办法适用于本区。", FormatTXT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := detect(tt.file, []byte(tt.text))
			if err != nil || got != tt.want {
				t.Errorf("detect = %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}
