"""The worksheet functions the engine computes, with Excel's rules for references, text and errors.

The set is what forms use: perfxl's native formulas (IF, AND, OR, ISNUMBER, ROUND, MIN, MAX, SUM,
COUNT, LEN, TRIM, SUBSTITUTE, CHAR), what officers and bureaus commonly add (IFERROR, AVERAGE,
ROUNDUP, CONCATENATE, …) and the UDFs a caller registers (:func:`udf`).

Excel distinguishes an argument given as a reference from one given as a value: ``COUNT(A1)`` does
not count a text "5" in A1, ``COUNT("5")`` does; ``SUM(A1:A3)`` ignores text, ``SUM("x")`` is #VALUE!.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from perfxl.calc.engine import Area, Context, Function
from perfxl.calc.parser import Missing, Node
from perfxl.calc.values import (
    BLANK,
    NUM,
    VALUE,
    ExcelError,
    Value,
    cell_constant,
    number_from_text,
    significant,
    to_bool,
    to_number,
    to_text,
)

Args = tuple[Node, ...]


def _arity(args: Args, low: int, high: int) -> None:
    if not low <= len(args) <= high:
        raise VALUE


# -- logic --------------------------------------------------------------------------------------


def _if(ctx: Context, args: Args) -> object:
    _arity(args, 1, 3)
    if to_bool(ctx.scalar(args[0])):
        chosen: Node | None = args[1] if len(args) > 1 else None
        default: Value = True
    else:
        chosen = args[2] if len(args) > 2 else None
        default = False
    if chosen is None:
        return default
    if isinstance(chosen, Missing):
        return Decimal(0)
    return ctx.arg(chosen)  # a reference stays one: IF(…,A1) of an empty A1 shows 0, SUM(IF(…,A1:A3)) sums


def _logicals(ctx: Context, args: Args) -> list[bool]:
    found: list[bool] = []
    for node in args:  # every argument is evaluated, as Excel does: an error anywhere is the result
        value = ctx.arg(node)
        if isinstance(value, Area):
            found.extend(
                v if isinstance(v, bool) else v != 0
                for v in ctx.values(value)
                if isinstance(v, (bool, Decimal)) or _raise_error(v)
            )
        elif isinstance(value, str):
            raise VALUE  # text given directly, even "TRUE", is not a logical value to AND and OR
        elif value is not BLANK:
            found.append(to_bool(value))  # type: ignore[arg-type]
    if not found:
        raise VALUE
    return found


def _raise_error(value: Value) -> bool:
    if isinstance(value, ExcelError):
        raise value
    return False


def _and(ctx: Context, args: Args) -> bool:
    return all(_logicals(ctx, args))


def _or(ctx: Context, args: Args) -> bool:
    return any(_logicals(ctx, args))


def _not(ctx: Context, args: Args) -> bool:
    _arity(args, 1, 1)
    return not to_bool(ctx.scalar(args[0]))


def _is(test: Callable[[Value], bool]) -> Function:
    def function(ctx: Context, args: Args) -> bool:
        _arity(args, 1, 1)
        try:
            value = ctx.scalar(args[0])
        except ExcelError as error:
            value = error
        return test(value)

    return function


def _scalar_or_error(ctx: Context, node: Node) -> Value:
    """A value, with an error either raised (1/0) or read from a cell (=A1 where A1 shows #N/A)."""
    try:
        return ctx.scalar(node)
    except ExcelError as error:
        return error


def _iferror(ctx: Context, args: Args) -> object:
    _arity(args, 2, 2)
    value = _scalar_or_error(ctx, args[0])
    return ctx.arg(args[1]) if isinstance(value, ExcelError) else value


def _ifna(ctx: Context, args: Args) -> object:
    _arity(args, 2, 2)
    value = _scalar_or_error(ctx, args[0])
    return ctx.arg(args[1]) if isinstance(value, ExcelError) and value.code == "#N/A" else value


def _constant(value: Value) -> Function:
    def function(ctx: Context, args: Args) -> Value:
        _arity(args, 0, 0)
        if isinstance(value, ExcelError):
            raise value
        return value

    return function


def _single(ctx: Context, args: Args) -> Value:
    """Excel 365's @ (saved as _xlfn.SINGLE): implicit intersection, as Excel 2010 reads every formula."""
    _arity(args, 1, 1)
    return ctx.scalar(args[0])


# -- numbers ------------------------------------------------------------------------------------


def _numbers(ctx: Context, args: Args) -> Iterator[Decimal]:
    """SUM's view of its arguments: numbers in ranges; numbers, logicals and numeric text given directly."""
    for node in args:
        value = ctx.arg(node)
        if isinstance(value, Area):
            for item in ctx.values(value):
                if isinstance(item, ExcelError):
                    raise item
                if isinstance(item, Decimal):
                    yield item
        else:
            yield to_number(value)  # type: ignore[arg-type]


def _sum(ctx: Context, args: Args) -> Decimal:
    return sum(_numbers(ctx, args), Decimal(0))


def _min(ctx: Context, args: Args) -> Decimal:
    return min(_numbers(ctx, args), default=Decimal(0))


def _max(ctx: Context, args: Args) -> Decimal:
    return max(_numbers(ctx, args), default=Decimal(0))


def _average(ctx: Context, args: Args) -> Decimal:
    numbers = list(_numbers(ctx, args))
    if not numbers:
        raise ExcelError("#DIV/0!")
    return sum(numbers, Decimal(0)) / len(numbers)


def _count(ctx: Context, args: Args) -> Decimal:
    count = 0
    for node in args:
        try:
            value = ctx.arg(node)
        except ExcelError:
            continue  # an error given directly is not a number; COUNT never fails
        if isinstance(value, Area):
            count += sum(1 for item in _values_or_errors(ctx, value) if isinstance(item, Decimal))
        elif isinstance(value, (Decimal, bool)) or (isinstance(value, str) and number_from_text(value) is not None):
            count += 1
    return Decimal(count)


def _values_or_errors(ctx: Context, area: Area) -> Iterator[Value]:
    for row, col in sorted(ctx.engine.source.occupied(area.sheet, area.ref)):
        yield ctx.engine.value(area.sheet, row, col)


def _counta(ctx: Context, args: Args) -> Decimal:
    count = 0
    for node in args:
        if isinstance(node, Missing):
            continue
        try:
            value = ctx.arg(node)
        except ExcelError:
            count += 1
            continue
        if isinstance(value, Area):
            count += sum(1 for item in _values_or_errors(ctx, value) if item is not BLANK)
        else:
            count += 1
    return Decimal(count)


def _rounding(mode: str) -> Function:
    def function(ctx: Context, args: Args) -> Decimal:
        _arity(args, 2, 2)
        # Excel rounds the number as it keeps it, to 15 significant digits: ROUNDDOWN(1/3*3,0) is 1.
        number = significant(to_number(ctx.scalar(args[0])))
        digits = int(to_number(ctx.scalar(args[1])))
        if number.as_tuple().exponent >= -digits:  # type: ignore[operator]
            return number + 0  # nothing to round (ROUND(1E+300,2)); quantize could exceed the precision
        try:
            return number.scaleb(digits).quantize(Decimal(1), rounding=mode).scaleb(-digits) + 0
        except InvalidOperation:
            raise NUM from None

    return function


def _int(ctx: Context, args: Args) -> Decimal:
    _arity(args, 1, 1)
    number = significant(to_number(ctx.scalar(args[0])))  # INT(1/3*3) is 1, as ROUND's operand
    try:
        return number.to_integral_value(rounding="ROUND_FLOOR")
    except InvalidOperation:
        raise NUM from None


def _abs(ctx: Context, args: Args) -> Decimal:
    _arity(args, 1, 1)
    return abs(to_number(ctx.scalar(args[0])))


def _value(ctx: Context, args: Args) -> Decimal:
    _arity(args, 1, 1)
    value = ctx.scalar(args[0])
    return to_number(value if not isinstance(value, bool) else to_text(value))


# -- text ---------------------------------------------------------------------------------------


def _text_arg(ctx: Context, node: Node) -> str:
    return to_text(ctx.scalar(node))


def _len(ctx: Context, args: Args) -> Decimal:
    _arity(args, 1, 1)
    return Decimal(len(_text_arg(ctx, args[0]).encode("utf-16-le")) // 2)  # UTF-16 units, as Excel counts


def _trim(ctx: Context, args: Args) -> str:
    _arity(args, 1, 1)
    return " ".join(part for part in _text_arg(ctx, args[0]).split(" ") if part)  # spaces only, not tabs


def _substitute(ctx: Context, args: Args) -> str:
    _arity(args, 3, 4)
    text, old, new = (_text_arg(ctx, node) for node in args[:3])
    if not old:
        return text
    if len(args) == 3:
        return text.replace(old, new)
    instance = int(to_number(ctx.scalar(args[3])))
    if instance < 1:
        raise VALUE
    # The occurrences replacing all would replace: they do not overlap (the 2nd "aa" of "aaa" is none).
    start = -len(old)
    for _ in range(instance):
        start = text.find(old, start + len(old))
        if start < 0:
            return text
    return text[:start] + new + text[start + len(old) :]


def _char(ctx: Context, args: Args) -> str:
    _arity(args, 1, 1)
    code = int(to_number(ctx.scalar(args[0])))
    if not 1 <= code <= 255:
        raise VALUE
    return chr(code) if code < 128 else bytes([code]).decode("cp1252", errors="replace")


def _concatenate(ctx: Context, args: Args) -> str:
    return "".join(_text_arg(ctx, node) for node in args)


def _concat(ctx: Context, args: Args) -> str:
    """CONCAT joins every cell of a range (CONCATENATE takes one value per argument)."""
    parts: list[str] = []
    for node in args:
        value = ctx.arg(node)
        if isinstance(value, Area):
            parts.extend(to_text(item) for item in _values_or_errors(ctx, value))
        else:
            parts.append(to_text(value))  # type: ignore[arg-type]
    return "".join(parts)


def _left(ctx: Context, args: Args) -> str:
    _arity(args, 1, 2)
    count = int(to_number(ctx.scalar(args[1]))) if len(args) > 1 else 1
    if count < 0:
        raise VALUE
    return _text_arg(ctx, args[0])[:count]


def _right(ctx: Context, args: Args) -> str:
    _arity(args, 1, 2)
    count = int(to_number(ctx.scalar(args[1]))) if len(args) > 1 else 1
    if count < 0:
        raise VALUE
    text = _text_arg(ctx, args[0])
    return text[max(len(text) - count, 0) :] if count else ""


def _hyperlink(ctx: Context, args: Args) -> Value:
    _arity(args, 1, 2)
    return ctx.scalar(args[1]) if len(args) > 1 else _text_arg(ctx, args[0])


# -- references ---------------------------------------------------------------------------------


def _rows(ctx: Context, args: Args) -> Decimal:
    _arity(args, 1, 1)
    area = ctx.arg(args[0])
    if not isinstance(area, Area):
        return Decimal(1)
    return Decimal(area.ref.max_row - area.ref.min_row + 1)


def _columns(ctx: Context, args: Args) -> Decimal:
    _arity(args, 1, 1)
    area = ctx.arg(args[0])
    if not isinstance(area, Area):
        return Decimal(1)
    return Decimal(area.ref.max_col - area.ref.min_col + 1)


BUILTINS: dict[str, Function] = {
    "IF": _if,
    "AND": _and,
    "OR": _or,
    "NOT": _not,
    "IFERROR": _iferror,
    "IFNA": _ifna,
    "ISNUMBER": _is(lambda v: isinstance(v, Decimal)),
    "ISTEXT": _is(lambda v: isinstance(v, str)),
    "ISNONTEXT": _is(lambda v: not isinstance(v, str)),
    "ISBLANK": _is(lambda v: v is BLANK),
    "ISLOGICAL": _is(lambda v: isinstance(v, bool)),
    "ISERROR": _is(lambda v: isinstance(v, ExcelError)),
    "ISERR": _is(lambda v: isinstance(v, ExcelError) and v.code != "#N/A"),
    "ISNA": _is(lambda v: isinstance(v, ExcelError) and v.code == "#N/A"),
    "SUM": _sum,
    "MIN": _min,
    "MAX": _max,
    "AVERAGE": _average,
    "COUNT": _count,
    "COUNTA": _counta,
    "ROUND": _rounding(ROUND_HALF_UP),
    "ROUNDUP": _rounding(ROUND_UP),
    "ROUNDDOWN": _rounding(ROUND_DOWN),
    "INT": _int,
    "ABS": _abs,
    "VALUE": _value,
    "LEN": _len,
    "TRIM": _trim,
    "SUBSTITUTE": _substitute,
    "CHAR": _char,
    "CONCATENATE": _concatenate,
    "CONCAT": _concat,
    "LEFT": _left,
    "RIGHT": _right,
    "HYPERLINK": _hyperlink,
    "ROWS": _rows,
    "COLUMNS": _columns,
    # LibreOffice saves the constants TRUE and FALSE as the functions TRUE() and FALSE().
    "TRUE": _constant(True),
    "FALSE": _constant(False),
    "NA": _constant(ExcelError("#N/A")),
    "SINGLE": _single,
}


def udf(function: Callable[..., object]) -> Function:
    """A Python UDF as Excel calls it through xlwings: plain Python values in, a value out.

    Empty cells arrive as None, numbers as floats, error values as their text (xlwings' err_to_str);
    the result is read back as a cell value.
    """

    def call(ctx: Context, args: Args) -> Value:
        values = []
        for node in args:
            try:
                value = ctx.arg(node)
            except ExcelError as error:
                value = error
            if isinstance(value, Area):
                if not value.is_cell:
                    raise VALUE
                try:
                    value = ctx.single(value)
                except ExcelError as error:
                    value = error
            values.append(_python(value))  # type: ignore[arg-type]
        try:
            result = function(*values)
        except Exception:  # a UDF that raises shows #VALUE! in Excel
            raise VALUE from None
        return BLANK if result is None else cell_constant(result)

    return call


def _python(value: Value) -> object:
    if value is BLANK:
        return None
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, Decimal):
        return float(value)
    return value
