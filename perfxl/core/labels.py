"""The Chinese labels of a form's indicator fields: the one place each is spelled.

The form's headings, the project list's columns, the readers that find a form by its labels and every
message naming a field take them from here (the field vocabulary, perfxl.contract.fields, gives each to
its field). The funds block's labels are perfxl.core.budget's SOURCES, COLUMNS and TOTAL_LABEL.
"""

from __future__ import annotations

LEVEL1 = "一级指标"
LEVEL2 = "二级指标"
NAME = "三级指标"
TARGET = "年度指标值"
ACTUAL = "实际完成值"
WEIGHT = "分值"
SCORE = "得分"
REASON = "偏差原因分析及改进措施"

# By the attribute of perfxl.core.indicator.IndicatorInput each labels (and the project list's key).
INDICATOR_LABELS = {
    "level1": LEVEL1,
    "level2": LEVEL2,
    "name": NAME,
    "target": TARGET,
    "weight": WEIGHT,
    "actual": ACTUAL,
    "score": SCORE,
    "reason": REASON,
}
