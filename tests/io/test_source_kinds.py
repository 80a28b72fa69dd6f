"""What a file is: by suffix, or by its first bytes (npskit._io.source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from npskit._io.source import DataFileError, compression, file_kind


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("a.csv", b"\x04\x22\x4d\x18rest", "lz4-compressed"),
        ("a.csv", b"7z\xbc\xaf\x27\x1crest", "7z-compressed"),
        ("a.csv", b"Rar!\x1a\x07rest", "rar-compressed"),
        ("a.csv.Z", b"\x1f\x9drest", r"Unix compress \(.Z\)"),
        ("a.csv.br", b"answer\n9\n", "ends in '.br'"),
        ("a.csv.lz4", b"answer\n9\n", "ends in '.lz4'"),
        ("a.zip", b"PK\x03\x04rest", "zip archive"),
    ],
)
def test_unread_compressions_are_named(
    tmp_path: Path, name: str, head: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(head)
    with pytest.raises(DataFileError, match=message):
        compression(path)


def test_kinds_by_suffix_and_by_bytes(tmp_path: Path) -> None:
    parquet = tmp_path / "data.bin"
    parquet.write_bytes(b"PAR1" + b"\x00" * 16)
    assert file_kind(parquet) == "parquet"
    text = tmp_path / "data.txt"
    text.write_text("answer\n9\n")
    assert file_kind(text) == "csv"
    assert compression(text) is None
    gz = tmp_path / "plain.gz"  # a suffix that lies: read as it is
    gz.write_text("answer\n9\n")
    assert compression(gz) is None
    legacy = tmp_path / "old.dat"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16)
    with pytest.raises(DataFileError, match=r"legacy Excel \(\.xls\)"):
        file_kind(legacy)
