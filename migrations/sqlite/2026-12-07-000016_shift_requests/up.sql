-- The shift a public applicant asked for: a request until a coordinator
-- approves the application, which signs the volunteer up for it. Not a sign-up
-- before that (it takes no place). Gone with the volunteer's decision.
CREATE TABLE shift_requests (
    volunteer_id TEXT PRIMARY KEY NOT NULL REFERENCES volunteers (id),
    shift_id TEXT NOT NULL REFERENCES shifts (id),
    created_at TIMESTAMP NOT NULL
);
