-- 0001: the initial schema.
--
-- Times are INTEGER microseconds since the Unix epoch (UTC): compact, cheap to
-- compare and to index, the same precision as PostgreSQL. NULL is "unknown"
-- (core's zero time). Tags, extra values and flags are JSON text, NULL when
-- empty.

CREATE TABLE tickets (
	id           INTEGER PRIMARY KEY,
	number       TEXT    NOT NULL UNIQUE,
	channel      TEXT    NOT NULL DEFAULT '',
	received_at  INTEGER,
	caller_name  TEXT    NOT NULL DEFAULT '',
	caller_phone TEXT    NOT NULL DEFAULT '',
	caller_id    TEXT    NOT NULL DEFAULT '',
	address      TEXT    NOT NULL DEFAULT '',
	street       TEXT    NOT NULL DEFAULT '',
	community    TEXT    NOT NULL DEFAULT '',
	grid         TEXT    NOT NULL DEFAULT '',
	lng          REAL,
	lat          REAL,
	title        TEXT    NOT NULL DEFAULT '',
	content      TEXT    NOT NULL DEFAULT '',
	category1    TEXT    NOT NULL DEFAULT '',
	category2    TEXT    NOT NULL DEFAULT '',
	category3    TEXT    NOT NULL DEFAULT '',
	intent       TEXT    NOT NULL DEFAULT '',
	urgency      TEXT    NOT NULL DEFAULT '',
	unit         TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL DEFAULT '',
	deadline     INTEGER,
	contacted_at INTEGER,
	resolved_at  INTEGER,
	reply        TEXT    NOT NULL DEFAULT '',
	resolved     INTEGER,
	satisfaction TEXT    NOT NULL DEFAULT '',
	callback_at  INTEGER,
	tags         TEXT,
	source_file  TEXT    NOT NULL DEFAULT '',
	source_row   INTEGER NOT NULL DEFAULT 0,
	extra        TEXT,
	flags        TEXT,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);

-- Lists are paged newest received first. The most used filters (status,
-- community, unit, category) are indexed together with received_at, so
-- that a filtered page is read in order from one index; the short filter
-- columns follow in every index, so that a second filter is checked in the
-- index, without reading the (large) rows. The rarer single filters
-- (category2/3, intent, channel) walk tickets_received or tickets_category1
-- and check the column there: each of their values is common enough that a
-- page fills quickly, and their totals come from ticket_counts. Every index
-- costs import speed (about a fifth of it each), so there are five, not
-- nine. (SQLite appends the rowid to every index: the tie-break of the
-- order.)
CREATE INDEX tickets_received   ON tickets (received_at, status, intent, channel, category1, category2, category3, unit, community);
CREATE INDEX tickets_status     ON tickets (status, received_at, intent, channel, category1, unit, community);
CREATE INDEX tickets_community  ON tickets (community, received_at, status, intent, channel, category1, unit);
CREATE INDEX tickets_category1  ON tickets (category1, received_at, category2, category3, status, intent, channel, unit, community);
CREATE INDEX tickets_unit       ON tickets (unit, received_at, status, intent, channel, category1, community);

-- The keyword index: the character bigrams of title and content with their
-- positions (see internal/dbutil), one row per ticket with rowid =
-- tickets.id; a keyword is the phrase of its bigrams. Contentless, so the
-- text is not stored twice: an update deletes the old row by giving its
-- tokens again ('delete' command), so the tokenisation of stored rows must
-- never change without a migration that rebuilds the index.
CREATE VIRTUAL TABLE ticket_search USING fts5 (
	body,
	content = '',
	tokenize = 'ascii',
	detail = full
);

-- The keyword index is built behind the import (IndexSearch), not inside
-- it: tokenising and indexing every new ticket is most of an import's work.
-- Tickets with id <= indexed_to are in ticket_search; the rest (the tail)
-- are searched by scanning. Updates of indexed tickets re-index at once.
CREATE TABLE search_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	indexed_to INTEGER NOT NULL
);
INSERT INTO search_state (id, indexed_to) VALUES (1, 0);

-- Counts of tickets by the value of each single-column filter ('' column:
-- all tickets), kept by UpsertTickets, so that the total of a list filtered
-- by one value is read, not counted.
CREATE TABLE ticket_counts (
	col   TEXT    NOT NULL,
	value TEXT    NOT NULL,
	n     INTEGER NOT NULL,
	PRIMARY KEY (col, value)
) WITHOUT ROWID;

-- The history of each ticket; append-only.
CREATE TABLE ticket_events (
	id        INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	at        INTEGER NOT NULL,
	actor     TEXT    NOT NULL DEFAULT '',
	action    TEXT    NOT NULL,
	note      TEXT    NOT NULL DEFAULT '',
	changes   TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN
	SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN
	SELECT RAISE(ABORT, 'ticket_events is append-only');
END;

-- The area registry, units and taxonomy keep the order they were given in
-- (pos), which is the order pages show them in.
CREATE TABLE streets (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	pos  INTEGER NOT NULL
);
CREATE TABLE communities (
	code   TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	street TEXT NOT NULL DEFAULT '',
	pos    INTEGER NOT NULL
);
CREATE TABLE grids (
	code      TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	community TEXT NOT NULL DEFAULT '',
	pos       INTEGER NOT NULL
);
CREATE TABLE units (
	code      TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	kind      TEXT NOT NULL DEFAULT '',
	community TEXT NOT NULL DEFAULT '',
	phone     TEXT NOT NULL DEFAULT '',
	pos       INTEGER NOT NULL
);
CREATE TABLE categories (
	level1 TEXT NOT NULL,
	level2 TEXT NOT NULL,
	level3 TEXT NOT NULL,
	pos    INTEGER NOT NULL,
	PRIMARY KEY (level1, level2, level3)
);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL DEFAULT '',
	role          TEXT    NOT NULL,
	unit          TEXT    NOT NULL DEFAULT '',
	password_hash TEXT    NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);

-- Sessions are found by the SHA-256 of their token (hex): a copy of the
-- database does not hand out signed-in sessions.
CREATE TABLE sessions (
	token_hash TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
