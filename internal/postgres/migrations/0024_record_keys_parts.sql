-- 0024: the address keys of records whose building, unit or room are in
-- fields of their own now hold the parts' numbers (3号楼 → 3, 二单元 → 2),
-- as an address parsed from one text does. The Go step of this migration
-- rewrites every record's index rows (record_keys, record_grams).
DELETE FROM record_keys;
DELETE FROM record_grams;
