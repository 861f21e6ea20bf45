"""AI suggestions for interviewers: stored beside the human ratings, never instead of them."""
