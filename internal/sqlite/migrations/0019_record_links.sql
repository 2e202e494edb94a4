-- 0019: record linkage (一人一档): the last linkage result per kind — each
-- linked record's cluster (the smallest record ID of its cluster; a record
-- alone has no row) — and the clerical-review pairs with their decisions.
-- A pair is (a, b) with a < b; explain is the per-field explanation as JSON
-- (levels and weights, never values). Decided pairs outlive a new linkage
-- run. Times in microseconds.
CREATE TABLE record_links (
	record_id INTEGER PRIMARY KEY REFERENCES records (id),
	kind      TEXT    NOT NULL,
	cluster   INTEGER NOT NULL
);
CREATE INDEX record_links_cluster ON record_links (cluster);
CREATE INDEX record_links_kind ON record_links (kind);

CREATE TABLE link_reviews (
	id         INTEGER PRIMARY KEY,
	kind       TEXT    NOT NULL,
	a          INTEGER NOT NULL REFERENCES records (id),
	b          INTEGER NOT NULL REFERENCES records (id),
	prob       REAL    NOT NULL,
	explain    TEXT    NOT NULL DEFAULT '[]',
	status     TEXT    NOT NULL DEFAULT 'pending',
	decided_by TEXT    NOT NULL DEFAULT '',
	decided_at INTEGER,
	note       TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX link_reviews_pair ON link_reviews (a, b);
CREATE INDEX link_reviews_kind ON link_reviews (kind, status);
