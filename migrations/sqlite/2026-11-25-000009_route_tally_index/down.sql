DROP INDEX routes_tally_idx;
