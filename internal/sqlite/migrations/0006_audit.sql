-- 0006: the access audit log (审计日志): who saw what.
--
-- One row per reveal of a masked value, export, sign-in (and failed or
-- throttled one), change of a setting or an account. Rows name people by
-- their account and tickets by id and number; they hold no personal value
-- of a ticket. The log is append-only: the triggers refuse to change or
-- delete a row. ticket_id has no foreign key: an entry outlives what it
-- names. Times are INTEGER microseconds like 0001.
CREATE TABLE audit_log (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	at            INTEGER NOT NULL,
	actor         TEXT    NOT NULL DEFAULT '',
	role          TEXT    NOT NULL DEFAULT '',
	action        TEXT    NOT NULL,
	ticket_id     INTEGER,
	ticket_number TEXT    NOT NULL DEFAULT '',
	field         TEXT    NOT NULL DEFAULT '',
	reason        TEXT    NOT NULL DEFAULT '',
	detail        TEXT    NOT NULL DEFAULT '',
	address       TEXT    NOT NULL DEFAULT ''
);

-- The audit page lists newest first, over a date range, often of one
-- action (the reveals of a month). The rowid is in every index, so both
-- serve ORDER BY at DESC, id DESC.
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action_at ON audit_log (action, at);
-- Who did what, and what was done to a ticket: the account and the ticket
-- number are the other filters of the page.
CREATE INDEX audit_log_actor_at ON audit_log (actor, at);
CREATE INDEX audit_log_ticket_at ON audit_log (ticket_number, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
