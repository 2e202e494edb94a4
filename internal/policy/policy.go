// Package policy is the street's policy base (政策知识库) as values: policy
// documents read from their files (plain text, Markdown, HTML, DOCX, text
// PDFs, and 问/答 sheets), with their structure (章, 节, 条, 款, headings and
// numbered items), their metadata (title, issuing body, 文号, date,
// validity), and the passages they split into, each of which makes sense
// alone and says where it comes from, so that an answer can cite it.
//
// Parse reads one document file; ReadQA reads a 问/答 sheet and ReadRows
// a sheet whose rows are documents, from the rows of package tabfile. The
// readers are bounded (MaxInput, MaxUnzipped, MaxPassages, MaxHTMLToken),
// refuse what they cannot read with a *core.Error in Chinese, and are
// fuzzed not to panic. The clock is the caller's (Options.Now): nothing
// here calls time.Now.
//
// The package is pure: bytes in, values out. Indexing and search are
// elsewhere.
package policy

import "time"

// Validity is whether a document is in force.
type Validity string

// Validities. A document whose validity its text does not state is
// Effective.
const (
	Effective  Validity = "有效"
	Repealed   Validity = "废止"
	Superseded Validity = "被替代" // replaced by Document.SupersededBy
	Expired    Validity = "失效"  // its period of validity has ended
)

// Document is one policy document.
type Document struct {
	// ID names the document in the base: the caller's (a file name, a
	// sheet row id), never derived from its text.
	ID string
	// Title is the document's title: its first heading or line, or the
	// file's title metadata.
	Title string
	// Issuer is the issuing body (发文机关), e.g. 北京市民政局.
	Issuer string
	// Number is the document number (文号), e.g. 京民社救发〔2023〕12号.
	Number string
	// Date is the date it was issued (成文日期 or 发布日期), zero when the
	// text gives none.
	Date time.Time
	// EffectiveFrom is the date it takes effect (施行日期, "自…起施行")
	// and ValidUntil the last day of its period of validity (有效期至);
	// each is zero when the text gives none.
	EffectiveFrom, ValidUntil time.Time
	// Validity and, for Superseded, the document (title or 文号) that
	// replaced it.
	Validity     Validity
	SupersededBy string
	// Supersedes are the documents this one repeals or replaces ("《…》
	// 同时废止"), each by its title or its 文号 as the text writes them,
	// so that the base can mark them Superseded.
	Supersedes []string
	// Source is where the document comes from when its file says so (the
	// 来源 column of a 问/答 sheet), e.g. a web address.
	Source string
	// Format is the file format it was read from: txt, md, html, docx,
	// pdf, or qa (a row of a 问/答 sheet).
	Format   string
	Passages []Passage
}

// Passage is a part of a document that makes sense alone: an article (条)
// with its clauses, a numbered item, a section's paragraph, or one
// question and its answer.
type Passage struct {
	// ID is the document's ID, "#" and the passage's number from 1.
	ID string
	// Headings are the headings above the passage, outermost first (e.g.
	// 第二章 保障对象, 第一节 申请条件).
	Headings []string
	// Article is the article (条) number as written (第十二条), "" outside
	// articles; Item the numbered item or clause ((一), 1., 第二款).
	Article, Item string
	// Question is the question of a 问/答 passage; Text is then its answer.
	Question string
	Text     string
}
