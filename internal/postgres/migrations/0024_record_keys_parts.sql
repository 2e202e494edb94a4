-- 0024: the address keys of records whose building, unit or room are in
-- fields of their own now hold the parts' numbers (3号楼 → 3, 二单元 → 2),
-- as an address parsed from one text does. The Go step of this migration
-- rewrites every record's index rows (record_keys, record_grams).
DELETE FROM record_keys;
DELETE FROM record_grams;

-- A page of a registry list is found in this index (kind, status, then
-- id) and only its rows are read: page 500 of 100,000 people skips 24,950
-- index entries, not 24,950 records.
CREATE INDEX records_kind_status ON records (kind, status, id);
