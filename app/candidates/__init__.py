"""Candidates for hiring managers: search, each candidate's interviews, editing name and email."""
