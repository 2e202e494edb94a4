package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

// waitExport waits for the end of export job id.
func waitExport(tb testing.TB, f *fixture, id string) *exportJob {
	tb.Helper()
	f.server.exports.mu.Lock()
	j := f.server.exports.jobs[id]
	f.server.exports.mu.Unlock()
	if j == nil {
		tb.Fatalf("no export job %s", id)
		return nil
	}
	<-j.done
	return j
}

// exported starts the export of path as the user of c and follows it as
// the user would: the file of the finished job, or the job's page when it
// failed; a request that started no job is answered as it was.
func (f *fixture) exported(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	r := f.get(t, c, path)
	id, ok := strings.CutPrefix(r.header.Get("Location"), "/exports/")
	if r.status != http.StatusSeeOther || !ok {
		return r
	}
	if j := waitExport(t, f, id); j.state == jobFailed {
		return f.get(t, c, "/exports/"+id)
	}
	return f.get(t, c, "/exports/"+id+"/file")
}

// startedExport starts the export of path as the user of c and returns
// its job, ended.
func (f *fixture) startedExport(t *testing.T, c *http.Client, path string) *exportJob {
	t.Helper()
	r := f.get(t, c, path)
	id, ok := strings.CutPrefix(r.header.Get("Location"), "/exports/")
	if r.status != http.StatusSeeOther || !ok {
		t.Fatalf("start %s: %d %.300s", path, r.status, r.body)
	}
	return waitExport(t, f, id)
}

// TestExportJobs: an export job's page, its status and its file are its
// owner's only; a user runs at most maxRunningExports at once; the files
// go after exportJobTTL and when the server stops.
func TestExportJobs(t *testing.T) {
	f := newFixture(t)
	staff := f.login(t, "staff")
	j := f.startedExport(t, staff, "/tickets/export?format=csv")
	if j.state != jobDone {
		t.Fatalf("job %s: %s", j.state, j.errMsg)
	}
	id := j.id

	t.Run("owner", func(t *testing.T) {
		page := f.get(t, staff, "/exports/"+id)
		if page.status != http.StatusOK || !bytes.Contains(page.body, []byte(`href="/exports/`+id+`/file"`)) ||
			!bytes.Contains(page.body, []byte("共 3 行")) {
			t.Errorf("page: %d %.500s", page.status, page.body)
		}
		file := f.get(t, staff, "/exports/"+id+"/file")
		if file.status != http.StatusOK || file.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.HasPrefix(file.header.Get("Content-Disposition"), "attachment; filename*=UTF-8''%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%87%BA-") ||
			!bytes.Contains(file.body, []byte("QHW2501050001")) {
			t.Errorf("file: %d %v", file.status, file.header)
		}
		st := decode[exportStatusJSON](t, f.get(t, staff, "/api/v1/exports/"+id))
		if !st.Done || st.State != jobDone || st.Rows != 3 || st.Total == nil || *st.Total != 3 || st.Percent == nil || *st.Percent != 100 ||
			st.File != "/exports/"+id+"/file" || st.Size != int64(len(file.body)) {
			t.Errorf("status %+v", st)
		}
		list := f.get(t, staff, "/exports")
		if list.status != http.StatusOK || !bytes.Contains(list.body, []byte(`/exports/`+id+`/file`)) {
			t.Errorf("list: %d", list.status)
		}
	})

	for _, user := range []string{"admin", "leader", "community"} {
		t.Run("another user: "+user, func(t *testing.T) {
			c := f.login(t, user)
			for _, p := range []string{"/exports/" + id, "/exports/" + id + "/file", "/api/v1/exports/" + id} {
				r := f.get(t, c, p)
				missing := f.get(t, c, strings.Replace(p, id, "no-such-job", 1))
				if r.status != http.StatusNotFound || !bytes.Equal(r.body, missing.body) {
					t.Errorf("%s: %d %.200s, want 404 as a missing job", p, r.status, r.body)
				}
			}
			if list := f.get(t, c, "/exports"); bytes.Contains(list.body, []byte(id)) {
				t.Errorf("another user's list shows the job")
			}
		})
	}

	t.Run("running", func(t *testing.T) {
		// A job that runs until the test ends it: 4 of 10 rows written.
		release, ready := make(chan struct{}), make(chan struct{})
		leader := f.login(t, "leader")
		u, err := f.store.UserByUsername(t.Context(), "leader")
		if err != nil {
			t.Fatal(err)
		}
		run, err := f.server.exports.start(u, "工单", "csv", "x.csv", "text/csv", fixedNow, func(_ context.Context, j *exportJob, _ io.Writer) error {
			j.setTotal(10)
			j.rows.Store(4)
			close(ready)
			<-release
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		<-ready
		page := string(f.get(t, leader, "/exports/"+run.id).body)
		for _, want := range []string{`data-status="/api/v1/exports/` + run.id + `"`, `value="40.0"`, "已写入 4 / 10 行", `<script src="/static/job.js">`,
			`<noscript><meta http-equiv="refresh" content="3"></noscript>`} {
			if !strings.Contains(page, want) {
				t.Errorf("progress page lacks %q", want)
			}
		}
		st := decode[exportStatusJSON](t, f.get(t, leader, "/api/v1/exports/"+run.id))
		if st.Done || st.Rows != 4 || st.Percent == nil || *st.Percent != 40 || st.Text != "已写入 4 / 10 行" || st.File != "" {
			t.Errorf("status %+v", st)
		}
		if r := f.get(t, leader, "/exports/"+run.id+"/file"); r.status != http.StatusConflict {
			t.Errorf("the file of a running job: %d, want 409", r.status)
		}
		close(release)
		waitExport(t, f, run.id)
	})

	t.Run("limit", func(t *testing.T) {
		hd, err := f.store.UserByUsername(t.Context(), "hd01")
		if err != nil {
			t.Fatal(err)
		}
		c := f.login(t, "hd01")
		release := make(chan struct{})
		var held []*exportJob
		for range maxRunningExports {
			j, err := f.server.exports.start(hd, "工单", "csv", "x.csv", "text/csv", fixedNow, func(context.Context, *exportJob, io.Writer) error {
				<-release
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, j)
		}
		before := len(auditOf(t, f, core.AuditFilter{Action: core.AuditExport}))
		r := f.get(t, c, "/tickets/export?format=csv")
		if r.status != http.StatusTooManyRequests || !bytes.Contains(r.body, []byte("您已有 2 个导出任务正在进行")) {
			t.Errorf("a third job: %d %.300s", r.status, r.body)
		}
		if after := len(auditOf(t, f, core.AuditFilter{Action: core.AuditExport})); after != before {
			t.Errorf("a refused export is in the audit log")
		}
		// Another user is not held back.
		if j := f.startedExport(t, f.login(t, "handler"), "/tickets/export?format=csv"); j.state != jobDone {
			t.Errorf("another user's job: %s %s", j.state, j.errMsg)
		}
		close(release)
		for _, j := range held {
			waitExport(t, f, j.id)
		}
		if j := f.startedExport(t, c, "/tickets/export?format=csv"); j.state != jobDone {
			t.Errorf("after the jobs ended: %s %s", j.state, j.errMsg)
		}
	})

	t.Run("expiry", func(t *testing.T) {
		if _, err := os.Stat(j.path); err != nil {
			t.Fatal(err)
		}
		f.server.exports.sweep(fixedNow.Add(exportJobTTL - time.Second))
		if r := f.get(t, staff, "/exports/"+id+"/file"); r.status != http.StatusOK {
			t.Fatalf("before it expires: %d", r.status)
		}
		f.server.exports.sweep(fixedNow.Add(exportJobTTL))
		if r := f.get(t, staff, "/exports/"+id+"/file"); r.status != http.StatusNotFound || !bytes.Contains(r.body, []byte("保留 24 小时")) {
			t.Errorf("expired: %d %.300s", r.status, r.body)
		}
		if _, err := os.Stat(j.path); !os.IsNotExist(err) {
			t.Errorf("the expired file is kept: %v", err)
		}
	})

	t.Run("shutdown", func(t *testing.T) {
		j := f.startedExport(t, staff, "/tickets/export?format=xlsx")
		dir := f.server.exports.dir
		if _, err := os.Stat(j.path); err != nil {
			t.Fatal(err)
		}
		f.server.closeJobs()
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("the files' directory is kept at shutdown: %v", err)
		}
		if r := f.get(t, staff, "/tickets/export?format=csv"); r.status != http.StatusConflict {
			t.Errorf("an export after shutdown: %d", r.status)
		}
	})
}
