package boltstore

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// compactTxSize is how many bytes Compact copies in one write transaction.
const compactTxSize = 64 << 20

// Compact writes a compacted copy of the database file src to dst, which must not exist yet:
// bbolt never gives freed pages back to the file system, so a file that once held a long
// outbox or many conversations stays large; the copy holds only the live data. src must not be
// in use: when a bot holds it, the error names the file and wraps ErrLocked, and src is not
// touched. It returns the sizes of src and dst in bytes. Compact takes src's lock for the
// whole copy, so no bot can start on it meanwhile.
func Compact(src, dst string, lockTimeout time.Duration) (before, after int64, err error) {
	if _, err := os.Lstat(dst); err == nil {
		return 0, 0, fmt.Errorf("compact: %s already exists: give a new file", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, 0, fmt.Errorf("compact: %v", err)
	}
	fi, err := os.Stat(src)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %v", err)
	}
	from, err := openChecked(src, lockTimeout)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	defer from.Close()
	to, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return 0, 0, fmt.Errorf("compact: create %s: %v", dst, err)
	}
	if err := bolt.Compact(to, from, compactTxSize); err != nil {
		to.Close()
		os.Remove(dst)
		return 0, 0, fmt.Errorf("compact %s: %v", src, err)
	}
	if err := to.Close(); err != nil {
		os.Remove(dst)
		return 0, 0, fmt.Errorf("compact: close %s: %v", dst, err)
	}
	out, err := os.Stat(dst)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %v", err)
	}
	return fi.Size(), out.Size(), nil
}
