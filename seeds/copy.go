package seeds

import (
	"io/fs"
	"testing/fstest"
)

// Copy returns the seed folder as an in-memory file system that can be changed: every file's
// bytes under the same paths. Tests use it to load a knowledge base with one file changed.
func Copy() (fstest.MapFS, error) {
	m := fstest.MapFS{}
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	return m, err
}
