-- 0016: urgent tickets (紧急 and 加急, whose time limits are a day or less:
-- core.UrgentHourly) counted by street day, hour (0–23 at UTC+8), community
-- and top-level category, for the hourly risk alerts. Kept like day_counts
-- by every write of tickets in its transaction (dbutil.CountDeltas); filled
-- here from the tickets already stored. x is received_at at UTC+8 in
-- microseconds.
CREATE TABLE urgent_hour_counts (
	day       INTEGER NOT NULL,
	hour      INTEGER NOT NULL,
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, hour, community, category1)
) WITHOUT ROWID;

INSERT INTO urgent_hour_counts (day, hour, community, category1, n)
SELECT (x - ((x % 86400000000) + 86400000000) % 86400000000) / 86400000000,
	(((x % 86400000000) + 86400000000) % 86400000000) / 3600000000, community, category1, count(*)
FROM (SELECT received_at + 28800000000 AS x, community, category1 FROM tickets
	WHERE received_at IS NOT NULL AND urgency IN ('紧急', '加急'))
GROUP BY 1, 2, 3, 4;

-- Decisions on alerts of a tag's series (tag, category1 '') and on hourly
-- alerts (hour 0–23; -1 for a daily alert) are kept apart from the daily
-- ones of the same community and day: the key gains tag and hour.
CREATE TABLE alert_states_new (
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	tag       TEXT    NOT NULL DEFAULT '',
	day       INTEGER NOT NULL,
	hour      INTEGER NOT NULL DEFAULT -1,
	state     TEXT    NOT NULL,
	by_user   TEXT    NOT NULL,
	at        INTEGER NOT NULL,
	note      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (community, category1, tag, day, hour)
);
INSERT INTO alert_states_new (community, category1, day, state, by_user, at, note)
SELECT community, category1, day, state, by_user, at, note FROM alert_states;
DROP TABLE alert_states;
ALTER TABLE alert_states_new RENAME TO alert_states;
CREATE INDEX alert_states_day ON alert_states (day);
