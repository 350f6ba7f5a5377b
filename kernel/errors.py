"""Errors that services raise for users: a code, a clear message, and the field at fault.

The API turns them into the one error shape (kernel/api.py); the admin shows the
message. Services raise them before the database's constraints would fire.
"""

from kernel.error_codes import CommonErrors


class ServiceError(Exception):
    status_code = 400
    default_code = CommonErrors.INVALID

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class NotFoundError(ServiceError):
    status_code = 404
    default_code = CommonErrors.NOT_FOUND


class ConflictError(ServiceError):
    """The request is valid but the state does not allow it (a taken slot, a locked row)."""

    status_code = 409
    default_code = CommonErrors.CONFLICT
