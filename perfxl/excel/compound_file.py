"""pyOpenVBA's compound file (CFB), written with every directory entry black.

[MS-CFB] 2.6.4 keeps each storage's children in a red-black tree: no red entry may have a red child. pyOpenVBA
rebuilds a storage's tree into a balanced binary tree whenever a stream is added, renamed or removed, but
keeps the colour each entry was read with and writes new entries red; from five sheets on, perfxl's VBA
storage had red parents with red children. The spec names all black as the simplest valid colouring, and it
is what Excel wrote in xlwings' own project.

The colour is set where each entry's 128 bytes are written, not where trees are rebuilt: the tree's final
shape is pyOpenVBA's business and may change with every edit, a new entry has no stored bytes to colour
before it is written, and all black is valid whatever the shape. tests/test_cfb.py walks every storage of
what this writes with a reader of its own, so a pyOpenVBA that stops calling this method fails there.
"""

from __future__ import annotations

from pyopenvba.cfb import CFB, DirEntry

_TYPE_OFFSET = 66  # Object Type: 0 is an unallocated entry, which stays all zero ([MS-CFB] 2.6.3)
_COLOUR_OFFSET = 67  # Color Flag
_BLACK = 1


class BlackTreeCFB(CFB):
    """A :class:`pyopenvba.cfb.CFB` whose ``to_bytes`` writes every allocated directory entry black."""

    def _build_dir_entry_bytes(self, entry: DirEntry, *args: object, **kwargs: object) -> bytes:
        raw = super()._build_dir_entry_bytes(entry, *args, **kwargs)
        if raw[_TYPE_OFFSET] == 0:
            return raw
        return raw[:_COLOUR_OFFSET] + bytes([_BLACK]) + raw[_COLOUR_OFFSET + 1 :]
