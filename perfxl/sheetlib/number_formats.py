"""Excel's built-in number formats: the codes a style's ``numFmtId`` 0–49 stands for without a ``<numFmt>``.

ECMA-376 Part 1, §18.8.30 lists ids 0–22, 37–40 and 45–49. Ids 5–8 and 41–44 (currency and accounting)
are left to the locale; they are given as Excel in English writes them. Ids 23–36 are East Asian date and
number formats that differ by locale and are not listed: a cell styled with one reads as ``General``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

GENERAL = "General"

BUILTIN_NUMBER_FORMATS: Mapping[int, str] = MappingProxyType(
    {
        0: GENERAL,
        1: "0",
        2: "0.00",
        3: "#,##0",
        4: "#,##0.00",
        5: '"$"#,##0_);("$"#,##0)',
        6: '"$"#,##0_);[Red]("$"#,##0)',
        7: '"$"#,##0.00_);("$"#,##0.00)',
        8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
        9: "0%",
        10: "0.00%",
        11: "0.00E+00",
        12: "# ?/?",
        13: "# ??/??",
        14: "mm-dd-yy",
        15: "d-mmm-yy",
        16: "d-mmm",
        17: "mmm-yy",
        18: "h:mm AM/PM",
        19: "h:mm:ss AM/PM",
        20: "h:mm",
        21: "h:mm:ss",
        22: "m/d/yy h:mm",
        37: "#,##0_);(#,##0)",
        38: "#,##0_);[Red](#,##0)",
        39: "#,##0.00_);(#,##0.00)",
        40: "#,##0.00_);[Red](#,##0.00)",
        41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
        42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
        43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
        44: r'_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)',
        45: "mm:ss",
        46: "[h]:mm:ss",
        47: "mmss.0",
        48: "##0.0E+0",
        49: "@",
    }
)


def builtin_format(format_id: int) -> str:
    """The code of a built-in format id; ``General`` for an id without one."""
    return BUILTIN_NUMBER_FORMATS.get(format_id, GENERAL)
