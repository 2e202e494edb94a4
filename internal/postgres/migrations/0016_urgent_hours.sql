-- 0016: urgent tickets (紧急 and 加急, whose time limits are a day or less:
-- core.UrgentHourly) counted by street day, hour (0–23 at UTC+8), community
-- and top-level category, for the hourly risk alerts. Kept like day_counts
-- by every write of tickets in its transaction (dbutil.CountDeltas); filled
-- here from the tickets already stored.
CREATE TABLE urgent_hour_counts (
	day       INTEGER NOT NULL,
	hour      INTEGER NOT NULL,
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, hour, community, category1)
);

INSERT INTO urgent_hour_counts (day, hour, community, category1, n)
SELECT ((received_at AT TIME ZONE 'UTC') + interval '8 hours')::date - date '1970-01-01',
	extract(hour FROM (received_at AT TIME ZONE 'UTC') + interval '8 hours')::integer, community, category1, count(*)
FROM tickets WHERE received_at IS NOT NULL AND urgency IN ('紧急', '加急')
GROUP BY 1, 2, 3, 4;

-- Decisions on alerts of a tag's series (tag, category1 '') and on hourly
-- alerts (hour 0–23; -1 for a daily alert) are kept apart from the daily
-- ones of the same community and day: the key gains tag and hour.
ALTER TABLE alert_states ADD COLUMN tag TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_states ADD COLUMN hour INTEGER NOT NULL DEFAULT -1;
ALTER TABLE alert_states DROP CONSTRAINT alert_states_pkey;
ALTER TABLE alert_states ADD PRIMARY KEY (community, category1, tag, day, hour);
