package web

import (
	"net/http"
	"net/url"

	"jiceng/internal/core"
	"jiceng/internal/export"
	"jiceng/internal/tabfile"
)

// Exports from the pages: the ticket list's current filter as Excel or
// CSV (GET /tickets/export), through package export and the casework
// service, as the command line's "jiceng export": the user's scope, the
// user's role's masking, so the file shows exactly what the user may see
// on the pages; streamed, at most maxPageExport tickets, in the audit log.

// maxPageExport bounds an export from the ticket list page.
var maxPageExport = 100_000

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// handleTicketsExport answers GET /tickets/export?format=xlsx|csv&…: the
// tickets of the list's filter (the parameters of /tickets; paging is
// ignored), every field of the field set, masked for the user's role.
func (s *Server) handleTicketsExport(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := sameSite(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	q := formQuery(r)
	format := q.Get("format")
	if len(q["format"]) > 1 {
		format = "?"
	}
	switch format {
	case "":
		format = export.FormatXLSX
	case export.FormatXLSX, export.FormatCSV:
	default:
		s.failPage(w, r, invalidParam("format", "参数 format 应为 xlsx 或 csv"))
		return
	}
	for _, k := range []string{"format", "page", "offset", "limit"} {
		q.Del(k)
	}
	f, err := parseFilter(q, s.Location)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f.Offset, f.Limit = 0, 0
	x, err := export.Prepare(r.Context(), s.cases(), p.User, "", f,
		export.Options{Fields: s.Fields, Format: format, MaxRows: maxPageExport, Address: clientAddress(r)})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	out := &download{w: w, name: "工单导出-" + s.Clock.Now().In(s.Location).Format("20060102-150405") + "." + format,
		contentType: export.ContentType(format)}
	tw, err := export.NewWriter(out, format, tabfile.UTF8)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	defer tabfile.Discard(tw)
	res, err := x.Write(r.Context(), tw)
	if err != nil {
		s.abortDownload(r, out, err)
		return
	}
	s.finishDownload(r, out, tw)
	s.Log.Info("tickets exported", "user_id", p.User.ID, "rows", res.Rows, "format", format)
}

// sameSite refuses a download that another site started (a link or a
// redirect elsewhere would put an export the user did not ask for in the
// audit log under the user's name). Browsers say so in Sec-Fetch-Site;
// a client without it (a script, an old browser) is let through.
func sameSite(r *http.Request) error {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return nil
	}
	return core.Errorf(core.EFORBIDDEN, "请从本系统的页面发起导出或下载")
}

// download is the response of a file download: the headers are sent with
// the first byte, so that an error before it can still answer with an
// error page.
type download struct {
	w           http.ResponseWriter
	name        string
	contentType string
	started     bool
}

func (d *download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.w.Header()
		h.Set("Content-Type", d.contentType)
		h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.name))
		h.Set("Cache-Control", "no-store")
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(b)
}

// finishDownload closes tw, which writes what it holds to out.
func (s *Server) finishDownload(r *http.Request, out *download, tw tabfile.RowWriter) {
	if err := tw.Close(); err != nil {
		s.abortDownload(r, out, err)
		return
	}
	if !out.started { // an empty file
		out.Write(nil)
	}
}

// abortDownload answers an error of a download: with the error page when
// nothing was sent yet; else by breaking the connection, so that the
// client sees a failed download rather than a file that looks complete.
func (s *Server) abortDownload(r *http.Request, out *download, err error) {
	if !out.started {
		s.failPage(out.w, r, err)
		return
	}
	s.Log.Error("download failed", "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}
