package web

import (
	"context"
	"io"
	"net/http"

	"jiceng/internal/core"
	"jiceng/internal/export"
	"jiceng/internal/tabfile"
)

// Exports from the pages: the ticket list's current filter as Excel or
// CSV (GET /tickets/export), through package export and the casework
// service, as the command line's "jiceng export": the user's scope, the
// user's role's masking, so the file shows exactly what the user may see
// on the pages; at most maxPageExport tickets, in the audit log. The
// request starts an export job (exportjobs.go) and answers with its page.

// maxPageExport bounds an export from the ticket list page.
var maxPageExport = 100_000

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// handleTicketsExport answers GET /tickets/export?format=xlsx|csv&…: it
// starts the export of the tickets of the list's filter (the parameters
// of /tickets; paging is ignored), every field of the field set, masked
// for the user's role, and sends the user to the job's page. The
// parameters are checked here; the count, the refusal of more than
// maxPageExport tickets and the audit entry are the job's (export.Prepare).
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
	u, address := p.User, clientAddress(r)
	name := "工单导出-" + s.Clock.Now().In(s.Location).Format("20060102-150405") + "." + format
	s.startExport(w, r, p, "工单", format, name, func(ctx context.Context, j *exportJob, out io.Writer) error {
		x, err := export.Prepare(ctx, s.cases(), u, "", f,
			export.Options{Fields: s.Fields, Format: format, MaxRows: maxPageExport, Address: address})
		if err != nil {
			return err
		}
		j.setTotal(x.Rows())
		tw, err := export.NewWriter(out, format, tabfile.UTF8)
		if err != nil {
			return err
		}
		defer tabfile.Discard(tw)
		res, err := x.Write(ctx, &countRows{RowWriter: tw, n: &j.rows})
		if err != nil {
			return err
		}
		if format == export.FormatXLSX {
			j.setPhase("生成文件")
		}
		if err := tw.Close(); err != nil {
			return err
		}
		s.Log.Info("tickets exported", "job", j.id, "user_id", u.ID, "rows", res.Rows, "format", format)
		return nil
	})
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
