-- A failed login from an address records which account it tried, so that the
-- address is throttled only when its failures spread over many accounts
-- (password spraying), not when one person behind a shared address mistypes.
ALTER TABLE throttle_events ADD COLUMN subject TEXT;
