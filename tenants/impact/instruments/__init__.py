"""The foundation's versioned instruments: models, loader and checks, queries, pages and the
`flask instruments` commands (cli.py)."""
