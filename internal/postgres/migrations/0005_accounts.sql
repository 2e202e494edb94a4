-- 0005: accounts (账号管理).
--
-- A user can be disabled (停用): a disabled user cannot sign in and keeps no
-- sessions. password_changed_at records when the password was last set;
-- accounts from before this migration count theirs as set at creation.
-- Sessions record when they began; those from before this migration began
-- one session lifetime (12 hours, web.sessionTTL) before they expire.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;
UPDATE users SET password_changed_at = created_at;
ALTER TABLE users ALTER COLUMN password_changed_at SET NOT NULL;

ALTER TABLE sessions ADD COLUMN created_at TIMESTAMPTZ;
UPDATE sessions SET created_at = expires_at - interval '12 hours';
ALTER TABLE sessions ALTER COLUMN created_at SET NOT NULL;
