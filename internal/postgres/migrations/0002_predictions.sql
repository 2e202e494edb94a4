-- 0002: the predictions of the text understanding, one per ticket, kept
-- apart from the human labels on tickets (which always win).
--
-- time_limit is the time limit of the predicted urgency in whole seconds;
-- details holds category_terms, intent_cues, urgency_reasons and places
-- (empty lists left out); at is NULL when unknown, like every time of 0001.
CREATE TABLE ticket_predictions (
	ticket_id      BIGINT           PRIMARY KEY REFERENCES tickets (id),
	category1      TEXT             NOT NULL DEFAULT '',
	category2      TEXT             NOT NULL DEFAULT '',
	category3      TEXT             NOT NULL DEFAULT '',
	category_score DOUBLE PRECISION NOT NULL DEFAULT 0,
	intent         TEXT             NOT NULL DEFAULT '',
	intent_score   DOUBLE PRECISION NOT NULL DEFAULT 0,
	urgency        TEXT             NOT NULL DEFAULT '',
	time_limit     BIGINT           NOT NULL DEFAULT 0,
	details        JSONB            NOT NULL DEFAULT '{}',
	model          TEXT             NOT NULL DEFAULT '',
	at             TIMESTAMPTZ
);
