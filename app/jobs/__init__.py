"""A small transactional outbox of background jobs: written in the caller's transaction, run by
the worker (`calibrate worker`, or inside `serve`), retried with exponential backoff."""
