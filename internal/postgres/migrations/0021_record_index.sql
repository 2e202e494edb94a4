-- 0021: the record index. record_keys holds each record's match keys (type
-- id, phone, name, firm, uscc, addr and the normalised value, see
-- linkage.RecordKeys), for finding the records a ticket names without
-- reading a community's registry; record_grams holds the search grams of
-- each record's name and address (adjacent character pairs and each text's
-- last character, linkage.TextGrams), for the registry's keyword search.
-- The store rewrites a record's rows with every write of the record; the
-- rows of the records stored before are filled by the store's Go step of
-- this migration (normalising needs the linkage code), in its transaction.
-- The gram and value columns compare bytewise (COLLATE "C"): a one-character
-- search reads the range of grams that begin with it.
CREATE TABLE record_keys (
	type      TEXT    NOT NULL,
	value     TEXT    COLLATE "C" NOT NULL,
	record_id BIGINT  NOT NULL REFERENCES records (id),
	PRIMARY KEY (type, value, record_id)
);
CREATE INDEX record_keys_record ON record_keys (record_id);

CREATE TABLE record_grams (
	gram      TEXT    COLLATE "C" NOT NULL,
	record_id BIGINT  NOT NULL REFERENCES records (id),
	PRIMARY KEY (gram, record_id)
);
CREATE INDEX record_grams_record ON record_grams (record_id);
