-- 0011: the deadline list of a community worker or a department handler
-- filters the open tickets by community or unit: with those columns in the
-- index the filter is read from it too, not from each open row (at
-- 1,000,000 tickets /api/v1/deadlines as a community worker took 110 ms
-- p50 reading the rows).
DROP INDEX tickets_open_status_deadline;
CREATE INDEX tickets_open_status_deadline ON tickets (status, deadline, community, unit)
	WHERE status IN ('受理', '派单', '签收', '先行联系', '办理', '退单');
