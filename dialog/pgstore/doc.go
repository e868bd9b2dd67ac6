// Package pgstore keeps the engine's data in PostgreSQL: an implementation of store.Store that
// several helpdesk processes (replicas) can share. store.go holds Open, the transactions and the
// listener that wakes the claimers; tx.go the transaction's operations, one or two SQL
// statements each; outbox.go the claims (FOR UPDATE SKIP LOCKED, a lease and a fencing epoch
// per entry) and the retention sweeps; migrate.go and migrations/ the versioned schema, applied
// by Migrate and checked by Open; encode.go the encoding of a step ahead of its transaction.
//
// It is the only package that imports github.com/jackc/pgx/v5. It may import package store,
// package decide and the standard library, never dialog.
//
// Nothing selects it yet: the bot serves from the bbolt store (package boltstore).
package pgstore
