-- 0007: named import mappings (保存的映射).
--
-- A mapping of column headers onto fields saved from the import page for
-- the next file of the same source ("问政平台导出"); text is the mapping
-- file's text (CSV lines 列名,字段). Times are INTEGER microseconds like
-- 0001.
CREATE TABLE import_mappings (
	name       TEXT    PRIMARY KEY,
	text       TEXT    NOT NULL,
	created_by TEXT    NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
