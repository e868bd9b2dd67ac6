// Package boltstore keeps the engine's data in one bbolt file: an implementation of
// store.Store. store.go holds the buckets, the key layout and the transactions; queue.go the
// in-memory index of the outbox (order, due times, leases and epochs), rebuilt from the file at
// Open; convcache.go the conversations kept decoded; outbox.go the claims and retention
// sweeps; encode.go the encoding of a step ahead of its write transaction; compact.go the
// offline compaction.
//
// It is the only package that imports go.etcd.io/bbolt. It may import package store, package
// decide and the standard library, never dialog.
package boltstore
