"""The form contract: what the generator writes and every reader of a form relies on.

A generated form is read back by perfxl (``check``, ``recalc``, the 重新计算 button) and computed by
Excel through the PERF_* UDFs: the writer and the readers agree on the field vocabulary
(:mod:`~perfxl.contract.fields`), the hidden metadata sheet (:mod:`~perfxl.contract.metadata`), the
scoring profiles a form names (:mod:`~perfxl.contract.profiles`), the texts computed cells show
(:mod:`~perfxl.contract.texts`), the functions behind the UDFs (:mod:`~perfxl.contract.functions`) and
what each computed cell holds (:mod:`~perfxl.contract.values`).

The package sits at the bottom of perfxl's import graph, beside the core: it imports nothing of
perfxl but :mod:`perfxl.core` and itself, and no third-party library.
"""
