"""Families: referral, the family file, household members, intake, case states and closure."""
