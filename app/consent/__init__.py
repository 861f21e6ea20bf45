"""The candidate's choices: consents before a round and voluntary self-identification (lower than
the rounds that ask for them, app/take and app/voice, and the privacy pages that report on them)."""
