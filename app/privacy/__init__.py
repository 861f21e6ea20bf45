"""Candidate data, consent and fairness (DESIGN): export, erasure, retention, voluntary
self-identification and the adverse-impact report."""
