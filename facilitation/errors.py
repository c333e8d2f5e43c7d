"""The one exception workshop rules raise, with a French message for people."""


class WorkshopError(Exception):
    """A refused action: `message` is shown as is, `status` is the HTTP code.

    400 bad input, 403 not allowed (phase, lock, budget), 404 unknown,
    409 conflict with the current state, 410 workshop closed, 429 too fast.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
