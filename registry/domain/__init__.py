"""Pure business rules of the registry: no Flask, no database, no clock of their own.

The services call these with plain values (and an explicit ``as_of`` date) so the
rules can be tested with fixed dates and reused by the site, the API and the CLI.
"""
