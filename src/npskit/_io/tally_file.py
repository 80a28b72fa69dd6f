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
from npskit._core.scale import STANDARD_SCALE, Scale, scale_type_message
from npskit._core.tally import Tally
from npskit._core.validation import check_choice
from npskit._counting.keys import column_names
from npskit.typing import NanPolicy

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
    scale: Scale = STANDARD_SCALE,
    delimiter: str = ",",
    sheet: str | None = None,
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
    scale : Scale, default the standard 0-10 scale
        Scale of the answers.
    delimiter : str, default ","
        Field separator of CSV files.
    sheet : str, optional
        Worksheet of Excel files; by default the first.

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
    """
    check_choice("nan_policy", nan_policy, ("omit", "raise"))
    if not isinstance(scale, Scale):
        raise TypeError(scale_type_message(scale))
    keys = column_names("by", by)
    files = [DataFile(path, delimiter=delimiter, sheet=sheet) for path in expand_paths(source)]
    grouped = count_file(files, score, keys, weight=weight, nan_policy=nan_policy, scale=scale)
    return grouped if keys else grouped.total
