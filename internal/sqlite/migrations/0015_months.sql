-- 0015: the day counts summed by month, what boards and reports of long
-- periods read for their whole months (a year: 12 months of rows and the
-- days at its ends, instead of 365 days). day is the street day number of
-- the month's first day; month_hours keeps each weekday (0 Monday) apart
-- for the heat map. Kept with day_totals and hour_counts (dbutil.CountDeltas).
CREATE TABLE month_totals (
	day       INTEGER NOT NULL,
	community TEXT    NOT NULL,
	category1 TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, community, category1)
) WITHOUT ROWID;
CREATE TABLE month_hours (
	day       INTEGER NOT NULL,
	weekday   INTEGER NOT NULL,
	hour      INTEGER NOT NULL,
	community TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (day, weekday, hour, community)
) WITHOUT ROWID;

INSERT INTO month_totals (day, community, category1, n)
SELECT CAST(strftime('%s', day * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400, community, category1, sum(n)
FROM day_totals GROUP BY 1, 2, 3;

INSERT INTO month_hours (day, weekday, hour, community, n)
SELECT CAST(strftime('%s', day * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400, ((day % 7) + 10) % 7, hour, community, sum(n)
FROM hour_counts GROUP BY 1, 2, 3, 4;
