-- The jtis of accepted client assertions (RFC 7523 §3 item 7, SMART "Client Authentication:
-- Asymmetric") become a log (issue 6 §4, speed). Whether a jti is a replay is now decided in
-- memory (clientauth::ReplayMemory), which reads the log back at start; the log only makes each
-- accepted jti durable. Its key is the insertion order, so a commit's rows land on the last page
-- instead of one random page of a (client_id, jti_hash) index per row. The same jti may be
-- logged twice (again after its last second); the later row wins when read back. The purge
-- trims the oldest rows once past their last second.
CREATE TABLE assertion_jti_log (
  seq                INTEGER PRIMARY KEY,  -- rowid: max + 1, so rows append
  client_id          TEXT NOT NULL,
  jti_hash           TEXT NOT NULL,        -- base64url SHA-256 of the jti, never the jti
  last_acceptable_at INTEGER NOT NULL      -- unix seconds: the jti blocks through this second
) STRICT;

-- Every jti remembered so far stays remembered (expires_at was already the last blocking second).
INSERT INTO assertion_jti_log (client_id, jti_hash, last_acceptable_at)
  SELECT client_id, jti_hash, expires_at FROM assertion_jtis ORDER BY expires_at;
DROP TABLE assertion_jtis;
