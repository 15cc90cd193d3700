"""A person's files: where they live (`paths`), atomic writes (`storage`), JSON read with
problems in words (`jsonfile`), remembered settings (`settings`) and the log file (`logs`).

No pygame, no view: the simulation's save files and the command line use these too.
"""
