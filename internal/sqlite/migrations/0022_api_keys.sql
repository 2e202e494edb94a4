-- 0022: API keys for outside clients (Open311, the sharing API for other
-- departments) and their usage log. Only the sha256 of a secret is kept;
-- prefix is its first 8 characters, to recognise it. fields and communities
-- are JSON arrays; communities 'null' means the whole street. revoked_at
-- and last_used_at are NULL until set.
CREATE TABLE api_keys (
	id           INTEGER PRIMARY KEY,
	name         TEXT    NOT NULL,
	purpose      TEXT    NOT NULL,
	fields       TEXT    NOT NULL DEFAULT '[]',
	communities  TEXT    NOT NULL DEFAULT 'null',
	prefix       TEXT    NOT NULL,
	hash         BLOB    NOT NULL UNIQUE,
	created_by   TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	revoked_at   INTEGER,
	last_used_at INTEGER
);
CREATE TABLE api_uses (
	id      INTEGER PRIMARY KEY,
	key_id  INTEGER NOT NULL REFERENCES api_keys (id),
	at      INTEGER NOT NULL,
	method  TEXT    NOT NULL,
	path    TEXT    NOT NULL,
	status  INTEGER NOT NULL,
	n_rows  INTEGER NOT NULL DEFAULT 0,
	ticket  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX api_uses_key_at ON api_uses (key_id, at);
CREATE INDEX api_uses_at ON api_uses (at);
