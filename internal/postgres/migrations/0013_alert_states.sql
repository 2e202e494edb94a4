-- 0013: staff's decisions on risk alerts (已确认 / 已排除), by series (community,
-- '' for the whole street, × top-level category) and street day (days since
-- 1970-01-01 at UTC+8). A dismissal raises the threshold of its series.
CREATE TABLE alert_states (
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	day       INTEGER NOT NULL,
	state     TEXT    NOT NULL,
	by_user   TEXT    NOT NULL,
	at        TIMESTAMPTZ NOT NULL,
	note      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (community, category1, day)
);
CREATE INDEX alert_states_day ON alert_states (day);
