"""Project lists (spec-format.md): the seed loads; every kind of bad input is refused with a clear message."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from perfxl.errors import InputError
from perfxl.projectlist import load_project_list


def write(tmp_path: Path, data: object, name: str = "list.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def minimal(**project: object) -> dict:
    base = {
        "name": "示例项目",
        "funds": {"fiscal": {"initial": 100, "annual": 100, "executed": 90}},
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "培训场次",
                "target": ">=3次",
                "weight": 90,
                "actual": "3次",
            }
        ],
    }
    base.update(project)
    return {"perfxl": 1, "year": 2022, "department": "某局", "unit": "某中心", "projects": [base]}


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_project_list(path)
    return [p.render() for p in caught.value.problems]


def test_seed_list_loads_into_typed_forms(seed_list: Path) -> None:
    project_list = load_project_list(seed_list)
    assert project_list.year == 2022
    assert project_list.profile.name == "mof-2020"
    first = project_list.forms[0]
    assert first.name == "业务工作经历"
    assert first.department == "上海市人力资源和社会保障局"
    assert first.funds.total.annual == Decimal("988374")
    assert first.funds.carryover.executed is None
    assert len(first.indicators) == 22
    assert first.indicators[5].score == Decimal(0)
    assert first.indicators[5].reason.startswith("原因：受疫情影响")
    assert not project_list.is_blank


def test_json_and_yaml_give_the_same_forms(tmp_path: Path, seed_list: Path) -> None:
    data = yaml.safe_load(seed_list.read_text(encoding="utf-8"))
    from_json = load_project_list(write(tmp_path, data, "list.json"))
    assert from_json.forms == load_project_list(seed_list).forms


def test_gb18030_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_bytes(yaml.safe_dump(minimal(), allow_unicode=True).encode("gb18030"))
    assert load_project_list(path).forms[0].name == "示例项目"


def test_blank_list_is_recognised(tmp_path: Path) -> None:
    data = minimal(funds={"fiscal": {"initial": 100, "annual": 100}})
    del data["projects"][0]["indicators"][0]["actual"]
    assert load_project_list(write(tmp_path, data)).is_blank


def test_profile_selected_by_name_and_overridden(tmp_path: Path) -> None:
    data = minimal()
    data["profile"] = {"base": "mof-2020", "over_achievement": 1.5, "reverse_rule": "linear"}
    profile = load_project_list(write(tmp_path, data)).profile
    assert profile.over_achievement == Decimal("1.5")
    assert profile.reverse_rule == "linear"
    assert profile.partial_share == Decimal("0.7")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["projects"][0].update(colour="红"), "未知的字段「colour」"),
        (lambda d: d["projects"][0]["indicators"][0].update(weight="十分"), "分值（weight）：应为数字，当前为「十分」"),
        (lambda d: d["projects"][0]["indicators"][0].pop("weight"), "分值（weight）：必须填写"),
        (lambda d: d["projects"][0]["indicators"][0].update(weight=0), "分值（weight）：分值应大于 0"),
        (lambda d: d["projects"][0]["indicators"][0].pop("target"), "年度指标值（target）：必须填写"),
        (lambda d: d["projects"][0]["indicators"][0].update(target=">=abc"), "年度指标值「>=abc」无法识别"),
        (
            lambda d: d["projects"][0]["funds"].update(total={"annual": 999}),
            "年度资金总额的全年预算数 999 不等于各资金来源之和 100",
        ),
        (lambda d: d["projects"].append(dict(d["projects"][0])), "项目名称重复"),
        (lambda d: d["projects"][0].pop("name"), "缺少必填字段 项目名称（name）"),
        (lambda d: d.pop("perfxl"), "缺少必填字段 格式版本（perfxl）"),
        (lambda d: d.update(perfxl=2), "不支持的格式版本"),
        (lambda d: d.update(year="明年"), "年度（year）应为"),
        (lambda d: d.update(profile="guangdong-2030"), "没有名为「guangdong-2030」的评分配置"),
        (lambda d: d.update(profile={"partial_share": 7}), "部分达成得分比例（partial_share）：应为 0 到 1 之间的数"),
        (lambda d: d["projects"][0]["funds"]["fiscal"].update(annual=-5), "不能为负数"),
        (lambda d: d.update(projects=[]), "至少包含一个项目"),
    ],
)
def test_bad_list_names_file_project_and_field(tmp_path: Path, change, expected: str) -> None:
    data = minimal()
    change(data)
    messages = problems(write(tmp_path, data))
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("list.yaml") for m in messages)


@pytest.mark.parametrize("number", [1e28, 1e30, 1e300, -1e28, 9.99e307, 10**28, -(10**29)])
@pytest.mark.parametrize(
    ("where", "label"),
    [
        (
            lambda d, n: d["projects"][0]["funds"]["fiscal"].update(executed=n),
            "当年财政拨款全年执行数（funds.fiscal.executed）",
        ),
        (
            lambda d, n: d["projects"][0]["funds"]["fiscal"].update(annual=n),
            "当年财政拨款全年预算数（funds.fiscal.annual）",
        ),
        (
            lambda d, n: d["projects"][0]["funds"].update(total={"initial": n}),
            "年度资金总额年初预算数（funds.total.initial）",
        ),
        (lambda d, n: d["projects"][0]["indicators"][0].update(weight=n), "第1个指标「培训场次」的分值（weight）"),
        (lambda d, n: d["projects"][0]["indicators"][0].update(score=n), "第1个指标「培训场次」的得分（score）"),
        (
            lambda d, n: d["projects"][0]["indicators"][0].update(actual=n),
            "第1个指标「培训场次」的实际完成值（actual）",
        ),
    ],
    ids=["executed", "annual", "total", "weight", "score", "actual"],
)
def test_a_number_of_1e28_or_more_is_refused(tmp_path: Path, where, label: str, number: float) -> None:
    data = minimal()
    where(data, number)
    messages = problems(write(tmp_path, data, "list.json"))
    shown = {
        1e28: "1E+28",
        1e30: "1E+30",
        1e300: "1E+300",
        -1e28: "-1E+28",
        9.99e307: "9.99E+307",
        10**28: "1E+28",
        -(10**29): "-1E+29",
    }[number]
    assert messages == [f"list.json，项目「示例项目」，{label}：数值过大（绝对值应小于 1E+28），当前为 {shown}"]


@pytest.mark.parametrize(
    ("field", "text", "shown"),
    [
        ("actual", "10000000000000000000000000000次", "1E+28"),
        ("target", ">=10000000000000000000000000000次", "1E+28"),
        ("actual", "-99999999999999999999999999999.5次", "-1E+29"),  # shown to 15 digits, as Excel
    ],
)
def test_a_huge_number_in_a_target_or_actual_text_is_refused(tmp_path: Path, field: str, text: str, shown: str) -> None:
    data = minimal()
    data["projects"][0]["indicators"][0][field] = text
    label = {"actual": "实际完成值（actual）", "target": "年度指标值（target）"}[field]
    assert problems(write(tmp_path, data)) == [
        f"list.yaml，项目「示例项目」，第1个指标「培训场次」的{label}：数值过大（绝对值应小于 1E+28），当前为 {shown}"
    ]


def test_numbers_just_below_1e28_are_taken(tmp_path: Path) -> None:
    data = minimal()
    data["projects"][0]["funds"]["fiscal"].update(annual=9.999999999999e27, executed=10**27)
    data["projects"][0]["indicators"][0].update(actual="9999999999999999999999999999次")
    form = load_project_list(write(tmp_path, data)).forms[0]
    assert form.funds.fiscal.annual == Decimal("9.999999999999E+27")


def test_message_names_project_and_indicator(tmp_path: Path) -> None:
    data = minimal()
    data["projects"][0]["indicators"][0]["weight"] = "x"
    assert problems(write(tmp_path, data)) == [
        "list.yaml，项目「示例项目」，第1个指标「培训场次」的分值（weight）：应为数字，当前为「x」"
    ]


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    data = minimal()
    data["projects"][0]["indicators"][0].update(weight="x", target="≥")
    data["projects"][0]["colour"] = "红"
    assert len(problems(write(tmp_path, data))) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("perfxl: 1\nyear: [2022\n", "YAML 格式错误（第"),
        ("- 1\n- 2\n", "文件内容应为项目清单"),
    ],
)
def test_unreadable_yaml(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(text, encoding="utf-8")
    assert expected in problems(path)[0]


def test_unreadable_json(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('{"perfxl": 1,', encoding="utf-8")
    assert "JSON 格式错误（第1行" in problems(path)[0]


def test_missing_file_and_wrong_type(tmp_path: Path) -> None:
    assert "文件不存在" in problems(tmp_path / "nowhere.yaml")[0]
    (tmp_path / "list.txt").write_text("x", encoding="utf-8")
    assert "不支持的文件类型「.txt」" in problems(tmp_path / "list.txt")[0]


def test_a_repeated_name_is_reported_before_the_other_problems(tmp_path: Path) -> None:
    data = minimal()
    data["projects"][0]["indicators"][0]["weight"] = "x"
    data["projects"].append(copy.deepcopy(data["projects"][0]))
    messages = problems(write(tmp_path, data))
    assert messages[0] == (
        "list.yaml，项目「示例项目」，项目名称（name）：项目名称重复：同一清单中每个项目名称只能出现一次"
    )
    assert len(messages) == 3 and all("分值（weight）：应为数字" in m for m in messages[1:]), messages


def test_funds_total_mismatch_names_the_field_by_its_label(tmp_path: Path) -> None:
    data = minimal()
    data["projects"][0]["funds"]["total"] = {"initial": 999}
    [message] = problems(write(tmp_path, data))
    assert "，年度资金总额年初预算数（funds.total.initial）：年度资金总额的年初预算数 999 不等于" in message


def test_funds_total_mismatch_is_the_cores_rule_and_message(tmp_path: Path) -> None:
    # One rule (perfxl.core.budget.stated_total_findings): the list reports what a form of it would.
    from perfxl.core.budget import Funds, FundsRow, stated_total_findings

    data = minimal()
    data["projects"][0]["funds"]["total"] = {"initial": 999, "annual": "99.50", "executed": 90}
    with pytest.raises(InputError) as caught:
        load_project_list(write(tmp_path, data))
    core = stated_total_findings(
        Funds(
            fiscal=FundsRow(Decimal(100), Decimal(100), Decimal(90)),
            stated_total=FundsRow(Decimal(999), Decimal("99.50"), Decimal(90)),
        )
    )
    assert [f.field for f in core] == ["funds.total.initial", "funds.total.annual"]
    assert [p.message for p in caught.value.problems] == [f.message for f in core]
    assert [p.field for p in caught.value.problems] == [
        "年度资金总额年初预算数（funds.total.initial）",
        "年度资金总额全年预算数（funds.total.annual）",
    ]
