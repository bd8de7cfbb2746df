"""How large a part of a workbook perfxl reads: a bound on memory, whatever a file holds.

A form's sheet is some 50 KB of XML and a sheet of a hundred stacked forms a few MB. Parsed, a sheet
takes 30 to 45 times its size in memory (the XML tree, the index of its cells, the values read from it:
``benchmarks/memory.py``), so 8 MB bounds the reading of any one part to some 400 MB. Parts are read
one form sheet at a time (``Book.release``), so a workbook of many sheets stays within the same bound.
"""

MAX_PART_BYTES = 8 * 1024 * 1024
# What perfxl keeps of each form it has read (its result and findings, some 0.2 MB) makes the number of
# sheets the other bound: a thousand forms and the sheets around them (perfxl.generate.MAX_SINGLE_FORMS).
MAX_SHEETS = 1100


def part_too_large(name: str, size: int) -> str:
    """The Chinese message for a part beyond the limit, naming both."""
    return (
        f"部件 {name} 解压后 {size / 2**20:.0f} MB，超过上限 {MAX_PART_BYTES // 2**20} MB"
        "（一张自评表的工作表通常不到 1 MB；可删除多余的空行、空列后另存再提交），已拒绝打开"
    )
