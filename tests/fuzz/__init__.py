"""The fuzz test of every write route (issue 18): hostile values in, never a 5xx, nothing written on a refusal."""
