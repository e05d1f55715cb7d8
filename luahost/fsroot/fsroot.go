// Package fsroot confines the file access kosmo gives scripts to the
// directories the user names: reads only under the --allow-read
// directories (none by default), writes only under the --output-dir
// directory (the current directory by default).
//
// Paths are taken relative to such a directory, or as absolute paths that
// lie inside one. Every file is opened through an os.Root, so neither ".."
// nor a symbolic link can lead outside, whatever happens to the tree
// between the check and the open. Refusals are errcode.PermissionDenied
// errors that name the path and the flag that would allow it.
//
// The package knows nothing about Lua or any integration; an integration
// receives a *Roots in registry.Env.Files.
package fsroot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Roots is the set of directories a run may read and write.
type Roots struct {
	read  []*dir
	write *dir // nil: writes are refused
}

type dir struct {
	path     string // absolute, as given (cleaned)
	resolved string // with symbolic links resolved
	flag     string

	once sync.Once
	root *os.Root
	err  error
}

func (d *dir) open() (*os.Root, error) {
	d.once.Do(func() { d.root, d.err = os.OpenRoot(d.resolved) })
	return d.root, d.err
}

// New checks the directories and returns the roots. readDirs may be
// empty; writeDir "" refuses every write.
func New(readDirs []string, writeDir string) (*Roots, error) {
	r := &Roots{}
	for _, p := range readDirs {
		d, err := newDir(p, "--allow-read")
		if err != nil {
			return nil, err
		}
		r.read = append(r.read, d)
	}
	if writeDir != "" {
		d, err := newDir(writeDir, "--output-dir")
		if err != nil {
			return nil, err
		}
		r.write = d
	}
	return r, nil
}

func newDir(p, flag string) (*dir, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, errcode.Wrap(errcode.UsageError, err, fmt.Sprintf("%s %s: %v", flag, p, err))
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, errcode.New(errcode.UsageError, "%s %s: the directory does not exist or cannot be read", flag, p).
			WithHint("create it first, or name an existing directory")
	}
	st, err := os.Stat(resolved)
	if err != nil || !st.IsDir() {
		return nil, errcode.New(errcode.UsageError, "%s %s is not a directory", flag, p)
	}
	return &dir{path: abs, resolved: resolved, flag: flag}, nil
}

// ReadDirs returns the readable directories, as given.
func (r *Roots) ReadDirs() []string {
	out := make([]string, len(r.read))
	for i, d := range r.read {
		out[i] = d.path
	}
	return out
}

// WriteDir returns the output directory, or "" when writes are refused.
func (r *Roots) WriteDir() string {
	if r == nil || r.write == nil {
		return ""
	}
	return r.write.path
}

// Close releases the directory handles.
func (r *Roots) Close() error {
	if r == nil {
		return nil
	}
	for _, d := range append(append([]*dir(nil), r.read...), r.write) {
		if d != nil && d.root != nil {
			_ = d.root.Close()
		}
	}
	return nil
}

func denied(p, why, flag string) *errcode.Error {
	e := errcode.New(errcode.PermissionDenied, "%s: %s", p, why).WithDetail("path", p)
	switch flag {
	case "--allow-read":
		e.WithHint("scripts may only read files under a directory given with --allow-read DIR")
	case "--output-dir":
		e.WithHint("scripts may only write files under --output-dir DIR (default: the current directory)")
	}
	return e
}

// relTo expresses p relative to d, or reports that it lies outside.
// Relative paths are taken as relative to d already.
func relTo(d *dir, p string) (string, bool) {
	if !filepath.IsAbs(p) {
		return filepath.Clean(p), true
	}
	clean := filepath.Clean(p)
	for _, base := range []string{d.path, d.resolved} {
		if rel, err := filepath.Rel(base, clean); err == nil && filepath.IsLocal(rel) {
			return rel, true
		}
		if clean == base {
			return ".", true
		}
	}
	// The path may reach the directory through a symbolic link: resolve
	// its parent (the file itself may not exist yet).
	if parent, err := filepath.EvalSymlinks(filepath.Dir(clean)); err == nil {
		if rel, err := filepath.Rel(d.resolved, filepath.Join(parent, filepath.Base(clean))); err == nil && filepath.IsLocal(rel) {
			return rel, true
		}
	}
	return "", false
}

// check refuses what no directory could hold before touching the disk.
func check(p string) error {
	if p == "" {
		return errcode.New(errcode.InvalidArgument, "the path is empty")
	}
	if strings.ContainsRune(p, 0) {
		return errcode.New(errcode.InvalidArgument, "the path contains a NUL byte")
	}
	return nil
}

// escapes reports whether an os.Root error means the path left the root.
func escapes(err error) bool {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return strings.Contains(pe.Err.Error(), "escapes") || strings.Contains(pe.Err.Error(), "outside")
	}
	return strings.Contains(err.Error(), "escapes from parent")
}

// Open opens a file for reading. A relative path is looked up in each
// readable directory in turn.
func (r *Roots) Open(p string) (*os.File, error) {
	if err := check(p); err != nil {
		return nil, err
	}
	if r == nil || len(r.read) == 0 {
		return nil, denied(p, "reading files is not allowed in this run", "--allow-read")
	}
	var firstErr error
	matched := false
	for _, d := range r.read {
		rel, inside := relTo(d, p)
		if !inside {
			continue
		}
		matched = true
		root, err := d.open()
		if err != nil {
			return nil, errcode.Wrap(errcode.PermissionDenied, err, fmt.Sprintf("%s: cannot open %s %s: %v", p, d.flag, d.path, err))
		}
		f, err := root.Open(rel)
		if err == nil {
			st, serr := f.Stat()
			if serr == nil && st.IsDir() {
				f.Close()
				return nil, errcode.New(errcode.InvalidArgument, "%s is a directory, not a file", p).WithDetail("path", p)
			}
			return f, nil
		}
		if escapes(err) {
			return nil, denied(p, "the path leads outside the readable directories (through .. or a symbolic link)", "--allow-read")
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if !matched {
		return nil, denied(p, "the path is outside the readable directories ("+strings.Join(r.ReadDirs(), ", ")+")", "--allow-read")
	}
	if errors.Is(firstErr, fs.ErrNotExist) {
		return nil, errcode.New(errcode.InvalidArgument, "%s: no such file under %s", p, strings.Join(r.ReadDirs(), ", ")).WithDetail("path", p)
	}
	return nil, errcode.Wrap(errcode.InvalidArgument, firstErr, fmt.Sprintf("%s: %v", p, firstErr)).WithDetail("path", p)
}

// Target is a file to be written under the output directory: written to
// a partial file beside it, then renamed into place.
type Target struct {
	root *os.Root
	rel  string
	// Path is where the file ends up (absolute).
	Path string
}

// partSuffix names the partial file of a target.
const partSuffix = ".part"

// Create resolves a path for writing. Missing parent directories are made
// (inside the output directory only).
func (r *Roots) Create(p string) (*Target, error) {
	if err := check(p); err != nil {
		return nil, err
	}
	if r == nil || r.write == nil {
		return nil, denied(p, "writing files is not allowed in this run", "--output-dir")
	}
	d := r.write
	rel, inside := relTo(d, p)
	if !inside || !filepath.IsLocal(rel) || rel == "." {
		return nil, denied(p, "the path is outside the output directory "+d.path, "--output-dir")
	}
	root, err := d.open()
	if err != nil {
		return nil, errcode.Wrap(errcode.PermissionDenied, err, fmt.Sprintf("%s: cannot open --output-dir %s: %v", p, d.path, err))
	}
	if parent := filepath.Dir(rel); parent != "." {
		if err := root.MkdirAll(parent, 0o755); err != nil {
			if escapes(err) {
				return nil, denied(p, "the path leads outside the output directory (through a symbolic link)", "--output-dir")
			}
			return nil, errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: cannot create its directory: %v", p, err))
		}
	}
	if st, err := root.Lstat(rel); err == nil {
		if st.Mode()&fs.ModeSymlink != 0 {
			return nil, denied(p, "the path is a symbolic link; kosmo does not write through links", "--output-dir")
		}
		if st.IsDir() {
			return nil, errcode.New(errcode.InvalidArgument, "%s is a directory", p).WithDetail("path", p)
		}
	} else if escapes(err) {
		return nil, denied(p, "the path leads outside the output directory (through a symbolic link)", "--output-dir")
	}
	return &Target{root: root, rel: rel, Path: filepath.Join(d.path, rel)}, nil
}

// OpenPart opens the partial file for appending, creating it when
// missing, and returns it with its current size (a previous, interrupted
// attempt may have left bytes to resume from).
func (t *Target) OpenPart() (*os.File, int64, error) {
	f, err := t.root.OpenFile(t.rel+partSuffix, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		if escapes(err) {
			return nil, 0, denied(t.Path, "the partial file leads outside the output directory", "--output-dir")
		}
		return nil, 0, errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: %v", t.Path, err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Commit renames the completed partial file into place.
func (t *Target) Commit() error {
	if err := t.root.Rename(t.rel+partSuffix, t.rel); err != nil {
		return errcode.Wrap(errcode.InvalidArgument, err, fmt.Sprintf("%s: cannot move the downloaded file into place: %v", t.Path, err))
	}
	return nil
}

// Discard removes the partial file.
func (t *Target) Discard() { _ = t.root.Remove(t.rel + partSuffix) }
