package knowledge

import (
	"io/fs"
	"sync/atomic"
	"time"
)

// Library holds the knowledge currently served. Readers call Base for a snapshot and keep using
// it for the whole of one request; Reload swaps in a new Base only when it loaded cleanly, so a
// broken folder never replaces working knowledge.
type Library struct {
	current atomic.Pointer[served]
	load    func() (*Base, error)
}

// served is a Base with its Version, swapped as one so that they always agree.
type served struct {
	base    *Base
	version Version
}

func serve(b *Base) *served { return &served{b, Version{Hash: b.Hash(), Loaded: time.Now()}} }

// Version says which knowledge a Library serves: the Hash of its Base and when that Base was
// loaded (at start or by the last successful Reload).
type Version struct {
	Hash   string    `json:"hash"`
	Loaded time.Time `json:"loaded"`
}

// NewLibrary loads the knowledge with load and returns a Library serving it. load is called
// again by Reload; it is usually func() (*Base, error) { return Load(fsys) }.
func NewLibrary(load func() (*Base, error)) (*Library, error) {
	b, err := load()
	if err != nil {
		return nil, err
	}
	l := &Library{load: load}
	l.current.Store(serve(b))
	return l, nil
}

// LibraryOf returns a Library serving a Base loaded from fsys.
func LibraryOf(fsys fs.FS) (*Library, error) {
	return NewLibrary(func() (*Base, error) { return Load(fsys) })
}

// Base returns the knowledge being served now.
func (l *Library) Base() *Base { return l.current.Load().base }

// Version returns the hash of the knowledge being served now and when it was loaded.
func (l *Library) Version() Version {
	return l.current.Load().version
}

// Reload loads the knowledge again. On success the new Base is served from now on and returned
// with the one it replaced; on failure the old Base keeps serving and the error lists every
// problem.
func (l *Library) Reload() (next, prev *Base, err error) {
	b, err := l.load()
	if err != nil {
		return nil, l.Base(), err
	}
	return b, l.current.Swap(serve(b)).base, nil
}
