"""Random project lists (plain data of spec-format.md) covering the whole target grammar.

Each list exercises the generator and the native formulas on inputs an officer could enter in the
generated form: numbers for quantitative indicators, dropdown texts for qualitative ones.
"""

from __future__ import annotations

import random
from decimal import Decimal

from perfxl.core.grammar import parse_target
from perfxl.generate.inputs import design_actual

QUANTITATIVE = [
    ("≥{v}%", "%"),
    (">={v}%", "%"),
    ("不低于{v}%", "%"),
    ("{v}%以上", "%"),
    ("={v}%", "%"),
    (">{v}%", "%"),
    ("≤{v}%", "%"),
    ("不超过{v}%", "%"),
    ("{v}%以内", "%"),
    ("<{v}%", "%"),
    ("≥{v}次", "次"),
    ("={v}台", "台"),
    (">={v}人次", "人次"),
    ("≤{v}万元", "万元"),
    ("控制在{v}万元内", "万元"),
    ("≤{v}天", "天"),
    ("≥{v}‰", "‰"),
    ("{v}", ""),
    ("≥{v}个", "个"),
]
ZERO_TARGETS = ["0起", "=0", "≤0", "≥0", ">0", "<0"]
QUALITATIVE = ["顺利完成", "及时", "完成", "合理", "有效", "得到应用", "按期完成", "规范", "无安全事故"]
LEVELS = [
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
]


def _amount(rng: random.Random) -> float:
    return round(rng.uniform(1000, 5_000_000), rng.choice([0, 2]))


def _quantitative(rng: random.Random) -> tuple[str, object]:
    if rng.random() < 0.12:
        target = rng.choice(ZERO_TARGETS)
        return target, rng.choice([0, 0.0, 1, 3, -1])
    pattern, unit = rng.choice(QUANTITATIVE)
    if unit == "%":
        value = Decimal(rng.choice([50, 80, 85, 90, 95, 98, 100, 5, 3])) + (Decimal("0.5") if rng.random() < 0.1 else 0)
    else:
        value = Decimal(rng.choice([1, 3, 5, 12, 100, 500, 1745, 20]))
    target = pattern.format(v=value)
    factor = Decimal(rng.choice(["0", "0.333", "0.5", "0.885", "0.9", "0.97", "1", "1.1", "1.3", "1.5", "2", "2.5"]))
    actual_value = (value * factor).quantize(Decimal("0.001"))
    if unit == "%":
        actual: object = float(actual_value / 100)  # a percentage cell holds the fraction
    else:
        actual = float(actual_value)
    return target, actual


def _qualitative(rng: random.Random) -> tuple[str, object]:
    target = rng.choice(QUALITATIVE)
    options = [text for text, _ in design_actual(parse_target(target), None).options]
    return target, rng.choice(options)


def random_project(rng: random.Random, index: int) -> dict:
    count = rng.randint(1, 25)
    weights = [rng.choice([1, 2, 3, 4, 5, 7, 10, 15]) for _ in range(count)]
    indicators = []
    for i, weight in enumerate(weights):
        level1, level2 = LEVELS[min(i * len(LEVELS) // count, len(LEVELS) - 1)]
        target, actual = _quantitative(rng) if rng.random() < 0.65 else _qualitative(rng)
        row: dict = {"level1": level1, "level2": level2, "name": f"指标{i + 1}", "target": target, "weight": weight}
        if rng.random() < 0.9:
            row["actual"] = actual
        if rng.random() < 0.1:
            row["score"] = round(rng.uniform(0, weight), rng.choice([0, 1, 2]))
        if rng.random() < 0.4:
            row["reason"] = rng.choice(["原因：受疫情影响。措施：调整计划。", "说明", " "])
        indicators.append(row)
    annual = _amount(rng)
    funds: dict = {"fiscal": {"initial": _amount(rng), "annual": annual}}
    if rng.random() < 0.9:
        funds["fiscal"]["executed"] = round(annual * rng.choice([0, 0.3333, 0.59575, 0.9, 1, 1.2]), 2)
    if rng.random() < 0.3:
        funds["carryover"] = {"initial": 0, "annual": 1000.5, "executed": 999.25}
    if rng.random() < 0.05:
        funds = {"fiscal": {"initial": 0, "annual": 0, "executed": 10}}
    return {
        "name": f"随机项目{index:03d}",
        "funds": funds,
        "goal": {"expected": "保障工作顺利完成。"},
        "indicators": indicators,
    }


PROFILES = [
    None,
    "mof-2020",
    {"base": "mof-2020", "reverse_rule": "linear"},
    {"base": "mof-2020", "partial_share": 0.6, "over_achievement": 1.5, "cap_budget_rate": False},
]


def random_list(rng: random.Random, projects: int) -> dict:
    data = {
        "perfxl": 1,
        "year": 2023,
        "department": "某市财政局",
        "unit": "某中心",
        "projects": [random_project(rng, i) for i in range(projects)],
    }
    profile = rng.choice(PROFILES)
    if profile is not None:
        data["profile"] = profile
    return data
