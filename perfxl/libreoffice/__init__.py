"""LibreOffice headless for ``perfxl pdf``: find soffice, convert with ``soffice --convert-to``.

- :func:`convert_many` — many files, a batch per soffice run (what ``perfxl pdf`` uses); :func:`convert` —
  one file (about 1 s per call); both checked and time-limited.
- :class:`UserInstallation` — the throwaway LibreOffice user installation of every run: it forces full
  recalculation on load (or forbids it, for PDFs of forms perfxl has recalculated) and maps
  宋体/仿宋_GB2312/黑体 to Noto CJK SC.

Failures raise :class:`LibreOfficeError` with a Chinese message. The long-lived UNO session the tests and
benchmarks use to recalculate and read workbooks is tooling, outside the product: ``perfxl_tools.uno_session``.
"""

from perfxl.libreoffice.soffice import LibreOfficeError, UserInstallation, convert, convert_many, find_soffice

__all__ = ["LibreOfficeError", "UserInstallation", "convert", "convert_many", "find_soffice"]
