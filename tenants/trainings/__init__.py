"""Trainings: the course catalogue (foundation and tenant courses), sessions, enrolments, attendance,
course completions with PDF certificates, learning hours and the required-course readiness rule."""
