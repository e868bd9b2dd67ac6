package boltstore

import bolt "go.etcd.io/bbolt"

// RawUpdate runs fn on the bbolt file itself, for tests that write what another version of
// the program (or damage) would have written.
func RawUpdate(s *Store, fn func(*bolt.Tx) error) error { return s.db.Update(fn) }

// Bucket and key names, for RawUpdate.
var (
	BucketOutbox   = bucketOutbox
	BucketMeta     = bucketMeta
	BucketByPerson = bucketByPerson
	KeySchema      = keySchema
	StoreLayout    = storeLayout
)

// U64 encodes n as a key or value is encoded.
func U64(n uint64) []byte { return u64(n) }
