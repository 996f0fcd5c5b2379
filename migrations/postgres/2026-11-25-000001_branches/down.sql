DROP TABLE branches;
