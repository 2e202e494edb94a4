package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/tabfile"
)

// Export jobs (导出任务): a download from the pages (the ticket list's
// export, the audit log's) is written in the background to a file, not
// streamed in the response, which a million tickets would hold for
// seconds. The export link starts the job (export.go, audit.go) and
// answers with its page, /exports/{job}, which shows the rows written and
// the total (polled, as the import page's progress) and, when the file is
// ready, its download link, /exports/{job}/file, served from the disk.
// Every export is a job, small ones too: one way for the user, and what
// the job writes first (the count) is itself what takes time at a
// million tickets.
//
// A job is its owner's only: another user, administrators too, finds
// none (404), since the file holds what its owner's role may see. The
// files live in a private temporary directory (0700, files 0600), removed
// 24 hours after the job ended (exportJobTTL) or when the server stops.
// A user runs at most maxRunningExports jobs at once.

// Limits of the export jobs.
const (
	// exportJobTTL is how long a job and its file are kept after it ended.
	exportJobTTL = 24 * time.Hour
	// maxRunningExports bounds the jobs of one user that run at once.
	maxRunningExports = 2
	// maxKeptExports bounds the jobs kept for one user: the oldest ended
	// ones go first.
	maxKeptExports = 20
)

var exportStateLabels = map[string]string{jobRunning: "正在导出", jobDone: "已完成", jobFailed: "未完成"}

// exportJob is one export to a file.
type exportJob struct {
	id          string
	owner       core.User
	what        string // what is exported: 工单, 审计日志
	format      string // csv or xlsx
	name        string // the download's file name
	contentType string
	path        string // the file, in the jobs' directory
	created     time.Time
	rows        atomic.Int64  // rows written so far
	done        chan struct{} // closed when the job ends

	mu     sync.Mutex
	state  string // jobRunning, jobDone or jobFailed
	phase  string // of a running job: 统计, 写入, 生成文件
	total  int    // rows to write; -1 while not known
	errMsg string
	size   int64
	ended  time.Time
}

// exportRun writes the export of job j to w; it says the total when it
// knows it (j.setTotal) and counts the rows it writes (j.rows).
type exportRun func(ctx context.Context, j *exportJob, w io.Writer) error

// exportJobs is the server's registry of export jobs.
type exportJobs struct {
	base string           // where the directory is made; "" for the system's
	now  func() time.Time // the server's clock

	mu   sync.Mutex
	dir  string // private directory of the files, made at the first job
	jobs map[string]*exportJob
	ctx  context.Context // cancelled at shutdown
	stop context.CancelFunc
	wg   sync.WaitGroup
}

func newExportJobs(base string, now func() time.Time) *exportJobs {
	ctx, stop := context.WithCancel(context.Background())
	return &exportJobs{base: base, now: now, jobs: map[string]*exportJob{}, ctx: ctx, stop: stop}
}

// start registers a job of owner's and runs it in the background. It
// refuses (ETOOMANY) when the owner has maxRunningExports jobs running.
func (js *exportJobs) start(owner core.User, what, format, name, contentType string, now time.Time, run exportRun) (*exportJob, error) {
	id, err := newJobID()
	if err != nil {
		return nil, err
	}
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.ctx.Err() != nil {
		return nil, core.Errorf(core.ECONFLICT, "服务器正在停止，请稍后再导出")
	}
	var mine []*exportJob
	running := 0
	for _, o := range js.jobs {
		if o.owner.ID != owner.ID {
			continue
		}
		mine = append(mine, o)
		if o.running() {
			running++
		}
	}
	if running >= maxRunningExports {
		return nil, core.Errorf(core.ETOOMANY, "您已有 %d 个导出任务正在进行，请等其中一个完成后再导出（进度见“我的导出”）", running)
	}
	// The oldest ended jobs beyond maxKeptExports go, with their files.
	slices.SortFunc(mine, func(a, b *exportJob) int { return a.created.Compare(b.created) })
	for i, kept := 0, len(mine); i < len(mine) && kept >= maxKeptExports; i++ {
		if o := mine[i]; !o.running() {
			os.Remove(o.path)
			delete(js.jobs, o.id)
			kept--
		}
	}
	if js.dir == "" {
		dir, err := os.MkdirTemp(js.base, "jiceng-exports-")
		if err != nil {
			return nil, fmt.Errorf("export jobs: %w", err)
		}
		js.dir = dir
	}
	j := &exportJob{id: id, owner: owner, what: what, format: format, name: name, contentType: contentType,
		path: filepath.Join(js.dir, id+"."+format), created: now, done: make(chan struct{}), state: jobRunning, phase: "统计", total: -1}
	js.jobs[id] = j
	js.wg.Add(1)
	go js.run(j, run)
	return j, nil
}

// run writes j's file; a failed job leaves no file.
func (js *exportJobs) run(j *exportJob, run exportRun) {
	defer js.wg.Done()
	defer close(j.done)
	err := func() error {
		f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("export file: %w", err)
		}
		err = run(js.ctx, j, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}()
	var size int64
	if err == nil {
		if fi, serr := os.Stat(j.path); serr == nil {
			size = fi.Size()
		} else {
			err = serr
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ended = js.now()
	if err != nil {
		os.Remove(j.path)
		j.state, j.errMsg = jobFailed, core.ErrorMessage(err)
		if js.ctx.Err() != nil {
			j.errMsg = "服务器已停止，导出未完成"
		}
		return
	}
	j.state, j.size = jobDone, size
}

// get returns job id if it is u's; any other answers ENOTFOUND, as a
// missing one.
func (js *exportJobs) get(id string, u core.User) (*exportJob, error) {
	js.mu.Lock()
	j := js.jobs[id]
	js.mu.Unlock()
	if j == nil || j.owner.ID != u.ID {
		return nil, core.Errorf(core.ENOTFOUND, "导出任务不存在或已过期（导出文件保留 24 小时）")
	}
	return j, nil
}

// list returns u's jobs, newest first.
func (js *exportJobs) list(u core.User) []*exportJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	var out []*exportJob
	for _, j := range js.jobs {
		if j.owner.ID == u.ID {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b *exportJob) int { return b.created.Compare(a.created) })
	return out
}

// sweep removes the jobs that ended exportJobTTL before now, with their
// files.
func (js *exportJobs) sweep(now time.Time) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, j := range js.jobs {
		j.mu.Lock()
		expired := j.state != jobRunning && now.Sub(j.ended) >= exportJobTTL
		j.mu.Unlock()
		if expired {
			os.Remove(j.path)
			delete(js.jobs, id)
		}
	}
}

// close stops the running jobs, waits for them and removes every file.
func (js *exportJobs) close() {
	js.mu.Lock()
	js.stop()
	js.mu.Unlock()
	js.wg.Wait()
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.dir != "" {
		os.RemoveAll(js.dir)
		js.dir = ""
	}
	clear(js.jobs)
}

func (j *exportJob) running() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state == jobRunning
}

// setTotal says how many rows the job writes, and that writing began.
func (j *exportJob) setTotal(n int) {
	j.mu.Lock()
	j.total, j.phase = n, "写入"
	j.mu.Unlock()
}

// setPhase names what a running job does.
func (j *exportJob) setPhase(phase string) {
	j.mu.Lock()
	j.phase = phase
	j.mu.Unlock()
}

// countRows counts the rows written through a RowWriter, the header
// excepted, into n.
type countRows struct {
	tabfile.RowWriter
	n      *atomic.Int64
	header bool
}

func (c *countRows) Write(row []string) error {
	if err := c.RowWriter.Write(row); err != nil {
		return err
	}
	if !c.header {
		c.header = true
		return nil
	}
	c.n.Add(1)
	return nil
}

// closeJobs stops the import and export jobs and removes their files
// (Serve does it at shutdown; tests that use Handler call it).
func (s *Server) closeJobs() {
	s.closeImports()
	if s.exports != nil {
		s.exports.close()
	}
}

// startExport starts an export job of p's and answers with its page.
func (s *Server) startExport(w http.ResponseWriter, r *http.Request, p principal, what, format, name string, run exportRun) {
	j, err := s.exports.start(p.User, what, format, name, contentTypeOf(format), s.Clock.Now(), run)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.Log.Info("export started", "job", j.id, "user_id", p.User.ID, "what", what, "format", format)
	http.Redirect(w, r, "/exports/"+j.id, http.StatusSeeOther)
}

func contentTypeOf(format string) string {
	if format == "xlsx" {
		return xlsxType
	}
	return "text/csv; charset=utf-8"
}

// exportPage is the page of the export jobs: one job, or the user's list.
type exportPage struct {
	Job  *exportView
	Jobs []exportView
}

// exportView is one job as its page shows it.
type exportView struct {
	ID, What, Format, Name, Created, State string
	Running, Done, Failed                  bool
	Progress                               progressView
	Rows                                   int64
	Total                                  int // -1: not known
	Size, Error                            string
}

func (s *Server) exportView(j *exportJob) exportView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := exportView{ID: j.id, What: j.what, Format: upper(j.format), Name: j.name, Created: s.formatTime(j.created),
		State: exportStateLabels[j.state], Rows: j.rows.Load(), Total: j.total, Error: j.errMsg}
	switch j.state {
	case jobRunning:
		v.Running = true
		pct, _ := j.percent()
		v.Progress = progressView{ID: "export-progress", Heading: "正在导出" + j.what, Status: "/api/v1/exports/" + j.id,
			Percent: pct, Text: j.progressText(),
			Hint: "导出在服务器后台进行，可以离开此页面，稍后从“我的导出”回来下载。"}
	case jobDone:
		v.Done, v.Size = true, sizeLabel(j.size)
	default:
		v.Failed = true
	}
	return v
}

func upper(format string) string {
	if format == "xlsx" {
		return "Excel（XLSX）"
	}
	return "CSV"
}

// percent is the share of the rows written, "" while the total is not
// known; the caller holds j.mu.
func (j *exportJob) percent() (string, bool) {
	if j.total < 0 {
		return "", false
	}
	pct := 100.0
	if j.total > 0 {
		pct = min(100, 100*float64(j.rows.Load())/float64(j.total))
	}
	return strconv.FormatFloat(pct, 'f', 1, 64), true
}

// progressText says how far a running job is; the caller holds j.mu.
func (j *exportJob) progressText() string {
	switch {
	case j.total < 0:
		return "正在统计符合条件的记录…"
	case j.phase == "生成文件":
		return fmt.Sprintf("已写入 %d / %d 行，正在生成 Excel 文件…", j.rows.Load(), j.total)
	}
	return fmt.Sprintf("已写入 %d / %d 行", j.rows.Load(), j.total)
}

// exportFromPath returns the job of the {job} path value if it is p's.
func (s *Server) exportFromPath(r *http.Request, p principal) (*exportJob, error) {
	s.exports.sweep(s.Clock.Now())
	return s.exports.get(r.PathValue("job"), p.User)
}

// handleExportsPage lists the user's export jobs (我的导出).
func (s *Server) handleExportsPage(w http.ResponseWriter, r *http.Request, p principal) {
	s.exports.sweep(s.Clock.Now())
	var page exportPage
	for _, j := range s.exports.list(p.User) {
		page.Jobs = append(page.Jobs, s.exportView(j))
	}
	s.render(w, r, http.StatusOK, "export", p, page)
}

// handleExportPage shows a job: its progress, its file or its error.
func (s *Server) handleExportPage(w http.ResponseWriter, r *http.Request, p principal) {
	j, err := s.exportFromPath(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	v := s.exportView(j)
	s.render(w, r, http.StatusOK, "export", p, exportPage{Job: &v})
}

// handleExportFile downloads the file of a finished job. The export was
// audited when it was made; the file holds what its owner's role may see.
func (s *Server) handleExportFile(w http.ResponseWriter, r *http.Request, p principal) {
	j, err := s.exportFromPath(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	j.mu.Lock()
	state := j.state
	j.mu.Unlock()
	switch state {
	case jobRunning:
		s.failPage(w, r, core.Errorf(core.ECONFLICT, "导出尚未完成，请稍候"))
		return
	case jobFailed:
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "导出未完成，没有文件：%s", j.errMsg))
		return
	}
	s.serveJobFile(w, r, j.path, j.name, j.contentType, "导出文件已删除（导出文件保留 24 小时）")
}

// exportStatusJSON is the answer of GET /api/v1/exports/{job}.
type exportStatusJSON struct {
	ID      string   `json:"id"`
	State   string   `json:"state"` // running, done, failed
	Label   string   `json:"label"`
	What    string   `json:"what"`
	Format  string   `json:"format"`
	Done    bool     `json:"done"` // ended, done or failed
	Rows    int64    `json:"rows"`
	Total   *int     `json:"total"`   // null while not known
	Percent *float64 `json:"percent"` // null while the total is not known
	Text    string   `json:"text"`
	File    string   `json:"file,omitempty"` // the download, when done
	Name    string   `json:"name"`
	Size    int64    `json:"size,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func (s *Server) handleExportStatus(w http.ResponseWriter, r *http.Request, p principal) {
	j, err := s.exportFromPath(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j.mu.Lock()
	out := exportStatusJSON{ID: j.id, State: j.state, Label: exportStateLabels[j.state], What: j.what, Format: j.format,
		Done: j.state != jobRunning, Rows: j.rows.Load(), Name: j.name, Error: j.errMsg}
	if j.total >= 0 {
		total := j.total
		out.Total = &total
		pct, _ := j.percent()
		v, _ := strconv.ParseFloat(pct, 64)
		out.Percent = &v
	}
	switch j.state {
	case jobRunning:
		out.Text = j.progressText()
	case jobDone:
		out.File, out.Size = "/exports/"+j.id+"/file", j.size
	}
	j.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
