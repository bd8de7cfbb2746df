"""Templates: the default one, a restyled one, and broken ones that must be refused clearly."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from perfxl.cli import bundled_example
from perfxl.errors import InputError
from perfxl.form_template import load_template
from perfxl.generate import default_template, generate
from tests.support.templates import restyled_template
from tests.support.workbooks import named_values


def test_default_template_fields_and_band() -> None:
    template = load_template(default_template())
    assert template.band_row == 13
    assert template.fields["total.score"] == (14, 8)
    assert template.print_setup.paper == 9 and template.print_setup.fit_width == 1
    assert template.print_setup.fit_height == 0 and template.print_setup.title_rows == (12, 12)
    fonts = {style.get("font_name") for style in template.styles}
    assert {"宋体", "仿宋_GB2312", "黑体"} <= fonts


@pytest.mark.slow
def test_restyled_template_still_makes_working_forms(tmp_path: Path, seed_expected: dict) -> None:
    template = restyled_template(tmp_path / "改版模板.xlsx")
    paths = generate(bundled_example(), tmp_path / "out", mode="native", template_path=template)
    names = named_values(paths[0])["业务工作经历"]
    assert names["PERFXL_TOTAL"] == [seed_expected["业务工作经历"]["total"]]
    ws = openpyxl.load_workbook(paths[0])["业务工作经历"]
    assert ws["D1"].value == "财政项目支出绩效自评表（上海市职业技能鉴定中心）"
    assert ws["A5"].value == "项目负责人" and not ws["C5"].protection.locked
    assert ws.defined_names["PERFXL_TOTAL"].attr_text == "'业务工作经历'!$H$36"
    assert ws.defined_names["PERFXL_RATE"].attr_text == "'业务工作经历'!$G$7"
    assert ws["G7"].value == '=IF(OR(D7="",E7=""),"",IF(D7=0,"错误：全年预算数为0",ROUND(E7/D7,4)))'
    assert ws.print_area == "'业务工作经历'!$A$1:$I$37"


def _edited(tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(default_template())
    edit(book["自评表"])
    path = tmp_path / "坏模板.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ws: ws.__setitem__("H14", None), "缺少必需的字段 {{ total.score }}（总分）"),
        (lambda ws: ws.__setitem__("C3", "{{ project.title }}"), "单元格 自评表!C3：未知的字段「project.title」"),
        (lambda ws: ws.__setitem__("K14", "{{ row.check }}"), "字段「row.check」重复出现"),
        (
            lambda ws: (ws.__setitem__("K13", None), ws.__setitem__("K14", "{{ row.check }}")),
            "指标行字段（row.*）应在同一行",
        ),
        (lambda ws: ws.__setitem__("A2", "（{{ year 年度）"), "单元格 自评表!A2：占位符写法有误"),
        (lambda ws: ws.__setitem__("C4", "{{ project.name }}"), "字段「project.name」重复出现"),
    ],
)
@pytest.mark.slow
def test_broken_template_is_refused_naming_the_cell(tmp_path: Path, edit, message: str) -> None:
    template = _edited(tmp_path, edit)
    with pytest.raises(InputError) as caught:
        generate(bundled_example(), tmp_path / "out", template_path=template)
    assert message in caught.value.render()
    assert caught.value.render().startswith("坏模板.xlsx")
    assert not (tmp_path / "out").exists()


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="无法作为 Excel 模板读取"):
        load_template(path)
