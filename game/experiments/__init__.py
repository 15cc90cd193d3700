"""Experiments: many towns at once. A sweep spec names scenarios, seeds, card schedules and what
to sample; every (scenario, variant, seed) is one run, an independent `dask.distributed` task;
the results are one Parquet table and a tiny `.town` per run, and a report of plots.

Pure of pygame, the view and the command line; imports sim, trace, userfiles, config, limits.
"""
