"""Tables of the facilitation package (none yet)."""

from sqlite_utils import Migrations

migrations = Migrations("facilitation")
