-- 0004: versions of the dispatch catalogue (派单目录).
--
-- Every catalogue loaded is kept as a version (rules as a JSON array, see
-- dbutil.RulesJSON), so that an earlier one can be downloaded and
-- restored. An upload is staged (applied_at NULL) until its uploader has
-- seen the differences and confirmed; the catalogue in force is the version
-- applied last, and its rules are also in dispatch_rules for matching.
-- Times are INTEGER microseconds like 0001.
CREATE TABLE dispatch_catalogue_versions (
	version    INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a preview names its version
	created_at INTEGER NOT NULL,
	created_by TEXT    NOT NULL DEFAULT '',
	source     TEXT    NOT NULL DEFAULT '',
	rule_count INTEGER NOT NULL,
	rules      TEXT    NOT NULL,
	applied_at INTEGER
);

CREATE INDEX dispatch_catalogue_applied ON dispatch_catalogue_versions (applied_at);

-- The catalogue in force before this migration becomes version 1.
INSERT INTO dispatch_catalogue_versions (version, created_at, created_by, source, rule_count, rules, applied_at)
SELECT 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000000, '', '升级前的目录', count(*),
	json_group_array(json_object(
		'category1', category1, 'category2', category2, 'category3', category3,
		'keywords', json(coalesce(keywords, '[]')), 'community', community, 'unit', unit,
		'co_units', json(coalesce(co_units, '[]')), 'priority', priority, 'note', note)),
	CAST(strftime('%s', 'now') AS INTEGER) * 1000000
FROM (SELECT * FROM dispatch_rules ORDER BY id)
HAVING count(*) > 0;
