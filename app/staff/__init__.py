"""Staff pages: signing in and out (admin of users and personal accounts build on it)."""
