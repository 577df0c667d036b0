"""ITU core household indicators (``--indicators itu-core``) built from an office's variables file.

The definitions ship in ``itu_core.yaml``. A variables file says which column (or condition) answers each
of the Manual's questions in the office's own survey; an indicator whose questions are not mapped is
skipped with the reason, never guessed. :func:`build` returns an indicators mapping that
:func:`wsis.survey.estimate.estimate` accepts, plus the report of what was built and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from wsis.errors import WsisError

NAME = "itu-core"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_KEYS = {"age", "age_scope", "sex", "area", "age_group", "household_row", "questions", "activities", "skills",
         "ci", "level"}


@dataclass
class Outcome:
    """One core indicator: built, or skipped with the reason."""

    code: str
    label: str
    built: bool
    reason: str = ""


@cache
def core() -> dict[str, Any]:
    """The shipped ITU core definitions (``itu_core.yaml``)."""
    return yaml.safe_load((Path(__file__).with_name("itu_core.yaml")).read_text(encoding="utf-8"))


def _quote(col: str) -> str:
    return col if _IDENT.match(col) else f"`{col}`"


def _lit(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _condition(key: str, spec: Any, file: str) -> str:
    """A question's answer as a condition: a 0/1 column, a condition text, or {column, yes: [codes]}."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and "column" in spec:
        yes = spec.get("yes", [1])
        yes = yes if isinstance(yes, list) else [yes]
        return f"{_quote(str(spec['column']))} in ({', '.join(_lit(v) for v in yes)})"
    raise WsisError("yaml-invalid", f"question {key!r}: cannot read {spec!r}", file=file, column=key,
                    expected="a 0/1 column, a condition, or {column: name, yes: [codes]}")


def _column_and_codes(key: str, spec: Any, a: str, b: str, file: str) -> tuple[str, Any, Any]:
    if isinstance(spec, str):
        return spec, None, None
    if isinstance(spec, dict) and "column" in spec and a in spec and b in spec:
        return str(spec["column"]), spec[a], spec[b]
    raise WsisError("yaml-invalid", f"{key}: cannot read {spec!r}", file=file, column=key,
                    expected=f"a column name, or {{column: name, {a}: code, {b}: code}}")


def load_variables(path: Path | str | dict) -> tuple[dict, str]:
    """Read and check a variables file (see docs/survey.md)."""
    if isinstance(path, dict):
        data, file = path, "<variables>"
    else:
        p = Path(path)
        if not p.exists():
            raise WsisError("file-not-found", "variables file not found", file=str(p))
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise WsisError("yaml-invalid", f"not valid YAML: {exc}", file=str(p)) from exc
        file = str(p)
    if not isinstance(data, dict):
        raise WsisError("yaml-invalid", "variables file must be a mapping", file=file, expected="key: value lines")
    for k in data:
        if k not in _KEYS:
            raise WsisError("yaml-unknown-key", f"unknown key {k!r}", file=file, column=str(k),
                            expected=f"one of {', '.join(sorted(_KEYS))}")
    for k in ("questions", "activities", "skills"):
        if not isinstance(data.get(k) or {}, dict):
            raise WsisError("yaml-invalid", f"{k} must be a mapping", file=file, column=k, expected="name: column")
    unknown = set(data.get("skills") or {}) - set(core()["skills"])
    if unknown:
        raise WsisError("yaml-invalid", f"unknown skill type {sorted(unknown)[0]!r}", file=file, column="skills",
                        expected=f"SDG 4.4.1 codes: {', '.join(core()['skills'])}")
    return data, file


def build(variables: Path | str | dict) -> tuple[dict, list[Outcome], dict[str, str]]:
    """The indicators mapping for the office's survey, the outcome of every core indicator, and notes
    (age scope, recall period) for the result's provenance."""
    v, file = load_variables(variables)
    c = core()
    questions = {k: f"({_condition(k, s, file)})" for k, s in (v.get("questions") or {}).items()}
    scope = {**c["age_scope"], **(v.get("age_scope") or {})}
    age = v.get("age")
    age_cond = None
    if age:
        parts = [f"{_quote(age)} >= {scope['min_age']}"] if scope.get("min_age") is not None else []
        if scope.get("max_age") is not None:
            parts.append(f"{_quote(age)} <= {scope['max_age']}")
        age_cond = " and ".join(parts) or None
    hh_row = v.get("household_row")
    by: list[list[str]] = [[]]
    dims: dict[str, Any] = {}
    parity_levels = None
    if v.get("sex"):
        col, fem, male = _column_and_codes("sex", v["sex"], "female", "male", file)
        by.append([col])
        dims[col] = {"dimension": "SEX", "values": {str(fem): "F", str(male): "M"} if fem is not None else {}}
        parity_levels = (col, fem, male) if fem is not None else None
    if v.get("area"):
        col, urb, rur = _column_and_codes("area", v["area"], "urban", "rural", file)
        by.append([col])
        dims[col] = {"dimension": "URBANISATION", "values": {str(urb): "U", str(rur): "R"} if urb is not None else {}}
    if v.get("age_group"):
        by.append([str(v["age_group"])])
        dims[str(v["age_group"])] = {"dimension": "AGE"}
    out: list[dict] = []
    parity: list[dict] = []
    report: list[Outcome] = []
    for d in c["indicators"]:
        missing = [q for q in d.get("needs", []) if q not in questions]
        if d["scope"] == "household" and not hh_row:
            missing.append("household_row")
        if d["scope"] == "individual" and not age:
            missing.append("age")
        items = [(d["code"], d.get("variable"), {})]
        if "each" in d:
            listed = v.get(d["each"]) or {}
            if not listed:
                missing.append(d["each"])
            items = [(f"{d['code']}.{k}", f"({_condition(k, s, file)})",
                      {d["dimension"]: k} if d.get("dimension") else {}) for k, s in listed.items()]
        if missing:
            report.append(Outcome(d["code"], d["label"], False, "not mapped: " + ", ".join(missing)))
            continue
        universe = [hh_row if d["scope"] == "household" else age_cond]
        if d.get("universe"):
            universe.append(_fill(d["universe"], questions))
        uni = " and ".join(f"({u})" for u in universe if u) or None
        for code, var, fixed in items:
            label = d["label"] if not fixed and "each" not in d else f"{d['label']}: {_item_label(d, code)}"
            spec = {"code": code, "variable": _fill(var, questions), "label": label}
            if uni:
                spec["universe"] = uni
            if d.get("series"):
                spec["series"] = d["series"]
            if fixed:
                spec["breakdown"] = fixed
            out.append(spec)
            if d.get("parity") and parity_levels:
                col, fem, male = parity_levels
                parity.append({"code": code, "by": col, "numerator": str(fem), "denominator": str(male)})
        report.append(Outcome(d["code"], d["label"], True, f"{len(items)} indicator(s)"))
    if not out:
        raise WsisError("itu-core-empty", "no ITU core indicator can be built from the variables file", file=file,
                        expected="questions such as internet_use: column", hint="; ".join(
                            f"{o.code}: {o.reason}" for o in report))
    spec = {"indicators": out, "by": by, "parity": parity, "dimensions": dims,
            **{k: v[k] for k in ("ci", "level") if k in v}}
    notes = {"indicator_set": f"{NAME} (ITU Manual for Measuring ICT Access and Use by Households and "
                              "Individuals, 2020)",
             "age_scope": f"individual indicators: {age_cond or 'no age condition'}",
             "recall": c["recall"]}
    return spec, report, notes


def _fill(text: str, questions: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: questions[m.group(1)], text)


def _item_label(d: dict, code: str) -> str:
    key = code.split(".", 1)[1]
    return core()["skills"].get(key, key) if d.get("each") == "skills" else key


def report_lines(report: list[Outcome]) -> list[str]:
    """Human-readable lines: what was built, what was skipped and why."""
    return [f"{o.code:<5} {'built' if o.built else 'skipped'}: {o.label}" + (f" ({o.reason})" if o.reason else "")
            for o in report]
