-- The registration policy's cap for each client (CONTRACT "Registration policy"): the most its
-- scope may ever be, fixed when it registered (registration.max_scope, or the max_scope of the
-- initial access token it presented). RFC 7592 updates are trimmed to it, so a client cannot
-- raise itself above what it was allowed at registration. NULL for clients registered before this
-- migration: for them the configured registration.max_scope applies.
ALTER TABLE clients ADD COLUMN max_scope TEXT;
