"""Mail through a transactional outbox (DESIGN: Staff, mail and notifications).

A message is rendered from `templates/mail/` and written to `mail_message` in the transaction of
what caused it, with a `mail.send` job beside it (app/jobs/). The worker sends it over SMTP
(`CALIBRATE_SMTP_URL`), retrying with backoff while the server is down, and marks it sent in a
transaction of its own as soon as the server accepted it. Without an SMTP URL the message is
logged (recipient and subject only) and kept for admins at /admin/mail."""
