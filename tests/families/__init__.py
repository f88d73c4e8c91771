"""Tests of the families package: referral, family file, household, intake, states, closure, notes, lists."""
