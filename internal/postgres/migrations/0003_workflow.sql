-- 0003: the 接诉即办 life cycle and the dispatch catalogue.
--
-- ticket_workflow holds a ticket's life-cycle state beyond its own fields
-- (see core.Workflow): one row per ticket that was ever transitioned. Lists
-- are JSON text, NULL when empty, like 0001.
CREATE TABLE ticket_workflow (
	ticket_id        BIGINT      PRIMARY KEY REFERENCES tickets (id),
	dispatched_at    TIMESTAMPTZ,
	signed_at        TIMESTAMPTZ,
	contact_deadline TIMESTAMPTZ,
	co_units         TEXT,
	returned_by      TEXT,
	extension        TEXT        NOT NULL DEFAULT '',
	extension_until  TIMESTAMPTZ,
	extension_reason TEXT        NOT NULL DEFAULT '',
	supervisions     INTEGER     NOT NULL DEFAULT 0,
	merged_into      TEXT        NOT NULL DEFAULT ''
);

-- The deadline list reads open tickets by deadline.
CREATE INDEX tickets_open_deadline ON tickets (deadline)
	WHERE status IN ('受理', '派单', '签收', '先行联系', '办理', '退单') AND deadline IS NOT NULL;

-- The dispatch catalogue (派单目录), in the order it was given (id).
CREATE TABLE dispatch_rules (
	id        BIGINT  PRIMARY KEY,
	category1 TEXT    NOT NULL DEFAULT '',
	category2 TEXT    NOT NULL DEFAULT '',
	category3 TEXT    NOT NULL DEFAULT '',
	keywords  TEXT,
	community TEXT    NOT NULL DEFAULT '',
	unit      TEXT    NOT NULL,
	co_units  TEXT,
	priority  INTEGER NOT NULL DEFAULT 0,
	note      TEXT    NOT NULL DEFAULT ''
);
