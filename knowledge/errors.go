package knowledge

import (
	"fmt"
	"sort"
	"strings"
)

// SeedError is one problem in one knowledge file, shaped like os.PathError so callers can report
// the file and line without parsing strings. Line is 0 when the problem concerns the whole file.
type SeedError struct {
	File string
	Line int
	Err  error
}

func (e *SeedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *SeedError) Unwrap() error { return e.Err }

// Problems is every problem found while loading a knowledge folder. Load returns it as its error
// so that an admin sees all of them at once, not one per attempt.
type Problems []*SeedError

func (p Problems) Error() string {
	lines := make([]string, len(p))
	for i, e := range p {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders problems by file, then line, so reports read top to bottom.
func (p Problems) sorted() Problems {
	sort.SliceStable(p, func(i, j int) bool {
		if p[i].File != p[j].File {
			return p[i].File < p[j].File
		}
		return p[i].Line < p[j].Line
	})
	return p
}
