package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"jiceng/internal/core"
)

// What the background jobs of the pages share: the import jobs
// (imports.go) and the export jobs (exportjobs.go). A job has a random id
// (newJobID), a state of the job states below, a page that shows its
// progress (progressView, template "job-progress" of layout.html) which
// static/job.js updates from the job's JSON status, and files served by
// serveJobFile.

// Job states.
const (
	jobPreview = "preview" // uploaded, mapping being checked (imports)
	jobQueued  = "queued"  // started, waiting for the job before it
	jobRunning = "running"
	jobDone    = "done"
	jobFailed  = "failed"
)

// newJobID returns a random job id: 128 bits, URL-safe.
func newJobID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("job id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// progressView is the progress of a running job as its page shows it
// (template "job-progress"). static/job.js polls Status, a JSON answer
// with done, percent (a number, or null when not known) and text, updates
// the bar and the text, and reloads the page when the job is done.
type progressView struct {
	ID      string // of the section, for tests and styles
	Heading string
	Status  string // URL of the job's JSON status
	Percent string // "" when not known
	Text    string
	Hint    string
}

// serveJobFile sends the file at path as a download named name, never
// cached; a file that is gone answers gone, with the error page.
func (s *Server) serveJobFile(w http.ResponseWriter, r *http.Request, path, name, contentType, gone string) {
	f, err := os.Open(path)
	if err != nil {
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "%s", gone))
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}
