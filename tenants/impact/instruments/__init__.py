"""The foundation's versioned instruments: models, loader and checks, pages and `flask instruments`."""
