"""Job-spec dashboards and interview scores: SQL aggregates over ratings, scored with `scoring`."""
