"""Volunteers: the pipeline from applicant to available, screening (VOG), readiness, self-service."""
