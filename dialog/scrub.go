package dialog

import (
	"bytes"
	"fmt"
	"os"
)

// scrub overwrites with zeros every page of the database file that holds no live data, and
// returns how many pages it wrote. bbolt never clears a page it frees: the values deleted by
// Forget, by the retention sweep or by a delivered outbox entry stay in the file, byte for byte,
// until the page is used again, and a backup (a copy of the file's pages) carries them along.
// Scrubbing after an erasure is what makes "erased" mean unrecoverable, from the file and from
// any backup made afterwards.
//
// Why this, and not the alternatives:
//   - Encrypting each person's texts with a key of their own (crypto-shredding) needs the key to
//     be erased for real in turn: kept in a bbolt bucket, a deleted key stays in a freed page like
//     any value, and is easy to find there (a key bucket's leaf page has a known layout). It
//     would only move the problem, and cost a cipher on every read and write of every step.
//   - Compacting into a new file after an erasure rewrites the whole database and has to stop
//     every reader and writer while the files are swapped: its cost grows with the database,
//     not with what was erased.
//   - Zeroing the free pages costs a read of the free pages and a write of those that are not
//     zero yet, then one fsync: it grows with what was freed since the last scrub.
//
// A freed page is not free at once: bbolt keeps it pending while a read transaction that began
// before the free may still read it. Pending pages are released when a write transaction
// begins, as far as no open reader can see them; so scrub begins its write transaction while no
// read transaction of this store is open (readers are held off for that instant only), and then
// every page bbolt reports as free is out of reach of every reader, present and future, and of
// the writer, which is scrub itself until it rolls back. Writers wait for the zeroing (the
// figures are in the package's benchmarks), and so do backups (see store.copying), which copy
// free pages too; other readers do not.
//
// The file is written in place. On a file system that copies on write (btrfs, ZFS) or a disk
// that remaps blocks (SSDs), the old blocks may survive below the file: that is out of reach of
// any program, and the reason to keep the database on an encrypted volume.
func (s *store) scrub() (int, error) {
	const scrubRun = 256
	if err := s.refusal(); err != nil {
		return 0, err
	}
	n := 0
	s.copying.Lock()
	defer s.copying.Unlock()
	err := s.wrap(s.guard(func() error {
		s.readers.Lock()
		tx, err := s.db.Begin(true)
		s.readers.Unlock()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		f, err := os.OpenFile(s.db.Path(), os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		size := s.db.Info().PageSize
		pages := int(tx.Size()) / size
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		// Past the last page in use the file holds no live page either, but a commit that
		// failed half way (a full disk) may have written some there.
		end := int(fi.Size()) / size
		// Candidate pages are read in runs of up to scrubRun pages: one call per run, not per
		// page (the file's tail alone can be many megabytes).
		buf := make([]byte, scrubRun*size)
		zero := make([]byte, size)
		flush := func(first, count int) error {
			if count == 0 {
				return nil
			}
			run := buf[:count*size]
			if _, err := f.ReadAt(run, int64(first)*int64(size)); err != nil {
				return err
			}
			for i := 0; i < count; i++ {
				if bytes.Equal(run[i*size:(i+1)*size], zero) {
					continue
				}
				if _, err := f.WriteAt(zero, int64(first+i)*int64(size)); err != nil {
					return err
				}
				n++
			}
			return nil
		}
		first, count := 0, 0
		for id := 2; id < end; id++ { // pages 0 and 1 are the meta pages
			if id < pages {
				p, err := tx.Page(id)
				if err != nil {
					return err
				}
				if p == nil || p.Type != "free" {
					continue
				}
			}
			if count > 0 && (first+count != id || count == scrubRun) {
				if err := flush(first, count); err != nil {
					return err
				}
				count = 0
			}
			if count == 0 {
				first = id
			}
			count++
		}
		if err := flush(first, count); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("scrub: %v", err)
		}
		return nil
	}))
	return n, err
}
