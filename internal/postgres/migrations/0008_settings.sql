-- 0008: versions of the street's settings (设置): areas, units, taxonomy,
-- time limits, calendar, urgency rules, masking dictionary, 三率 formulas.
--
-- Each row is one file as uploaded (content), numbered per setting name.
-- An upload is staged (applied_at NULL) until its uploader has seen the
-- differences and confirmed; the setting in force is the version applied
-- last.
CREATE TABLE settings_versions (
	name       TEXT        NOT NULL,
	version    INTEGER     NOT NULL,
	content    BYTEA       NOT NULL,
	source     TEXT        NOT NULL DEFAULT '',
	created_by TEXT        NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	applied_at TIMESTAMPTZ,
	PRIMARY KEY (name, version)
);

CREATE INDEX settings_versions_applied ON settings_versions (name, applied_at);
