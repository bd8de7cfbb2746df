"""``perfxl check``: compute and check every form, print a table and the findings."""

from __future__ import annotations

import json
from collections.abc import Sequence

from perfxl.cli.table import render_table
from perfxl.core.findings import Level
from perfxl.core.form import FormResult, evaluate_form
from perfxl.projectlist import load_project_list
from perfxl.results import form_to_dict, format_rate, format_score

HEADER = ("项目", "执行率", "预算得分", "总分", "等级", "错误", "警告")
EXIT_OK, EXIT_FINDINGS = 0, 1


def evaluate_sources(paths: Sequence[str]) -> list[FormResult]:
    results: list[FormResult] = []
    for path in paths:
        project_list = load_project_list(path)
        results.extend(evaluate_form(form, project_list.profile) for form in project_list.forms)
    return results


def render_text(results: Sequence[FormResult]) -> str:
    rows = [
        (r.form.name, format_rate(r.rate), format_score(r.budget_score), format_score(r.total), r.grade or "",
         str(r.count(Level.ERROR)), str(r.count(Level.WARNING)))
        for r in results
    ]
    parts = [render_table(HEADER, rows, right_aligned={1, 2, 3, 5, 6})]
    findings = [(r.form.name, f) for r in results for f in r.findings]
    if findings:
        parts.append("\n问题清单：")
        for project, finding in findings:
            where = f"{finding.cell} " if finding.cell else ""
            parts.append(f"[{finding.level.label}] {project} {where}· {finding.message}")
    errors = sum(r.count(Level.ERROR) for r in results)
    warnings = sum(r.count(Level.WARNING) for r in results)
    parts.append(f"\n共 {len(results)} 张自评表：错误 {errors} 项，警告 {warnings} 项。")
    return "\n".join(parts)


def run_check(paths: Sequence[str], as_json: bool) -> int:
    results = evaluate_sources(paths)
    if as_json:
        print(json.dumps({"forms": [form_to_dict(r) for r in results]}, ensure_ascii=False, indent=2))
    else:
        print(render_text(results))
    return EXIT_FINDINGS if any(r.has_errors for r in results) else EXIT_OK
