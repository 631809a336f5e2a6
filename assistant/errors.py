"""A small error hierarchy; every message is safe to show to a user."""


class AssistantError(Exception):
    """Base class: the message is a complete sentence a user can read."""


class ReadError(AssistantError):
    """A source file could not be read (empty, binary, undecodable, corrupted, too large)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ParseError(AssistantError):
    """A file was read but its structure could not be parsed."""


class ModelUnavailableError(AssistantError):
    """The embedding model could not be prepared or loaded."""


class IndexMismatchError(AssistantError):
    """The index on disk was built with other settings or another corpus."""


class StoreUnavailableError(AssistantError):
    """The search store (a PostgreSQL server) cannot be reached or started."""


class IndexBusyError(AssistantError):
    """Another build holds the index's lock."""


class IndexWriteError(AssistantError):
    """The index could not be written (read-only folder, full disk); the old one stays."""
