"""Schema of the evaluation (issue 12 §1–2): indicators and their measures,
the theory of change. Everything hangs under a diagnostic with ON DELETE
CASCADE."""

from sqlite_utils import Database, Migrations

migrations = Migrations("evaluation")


@migrations()
def m001_evaluation_ready(db: Database) -> None:
    # A first, empty step, so that the module is applied (and recorded) from
    # the start; the tables come in the migrations below.
    pass
