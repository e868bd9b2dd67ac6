-- 0001: the tables of the store. Bodies are the JSON the bbolt store keeps, in json columns so
-- that an operator can read them with SQL. Not jsonb: it refuses the escape \u0000, which a
-- user's text may hold. Columns beside a body hold what a query selects on.
-- Keys are compared byte by byte (COLLATE "C"), as in bbolt, whatever the database's locale.
-- Platform user ids appear where the bbolt store keeps them too (conversation keys, cases,
-- outbox recipients); who wrote an unanswered text and the owners of records are kept only as
-- keyed hashes (tags), with the key in meta.

CREATE TABLE meta (
	name  text PRIMARY KEY,
	value bytea NOT NULL
);

-- Event ids already handled: the primary key is what makes two racing deliveries of one event
-- handled once.
CREATE TABLE seen (
	channel    text COLLATE "C" NOT NULL,
	event_id   text COLLATE "C" NOT NULL,
	first_seen timestamptz NOT NULL,
	PRIMARY KEY (channel, event_id)
);
CREATE INDEX seen_first_seen ON seen (first_seen);

-- Every write of a conversation takes a new revision from this sequence: a revision is never
-- given twice, even to a conversation deleted and started again.
CREATE SEQUENCE conversation_rev;

CREATE TABLE conversations (
	key     text COLLATE "C" PRIMARY KEY, -- channel "/" user
	rev     bigint NOT NULL,
	updated timestamptz NOT NULL,
	owners  text[] NOT NULL, -- tags of the ids Forget finds it by
	body    json NOT NULL
);
CREATE INDEX conversations_updated ON conversations (updated);
CREATE INDEX conversations_owners ON conversations USING gin (owners);

-- The last case number taken per year; its row is locked while a transaction takes or peeks
-- at the next one, so numbers have no gaps.
CREATE TABLE case_seq (
	year int PRIMARY KEY,
	n    bigint NOT NULL
);

CREATE TABLE cases (
	id     text COLLATE "C" PRIMARY KEY, -- 2026-0042
	status text NOT NULL,
	owners text[] NOT NULL,
	body   json NOT NULL
);
CREATE INDEX cases_owners ON cases USING gin (owners);

CREATE TABLE case_threads (
	ref     text COLLATE "C" PRIMARY KEY,
	case_id text COLLATE "C" NOT NULL
);
CREATE INDEX case_threads_case ON case_threads (case_id);

-- The outbox. Queue order is id order. A claim sets leased_until and adds one to epoch; a mark
-- carries the epoch it was claimed with. The body is the entry without its id (the column).
CREATE TABLE outbox (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	recipient    text COLLATE "C" NOT NULL,
	channel      text NOT NULL,
	next_attempt timestamptz NOT NULL,
	root_case    text NOT NULL DEFAULT '', -- the case whose staff post this is, else ''
	leased_until timestamptz,
	epoch        bigint NOT NULL DEFAULT 0,
	body         json NOT NULL
);
CREATE INDEX outbox_recipient ON outbox (recipient, id);
CREATE INDEX outbox_next ON outbox (next_attempt);

CREATE TABLE unanswered (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      timestamptz NOT NULL,
	channel text NOT NULL,
	who     text[] NOT NULL,
	body    json NOT NULL
);
CREATE INDEX unanswered_at ON unanswered (at);
CREATE INDEX unanswered_who ON unanswered USING gin (who);

-- The daily counters. Every step counts, most of them the same few counters: each counter is
-- split over a few rows (shard), picked at random by each count and summed when read, so that
-- concurrent steps seldom wait for one another's row.
CREATE TABLE counters (
	day   text COLLATE "C" NOT NULL,
	topic text COLLATE "C" NOT NULL,
	name  text COLLATE "C" NOT NULL,
	shard smallint NOT NULL,
	n     bigint NOT NULL,
	PRIMARY KEY (day, topic, name, shard)
);
