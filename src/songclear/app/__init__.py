"""Application services: the use cases (import, audit, explain, diff, demo) wiring the store to the pure core."""
