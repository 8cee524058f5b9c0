"""Files the importer refuses as a whole (and a failure half-way) leave the database exactly as it was."""

from __future__ import annotations

import codecs

import pytest

from crm.extensions import db
from crm.prospects.importing import service
from crm.prospects.importing.limits import MB, ImportFileError, Limits
from crm.prospects.importing.service import ImportOptions, MappingNeeded, run
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.samples import sample_bytes, sample_text
from tests.prospects.support import counts, csv_bytes


@pytest.fixture
def workspace_id(ctx):
    workspace = WorkspaceFactory().id
    run(workspace, sample_bytes("pitchbox-partner-import.csv"), ImportOptions())  # something to keep intact
    return workspace


def _refused(workspace_id: int, data: bytes, match: str, **options) -> None:
    before = counts()
    with pytest.raises(ImportFileError, match=match):
        run(workspace_id, data, ImportOptions(**options))
    db.session.rollback()
    assert counts() == before


HOSTILE = {
    "empty": (b"", "The file is empty"),
    "only a header": (b"Website,Email\r\n", "no data rows"),
    "excel workbook": (b"PK\x03\x04" + b"\x00" * 200, "Excel workbook"),
    "pdf": (b"%PDF-1.7\n" + b"x" * 100, "PDF document"),
    "png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
    "gzip": (b"\x1f\x8b\x08\x00" + b"\x00" * 64, "gzip archive"),
    "binary": (bytes(range(256)) * 40, "binary file"),
    "broken utf-16": (codecs.BOM_UTF16_LE + "Website\r\na.com".encode("utf-16-le") + b"\x00\xd8", "UTF-16"),
    "double-encoded": (b"Website,Company\r\n" + "a.com,CafÃ© MÃ¼ller â€™s".encode() * 3, "garbled"),
    "open quote": (b'Website,Company\r\na.com,"never closed\r\nb.com,x\r\n' + b"c.com,y\r\n" * 5, "quote"),
    "over-long line": (b"Website,Company\r\na.com," + b"x" * 200_000 + b"\r\n", "characters long"),
    "top linked pages": (b"Target page,Incoming links,Linking sites\r\nhttps://y.example/,10,3\r\n", "your own pages"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))  # refused before any query: one database is enough
def test_hostile_and_malformed_files_are_refused_with_nothing_written(workspace_id, kind):
    data, match = HOSTILE[kind]
    _refused(workspace_id, data, match)


def test_unknown_columns_ask_for_a_mapping(workspace_id):
    before = counts()
    with pytest.raises(MappingNeeded) as caught:
        run(workspace_id, csv_bytes("Foo,Bar", "1,2", "3,4"), ImportOptions())
    assert caught.value.detection.headers == ("foo", "bar")
    assert counts() == before


def test_a_mapping_without_a_site_or_email_column_is_refused(workspace_id):
    _refused(workspace_id, csv_bytes("Foo,Bar", "1,2"), "Choose which column holds the site",
             mapping={"Foo": "site.dr"})
    _refused(workspace_id, csv_bytes("Foo,Bar", "1,2"), "no column named", mapping={"Nope": "domain"})


def test_files_over_the_size_limit_are_refused(workspace_id):
    huge = b"Website,Company\r\n" + b"a.com," + b"x" * (Limits().max_bytes + 10) + b"\r\n"
    _refused(workspace_id, huge, "files up to 50 MB can be imported")


def test_utf16_files_may_weigh_twice_as_much(workspace_id):
    limits = Limits(max_bytes=MB // 10)
    text = "Website,Company\r\n" + "".join(f"site{i}.com,{'x' * 40}\r\n" for i in range(1500))  # ~80 KB as UTF-8
    assert len(text.encode("utf-16")) > limits.max_bytes
    assert service.parse(text.encode("utf-16"), limits=limits).rows_read == 1500
    with pytest.raises(ImportFileError, match="MB can be imported"):
        service.parse((text * 2).encode("utf-8"), limits=limits)


def test_files_over_the_row_limit_are_refused(workspace_id):
    many = csv_bytes("Website", *(f"site{i}.com" for i in range(120)))
    with pytest.raises(ImportFileError, match="more than 100 rows"):
        service.parse(many, limits=Limits(max_rows=100))


@pytest.mark.both_databases
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_the_encodings_people_save_in_are_read(ctx, encoding):
    workspace_id = WorkspaceFactory().id
    data = "Website,Company\r\nhttps://café-crème.fr/,Café Crème \u2013 “Le Blog”\r\n".encode(encoding)
    summary = run(workspace_id, data, ImportOptions())
    assert summary["new"] == 1
    assert counts(workspace_id)["sites"] == 1


def test_the_ahrefs_utf16_tab_export_and_its_utf8_copy_import_the_same(ctx):
    first, second = WorkspaceFactory().id, WorkspaceFactory().id
    utf16 = run(first, sample_bytes("ahrefs-backlinks-v3.csv"), ImportOptions())
    utf8 = run(second, sample_text("ahrefs-backlinks-v3.csv").encode("utf-8"), ImportOptions())
    assert utf16["encoding"] == "utf-16-le" and utf8["encoding"] == "utf-8"
    assert {k: utf16[k] for k in ("new", "metrics", "pages")} == {k: utf8[k] for k in ("new", "metrics", "pages")}


@pytest.mark.both_databases
def test_a_failure_half_way_leaves_nothing_behind(workspace_id):
    """Writing stops on the backlink rows (as a full disk would stop it): the sites written before them go too."""
    reports = []

    def stop_at_the_links(phase: str, done: int, total: int | None) -> None:
        reports.append(phase)
        if reports.count("Writing") == 2:  # the sites are written; the links come next
            raise RuntimeError("disk full")

    before = counts()
    with pytest.raises(RuntimeError, match="disk full"):
        run(workspace_id, sample_bytes("ahrefs-backlinks-v3.csv"), ImportOptions(create_backlinks=True),
            progress_to=stop_at_the_links)
    db.session.rollback()
    assert counts() == before
