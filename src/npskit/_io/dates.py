"""Dates written as text in data files: ISO 8601 (with or without a UTC offset) or a format.

A timestamp with a UTC offset (``2026-01-01T00:40:39+02:00``, ``...Z``) is
dated by the **local time written in the data** (here 1 January), as pandas
does with ``pd.Timestamp(text).date()``: an answer given just after midnight
in Madrid belongs to the Madrid day, not to the UTC one. ``tz`` converts such
timestamps to one time zone first (``"UTC"``, ``"Europe/Madrid"``, any IANA
name the system's time-zone database knows); timestamps without an offset are
taken as already in that zone.

``date_format`` reads other spellings: ``"day-first"`` (``31/12/2026``,
``31.12.2026``, ``31-12-2026``, optionally followed by a time),
``"month-first"`` (``12/31/2026``), or a :func:`datetime.datetime.strptime`
format such as ``"%d/%m/%Y %H:%M"``.

The work is per distinct text (a file has few distinct dates), not per answer.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import zoneinfo
from collections.abc import Sequence

from npskit._counting.periods import local_time_text

__all__ = [
    "DATE_FORMATS",
    "check_date_options",
    "local_time_text",
    "parse_date_text",
    "parse_date_texts",
]

DATE_FORMATS = ("iso", "day-first", "month-first")
"""Named date formats; any other ``date_format`` is a ``strptime`` format."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMERIC = re.compile(
    r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"
)


def check_date_options(date_format: str | None, tz: str | None) -> zoneinfo.ZoneInfo | None:
    """Validate ``date_format`` and ``tz``; the time zone (None for the local time written).

    Raises
    ------
    ValueError
        For an unknown time zone, or a format that is neither a name in
        :data:`DATE_FORMATS` nor a ``strptime`` format with a ``%`` directive.
    """
    if date_format is not None:
        if not isinstance(date_format, str):
            raise TypeError(f"date_format must be a string, got {date_format!r}")
        if date_format not in DATE_FORMATS and "%" not in date_format:
            names = ", ".join(repr(name) for name in DATE_FORMATS)
            raise ValueError(
                f"date_format must be one of {names} or a strptime format such as "
                f"'%d/%m/%Y', got {date_format!r}"
            )
    if tz is None or tz == "local":
        return None
    if not isinstance(tz, str):
        raise TypeError(f"tz must be a string such as 'UTC' or 'Europe/Madrid', got {tz!r}")
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"tz {tz!r} is not a time zone this system knows; use 'local' (the time written "
            "in the data), 'UTC', or an IANA name such as 'Europe/Madrid'"
        ) from None


def parse_date_text(
    text: str, *, date_format: str | None = None, zone: _dt.tzinfo | None = None
) -> _dt.date:
    """The calendar day of one date or timestamp written as text (see the module).

    Raises
    ------
    ValueError
        If ``text`` is not a date in the format (the message says which).

    Examples
    --------
    >>> parse_date_text("2026-01-01T00:40:39+02:00")
    datetime.date(2026, 1, 1)
    >>> parse_date_text("2026-01-01T00:40:39+02:00", zone=_dt.timezone.utc)
    datetime.date(2025, 12, 31)
    >>> parse_date_text("31.12.2026 23:59", date_format="day-first")
    datetime.date(2026, 12, 31)
    """
    value = text.strip()
    if (date_format is None or date_format == "iso") and _ISO_DAY.match(value):
        with contextlib.suppress(ValueError):  # else _moment says what is wrong
            return _dt.date.fromisoformat(value)
    moment = _moment(value, date_format)
    if zone is not None and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.date()


def _moment(value: str, date_format: str | None) -> _dt.datetime:
    if date_format is None or date_format == "iso":
        try:
            return _dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date in ISO 8601 (2026-03-31, "
                "2026-03-31T09:30:00+02:00); name another format with date_format "
                "(--date-format day-first for 31/03/2026)"
            ) from None
    if date_format in ("day-first", "month-first"):
        match = _NUMERIC.match(value)
        if match is None:
            raise ValueError(
                f"{value!r} is not a date written {date_format} (e.g. "
                + ("31/03/2026" if date_format == "day-first" else "03/31/2026")
                + ", optionally with a time 09:30)"
            )
        first, second, year, hour, minute, second_ = match.groups()
        day, month = (first, second) if date_format == "day-first" else (second, first)
        try:
            return _dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second_ or 0)
            )
        except ValueError as error:
            raise ValueError(f"{value!r} is not a date written {date_format}: {error}") from None
    try:
        return _dt.datetime.strptime(value, date_format)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date written as date_format {date_format!r}"
        ) from None


def parse_date_texts(
    texts: Sequence[str], *, date_format: str | None = None, tz: str | None = None
) -> list[_dt.date]:
    """The day of each text (see :func:`parse_date_text`); ValueError names the first bad one."""
    zone = check_date_options(date_format, tz)
    return [parse_date_text(text, date_format=date_format, zone=zone) for text in texts]
