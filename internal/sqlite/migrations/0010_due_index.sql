-- 0010: the deadline list (workbench, /api/v1/deadlines) reads the open
-- tickets' status and deadline from this index alone, sorts them and reads
-- only the rows it shows: the open tickets are a few thousand of a
-- million, and reading each whole row to sort them cost most of the list.
CREATE INDEX tickets_open_status_deadline ON tickets (status, deadline)
	WHERE status IN ('受理', '派单', '签收', '先行联系', '办理', '退单');
