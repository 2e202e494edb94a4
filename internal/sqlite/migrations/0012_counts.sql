-- 0012: tickets counted by street day (00:00–24:00 at UTC+8, as days since
-- 1970-01-01), community and category, and by day, hour and community: the
-- dashboard, the risk alerts and the reports read these instead of the
-- tickets. Kept by every write of tickets in its transaction
-- (dbutil.CountDeltas); filled here from the tickets already stored. x is
-- received_at at UTC+8 in microseconds; the day is floor(x / 1 day).
CREATE TABLE day_counts (
	day       INTEGER NOT NULL,
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	category2 TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, community, category1, category2)
) WITHOUT ROWID;
-- day_totals is day_counts summed over category2: a fifth of its rows, what
-- the dashboard's figures and alerts read.
CREATE TABLE day_totals (
	day       INTEGER NOT NULL,
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, community, category1)
) WITHOUT ROWID;
CREATE TABLE hour_counts (
	day       INTEGER NOT NULL,
	hour      INTEGER NOT NULL,
	community TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, hour, community)
) WITHOUT ROWID;

INSERT INTO day_counts (day, community, category1, category2, n)
SELECT (x - ((x % 86400000000) + 86400000000) % 86400000000) / 86400000000, community, category1, category2, count(*)
FROM (SELECT received_at + 28800000000 AS x, community, category1, category2 FROM tickets WHERE received_at IS NOT NULL)
GROUP BY 1, 2, 3, 4;

INSERT INTO hour_counts (day, hour, community, n)
SELECT (x - ((x % 86400000000) + 86400000000) % 86400000000) / 86400000000,
	(((x % 86400000000) + 86400000000) % 86400000000) / 3600000000, community, count(*)
FROM (SELECT received_at + 28800000000 AS x, community FROM tickets WHERE received_at IS NOT NULL)
GROUP BY 1, 2, 3;

INSERT INTO day_totals (day, community, category1, n)
SELECT day, community, category1, sum(n) FROM day_counts GROUP BY day, community, category1;
