"""One listing helper for every list page: search, sorting, filters, paging and the XLSX export.

Used by the lists of several areas (registry, surveys overview, assessments, reports, rectification,
letters) and by the work queues on the home page, which open a list already filtered: every control
is a URL query parameter, so a link can say exactly what it counts.

Query parameters (all optional):

- ``q``: search text; an enterprise name containing it, or a credit code starting with it (any case).
- ``sort``: a column key; an unknown key falls back to the list's default order (old bookmarks open).
- ``dir``: ``asc`` or ``desc``; anything else falls back to the column's own first direction.
- ``page``: 1 …; not an integer (or out of range) is a Chinese 400; past the last page shows the last.
- ``per_page``: 20, 50 or 100 rows a page; any other value is a Chinese 400.
- ``format``: ``xlsx`` exports every filtered row (all pages, in the page's order); other values: 400.
- each filter of the list: ``id`` filters take a row id (400 when not an integer), ``choice`` filters one
  of their listed values, ``bool`` filters ``1`` / ``0`` (400 for anything else). Empty means "all".

A ``Listing`` works on a SQLAlchemy select (``apply`` / ``page``) or, for rows computed in Python
(survey counters, released figures), on a list (``apply_rows`` / ``page``); the same ``Column`` and
``Filter`` declarations serve both and the export. A list runs the request's queries, so it reads
through ``db.session`` (request-level, like ``access.py``).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Optional, Sequence
from urllib.parse import quote

from flask import Response, request
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, func, or_, select

from .db import db
from .errors import abort_zh
from .inputs import parse_int
from .models import Industry, ReportingUnit
from .spreadsheets import neutralise
from .timefmt import local_today, to_local

RESERVED = ("q", "sort", "dir", "page", "per_page", "format")
PAGE_SIZES = (20, 50, 100)
DEFAULT_SIZE = 20
SEARCH_MAX = 100  # characters of the search text kept


@dataclass(frozen=True)
class Column:
    """A column of the list: its header, how it sorts and what the export writes."""

    key: str
    label: str
    order: tuple = ()  # SQL expressions, ascending (select lists); empty: not sortable in SQL
    value: Optional[Callable[[Any], Any]] = None  # row -> cell of the export (and the Python sort key)
    sort_key: Optional[Callable[[Any], Any]] = None  # Python sort key when it differs from ``value``
    desc_first: bool = False  # the first click sorts descending (counts, dates)
    export: bool = True
    num: bool = False  # right-aligned figure


@dataclass(frozen=True)
class Filter:
    """A filter of the list; ``where`` for selects, ``test`` for Python rows."""

    key: str
    label: str
    kind: str = "choice"  # "id" | "choice" | "bool" | "text" (an exact value typed in, e.g. a username)
    choices: Any = ()  # [(value, label)] or a callable returning them (evaluated when rendered)
    where: Optional[Callable[[Any], Any]] = None  # value -> SQL condition
    test: Optional[Callable[[Any, Any], bool]] = None  # (row, value) -> keep?

    def options(self) -> list[tuple[str, str]]:
        items = self.choices() if callable(self.choices) else self.choices
        if self.kind == "bool" and not items:
            items = (("1", "是"), ("0", "否"))
        return [(str(v), str(label)) for v, label in items]

    def parse(self, raw: str):
        """The filter's value from its URL text; None for "all"; a Chinese 400 when wrong."""
        text = (raw or "").strip()
        if not text:
            return None
        if self.kind == "id":
            return parse_int(text, self.label)
        if self.kind == "text":
            return text[:SEARCH_MAX]
        if self.kind == "bool":
            if text not in ("1", "0"):
                abort_zh(400, f"参数“{self.label}”应为“是”（1）或“否”（0）。")
            return text == "1"
        allowed = [v for v, _ in self.options()]
        if text not in allowed:
            abort_zh(400, f"参数“{self.label}”的值“{text[:20]}”无法识别，请从列表中选择。")
        return text


@dataclass
class ListQuery:
    """The validated query of one request; ``raw`` echoes the filters as typed (for the form)."""

    q: str = ""
    sort: str = ""
    desc: bool = False
    page: int = 1
    size: int = DEFAULT_SIZE
    export: bool = False
    values: dict = field(default_factory=dict)  # filter key -> parsed value (None: all)
    raw: dict = field(default_factory=dict)  # filter key -> text

    def active(self) -> dict:
        return {k: v for k, v in self.values.items() if v is not None}


class Listing:
    """Declare once per list page; ``parse`` the request, ``page`` or ``export`` the rows."""

    def __init__(self, name: str, columns: Sequence[Column], filters: Sequence[Filter] = (), *,
                 search: Sequence = (), search_rows: Optional[Callable[[Any], tuple]] = None,
                 default_sort: Optional[str] = None, default_desc: bool = False, tiebreak: Sequence = (),
                 search_label: str = "名称或信用代码", rows: bool = False, contains: Sequence = ()):
        self.name = name  # sheet title and file name stem of the export
        self.columns = list(columns)
        self.by_key = {c.key: c for c in self.columns}
        self.filters = list(filters)
        clash = [f.key for f in self.filters if f.key in RESERVED]
        assert not clash, f"filter keys {clash} are listing parameters"
        self.search = tuple(search)  # (name expression, credit-code expression...) for selects
        self.contains = tuple(contains)  # further columns searched for the text anywhere (usernames, titles)
        self.search_rows = search_rows  # row -> (name, credit code) for Python rows
        self.default_sort = default_sort or ""
        self.default_desc = default_desc
        self.tiebreak = tuple(tiebreak)
        self.search_label = search_label
        self.rows = rows  # True: the list is computed in Python (``apply_rows``), not a select

    def sortable(self, column: Column) -> bool:
        if self.rows:
            return column.sort_key is not None or column.value is not None
        return bool(column.order)

    # --- the request -----------------------------------------------------------------------------
    def parse(self, args=None) -> ListQuery:
        args = request.args if args is None else args
        lq = ListQuery()
        lq.q = " ".join((args.get("q") or "").split())[:SEARCH_MAX]
        sort = (args.get("sort") or "").strip()
        column = self.by_key.get(sort)
        if column is None or not self.sortable(column):
            lq.sort, lq.desc = self.default_sort, self.default_desc
        else:
            lq.sort = sort
            direction = (args.get("dir") or "").strip()
            lq.desc = {"asc": False, "desc": True}.get(direction, column.desc_first)
        lq.page = parse_int(args.get("page"), "页码", 1)
        size = parse_int(args.get("per_page"), "每页条数", DEFAULT_SIZE)
        if size not in PAGE_SIZES:
            abort_zh(400, "参数“每页条数”只能是 20、50 或 100。")
        lq.size = size
        fmt = (args.get("format") or "").strip()
        if fmt not in ("", "xlsx"):
            abort_zh(400, "参数“格式”只能是 xlsx（导出 Excel）。")
        lq.export = fmt == "xlsx"
        for flt in self.filters:
            lq.raw[flt.key] = (args.get(flt.key) or "").strip()
            lq.values[flt.key] = flt.parse(lq.raw[flt.key])
        return lq

    # --- selects ---------------------------------------------------------------------------------
    def apply(self, stmt: Select, lq: ListQuery) -> Select:
        """The select searched, filtered and ordered (not paged)."""
        if lq.q and (self.search or self.contains):
            name_expr, *code_exprs = self.search or (None,)
            conds = [c.contains(lq.q, autoescape=True) for c in (name_expr, *self.contains) if c is not None]
            conds += [c.startswith(lq.q.upper(), autoescape=True) for c in code_exprs]
            stmt = stmt.where(or_(*conds))
        for flt in self.filters:
            value = lq.values.get(flt.key)
            if value is not None and flt.where is not None:
                stmt = stmt.where(flt.where(value))
        column = self.by_key.get(lq.sort)
        order = []
        if column is not None and column.order:
            order = [(o.desc() if lq.desc else o.asc()).nulls_last() for o in column.order]  # empty cells last
        return stmt.order_by(None).order_by(*order, *self.tiebreak)

    # --- Python rows -----------------------------------------------------------------------------
    def apply_rows(self, rows: Iterable, lq: ListQuery) -> list:
        """The same for rows computed in Python (``search_rows`` and each filter's ``test``)."""
        out = list(rows)
        if lq.q and self.search_rows is not None:
            needle, code = lq.q.casefold(), lq.q.upper()
            out = [r for r in out if needle in (self.search_rows(r)[0] or "").casefold()
                   or (self.search_rows(r)[1] or "").upper().startswith(code)]
        for flt in self.filters:
            value = lq.values.get(flt.key)
            if value is not None and flt.test is not None:
                out = [r for r in out if flt.test(r, value)]
        column = self.by_key.get(lq.sort)
        key = column and (column.sort_key or column.value)
        if key is not None:
            present = [r for r in out if key(r) is not None]
            missing = [r for r in out if key(r) is None]  # empty cells last in both directions
            out = sorted(present, key=key, reverse=lq.desc) + missing
        return out

    # --- paging ----------------------------------------------------------------------------------
    def page(self, source, lq: ListQuery, *, scalars: bool = True):
        """Items of the requested page and the pager object for ``_macros.pager``.

        ``source`` is a list (already ``apply_rows``-ed) or a select (already ``apply``-ed); a select
        of several entities is read with ``scalars=False`` (rows)."""
        if isinstance(source, Select):
            total = db.session.scalar(select(func.count()).select_from(source.order_by(None).subquery())) or 0
        else:
            total = len(source)
        pages = max((total + lq.size - 1) // lq.size, 1)
        number = min(max(lq.page, 1), pages)
        start = (number - 1) * lq.size
        if isinstance(source, Select):
            paged = source.offset(start).limit(lq.size)
            items = (db.session.scalars(paged) if scalars else db.session.execute(paged)).all()
        else:
            items = source[start:start + lq.size]
        pager = SimpleNamespace(page=number, pages=pages, total=total, has_prev=number > 1,
                                has_next=number < pages, size=lq.size, sizes=PAGE_SIZES)
        return items, pager

    # --- export ----------------------------------------------------------------------------------
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export and c.value is not None]

    def workbook(self, rows: Iterable) -> bytes:
        """Every row given (the whole filtered list) with the exportable columns, cells neutralised."""
        wb = Workbook(write_only=True)  # streamed rows: thousands of rows in a fraction of the memory and time
        ws = wb.create_sheet(self.name[:31])
        columns = self.export_columns()
        for i, c in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(len(c.label) * 2 + 6, 40))
        header = []
        for c in columns:
            cell = WriteOnlyCell(ws, value=c.label)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_cell(c.value(row)) for c in columns])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def export_rows(self, source, *, scalars: bool = True) -> list:
        if isinstance(source, Select):
            return (db.session.scalars(source) if scalars else db.session.execute(source)).all()
        return list(source)

    def xlsx_response(self, source, *, scalars: bool = True) -> Response:
        data = self.workbook(self.export_rows(source, scalars=scalars))
        name = f"{self.name}-{local_today():%Y%m%d}.xlsx"
        return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename=list-{local_today():%Y%m%d}.xlsx; "
                                                        f"filename*=UTF-8''{quote(name)}"})


def _cell(value):
    """A value as an export cell: text neutralised, datetimes in local time (naive), booleans 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return to_local(value).replace(tzinfo=None)
    if value is None:
        return ""
    return neutralise(value)


# --- filters many lists share ------------------------------------------------------------------------

def _unit_choices() -> list[tuple[int, str]]:
    stmt = select(ReportingUnit).where(ReportingUnit.kind != "city").order_by(ReportingUnit.sort_order,
                                                                               ReportingUnit.id)
    if getattr(current_user, "role", None) == "district_admin":
        stmt = stmt.where(ReportingUnit.id == current_user.unit_id)
    return [(u.id, u.name) for u in db.session.scalars(stmt)]


def _industry_choices() -> list[tuple[int, str]]:
    return [(i.id, i.name) for i in db.session.scalars(select(Industry).order_by(Industry.is_new_form, Industry.id))]


def distinct_choices(column, labeller: Callable[[Any], str]) -> Callable[[], list[tuple[Any, str]]]:
    """A filter's choices from the values ``column`` holds (e.g. the audit actions), read when rendered."""
    def choices() -> list[tuple[Any, str]]:
        return [(v, labeller(v)) for v in db.session.scalars(select(column).distinct().order_by(column))]
    return choices


def unit_filter(column=None, *, of_row: Optional[Callable[[Any], Any]] = None, key: str = "unit") -> Filter:
    """所属区市: ``column`` (e.g. ``Enterprise.unit_id``) for selects, ``of_row`` (row -> unit id) for rows."""
    return Filter(key, "所属区市", "id", _unit_choices, where=(lambda v: column == v) if column is not None else None,
                  test=(lambda r, v: of_row(r) == v) if of_row is not None else None)


def industry_filter(column=None, *, of_row: Optional[Callable[[Any], Any]] = None, key: str = "industry") -> Filter:
    """行业, like ``unit_filter``."""
    return Filter(key, "行业", "id", _industry_choices, where=(lambda v: column == v) if column is not None else None,
                  test=(lambda r, v: of_row(r) == v) if of_row is not None else None)
