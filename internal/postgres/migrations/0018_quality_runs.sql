-- 0018: data-quality runs (数据质量): the checks' result per run, as JSON,
-- with the overall score and status for the trend.
CREATE TABLE quality_runs (
	id      BIGSERIAL PRIMARY KEY,
	kind    TEXT        NOT NULL,
	at      TIMESTAMPTZ NOT NULL,
	by_user TEXT        NOT NULL,
	score   DOUBLE PRECISION NOT NULL,
	status  TEXT        NOT NULL,
	checks  INTEGER     NOT NULL,
	failed  INTEGER     NOT NULL,
	result  BYTEA       NOT NULL
);
CREATE INDEX quality_runs_kind_at ON quality_runs (kind, at);
