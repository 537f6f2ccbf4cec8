"""Batch jobs (library scans) that run on local cores or on a Dask distributed cluster, and resume after a crash."""
