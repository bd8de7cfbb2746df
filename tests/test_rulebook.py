"""The review rulebook (perfxl.review.rulebook, perfxl.review.loading): the default one holds every rule of
review.md with its settings; a bureau's overrides, as a mapping or a TOML, JSON or YAML file; every bad
input gives a Chinese message naming its key (and its file)."""

from __future__ import annotations

import json
import re
import tomllib
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from perfxl.core.findings import Level
from perfxl.review import (
    RULE_CODES,
    RulebookError,
    Scope,
    available_rulebooks,
    load_rulebook,
    read_rulebook_file,
    resolve_rulebook,
)

ROOT = Path(__file__).resolve().parents[1]
D = Decimal


def test_the_default_rulebook_holds_every_rule_of_review_md() -> None:
    review_md = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    rules_section = review_md.split("## Rules", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^- `([a-z_0-9]+)`", rules_section, flags=re.MULTILINE)
    book = load_rulebook()
    assert len(documented) == 14
    assert sorted(documented) == sorted(RULE_CODES) == sorted(book.rules)
    assert available_rulebooks() == ["default"]


def test_the_default_rulebooks_effects_are_review_mds() -> None:
    book = load_rulebook()
    effects = {code: (rule.severity, rule.deduction) for code, rule in book.rules.items()}
    assert effects == {
        "all_full_marks": (Level.WARNING, 0),
        "placeholder": (Level.ERROR, 0),
        "rate_above_100": (Level.ERROR, 0),
        "cost_lower_bound": (Level.ERROR, 0),
        "pseudo_quantitative": (Level.WARNING, D("0.3")),
        "missing_dimension": (Level.WARNING, 0),
        "framework": (Level.ERROR, 1),
        "payment_as_output": (Level.ERROR, 1),
        "duplicate_indicator": (Level.ERROR, 0),
        "over_130_no_deduction": (Level.WARNING, 0),
        "reason_quality": (Level.WARNING, 0),
        "low_execution_no_reason": (Level.WARNING, 0),
        "no_evidence": (Level.ERROR, 1),
        "declared_mismatch": (Level.ERROR, 0),
    }
    assert all(rule.enabled for rule in book.rules.values()) and book.in_force == tuple(book.rules.values())
    # The descriptions are the rulebook's README: Chinese sentences a bureau reads.
    assert all(re.search(r"[\u4e00-\u9fff]{4}", rule.description) for rule in book.rules.values())
    assert book.rule("pseudo_quantitative").effect == "警告，扣减分值的30%"
    assert book.rule("placeholder").effect == "错误"


def test_the_default_settings() -> None:
    settings = load_rulebook().settings
    assert settings.reason_min_length == 10
    assert settings.execution_threshold == D("0.9") and settings.over_achievement_ratio == D("1.3")
    assert {"其他原因", "无", "客观原因"} <= set(settings.vague_reasons)
    assert {"效果明显", "有所提高", "进一步提升", "显著"} <= set(settings.unverifiable_words)
    assert settings.rate_endings == ("率", "满意度")
    assert {"支付率", "执行率"} <= set(settings.payment_words)
    assert settings.framework == {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    }
    patterns = settings.placeholder_patterns
    assert all(any(p.fullmatch(text) for p in patterns) for text in ("*", "**", "/", "—", "xx", "无", "88/100"))


def test_the_rulebooks_ship_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["perfxl"]
    shipped = [p.relative_to(ROOT / "perfxl").as_posix() for p in (ROOT / "perfxl" / "review" / "rulebooks").glob("*")]
    assert shipped and all(any(fnmatch(name, pattern) for pattern in patterns) for name in shipped)


def test_the_form_rules_deduct_nothing() -> None:
    book = load_rulebook()
    assert {code for code, rule in book.rules.items() if rule.scope is Scope.FORM} == {
        "all_full_marks",
        "missing_dimension",
        "low_execution_no_reason",
    }


# -- overrides ------------------------------------------------------------------------------------------


def test_overrides_change_only_what_they_name() -> None:
    book = resolve_rulebook(
        {
            "base": "default",
            "rules": {
                "placeholder": {"enabled": False},
                "pseudo_quantitative": {"deduction": 0.6, "severity": "error"},
                "reason_quality": {"description": "偏差原因须写明具体原因和整改措施，不少于20个字。"},
            },
            "settings": {"reason_min_length": 20, "vague_reasons": ["其他"]},
        }
    )
    default = load_rulebook()
    assert book.name == "default+自定义"
    assert not book.rule("placeholder").enabled and book.rule("placeholder") != default.rule("placeholder")
    assert (book.rule("pseudo_quantitative").deduction, book.rule("pseudo_quantitative").severity) == (
        D("0.6"),
        Level.ERROR,
    )
    assert book.rule("reason_quality").description.startswith("偏差原因须写明")
    assert book.settings.reason_min_length == 20 and book.settings.vague_reasons == ("其他",)
    assert book.settings.framework == default.settings.framework  # untouched settings stay
    unchanged = {"placeholder", "pseudo_quantitative", "reason_quality"}
    assert all(book.rule(c) == default.rule(c) for c in RULE_CODES if c not in unchanged)
    assert "placeholder" not in {r.code for r in book.in_force}
    assert resolve_rulebook({"name": "某区2025复核规则"}).name == "某区2025复核规则"


def test_a_name_none_and_a_rulebook_select_one() -> None:
    default = load_rulebook()
    assert resolve_rulebook(None) is resolve_rulebook("default") is default
    assert resolve_rulebook(default) is default


def test_the_default_rulebook_read_back_as_an_override_is_itself() -> None:
    default = load_rulebook()
    text = (ROOT / "perfxl" / "review" / "rulebooks" / "default.toml").read_text(encoding="utf-8")
    assert resolve_rulebook(tomllib.loads(text)).rules == default.rules


# -- files ----------------------------------------------------------------------------------------------

OVERRIDE = {"rules": {"framework": {"deduction": 0.5}}, "settings": {"execution_threshold": 0.85}}


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml", ".yml"])
def test_a_bureaus_file(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"某区复核规则{suffix}"
    if suffix == ".toml":
        path.write_text(
            "[rules.framework]\ndeduction = 0.5\n\n[settings]\nexecution_threshold = 0.85\n", encoding="utf-8"
        )
    elif suffix == ".json":
        path.write_text(json.dumps(OVERRIDE), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(OVERRIDE, allow_unicode=True), encoding="utf-8")
    book = read_rulebook_file(path, load_yaml=yaml.safe_load)
    assert book.rule("framework").deduction == D("0.5") and book.settings.execution_threshold == D("0.85")


@pytest.mark.parametrize(
    ("name", "text", "load_yaml", "message"),
    [
        ("规则.toml", "[rules\n", None, "复核规则文件「规则.toml」：TOML 格式错误（第1行第7列）"),
        ("规则.json", '{"rules": ', None, "复核规则文件「规则.json」：JSON 格式错误（第1行第11列）"),
        ("规则.yaml", "rules: [\n", yaml.safe_load, "复核规则文件「规则.yaml」：YAML 格式错误（第2行第1列）"),
        ("规则.yaml", "rules: {}\n", None, "复核规则文件「规则.yaml」：应为 TOML 或 JSON 文件（.toml、.json）"),
        (
            "规则.txt",
            "",
            yaml.safe_load,
            "复核规则文件「规则.txt」：应为 TOML、JSON 或 YAML 文件（.toml、.json、.yaml）",
        ),
        ("规则.json", "[1, 2]", None, "复核规则文件「规则.json」：内容应为包含 base、rules、settings 的对应表"),
        (
            "规则.toml",
            "[rules.framework]\ndeduction = 2\n",
            None,
            "复核规则文件「规则.toml」：rules.framework.deduction：应为 0 到 1 之间的数，当前为 2",
        ),
    ],
)
def test_a_bad_file_names_itself(name: str, text: str, load_yaml: object, message: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        read_rulebook_file(path, load_yaml=load_yaml)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message), str(raised.value)


def test_a_missing_or_undecodable_file(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match=re.escape("复核规则文件「无此文件.toml」：文件不存在")):
        read_rulebook_file(tmp_path / "无此文件.toml")
    (tmp_path / "gbk.toml").write_bytes("name = '规则'".encode("gb18030"))
    with pytest.raises(RulebookError, match=re.escape("文件编码无法识别，请另存为 UTF-8 编码")):
        read_rulebook_file(tmp_path / "gbk.toml")


# -- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selection", "key", "message"),
    [
        ({"rules": {"no_such_rule": {"enabled": False}}}, "rules.no_such_rule", "未知的规则，可选：all_full_marks、"),
        ({"rules": {"framework": {"deduction": 1.5}}}, "rules.framework.deduction", "应为 0 到 1 之间的数，当前为 1.5"),
        ({"rules": {"framework": {"deduction": -0.1}}}, "rules.framework.deduction", "应为 0 到 1 之间的数"),
        ({"rules": {"framework": {"deduction": "30%"}}}, "rules.framework.deduction", "应为数字，当前为文字「30%」"),
        ({"rules": {"framework": {"deduction": True}}}, "rules.framework.deduction", "应为数字，当前为「True」"),
        ({"rules": {"framework": {"enabled": "yes"}}}, "rules.framework.enabled", "应为 true 或 false，当前为「yes」"),
        ({"rules": {"framework": {"severity": "fatal"}}}, "rules.framework.severity", "应为 error、warning、info 之一"),
        ({"rules": {"framework": {"weight": 1}}}, "rules.framework.weight", "未知的规则设置，可用：description、"),
        ({"rules": {"framework": {"description": ""}}}, "rules.framework.description", "应为非空文字"),
        ({"rules": {"framework": False}}, "rules.framework", "应为该规则要改动设置的对应表"),
        ({"rules": ["framework"]}, "rules", "应为「规则代码: 设置」的对应表"),
        (
            {"rules": {"missing_dimension": {"deduction": 0.5}}},
            "rules.missing_dimension.deduction",
            "此规则针对整张表，不扣减指标得分，应为 0",
        ),
        ({"settings": {"no_such_setting": 1}}, "settings.no_such_setting", "未知的设置项，可用：reason_min_length、"),
        (
            {"settings": {"reason_min_length": "10"}},
            "settings.reason_min_length",
            "应为 0 到 1000 的整数，当前为「10」",
        ),
        ({"settings": {"reason_min_length": 2.5}}, "settings.reason_min_length", "应为 0 到 1000 的整数"),
        ({"settings": {"execution_threshold": 90}}, "settings.execution_threshold", "应为 0 到 1 之间的数，当前为 90"),
        ({"settings": {"over_achievement_ratio": 0.9}}, "settings.over_achievement_ratio", "应不小于 1，当前为 0.9"),
        ({"settings": {"vague_reasons": "其他原因"}}, "settings.vague_reasons", "应为文字的列表"),
        ({"settings": {"vague_reasons": ["其他原因", 3]}}, "settings.vague_reasons[1]", "应为非空文字，当前为「3」"),
        (
            {"settings": {"placeholder_patterns": ["*", "["]}},
            "settings.placeholder_patterns[0]",
            "不是有效的正则表达式「*」",
        ),
        ({"settings": {"framework": ["产出指标"]}}, "settings.framework", "应为「一级指标: [二级指标, …]」的对应表"),
        ({"settings": {"framework": {}}}, "settings.framework", "至少应有一个一级指标"),
        ({"settings": {"framework": {"产出指标": "数量指标"}}}, "settings.framework.产出指标", "应为文字的列表"),
        ({"settings": 3}, "settings", "应为「设置名: 值」的对应表"),
        ({"base": "no-such-book"}, "base", "没有名为「no-such-book」的复核规则，可选：default"),
        ({"base": 3}, "base", "应为复核规则名称，当前为「3」"),
        ({"weights": {}}, "weights", "未知的设置项，可用：name、description、rules、settings"),
        ({"description": ""}, "description", "应为非空文字"),
        ("no-such-book", "base", "没有名为「no-such-book」的复核规则，可选：default"),
        (["default"], "", "复核规则应为规则名称，或包含 base、rules、settings 的对应表"),
    ],
)
def test_bad_input_names_its_key_in_chinese(selection: object, key: str, message: str) -> None:
    with pytest.raises(RulebookError) as raised:
        resolve_rulebook(selection)  # type: ignore[arg-type]
    assert raised.value.key == key
    assert message in str(raised.value), str(raised.value)
    assert str(raised.value).startswith(f"{key}：" if key else message)


def test_a_complete_rulebook_needs_every_rule_and_setting() -> None:
    from perfxl.review.rulebook import rulebook_from_mapping

    data = load_rulebook().to_mapping()
    rules = dict(data["rules"])  # type: ignore[call-overload]
    del rules["framework"]
    with pytest.raises(RulebookError, match=re.escape("rules.framework：缺少此规则")):
        rulebook_from_mapping({**data, "rules": rules})
    settings = dict(data["settings"])  # type: ignore[call-overload]
    del settings["rate_endings"]
    with pytest.raises(RulebookError, match=re.escape("settings.rate_endings：缺少此设置")):
        rulebook_from_mapping({**data, "settings": settings})
    rule = dict(rules["placeholder"])
    del rule["severity"]
    with pytest.raises(RulebookError, match=re.escape("rules.placeholder.severity：缺少此设置")):
        rulebook_from_mapping({**data, "rules": {**data["rules"], "placeholder": rule}})  # type: ignore[dict-item]
