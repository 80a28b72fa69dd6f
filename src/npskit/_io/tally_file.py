"""The public file reader: counts of a CSV, Parquet or Excel file, or of many.

:func:`tally_file` is what the command line does to its FILE argument, for
Python: the files named (a path, a list of paths, a folder of parts, a glob
pattern) are read one after another, in chunks, and only counts are kept, so
memory does not grow with the data.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from npskit._core.grouped import GroupedTally
from npskit._core.scale import Scale, scale_type_message
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit._counting.keys import column_names
from npskit.typing import NanPolicy, ScalePreset

from .files import count_file
from .parts import expand_paths
from .source import DataFile

__all__ = ["tally_file"]


def tally_file(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    score: str,
    *,
    by: str | Sequence[str] = (),
    weight: str | None = None,
    nan_policy: NanPolicy = "omit",
    scale: Scale | ScalePreset | None = None,
    delimiter: str = ",",
    sheet: str | None = None,
    encoding: str = "utf-8",
    header_rows: int = 1,
    decimal: str = ".",
    missing_values: Sequence[str] = (),
) -> Tally | GroupedTally:
    """Count the answers in a data file (or several), in total or per group.

    Parameters
    ----------
    source : path, folder, glob pattern, or a list of them
        CSV files (UTF-8, a header line; gzip, bz2 or xz compressed files,
        and zstd with pyarrow, are read as they are), Parquet files (needs
        pyarrow), Excel ``.xlsx`` workbooks (needs openpyxl:
        ``pip install "npskit[xlsx]"``). A folder is read as the parts of one
        data set, as Spark writes ``survey.parquet/`` (markers such as
        ``_SUCCESS``, ``*.crc`` and hidden files are left out); a glob
        pattern such as ``"exports/*.csv"`` is expanded. The kind of a file
        comes from its suffix, or its first bytes when the suffix says nothing.
    score : str
        Column of answers; blank cells (null in Parquet, empty in Excel) are
        missing answers.
    by : str or sequence of str, default ()
        Key columns; cells are read as text with surrounding spaces removed,
        and a blank key is a missing key (``None``, its own group, last).
    weight : str, optional
        Column of survey weights.
    nan_policy : {"omit", "raise"}, default "omit"
        As for :func:`npskit.tally`.
    scale : Scale or str, optional
        Scale of the answers: a :class:`Scale`, or a preset name such as
        ``"1-5"`` (see :meth:`Scale.preset`). By default the standard 0-10
        scale, and then a column whose answers all lie in 1..7 (no answer can
        be a promoter) raises an :class:`~npskit.InputWarning` naming the
        presets that fit; ``scale=Scale()`` reads 0-10 without the check.
    delimiter : str, default ","
        Field separator of CSV files (``";"`` for Excel exports in countries
        that write decimal commas).
    sheet : str, optional
        Worksheet of Excel files; by default the first.
    encoding : str, default "utf-8"
        Text encoding of CSV files (``"cp1252"`` for Excel's CSV on
        Western-European Windows); a UTF-8 byte-order mark is skipped.
    header_rows : int, default 1
        Lines before the data in CSV files: the first names the columns, the
        others are skipped (3 for a Qualtrics export, 2 for SurveyMonkey).
    decimal : {".", ","}, default "."
        Decimal mark of the weights in CSV files.
    missing_values : sequence of str, default ()
        Cell texts that mean a missing value besides a blank cell, such as
        ``("NA", "N/A", "-", "-99")``.

    Returns
    -------
    Tally or GroupedTally
        The total :class:`Tally` when ``by`` is empty, else one tally per
        group, ordered as :func:`npskit.tally_by` orders them.

    Raises
    ------
    ValueError
        For a file that cannot be read or holds invalid values: the message
        names the file and the line (CSV), row (Parquet, from 1) or sheet and
        row (Excel); for a part that lacks a column, naming the part; for a
        folder or pattern holding no data file, files of several kinds, or a
        file npskit does not read.
    TypeError
        If ``source`` is not a path or a list of paths, or ``scale`` not a
        :class:`Scale`.

    See Also
    --------
    tally_by : Count answers already in memory per group.
    from_counts_table : Tallies from counts made elsewhere.

    Notes
    -----
    Files are read one after another, each in chunks of rows; each chunk is
    counted and the counts are added up, so memory holds one chunk and the
    counts so far whatever the size of the data. Before any file is counted,
    every part's header is checked for the columns needed.

    Examples
    --------
    >>> import npskit
    >>> npskit.tally_file(npskit.example_path(), "answer")
    Tally(detractors=1427, passives=1517, promoters=2880, n_missing=176)
    >>> by_channel = npskit.tally_file(npskit.example_path(), "answer", by="channel")
    >>> [key for key, _ in by_channel]
    [('chat',), ('email',), ('phone',)]

    A Qualtrics export (three header lines) on a 1-5 question:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "qualtrics.csv").write_text(
    ...     "Q1,Q2\\n"
    ...     "How likely...,Channel\\n"
    ...     '{""ImportId"":""QID1""},{""ImportId"":""QID2""}\\n'
    ...     "5,chat\\n4,chat\\n1,email\\nNA,email\\n"
    ... )
    >>> npskit.tally_file(
    ...     folder / "qualtrics.csv", "Q1", scale="1-5", header_rows=3, missing_values=["NA"]
    ... )
    Tally(detractors=1, passives=1, promoters=1, n_missing=1)
    """
    check_choice("nan_policy", nan_policy, ("omit", "raise"))
    if isinstance(scale, str):
        scale = Scale.preset(scale)
    elif scale is not None and not isinstance(scale, Scale):
        raise TypeError(scale_type_message(scale))
    keys = column_names("by", by)
    files = [
        DataFile(
            path,
            delimiter=delimiter,
            sheet=sheet,
            encoding=encoding,
            header_rows=header_rows,
            decimal=decimal,
            missing_values=missing_values,
        )
        for path in expand_paths(source)
    ]
    grouped = count_file(files, score, keys, weight=weight, nan_policy=nan_policy, scale=scale)
    return grouped if keys else grouped.total
