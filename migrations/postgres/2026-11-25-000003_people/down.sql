DROP TABLE idempotency_keys;
DROP TABLE volunteers;
DROP TABLE member_organisations;
DROP TABLE localities;
