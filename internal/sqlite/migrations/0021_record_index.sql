-- 0021: the record index. record_keys holds each record's match keys (type
-- id, phone, name, firm, uscc, addr and the normalised value, see
-- linkage.RecordKeys), for finding the records a ticket names without
-- reading a community's registry; record_grams holds the search grams of
-- each record's name and address (adjacent character pairs and each text's
-- last character, linkage.TextGrams), for the registry's keyword search.
-- The store rewrites a record's rows with every write of the record; the
-- rows of the records stored before are filled by the store's Go step of
-- this migration (normalising needs the linkage code), in its transaction.
CREATE TABLE record_keys (
	type      TEXT    NOT NULL,
	value     TEXT    NOT NULL,
	record_id INTEGER NOT NULL REFERENCES records (id),
	PRIMARY KEY (type, value, record_id)
) WITHOUT ROWID;
CREATE INDEX record_keys_record ON record_keys (record_id);

CREATE TABLE record_grams (
	gram      TEXT    NOT NULL,
	record_id INTEGER NOT NULL REFERENCES records (id),
	PRIMARY KEY (gram, record_id)
) WITHOUT ROWID;
CREATE INDEX record_grams_record ON record_grams (record_id);
