-- 0020: the services given to the persons of the key populations (重点人群
-- 精准服务): one row per visit, call or policy pushed, by person record and
-- eligibility rule. The latest row of a person and rule is its last
-- service, which the due-visit schedule counts from. day is the service's
-- calendar day in the street's time, YYYY-MM-DD.
CREATE TABLE service_visits (
	id         BIGSERIAL PRIMARY KEY,
	person_id  BIGINT NOT NULL,
	rule       TEXT    NOT NULL,
	day        TEXT    NOT NULL,
	by_user    TEXT    NOT NULL,
	note       TEXT    NOT NULL DEFAULT '',
	community  TEXT    NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_visits_person_rule ON service_visits (person_id, rule, day);
CREATE INDEX service_visits_community_day ON service_visits (community, day);
