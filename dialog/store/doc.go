// Package store declares what the engine keeps and how: the Store interface, its transactions
// (Tx), and the records stored (Case, Delivery). Package dialog decides and talks to a Store;
// an implementation (boltstore, a bbolt file; pgstore, PostgreSQL) keeps the data and
// must pass the contract suite in package storetest.
//
// The rules every implementation keeps:
//   - Update runs its function in one write transaction, which may run more than once, and
//     returns the function's error unchanged; View is a consistent snapshot.
//   - An event id marked seen in a committed transaction is seen by every later one, so that
//     of two racing deliveries of one event exactly one is handled.
//   - A conversation's revision (Rev) changes with every write of it: the engine decides from
//     a snapshot and stores the step only over the revision it decided from.
//   - The outbox hands entries out by Claim, at most one per recipient and in queue order,
//     each with a lease and a fencing epoch; a mark with an epoch that is no longer the
//     entry's fails with ErrStaleEpoch.
//
// It may import package decide (the conversation and reply values) and the standard library;
// no database.
package store
