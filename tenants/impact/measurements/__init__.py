"""Measurements of a family at T0/T1/Tend: models, scoring, the measurement pages, the progress chart, the demo."""
