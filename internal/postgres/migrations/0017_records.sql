-- 0017: the base-data registries (人口, 房屋, 企业, 组织): one row per record
-- of a source (a department's spreadsheet), found again by (kind, source,
-- key) when the source is loaded again. vals, flags and fixed are JSON text
-- (field → value, field → reason, sorted field names); name, address,
-- community and grid mirror vals for the list filters.
CREATE TABLE records (
	id         BIGSERIAL   PRIMARY KEY,
	kind       TEXT        NOT NULL,
	source     TEXT        NOT NULL,
	key        TEXT        NOT NULL,
	vals       TEXT        NOT NULL DEFAULT '{}',
	flags      TEXT        NOT NULL DEFAULT '{}',
	fixed      TEXT        NOT NULL DEFAULT '[]',
	name       TEXT        NOT NULL DEFAULT '',
	address    TEXT        NOT NULL DEFAULT '',
	community  TEXT        NOT NULL DEFAULT '',
	grid       TEXT        NOT NULL DEFAULT '',
	status     TEXT        NOT NULL DEFAULT 'active',
	flagged    BOOLEAN     NOT NULL DEFAULT FALSE,
	version    INTEGER     NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	seen_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX records_key ON records (kind, source, key);
CREATE INDEX records_community ON records (kind, community, grid);

-- The history of each record: changes holds field → {"old","new"} as JSON.
CREATE TABLE record_changes (
	id        BIGSERIAL   PRIMARY KEY,
	record_id BIGINT      NOT NULL REFERENCES records (id),
	version   INTEGER     NOT NULL,
	at        TIMESTAMPTZ NOT NULL,
	actor     TEXT        NOT NULL,
	action    TEXT        NOT NULL,
	changes   TEXT        NOT NULL DEFAULT '{}',
	note      TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX record_changes_record ON record_changes (record_id, id);

-- One row per load of a source, for the volume-change checks; files is a
-- JSON list of base names.
CREATE TABLE record_loads (
	id         BIGSERIAL   PRIMARY KEY,
	kind       TEXT        NOT NULL,
	source     TEXT        NOT NULL,
	at         TIMESTAMPTZ NOT NULL,
	actor      TEXT        NOT NULL DEFAULT '',
	files      TEXT        NOT NULL DEFAULT '[]',
	row_count  INTEGER     NOT NULL DEFAULT 0,
	created    INTEGER     NOT NULL DEFAULT 0,
	updated    INTEGER     NOT NULL DEFAULT 0,
	unchanged  INTEGER     NOT NULL DEFAULT 0,
	rejected   INTEGER     NOT NULL DEFAULT 0,
	duplicates INTEGER     NOT NULL DEFAULT 0,
	fix_kept   INTEGER     NOT NULL DEFAULT 0
);
CREATE INDEX record_loads_source ON record_loads (kind, source, id);
