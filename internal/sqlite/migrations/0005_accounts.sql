-- 0005: accounts (账号管理).
--
-- A user can be disabled (停用): a disabled user cannot sign in and keeps no
-- sessions. password_changed_at records when the password was last set;
-- accounts from before this migration count theirs as set at creation.
-- Sessions record when they began; those from before this migration began
-- one session lifetime (12 hours, web.sessionTTL) before they expire.
-- Times are INTEGER microseconds like 0001.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = created_at;

ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET created_at = expires_at - 12 * 3600 * 1000000;
