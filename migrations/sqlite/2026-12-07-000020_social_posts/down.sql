DROP TABLE social_reach_snapshots;
DROP TABLE social_posts;
