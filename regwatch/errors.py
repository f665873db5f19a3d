"""The error a user's input gets, and the one way pydantic's validation errors are put into words."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError


class BadInput(ValueError):
    """Input that cannot be used; the message names the input (file and line, option, value) and what was expected."""


def given_date(value: str, what: str) -> date:
    """`value` as a YYYY-MM-DD date, or BadInput that starts with `what` (the option or parameter it came in)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{what} {value!r} is not a date in the form YYYY-MM-DD") from None


# The exit codes regwatch.cli.main gives every command (BadInput is 2); `digest send` adds 1.
EXIT_CODES = (
    "0 done; 2 a mistake in the input (one line names it); 3 the store or the disk failed (one line names which)."
)


def epilog(example: str, note: str = "") -> str:
    """The end of a command's --help, as an analyst reads it: one example and the exit codes (and a note on them)."""
    return f"Example: {example}\n\nExit codes: {EXIT_CODES}" + (f" {note}" if note else "")


def explain(exc: ValidationError, whole: str = "notice") -> str:
    """One part per field: `published: Input should be a valid date (got '2025-02-30')`.

    `whole` names the object when the error is about it rather than one field.
    """
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or whole
        message = error["msg"].removeprefix("Value error, ")
        got = error.get("input")
        # The value, unless the message names it already or it is the whole object.
        quiet = error["type"] == "missing" or isinstance(got, dict) or repr(got) in message
        shown = "" if quiet else f" (got {got!r})"
        parts.append(f"{where}: {message}{shown}")
    return "; ".join(parts)
