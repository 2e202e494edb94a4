-- 0014: the files of the policy base (政策知识库) as uploaded, by an ID
-- chosen at upload. The search index is built from them (package search)
-- and can always be rebuilt. validity and superseded_by are what staff
-- said of a document ('' : what its text says).
CREATE TABLE policy_files (
	id            TEXT        PRIMARY KEY,
	name          TEXT        NOT NULL,
	content       BYTEA       NOT NULL,
	validity      TEXT        NOT NULL DEFAULT '',
	superseded_by TEXT        NOT NULL DEFAULT '',
	created_by    TEXT        NOT NULL DEFAULT '',
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL
);
