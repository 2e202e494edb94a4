-- 0023: the requests residents submit through the portal (居民端): the
-- SHA-256 of each request's tracking code (查询码; the code itself is shown
-- to the resident once and never stored), the resident account it belongs
-- to ('' without one), the contact preference and when it was rated.
CREATE TABLE portal_requests (
	ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id),
	code_hash  TEXT    NOT NULL UNIQUE,
	resident   TEXT    NOT NULL DEFAULT '',
	contact    TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	rated_at   INTEGER
);
CREATE INDEX portal_requests_resident ON portal_requests (resident, created_at);
