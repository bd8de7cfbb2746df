"""Test and verification tooling for perfxl: not part of the product, not installed by ``pip install .``.

- :mod:`perfxl_tools.ooxml` — will Excel open it? Package validation (XML, schemas) and lint of .xlsx/.xlsm.
- :mod:`perfxl_tools.uno_session` — one long-lived headless LibreOffice driven over UNO, to recalculate,
  read and inspect many workbooks as an independent engine (:class:`~perfxl_tools.uno_session.UnoSession`);
  ``uno_worker.py`` is its half that runs under the system Python.

The tests, ``scripts/`` and ``benchmarks/`` import it from the repository root. The product keeps only
what ``perfxl pdf`` needs (:mod:`perfxl.libreoffice`: finding soffice, throwaway user installations,
``--convert-to``).
"""
