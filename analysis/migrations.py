"""Tables of the analysis package (none yet)."""

from sqlite_utils import Migrations

migrations = Migrations("analysis")
