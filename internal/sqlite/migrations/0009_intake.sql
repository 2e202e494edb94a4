-- 0009: intake beyond files (受理): photo attachments of tickets and the
-- idempotency keys of POST /api/v1/tickets. Times are INTEGER microseconds
-- like 0001.

-- A ticket's attachments, numbered n = 1, 2, … in the order they were
-- added (at most core.MaxAttachments). The type is the one sniffed from
-- the content, never the one a browser declared.
CREATE TABLE ticket_attachments (
	id           INTEGER PRIMARY KEY,
	ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
	n            INTEGER NOT NULL,
	name         TEXT    NOT NULL DEFAULT '',
	content_type TEXT    NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT    NOT NULL,
	data         BLOB    NOT NULL,
	created_by   TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	UNIQUE (ticket_id, n)
);

-- Idempotency-Key of a ticket created through the API, per user: the body
-- it came with (SHA-256, hex) and the ticket it made (NULL while its
-- request runs). Kept core.IdempotencyKeyTTL (48 h).
CREATE TABLE idempotency_keys (
	username    TEXT    NOT NULL,
	key         TEXT    NOT NULL,
	body_sha256 TEXT    NOT NULL,
	ticket_id   INTEGER REFERENCES tickets (id),
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (username, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
