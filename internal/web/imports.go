package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/tabfile"
)

// The import page (导入工单): a desk user uploads a street's own CSV or
// XLSX export, sees the detected header and the field of each column with
// the first rows, corrects the mapping in the page (and may save it under a
// name for the next file of the same source), and starts the import, which
// runs in the background: one goroutine per job, at most one import
// storing at a time. The page polls the job's progress; at the end it shows
// the summary and offers the rejected rows, with their reasons, as Excel.
//
// A job belongs to the user who uploaded it: another user's job answers
// 404, except to administrators, who may follow and download every job.
// Its files live in a private temporary directory (0700, files 0600): the
// upload is removed when the import is over, the rejects (personal data in
// clear) when the job expires (importJobTTL) or the server stops.

// Limits of the import page.
const (
	// DefaultMaxImportUpload is the largest upload unless
	// Server.MaxImportUpload says otherwise.
	DefaultMaxImportUpload = 1 << 30
	// importJobTTL is how long a job and its files are kept after it
	// ended (or, never started, after its upload).
	importJobTTL = 24 * time.Hour
	// maxImportJobs bounds the jobs kept at once, over all users.
	maxImportJobs = 200
	// importPreviewRows is the number of rows the preview shows.
	importPreviewRows = 10
	// maxFormPart bounds each form field of an upload but the file, and
	// maxFormParts their number.
	maxFormPart  = 64 << 10
	maxFormParts = 16
)

var jobStateLabels = map[string]string{
	jobPreview: "待确认映射", jobQueued: "排队中", jobRunning: "导入中", jobDone: "已完成", jobFailed: "未完成",
}

// importJob is one upload and its import.
type importJob struct {
	id      string
	owner   core.User
	file    string // the uploaded file's name, cleaned
	dir     string // private directory of the job's files
	path    string // the upload, dir/upload/file
	size    int64
	sheet   string
	created time.Time
	read    atomic.Int64  // bytes of the file read by the import (CSV)
	done    chan struct{} // closed when the job ends (done or failed)

	mu          sync.Mutex
	state       string
	phase       string // of a running job: 导入, 检索索引, 智能研判
	mappingName string // saved mapping applied at upload or saved since
	mapping     string // mapping text applied
	choice      []string
	preview     importer.PreviewResult
	prog        importer.Progress
	sum         importer.Summary
	errMsg      string
	indexed     int
	predicted   int
	ended       time.Time
	convert     sync.Mutex // converting the rejects to XLSX
}

// importJobs is the server's registry of import jobs.
type importJobs struct {
	mu    sync.Mutex
	jobs  map[string]*importJob
	ctx   context.Context // cancelled at shutdown
	stop  context.CancelFunc
	wg    sync.WaitGroup
	store chan struct{} // one import stores at a time
}

func newImportJobs() *importJobs {
	ctx, stop := context.WithCancel(context.Background())
	return &importJobs{jobs: map[string]*importJob{}, ctx: ctx, stop: stop, store: make(chan struct{}, 1)}
}

// close stops the running imports, waits for them and removes every job's
// files.
func (js *importJobs) close() {
	js.stop()
	js.wg.Wait()
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, j := range js.jobs {
		os.RemoveAll(j.dir)
		delete(js.jobs, id)
	}
}

// sweep removes the jobs that expired at now, with their files.
func (js *importJobs) sweep(now time.Time) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, j := range js.jobs {
		j.mu.Lock()
		since := j.ended
		if j.state == jobPreview {
			since = j.created
		}
		expired := !since.IsZero() && now.Sub(since) >= importJobTTL && j.state != jobQueued && j.state != jobRunning
		j.mu.Unlock()
		if expired {
			os.RemoveAll(j.dir)
			delete(js.jobs, id)
		}
	}
}

// add registers j; the owner's earlier jobs that were never started are
// dropped (a new upload replaces them).
func (js *importJobs) add(j *importJob) error {
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, o := range js.jobs {
		o.mu.Lock()
		abandoned := o.owner.ID == j.owner.ID && o.state == jobPreview
		o.mu.Unlock()
		if abandoned {
			os.RemoveAll(o.dir)
			delete(js.jobs, id)
		}
	}
	if len(js.jobs) >= maxImportJobs {
		return core.Errorf(core.ETOOMANY, "导入任务过多，请稍后再试")
	}
	js.jobs[j.id] = j
	return nil
}

// get returns job id as u may see it: their own, or any for an
// administrator; any other answers ENOTFOUND, as a missing one.
func (js *importJobs) get(id string, u core.User) (*importJob, error) {
	js.mu.Lock()
	j := js.jobs[id]
	js.mu.Unlock()
	if j == nil || (j.owner.ID != u.ID && u.Role != core.RoleAdmin) {
		return nil, core.Errorf(core.ENOTFOUND, "导入任务不存在或已过期（任务保留 24 小时）")
	}
	return j, nil
}

// list returns the jobs u may see, newest first.
func (js *importJobs) list(u core.User) []*importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	var out []*importJob
	for _, j := range js.jobs {
		if j.owner.ID == u.ID || u.Role == core.RoleAdmin {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].created.After(out[b].created) })
	return out
}

// hourly calls fn every hour until ctx ends: Serve sweeps the expired
// import and export jobs with it, so that an idle server does not keep their
// files beyond their time to live.
func hourly(ctx context.Context, fn func()) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// closeImports stops the import jobs and removes their files (Serve does
// it at shutdown; tests that use Handler call it).
func (s *Server) closeImports() {
	if s.imports != nil {
		s.imports.close()
	}
}

func (s *Server) maxImportUpload() int64 {
	if s.MaxImportUpload > 0 {
		return s.MaxImportUpload
	}
	return DefaultMaxImportUpload
}

// importDesk refuses, with 403, the roles that may not import: the
// desk's work (administrators and street staff).
func (s *Server) importDesk(p principal) error {
	if !catalogueDesk(p.User.Role) {
		return core.Errorf(core.EFORBIDDEN, "当前账号无权导入工单")
	}
	return nil
}

// mappingStore is the store's saved mappings, if it keeps them.
func (s *Server) mappingStore() (core.ImportMappingStore, bool) {
	ms, ok := s.Store.(core.ImportMappingStore)
	return ms, ok
}

// importPage is the data of import.html.
type importPage struct {
	MaxUpload string
	Error     string
	Notice    string
	Mappings  []mappingRow
	Jobs      []jobRow
	Job       *jobView
}

type mappingRow struct {
	Name, By, At string
	Selected     bool
}

type jobRow struct {
	ID, File, Owner, Created, State string
}

// jobView is one job as its page shows it.
type jobView struct {
	ID, File, Format, Size, Owner, State string
	Preview                              bool
	Mine                                 bool // the viewer owns the job
	Running, Ended, Failed               bool
	Error                                string
	// The preview.
	HeaderRow, TitleRows int
	Guessed              bool
	Columns              []columnView
	Rows                 []rowView
	Missing              []string
	Fields               []fieldChoice
	MappingName          string
	// Progress and summary.
	Progress                    progressView
	Phase                       string
	Percent                     string // "" when unknown (XLSX)
	Rows0, Stored, Rejected     int
	Created, Updated, Unchanged int
	BlankRows, TitleRowsDone    int
	Unmapped, MissingDone       []string
	Indexed, Predicted          int
	Rejects                     bool
}

type columnView struct {
	N       int // 1-based
	Header  string
	How     string // 识别方式
	Choice  string // field name, "" for extra information
	Fixed   string // why the column cannot be mapped, when it cannot
	Changed bool
}

type rowView struct {
	Num   int
	Cells []string
	Err   string
}

var howLabels = map[string]string{
	importer.ByAlias:   "按列名识别",
	importer.ByMapping: "按映射",
	importer.Unmapped:  "未识别",
	importer.Repeated:  "与前面的列同一字段",
	importer.Unnamed:   "无列名",
}

func (s *Server) handleImportPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := s.importDesk(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.renderImportForm(w, r, p, http.StatusOK, "", r.URL.Query().Get("mapping"))
}

// renderImportForm shows the upload form and the user's jobs.
func (s *Server) renderImportForm(w http.ResponseWriter, r *http.Request, p principal, status int, msg, mapping string) {
	s.imports.sweep(s.Clock.Now())
	page := importPage{MaxUpload: sizeLabel(s.maxImportUpload()), Error: msg}
	if ms, ok := s.mappingStore(); ok {
		all, err := ms.ImportMappings(r.Context())
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		for _, m := range all {
			page.Mappings = append(page.Mappings, mappingRow{Name: m.Name, By: m.CreatedBy, At: s.formatTime(m.UpdatedAt), Selected: m.Name == mapping})
		}
	}
	for _, j := range s.imports.list(p.User) {
		j.mu.Lock()
		page.Jobs = append(page.Jobs, jobRow{ID: j.id, File: j.file, Owner: j.owner.Username, Created: s.formatTime(j.created), State: jobStateLabels[j.state]})
		j.mu.Unlock()
	}
	s.render(w, r, status, "import", p, page)
}

// sizeLabel is a byte count as people read it: 1 GB, 200 MB.
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

// csrfValid is checkCSRF for a token read from a multipart stream.
func csrfValid(got string, p principal) bool {
	return p.Session != "" && subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(p.Session))) == 1
}

// uploadName cleans the name a browser gave an uploaded file: its base
// name without control characters, at most 80 characters.
func uploadName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if rs := []rune(name); len(rs) > 80 {
		ext := filepath.Ext(name)
		if len([]rune(ext)) > 10 {
			ext = ""
		}
		name = string(rs[:80-len([]rune(ext))]) + ext
	}
	if name == "" {
		return "upload"
	}
	return name
}

// handleImportUpload streams an uploaded file to the job's private
// directory (never whole in memory), previews it and shows the preview.
func (s *Server) handleImportUpload(w http.ResponseWriter, r *http.Request, p principal) {
	if err := s.importDesk(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	limit := s.maxImportUpload()
	// A large upload takes longer than the server's read and write
	// timeouts, which are for ordinary requests.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(2 * time.Hour))
	rc.SetWriteDeadline(time.Now().Add(2*time.Hour + time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	tooBig := fmt.Sprintf("文件超过上限 %s，未上传；请分成几个文件导入", sizeLabel(limit))
	refuse := func(status int, msg string) {
		s.renderImportForm(w, r, p, status, msg, "")
	}
	if r.ContentLength > limit+1<<20 {
		refuse(http.StatusRequestEntityTooLarge, tooBig) // before reading any of it
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		refuse(http.StatusBadRequest, "请选择要导入的文件（CSV 或 XLSX）")
		return
	}
	j := &importJob{owner: p.User, created: s.Clock.Now(), state: jobPreview, done: make(chan struct{})}
	values := url.Values{}
	fields := 0 // form fields but the file, each held in memory
	keep := false
	defer func() {
		if !keep && j.dir != "" {
			os.RemoveAll(j.dir)
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				refuse(http.StatusRequestEntityTooLarge, tooBig)
				return
			}
			refuse(http.StatusBadRequest, "上传中断或格式不对，请重新上传")
			return
		}
		name := part.FormName()
		if name != "file" {
			fields++
			b, err := io.ReadAll(io.LimitReader(part, maxFormPart+1))
			if err != nil || len(b) > maxFormPart || fields > maxFormParts {
				refuse(http.StatusBadRequest, "上传格式不对，请重新上传")
				return
			}
			values.Set(name, string(b))
			continue
		}
		if j.dir != "" {
			refuse(http.StatusBadRequest, "一次只能上传一个文件")
			return
		}
		// The form's token comes before the file: nothing is written for a
		// forged request.
		if !csrfValid(values.Get("csrf"), p) {
			s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "表单已过期或来源不明，请刷新页面后重试"))
			return
		}
		if err := s.receiveUpload(j, part, limit); err != nil {
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe) || errors.Is(err, errTooBig):
				refuse(http.StatusRequestEntityTooLarge, tooBig)
			case core.ErrorCode(err) == core.EINVALID:
				refuse(http.StatusBadRequest, core.ErrorMessage(err))
			default:
				s.failPage(w, r, err)
			}
			return
		}
	}
	if !csrfValid(values.Get("csrf"), p) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "表单已过期或来源不明，请刷新页面后重试"))
		return
	}
	if j.dir == "" {
		refuse(http.StatusBadRequest, "请选择要导入的文件（CSV 或 XLSX）")
		return
	}
	if j.size == 0 {
		refuse(http.StatusBadRequest, "上传的文件是空的")
		return
	}
	j.sheet = strings.TrimSpace(values.Get("sheet"))
	if name := strings.TrimSpace(values.Get("mapping")); name != "" {
		ms, ok := s.mappingStore()
		if !ok {
			refuse(http.StatusBadRequest, "当前数据库不支持保存的映射")
			return
		}
		m, err := ms.ImportMapping(r.Context(), name)
		if err != nil {
			if core.ErrorCode(err) == core.ENOTFOUND {
				refuse(http.StatusBadRequest, core.ErrorMessage(err))
				return
			}
			s.failPage(w, r, err)
			return
		}
		j.mappingName, j.mapping = m.Name, m.Text
	}
	res, err := s.previewJob(r.Context(), j, j.mapping)
	if err != nil {
		if core.ErrorCode(err) == core.EINVALID {
			refuse(http.StatusBadRequest, core.ErrorMessage(err))
			return
		}
		s.failPage(w, r, err)
		return
	}
	j.preview = res
	j.choice = choicesOf(res)
	if j.id, err = newJobID(); err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := s.imports.add(j); err != nil {
		refuse(errorStatus(core.ErrorCode(err)), core.ErrorMessage(err))
		return
	}
	keep = true
	s.Log.Info("import uploaded", "job", j.id, "user_id", p.User.ID, "format", res.Format, "bytes", j.size)
	http.Redirect(w, r, "/import/"+j.id, http.StatusSeeOther)
}

var errTooBig = errors.New("upload too big")

// receiveUpload writes the file part to a new private directory of j.
func (s *Server) receiveUpload(j *importJob, part *multipart.Part, limit int64) error {
	dir, err := os.MkdirTemp(s.ImportDir, "jiceng-import-*") // 0700
	if err != nil {
		return fmt.Errorf("import dir: %w", err)
	}
	j.dir = dir
	if err := os.Mkdir(filepath.Join(dir, "upload"), 0o700); err != nil {
		return fmt.Errorf("import dir: %w", err)
	}
	j.file = uploadName(part.FileName())
	j.path = filepath.Join(dir, "upload", j.file)
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("import file: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(part, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	j.size = n
	if err != nil {
		return err
	}
	if n > limit {
		return errTooBig
	}
	return nil
}

// importOptions are the options of j's import with mapping text.
func (s *Server) importOptions(j *importJob, text string) (importer.Options, error) {
	m, err := importer.ParseMapping(text, s.Fields)
	if err != nil {
		return importer.Options{}, err
	}
	return importer.Options{Fields: s.Fields, Mapping: m, Sheet: j.sheet, Zone: s.Location}, nil
}

// previewJob previews j's file with mapping text.
func (s *Server) previewJob(ctx context.Context, j *importJob, text string) (importer.PreviewResult, error) {
	opt, err := s.importOptions(j, text)
	if err != nil {
		return importer.PreviewResult{}, err
	}
	return importer.Preview(ctx, j.path, opt, importPreviewRows)
}

// choicesOf is the field each column of res fills, "" for none.
func choicesOf(res importer.PreviewResult) []string {
	out := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		if len(c.Fields) > 0 {
			out[i] = c.Fields[0]
		}
	}
	return out
}

// jobFromPath returns the job of the {job} path value for p.
func (s *Server) jobFromPath(r *http.Request, p principal) (*importJob, error) {
	if err := s.importDesk(p); err != nil {
		return nil, err
	}
	s.imports.sweep(s.Clock.Now())
	return s.imports.get(r.PathValue("job"), p.User)
}

func (s *Server) handleImportJobPage(w http.ResponseWriter, r *http.Request, p principal) {
	j, err := s.jobFromPath(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.renderJob(w, r, p, j, http.StatusOK, "", nil)
}

// renderJob shows job j: its preview with the mapping form, its progress
// or its summary. msg is an error to show; choice, when not nil, the
// columns' fields as the user chose them.
func (s *Server) renderJob(w http.ResponseWriter, r *http.Request, p principal, j *importJob, status int, msg string, choice []string) {
	v := s.jobView(p, j, choice)
	if msg != "" {
		v.Error = msg
	}
	s.render(w, r, status, "import", p, importPage{MaxUpload: sizeLabel(s.maxImportUpload()), Job: &v})
}

func (s *Server) jobView(p principal, j *importJob, choice []string) jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := jobView{ID: j.id, File: j.file, Size: sizeLabel(j.size), Owner: j.owner.Username, State: jobStateLabels[j.state],
		Mine: j.owner.ID == p.User.ID, MappingName: j.mappingName, Error: j.errMsg}
	res := j.preview
	v.Format = strings.ToUpper(res.Format)
	switch j.state {
	case jobPreview:
		v.Preview = true
		if choice == nil {
			choice = j.choice
		}
		v.HeaderRow, v.TitleRows, v.Guessed = res.HeaderRow, res.TitleRows, res.Guessed
		for _, f := range res.Missing {
			v.Missing = append(v.Missing, f.Label)
		}
		for _, f := range s.Fields.Fields {
			v.Fields = append(v.Fields, fieldChoice{Name: f.Name, Label: f.Label, Required: f.Required})
		}
		fixed := fixedColumns(res)
		for i, c := range res.Columns {
			cv := columnView{N: i + 1, Header: c.Header, How: howLabels[c.How], Fixed: fixed[i]}
			if i < len(choice) {
				cv.Choice = choice[i]
			}
			cv.Changed = i < len(j.choice) && cv.Choice != j.choice[i]
			v.Columns = append(v.Columns, cv)
		}
		cases := s.cases()
		for _, row := range res.Rows {
			rv := rowView{Num: row.Num, Err: row.Err}
			for c, cell := range row.Cells {
				// Masked by the dictionary for the viewer's role, by the
				// field the column fills (or the "*" row for extras).
				field := res.Header[c]
				if c < len(res.Columns) && len(res.Columns[c].Fields) > 0 {
					field = res.Columns[c].Fields[0]
				}
				rv.Cells = append(rv.Cells, cases.MaskValue(p.User.Role, field, cell))
			}
			v.Rows = append(v.Rows, rv)
		}
	case jobQueued, jobRunning:
		v.Running = true
		v.Phase = j.phase
		if j.state == jobQueued {
			v.Phase = "排队等待前一个导入完成"
		}
		if pct, ok := j.percent(); ok {
			v.Percent = strconv.FormatFloat(pct, 'f', 1, 64)
		}
		v.Progress = progressView{ID: "import-progress", Heading: "正在导入", Status: "/api/v1/imports/" + j.id, Percent: v.Percent,
			Text: importProgressText(j.state, j.phase, j.prog), Hint: "导入在服务器后台进行，可以离开此页面，稍后从“导入工单”页回来查看结果。"}
	default:
		v.Ended, v.Failed = true, j.state == jobFailed
	}
	v.Rows0, v.Stored, v.Rejected = j.prog.Rows, j.prog.Stored, j.prog.Rejected
	sum := j.sum
	v.Created, v.Updated, v.Unchanged = sum.Created, sum.Updated, sum.Unchanged
	if v.Ended {
		v.Rejected = sum.Rejected
	}
	v.BlankRows, v.TitleRowsDone = sum.BlankRows, sum.TitleRows
	v.Unmapped = append(append([]string(nil), sum.Unmapped...), sum.Repeated...)
	v.MissingDone = sum.Missing
	v.Indexed, v.Predicted = j.indexed, j.predicted
	v.Rejects = v.Ended && sum.RejectsFile != ""
	return v
}

// importProgressText says how far a queued or running import is.
func importProgressText(state, phase string, prog importer.Progress) string {
	if state == jobQueued {
		phase = "排队等待前一个导入完成"
	}
	return fmt.Sprintf("%s：已处理 %d 行，已保存 %d 条，拒绝 %d 行", phase, prog.Rows, prog.Stored, prog.Rejected)
}

// percent is how far the import has read the file (CSV only); ok is false
// when it is not known. The caller holds j.mu.
func (j *importJob) percent() (float64, bool) {
	if j.preview.Format != importer.FormatCSV || j.size == 0 {
		return 0, false
	}
	pct := 100 * float64(j.read.Load()) / float64(j.size)
	if j.phase != "导入" {
		pct = 100
	}
	return min(pct, 100), true
}

// fixedColumns says, for each column of res, why the page cannot map it
// ("" when it can): a mapping goes by header, so an empty header or the
// second column of one header follows the first.
func fixedColumns(res importer.PreviewResult) []string {
	out := make([]string, len(res.Columns))
	first := map[string]int{}
	for i, c := range res.Columns {
		key := fieldset.NormalizeHeader(c.Header)
		switch {
		case key == "":
			out[i] = "无列名，作为附加信息保存"
		case first[key] > 0:
			out[i] = fmt.Sprintf("与第 %d 列同名，作为附加信息保存", first[key])
		default:
			first[key] = i + 1
		}
	}
	return out
}

// mappingForm reads the columns' fields from the form (field.N, 1-based)
// and returns them with the mapping text that makes the importer use them:
// one line for every column whose field differs from what its header
// names by the field set's aliases ("列名,-" for a column kept as extra
// information). A field chosen for two columns is refused.
func (s *Server) mappingForm(r *http.Request, res importer.PreviewResult) ([]string, string, error) {
	choice := make([]string, len(res.Columns))
	fixed := fixedColumns(res)
	var lines []importer.MappingLine
	taken := map[string]int{}
	var problems []string
	for i, c := range res.Columns {
		if fixed[i] != "" {
			continue
		}
		v := strings.TrimSpace(r.PostFormValue("field." + strconv.Itoa(i+1)))
		f := s.Fields.Field(v)
		if v != "" && f == nil {
			return nil, "", invalidParam("field."+strconv.Itoa(i+1), "第 %d 列选择的字段不存在", i+1)
		}
		choice[i] = v
		if v != "" {
			if k := taken[v]; k > 0 {
				problems = append(problems, fmt.Sprintf("字段「%s」同时选给了第 %d 列和第 %d 列", f.Label, k, i+1))
			}
			taken[v] = i + 1
		}
		alias := s.Fields.Lookup(c.Header)
		switch {
		case v == "" && alias != nil:
			lines = append(lines, importer.MappingLine{Column: c.Header, Field: importer.NoField})
		case v != "" && (alias == nil || alias.Name != v):
			lines = append(lines, importer.MappingLine{Column: c.Header, Field: v})
		}
	}
	if len(problems) > 0 {
		return choice, "", core.Errorf(core.EINVALID, "%s；每个字段只能对应一列", strings.Join(problems, "；"))
	}
	if len(lines) == 0 {
		return choice, "", nil
	}
	return choice, importer.FormatMapping(lines), nil
}

// handleImportMapping applies the mapping chosen in the page to the
// preview, and saves it under a name when one is given.
func (s *Server) handleImportMapping(w http.ResponseWriter, r *http.Request, p principal) {
	s.applyMapping(w, r, p, false)
}

// handleImportStart applies the mapping chosen in the page (saving it when
// a name is given) and starts the import in the background.
func (s *Server) handleImportStart(w http.ResponseWriter, r *http.Request, p principal) {
	s.applyMapping(w, r, p, true)
}

func (s *Server) applyMapping(w http.ResponseWriter, r *http.Request, p principal, start bool) {
	j, err := s.jobFromPath(r, p)
	if err == nil && j.owner.ID != p.User.ID {
		err = core.Errorf(core.ENOTFOUND, "导入任务不存在或已过期（任务保留 24 小时）") // only its owner starts it
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	j.mu.Lock()
	state, res := j.state, j.preview
	j.mu.Unlock()
	if state != jobPreview {
		s.failPage(w, r, core.Errorf(core.ECONFLICT, "此导入已经开始，不能再修改映射"))
		return
	}
	choice, text, err := s.mappingForm(r, res)
	if err != nil {
		if core.ErrorCode(err) != core.EINVALID {
			s.failPage(w, r, err)
			return
		}
		s.renderJob(w, r, p, j, http.StatusBadRequest, core.ErrorMessage(err), choice)
		return
	}
	shown := res.HeaderRow
	res, err = s.previewJob(r.Context(), j, text)
	if err != nil {
		if core.ErrorCode(err) == core.EINVALID {
			s.renderJob(w, r, p, j, http.StatusBadRequest, core.ErrorMessage(err), choice)
			return
		}
		s.failPage(w, r, err)
		return
	}
	if res.HeaderRow != shown {
		// The importer takes the row naming the most fields for the header:
		// with this mapping, another row than the one the user mapped.
		s.renderJob(w, r, p, j, http.StatusBadRequest, fmt.Sprintf("按这样的对应关系，第 %d 行而不是第 %d 行会被当作表头：请为更多的列选择字段（至少工单编号、受理时间、诉求内容）", res.HeaderRow, shown), choice)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("save_as"))
	if text == "" {
		name = "" // every column is found by its header: nothing to save
	}
	if name != "" {
		ms, ok := s.mappingStore()
		if !ok {
			s.renderJob(w, r, p, j, http.StatusBadRequest, "当前数据库不支持保存映射", choice)
			return
		}
		err := ms.PutImportMapping(r.Context(), core.ImportMapping{Name: name, Text: text, CreatedBy: p.User.Username, UpdatedAt: s.Clock.Now()})
		if err != nil {
			if core.ErrorCode(err) == core.EINVALID {
				s.renderJob(w, r, p, j, http.StatusBadRequest, core.ErrorMessage(err), choice)
				return
			}
			s.failPage(w, r, err)
			return
		}
		s.Log.Info("import mapping saved", "user_id", p.User.ID, "lines", strings.Count(text, "\n")-1)
	}
	j.mu.Lock()
	if j.state != jobPreview {
		j.mu.Unlock()
		s.failPage(w, r, core.Errorf(core.ECONFLICT, "此导入已经开始，不能再修改映射"))
		return
	}
	j.mapping, j.preview, j.choice = text, res, choicesOf(res)
	if name != "" {
		j.mappingName = name
	}
	if start && len(res.Missing) > 0 {
		j.mu.Unlock()
		var labels []string
		for _, f := range res.Missing {
			labels = append(labels, f.Label)
		}
		s.renderJob(w, r, p, j, http.StatusBadRequest, "必填字段 "+strings.Join(labels, "、")+" 没有对应的列：请在下方为它们选择列后再开始导入", nil)
		return
	}
	if start {
		j.state, j.phase = jobQueued, "导入"
	}
	j.mu.Unlock()
	if start {
		s.startImport(j)
	}
	http.Redirect(w, r, "/import/"+j.id, http.StatusSeeOther)
}

// startImport runs j's import in the background: the rows, then the
// keyword index and the predictions, as "jiceng import" does.
func (s *Server) startImport(j *importJob) {
	js := s.imports
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		defer close(j.done)
		s.runImport(js.ctx, j)
	}()
}

func (s *Server) runImport(ctx context.Context, j *importJob) {
	end := func(state, msg string) {
		j.mu.Lock()
		j.state, j.errMsg, j.ended = state, msg, s.Clock.Now()
		j.preview.Rows = nil // personal data the summary does not show
		j.mu.Unlock()
		s.ticketsChanged()
		// The upload is not needed any more; the rejects stay until the
		// job expires.
		os.Remove(j.path)
	}
	select {
	case s.imports.store <- struct{}{}:
		defer func() { <-s.imports.store }()
	case <-ctx.Done():
		end(jobFailed, "服务器已停止，导入未开始")
		return
	}
	j.mu.Lock()
	j.state = jobRunning
	text := j.mapping
	j.mu.Unlock()
	opt, err := s.importOptions(j, text)
	if err != nil {
		end(jobFailed, core.ErrorMessage(err))
		return
	}
	d := s.Dictionary
	if d == nil {
		d = deid.DefaultDictionary()
	}
	// What is stored in clear is the dictionary's store role, as for
	// "jiceng import"; without one nothing would be kept (fail closed).
	if !slices.Contains(d.Roles(), casework.StoreRole) || d.Check(casework.StoreRole) != nil {
		end(jobFailed, "脱敏字典中没有可用的 store（入库）角色，无法导入；请检查脱敏字典")
		return
	}
	opt.Actor = "import:" + j.file + " by " + j.owner.Username
	opt.Log = s.Log
	opt.Counter = new(int64)
	opt.Clean = func(t *core.Ticket) { *t = casework.MaskTicket(d, s.Fields, casework.StoreRole, *t) }
	opt.Progress = func(pr importer.Progress) {
		j.mu.Lock()
		j.prog = pr
		j.mu.Unlock()
	}
	// The counter is read by the page while the importer advances it.
	stopCount := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopCount:
				j.read.Store(atomic.LoadInt64(opt.Counter))
				return
			case <-t.C:
				j.read.Store(atomic.LoadInt64(opt.Counter))
			}
		}
	}()
	s.Log.Info("import started", "job", j.id, "user_id", j.owner.ID)
	sum, err := importer.Import(ctx, s.Store, j.path, opt)
	close(stopCount)
	s.ticketsChanged()
	j.mu.Lock()
	j.sum = sum
	j.mu.Unlock()
	s.Log.Info("import rows done", "job", j.id, "created", sum.Created, "updated", sum.Updated,
		"unchanged", sum.Unchanged, "rejected", sum.Rejected)
	if err != nil {
		if core.ErrorCode(err) == core.EINTERNAL {
			s.Log.Error("import failed", "job", j.id, "err", err)
		}
		msg := core.ErrorMessage(err)
		if ctx.Err() != nil {
			msg = "服务器已停止，导入中断；已保存的批次保留，重新上传同一文件即可继续"
		}
		end(jobFailed, msg)
		return
	}
	// As "jiceng import": the keyword index and the predictions come
	// behind the rows (a server restarted meanwhile finishes both).
	j.mu.Lock()
	j.phase = "建立关键词检索索引"
	j.mu.Unlock()
	if ix, ok := s.Store.(core.SearchIndexer); ok {
		n, err := ix.IndexSearch(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error("keyword index", "job", j.id, "err", err)
		}
		j.mu.Lock()
		j.indexed = n
		j.mu.Unlock()
	}
	if ps, ok := s.Store.(core.PredictionStore); ok && s.Understand != nil {
		j.mu.Lock()
		j.phase = "智能研判"
		j.mu.Unlock()
		n, err := s.Understand.Fill(ctx, ps, func(done int) {
			j.mu.Lock()
			j.predicted = done
			j.mu.Unlock()
		})
		if err != nil && ctx.Err() == nil {
			s.Log.Error("predictions", "job", j.id, "done", n, "err", err)
		}
		j.mu.Lock()
		j.predicted = n
		j.mu.Unlock()
	}
	end(jobDone, "")
	s.Log.Info("import done", "job", j.id)
}

// importStatusJSON is the answer of GET /api/v1/imports/{job}.
type importStatusJSON struct {
	ID       string   `json:"id"`
	State    string   `json:"state"`
	Label    string   `json:"label"`
	Phase    string   `json:"phase,omitempty"`
	Done     bool     `json:"done"`
	Percent  *float64 `json:"percent"` // null when not known (XLSX)
	Bytes    int64    `json:"bytes_read"`
	Size     int64    `json:"bytes_total"`
	Rows     int      `json:"rows"`
	Stored   int      `json:"stored"`
	Rejected int      `json:"rejected"`
	Text     string   `json:"text"` // the progress as the page says it
	Summary  *struct {
		Created   int      `json:"created"`
		Updated   int      `json:"updated"`
		Unchanged int      `json:"unchanged"`
		Rejected  int      `json:"rejected"`
		Unmapped  []string `json:"unmapped"`
		Missing   []string `json:"missing"`
		Rejects   bool     `json:"rejects"`
	} `json:"summary,omitempty"`
	Error string `json:"error,omitempty"`
}

func (s *Server) handleImportStatus(w http.ResponseWriter, r *http.Request, p principal) {
	j, err := s.jobFromPath(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j.mu.Lock()
	out := importStatusJSON{ID: j.id, State: j.state, Label: jobStateLabels[j.state], Phase: j.phase,
		Done: j.state == jobDone || j.state == jobFailed, Bytes: j.read.Load(), Size: j.size,
		Rows: j.prog.Rows, Stored: j.prog.Stored, Rejected: j.prog.Rejected, Error: j.errMsg}
	if pct, ok := j.percent(); ok && j.state != jobPreview {
		out.Percent = &pct
	}
	if j.state == jobQueued || j.state == jobRunning {
		out.Text = importProgressText(j.state, j.phase, j.prog)
	}
	if out.Done {
		sum := j.sum
		out.Summary = &struct {
			Created   int      `json:"created"`
			Updated   int      `json:"updated"`
			Unchanged int      `json:"unchanged"`
			Rejected  int      `json:"rejected"`
			Unmapped  []string `json:"unmapped"`
			Missing   []string `json:"missing"`
			Rejects   bool     `json:"rejects"`
		}{sum.Created, sum.Updated, sum.Unchanged, sum.Rejected, orEmpty(append(append([]string(nil), sum.Unmapped...), sum.Repeated...)),
			orEmpty(sum.Missing), sum.RejectsFile != ""}
	}
	j.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleImportRejects downloads the rejected rows of a job, with their
// reasons, as XLSX. They hold personal data in clear: the job's owner and
// administrators only (others' jobs answer 404), never cached.
func (s *Server) handleImportRejects(w http.ResponseWriter, r *http.Request, p principal) {
	j, err := s.jobFromPath(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	j.mu.Lock()
	src, ended := j.sum.RejectsFile, j.state == jobDone || j.state == jobFailed
	j.mu.Unlock()
	if !ended || src == "" {
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "此导入没有被拒绝的行"))
		return
	}
	out := filepath.Join(j.dir, "rejects.xlsx")
	j.convert.Lock()
	if _, err := os.Stat(out); errors.Is(err, os.ErrNotExist) {
		err = rejectsXLSX(src, out)
		if err != nil {
			j.convert.Unlock()
			s.failPage(w, r, err)
			return
		}
	}
	j.convert.Unlock()
	if _, err := os.Stat(out); err != nil {
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "拒绝行文件已删除（任务保留 24 小时）"))
		return
	}
	name := "拒绝行-" + strings.TrimSuffix(j.file, filepath.Ext(j.file)) + ".xlsx"
	s.Log.Info("import rejects downloaded", "job", j.id, "user_id", p.User.ID)
	// The rejected rows hold callers' data in clear: a download is an
	// export (the job id names it; the file name could be personal).
	s.addAudit(r, core.AuditEntry{Actor: p.User.Username, Role: p.User.Role, Action: core.AuditExport,
		Detail: fmt.Sprintf("导入任务 %s 的拒绝行（Excel）", j.id)})
	s.serveJobFile(w, r, out, name, xlsxType, "拒绝行文件已删除（任务保留 24 小时）")
}

// rejectsXLSX converts the importer's rejects CSV at src to an XLSX file
// at out (0600), every cell as text, cut to what a cell holds.
func rejectsXLSX(src, out string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	rr, err := tabfile.NewCSVReader(in, in)
	if err != nil {
		in.Close()
		return fmt.Errorf("rejects: %w", err)
	}
	defer rr.Close()
	tmp := out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	defer os.Remove(tmp)
	xw, err := tabfile.NewXLSXSheetWriter(f, "拒绝行")
	if err != nil {
		f.Close()
		return fmt.Errorf("rejects: %w", err)
	}
	defer tabfile.Discard(xw)
	cells := []string{}
	for n := 0; ; n++ {
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return fmt.Errorf("rejects: %w", err)
		}
		if n >= tabfile.MaxXLSXRows-1 {
			f.Close()
			return core.Errorf(core.EINVALID, "被拒绝的行超过 Excel 的行数上限，请用命令行 jiceng import 导入此文件（拒绝行写入 CSV）")
		}
		cells = cells[:0]
		for _, c := range row.Cells {
			if len(c) > tabfile.MaxXLSXCell { // bytes ≥ UTF-16 units
				i := tabfile.MaxXLSXCell - len("…")
				for i > 0 && !utf8.RuneStart(c[i]) {
					i--
				}
				c = c[:i] + "…"
			}
			cells = append(cells, c)
		}
		if err := xw.Write(cells); err != nil {
			f.Close()
			return fmt.Errorf("rejects: %w", err)
		}
	}
	err = xw.Close()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	return os.Rename(tmp, out)
}
