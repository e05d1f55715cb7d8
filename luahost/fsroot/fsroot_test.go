package fsroot_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/fsroot"
)

// tree makes base/{in,out,outside} with a few files and links:
//
//	in/a.txt, in/sub/b.txt, outside/secret.txt
//	in/out-link -> ../outside/secret.txt, in/dir-link -> ../outside
//	in/in-link -> a.txt
func tree(t *testing.T) string {
	base := t.TempDir()
	for _, d := range []string{"in/sub", "out", "outside"} {
		require.NoError(t, os.MkdirAll(filepath.Join(base, d), 0o755))
	}
	for name, body := range map[string]string{"in/a.txt": "a", "in/sub/b.txt": "b", "outside/secret.txt": "secret"} {
		require.NoError(t, os.WriteFile(filepath.Join(base, name), []byte(body), 0o644))
	}
	require.NoError(t, os.Symlink("../outside/secret.txt", filepath.Join(base, "in/out-link")))
	require.NoError(t, os.Symlink("../outside", filepath.Join(base, "in/dir-link")))
	require.NoError(t, os.Symlink("a.txt", filepath.Join(base, "in/in-link")))
	return base
}

func code(t *testing.T, err error) errcode.Code {
	t.Helper()
	var ce *errcode.Error
	require.True(t, errors.As(err, &ce), "not a coded error: %v", err)
	return ce.Code
}

func read(t *testing.T, r *fsroot.Roots, p string) (string, error) {
	t.Helper()
	f, err := r.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b), nil
}

func TestReadsStayInside(t *testing.T) {
	base := tree(t)
	r, err := fsroot.New([]string{filepath.Join(base, "in")}, "")
	require.NoError(t, err)
	defer r.Close()

	for p, want := range map[string]string{
		"a.txt":                                "a",
		"sub/b.txt":                            "b",
		"sub/../a.txt":                         "a",
		"in-link":                              "a",
		filepath.Join(base, "in", "sub/b.txt"): "b",
	} {
		got, err := read(t, r, p)
		require.NoError(t, err, p)
		assert.Equal(t, want, got, p)
	}
	for _, p := range []string{
		"../outside/secret.txt",
		"sub/../../outside/secret.txt",
		filepath.Join(base, "outside/secret.txt"),
		"out-link",
		"dir-link/secret.txt",
		"/etc/passwd",
	} {
		_, err := read(t, r, p)
		require.Error(t, err, p)
		assert.Equal(t, errcode.PermissionDenied, code(t, err), "%s: %v", p, err)
	}
	_, err = read(t, r, "missing.txt")
	assert.Equal(t, errcode.InvalidArgument, code(t, err))
	_, err = read(t, r, "sub")
	assert.Equal(t, errcode.InvalidArgument, code(t, err), "a directory is not a file")
	_, err = read(t, r, "")
	assert.Equal(t, errcode.InvalidArgument, code(t, err))
}

func TestNothingReadableByDefault(t *testing.T) {
	base := tree(t)
	r, err := fsroot.New(nil, filepath.Join(base, "out"))
	require.NoError(t, err)
	_, err = read(t, r, filepath.Join(base, "in/a.txt"))
	assert.Equal(t, errcode.PermissionDenied, code(t, err))
	var nilRoots *fsroot.Roots
	_, err = nilRoots.Open("a.txt")
	assert.Equal(t, errcode.PermissionDenied, code(t, err))
	_, err = nilRoots.Create("a.txt")
	assert.Equal(t, errcode.PermissionDenied, code(t, err))
}

func TestSeveralReadDirs(t *testing.T) {
	base := tree(t)
	r, err := fsroot.New([]string{filepath.Join(base, "outside"), filepath.Join(base, "in")}, "")
	require.NoError(t, err)
	got, err := read(t, r, "a.txt")
	require.NoError(t, err)
	assert.Equal(t, "a", got, "a relative path is looked up in each directory")
	got, err = read(t, r, "out-link")
	require.Error(t, err, "a link from one allowed directory into another still leaves its root")
	assert.Empty(t, got)
}

func TestReadDirThroughSymlink(t *testing.T) {
	base := tree(t)
	link := filepath.Join(base, "in-alias")
	require.NoError(t, os.Symlink(filepath.Join(base, "in"), link))
	r, err := fsroot.New([]string{link}, "")
	require.NoError(t, err)
	for _, p := range []string{"a.txt", filepath.Join(link, "a.txt"), filepath.Join(base, "in", "a.txt")} {
		got, err := read(t, r, p)
		require.NoError(t, err, p)
		assert.Equal(t, "a", got)
	}
}

func TestWritesStayInside(t *testing.T) {
	base := tree(t)
	out := filepath.Join(base, "out")
	require.NoError(t, os.Symlink("../outside", filepath.Join(out, "escape")))
	require.NoError(t, os.Symlink("../outside/secret.txt", filepath.Join(out, "file-link")))
	r, err := fsroot.New(nil, out)
	require.NoError(t, err)
	assert.Equal(t, out, r.WriteDir())

	for _, p := range []string{"../x", filepath.Join(base, "outside/x"), "escape/x", "file-link", "a/../../x", "."} {
		_, err := r.Create(p)
		require.Error(t, err, p)
		assert.Equal(t, errcode.PermissionDenied, code(t, err), "%s: %v", p, err)
	}
	secret, _ := os.ReadFile(filepath.Join(base, "outside/secret.txt"))
	assert.Equal(t, "secret", string(secret))

	tg, err := r.Create("deep/er/file.bin")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(out, "deep/er/file.bin"), tg.Path)
	f, size, err := tg.OpenPart()
	require.NoError(t, err)
	assert.Zero(t, size)
	_, err = f.Write([]byte("hello"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, err = os.Stat(tg.Path)
	assert.True(t, os.IsNotExist(err), "nothing at the final name before Commit")

	// A second open appends and reports what is there (for resuming).
	f, size, err = tg.OpenPart()
	require.NoError(t, err)
	assert.EqualValues(t, 5, size)
	_, err = f.Write([]byte(" world"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, tg.Commit())
	b, err := os.ReadFile(tg.Path)
	require.NoError(t, err)
	assert.Equal(t, "hello world", string(b))
	_, err = os.Stat(tg.Path + ".part")
	assert.True(t, os.IsNotExist(err))

	// Absolute paths inside are fine; Discard removes the partial file.
	tg, err = r.Create(filepath.Join(out, "abs.bin"))
	require.NoError(t, err)
	f, _, err = tg.OpenPart()
	require.NoError(t, err)
	f.Close()
	tg.Discard()
	_, err = os.Stat(filepath.Join(out, "abs.bin.part"))
	assert.True(t, os.IsNotExist(err))
}

func TestNewChecksDirectories(t *testing.T) {
	base := tree(t)
	_, err := fsroot.New([]string{filepath.Join(base, "nope")}, "")
	assert.Equal(t, errcode.UsageError, code(t, err))
	_, err = fsroot.New(nil, filepath.Join(base, "in/a.txt"))
	assert.Equal(t, errcode.UsageError, code(t, err))
	r, err := fsroot.New([]string{filepath.Join(base, "in")}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(base, "in")}, r.ReadDirs())
	_, err = r.Create("x")
	assert.Equal(t, errcode.PermissionDenied, code(t, err), "no output directory, no writes")
}
