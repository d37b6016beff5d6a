"""The outside world, behind small modules: the database (engine, session, tables, row
counts, bulk writes, backups) and outgoing mail. Rules never live here."""
