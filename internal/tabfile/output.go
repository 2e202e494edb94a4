package tabfile

import (
	"os"
	"path/filepath"

	"jiceng/internal/core"
)

// Output is a file being written: a temporary file in the same directory,
// synced and renamed into place by Commit, so that an interrupted run
// never leaves half a file under the final name (and a file already there
// stays as it was until then). A path that is not a regular file
// (/dev/null, a named pipe) is written directly, never replaced.
type Output struct {
	*os.File
	tmp, path string
	done      bool
}

// Create starts the output file at path, mode 0644. Errors are *core.Error
// naming the file.
func Create(path string) (*Output, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, &core.Error{Code: core.EINVALID, Message: "无法写入 " + filepath.Base(path), Err: err}
		}
		return &Output{File: f, path: path}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err == nil {
		if err = f.Chmod(0o644); err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	if err != nil {
		return nil, &core.Error{Code: core.EINVALID, Message: "无法创建文件 " + filepath.Base(path), Err: err}
	}
	return &Output{File: f, tmp: f.Name(), path: path}, nil
}

// Commit syncs and closes the file and moves it into place. After Commit,
// Abort does nothing.
func (o *Output) Commit() error {
	if o.done {
		return os.ErrClosed
	}
	o.done = true
	if o.tmp == "" {
		return o.Close()
	}
	err := o.Sync()
	if cerr := o.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.tmp, o.path)
	}
	if err != nil {
		os.Remove(o.tmp)
	}
	return err
}

// Abort drops an uncommitted file: the temporary file is removed and
// whatever was at the path stays. After Commit it does nothing, so that
// it can be deferred.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	o.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}
