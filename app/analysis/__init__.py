"""Question analysis and the model as an extra rater: what a team learns from its interviews."""
