-- 0002: what one process kept in memory and several replicas must share.

-- The rate limit's token buckets, one per person, keyed by the keyed hash of the person (as the
-- owners of records are): a step locks its person's row, takes a token and writes it back in
-- its own transaction. Buckets idle for longer than the event ids are kept are deleted with
-- them (PurgeSeen): a missing bucket is a full one, which any rate that refills within that
-- time has reached by then (and a slower one errs on the side of answering).
CREATE TABLE rate_buckets (
	person   text COLLATE "C" PRIMARY KEY,
	tokens   double precision NOT NULL,
	last     timestamptz NOT NULL,
	notified boolean NOT NULL
);
CREATE INDEX rate_buckets_last ON rate_buckets (last);
