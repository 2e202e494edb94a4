-- 0024: the address keys of records whose building, unit or room are in
-- fields of their own now hold the parts' numbers (3号楼 → 3, 二单元 → 2),
-- as an address parsed from one text does; the store's Go step of this
-- migration refills the index. The tables are made again without their
-- foreign key and record_id index: the store deletes a record's rows by
-- their full key (it computes the old rows from the stored record), so
-- each row costs one B-tree insert, not three lookups and two inserts.
DROP TABLE record_keys;
DROP TABLE record_grams;
CREATE TABLE record_keys (
	type      TEXT    NOT NULL,
	value     TEXT    NOT NULL,
	record_id INTEGER NOT NULL,
	PRIMARY KEY (type, value, record_id)
) WITHOUT ROWID;
CREATE TABLE record_grams (
	gram      TEXT    NOT NULL,
	record_id INTEGER NOT NULL,
	PRIMARY KEY (gram, record_id)
) WITHOUT ROWID;

-- A page of a registry list is found in this index (kind, status, then
-- id) and only its rows are read: page 500 of 100,000 people skips 24,950
-- index entries, not 24,950 records.
CREATE INDEX records_kind_status ON records (kind, status, id);
