-- 0019: record linkage (一人一档): the last linkage result per kind — each
-- linked record's cluster (the smallest record ID of its cluster; a record
-- alone has no row) — and the clerical-review pairs with their decisions.
-- A pair is (a, b) with a < b; explain is the per-field explanation as JSON
-- (levels and weights, never values). Decided pairs outlive a new linkage
-- run.
CREATE TABLE record_links (
	record_id BIGINT PRIMARY KEY REFERENCES records (id),
	kind      TEXT   NOT NULL,
	cluster   BIGINT NOT NULL
);
CREATE INDEX record_links_cluster ON record_links (cluster);
CREATE INDEX record_links_kind ON record_links (kind);

CREATE TABLE link_reviews (
	id         BIGSERIAL PRIMARY KEY,
	kind       TEXT        NOT NULL,
	a          BIGINT      NOT NULL REFERENCES records (id),
	b          BIGINT      NOT NULL REFERENCES records (id),
	prob       DOUBLE PRECISION NOT NULL,
	explain    TEXT        NOT NULL DEFAULT '[]',
	status     TEXT        NOT NULL DEFAULT 'pending',
	decided_by TEXT        NOT NULL DEFAULT '',
	decided_at TIMESTAMPTZ,
	note       TEXT        NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX link_reviews_pair ON link_reviews (a, b);
CREATE INDEX link_reviews_kind ON link_reviews (kind, status);
