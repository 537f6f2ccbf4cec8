"""The one exception tree of songclear.

Every error a user can cause is a ``SongclearError`` subclass carrying a user-facing message, the CLI exit code
and the HTTP status it maps to. Third-party exceptions are translated into these at the adapter boundary (the
XML parser, the database, the audio decoder); the CLI's ``main()`` and the API's error handler are the only places
that turn them into output.

    SongclearError                 exit 1   HTTP 500
    ├── InputError                 exit 2   HTTP 400   bad user input (a flag, a date, a code)
    │   ├── InvalidIdentifier               an ISRC/ISWC/territory/use that is not valid
    │   └── ImportError_                    a file that cannot be imported (names file and line/XPath)
    │       └── HostileXMLError             a DTD, an entity, a bomb
    ├── NotFound                   exit 3   HTTP 404
    ├── LedgerIntegrityError       exit 4   HTTP 409   facts that contradict each other (a cycle of parents)
    ├── StorageError               exit 5   HTTP 503   the database is unreachable or not migrated
    ├── ServiceUnavailable         exit 5   HTTP 503   the server is shutting down (no new job is started)
    ├── AudioError                 exit 6   HTTP 422   a file that cannot be decoded
    ├── Unauthorized               exit 7   HTTP 401   the API was called without a valid token
    ├── Forbidden                  exit 7   HTTP 403   the token's role may not see or do this
    └── RateLimited                exit 7   HTTP 429   too many requests for this token
    (InputError also has PayloadTooLarge: HTTP 413, an upload over the limit.)
"""

from __future__ import annotations


class SongclearError(Exception):
    """Base class: ``message`` is shown to the user as is."""

    exit_code = 1
    http_status = 500
    title = "Internal error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # Picklable whatever the subclass's constructor takes (DecodeError(path, reason), RateLimited(...,
        # retry_after=)): an error raised in a worker process must reach the parent intact, not break the pool.
        return _rebuild, (type(self), self.args, self.__dict__.copy())


def _rebuild(cls: type[SongclearError], args: tuple, state: dict) -> SongclearError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InputError(SongclearError):
    exit_code = 2
    http_status = 400
    title = "Invalid input"


class InvalidIdentifier(InputError):
    title = "Invalid identifier"


class ImportError_(InputError):  # noqa: N801 - trailing underscore: do not shadow the builtin ImportError
    """A file could not be imported. ``location`` is 'file:line' or 'file:XPath'; nothing of the file applied."""

    title = "Import refused"

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None) -> None:
        where = ":".join(p for p in (source, location) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.source = source
        self.location = location
        self.detail = message


class HostileXMLError(ImportError_):
    title = "Hostile XML refused"


class NotFound(SongclearError):
    exit_code = 3
    http_status = 404
    title = "Not found"


class LedgerIntegrityError(SongclearError):
    exit_code = 4
    http_status = 409
    title = "Ledger integrity"


class StorageError(SongclearError):
    exit_code = 5
    http_status = 503
    title = "Storage unavailable"


class ServiceUnavailable(SongclearError):
    exit_code = 5
    http_status = 503
    title = "Service unavailable"


class AudioError(SongclearError):
    exit_code = 6
    http_status = 422
    title = "Audio cannot be decoded"


# The service's refusals (no CLI command raises them; the exit code keeps the tree uniform).
class Unauthorized(SongclearError):
    exit_code = 7
    http_status = 401
    title = "Authentication required"


class Forbidden(SongclearError):
    exit_code = 7
    http_status = 403
    title = "Forbidden"


class StateConflict(InputError):
    """A well-formed request the case's current state does not allow: restoring before the window opens or
    after a suit, withdrawing or answering a withdrawn claim."""

    http_status = 409
    title = "Not allowed in this state"


class PayloadTooLarge(InputError):
    http_status = 413
    title = "Upload too large"


class RateLimited(SongclearError):
    exit_code = 7
    http_status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
