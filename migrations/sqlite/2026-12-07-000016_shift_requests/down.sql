DROP TABLE shift_requests;
