"""A tiny, safe condition language for indicator variables and universes, compiled to Ibis.

Grammar (case-insensitive keywords)::

    expr  := term ('or' term)*          term := factor ('and' factor)*
    factor:= 'not' factor | cmp         cmp  := atom [op atom | ['not'] 'in' '(' atoms ')' | 'is' ['not'] 'null']
    atom  := column | `any column` | number | 'string' | '(' expr ')'      op := = == != <> < <= > >=

Examples: ``internet_use``, ``q12 in (1, 2)``, ``age >= 15 and sex == 'F'``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from wsis.errors import WsisError

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|(?P<str>'(?:[^']|'')*'|\"[^\"]*\")"
    r"|(?P<bq>`[^`]+`)|(?P<op>==|!=|<>|<=|>=|=|<|>|\(|\)|,)|(?P<name>[A-Za-z_][A-Za-z0-9_.]*))"
)
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "true", "false"}


@dataclass(frozen=True)
class Node:
    """A parsed expression node: kind is col, lit, cmp, in, null, and, or, not."""

    kind: str
    args: tuple[Any, ...]


def _tokenize(text: str, where: str) -> list[tuple[str, Any]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise WsisError("expression-invalid", f"cannot read {text[pos:]!r} in {text!r}", column=where,
                            expected="column, number, 'text', comparison, in (...), and/or/not")
        pos = m.end()
        if m.group("num") is not None:
            s = m.group("num")
            out.append(("lit", float(s) if any(c in s for c in ".eE") else int(s)))
        elif m.group("str") is not None:
            s = m.group("str")
            out.append(("lit", s[1:-1].replace("''", "'")))
        elif m.group("bq") is not None:
            out.append(("col", m.group("bq")[1:-1]))
        elif m.group("op") is not None:
            out.append(("op", m.group("op")))
        else:
            name = m.group("name")
            if name.lower() in _KEYWORDS:
                low = name.lower()
                out.append(("lit", low == "true") if low in ("true", "false") else ("kw", low))
            else:
                out.append(("col", name))
    return out


class _Parser:
    def __init__(self, text: str, where: str):
        self.text, self.where = text, where
        self.toks = _tokenize(text, where)
        self.i = 0

    def _peek(self) -> tuple[str, Any] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _take(self, kind: str, value: Any = None) -> bool:
        t = self._peek()
        if t and t[0] == kind and (value is None or t[1] == value):
            self.i += 1
            return True
        return False

    def _fail(self, what: str) -> WsisError:
        return WsisError("expression-invalid", f"{what} in {self.text!r}", column=self.where,
                         expected="e.g. q12 in (1, 2) or age >= 15")

    def parse(self) -> Node:
        node = self._or()
        if self._peek() is not None:
            raise self._fail(f"unexpected {self._peek()[1]!r}")
        return node

    def _or(self) -> Node:
        node = self._and()
        while self._take("kw", "or"):
            node = Node("or", (node, self._and()))
        return node

    def _and(self) -> Node:
        node = self._not()
        while self._take("kw", "and"):
            node = Node("and", (node, self._not()))
        return node

    def _not(self) -> Node:
        if self._take("kw", "not"):
            return Node("not", (self._not(),))
        return self._cmp()

    def _cmp(self) -> Node:
        left = self._atom()
        t = self._peek()
        if t and t[0] == "op" and t[1] in ("==", "=", "!=", "<>", "<", "<=", ">", ">="):
            self.i += 1
            op = {"=": "==", "<>": "!="}.get(t[1], t[1])
            return Node("cmp", (op, left, self._atom()))
        negate = False
        if t == ("kw", "not") and self.i + 1 < len(self.toks) and self.toks[self.i + 1] == ("kw", "in"):
            self.i += 1
            negate = True
        if self._take("kw", "in"):
            if not self._take("op", "("):
                raise self._fail("expected ( after in")
            items = [self._atom()]
            while self._take("op", ","):
                items.append(self._atom())
            if not self._take("op", ")"):
                raise self._fail("expected ) to close in (...)")
            node = Node("in", (left, tuple(items)))
            return Node("not", (node,)) if negate else node
        if self._take("kw", "is"):
            neg = self._take("kw", "not")
            if not self._take("kw", "null"):
                raise self._fail("expected null after is")
            node = Node("null", (left,))
            return Node("notnull", (left,)) if neg else node
        return left

    def _atom(self) -> Node:
        t = self._peek()
        if t is None:
            raise self._fail("unexpected end")
        if self._take("op", "("):
            node = self._or()
            if not self._take("op", ")"):
                raise self._fail("missing )")
            return node
        self.i += 1
        if t[0] == "col":
            return Node("col", (t[1],))
        if t[0] == "lit":
            return Node("lit", (t[1],))
        raise self._fail(f"unexpected {t[1]!r}")


def parse(text: str, where: str = "expression") -> Node:
    """Parse a condition or a bare column name into a :class:`Node` tree."""
    return _Parser(str(text), where).parse()


def columns(node: Node) -> list[str]:
    """The column names a parsed expression reads."""
    if node.kind == "col":
        return [node.args[0]]
    out: list[str] = []
    for a in node.args:
        if isinstance(a, Node):
            out += columns(a)
        elif isinstance(a, tuple):
            for b in a:
                if isinstance(b, Node):
                    out += columns(b)
    return list(dict.fromkeys(out))


def is_condition(node: Node) -> bool:
    """True unless the expression is a bare column (whose values are used as they are)."""
    return node.kind != "col"


def _lit_for(col: Any, value: Any, labels: dict[str, Any] | None = None) -> Any:
    import ibis

    if labels and isinstance(value, str) and value in labels and not col.type().is_string():
        return ibis.literal(labels[value])  # a Stata/SPSS value label stands for its code

    # compare string columns with text and numeric columns with numbers; CSV readers may turn Yes/No into
    # booleans, so text literals compare with them as true/false
    if col.type().is_boolean() and isinstance(value, str | int | float):
        low = str(value).strip().lower()
        if low in ("yes", "true", "t", "y", "1", "1.0"):
            return ibis.literal(True)
        if low in ("no", "false", "f", "n", "0", "0.0"):
            return ibis.literal(False)
    if col.type().is_string() and not isinstance(value, str):
        value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    elif col.type().is_numeric() and isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value)
    return ibis.literal(value)


def compile(node: Node, table: Any, labels: dict[str, dict[str, Any]] | None = None) -> Any:  # noqa: A001
    """Turn a parsed node into an Ibis expression over ``table``.

    ``labels`` (column -> {value label: code}, from Stata/SPSS files) lets conditions name a code by its
    label, e.g. ``sex == 'Female'``.
    """
    import ibis

    labels = labels or {}
    k = node.kind
    if k == "col":
        return table[node.args[0]]
    if k == "lit":
        return ibis.literal(node.args[0])
    if k == "cmp":
        op, a, b = node.args
        left, right = compile(a, table, labels), compile(b, table, labels)
        if b.kind == "lit" and a.kind == "col":
            right = _lit_for(left, b.args[0], labels.get(a.args[0]))
        elif a.kind == "lit" and b.kind == "col":
            left = _lit_for(right, a.args[0], labels.get(b.args[0]))
        return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
                ">": left > right, ">=": left >= right}[op]
    if k == "in":
        left = compile(node.args[0], table, labels)
        lab = labels.get(node.args[0].args[0]) if node.args[0].kind == "col" else None
        vals = [_lit_for(left, n.args[0], lab) if n.kind == "lit" else compile(n, table, labels)
                for n in node.args[1]]
        return left.isin(vals)
    if k == "null":
        return compile(node.args[0], table, labels).isnull()
    if k == "notnull":
        return compile(node.args[0], table, labels).notnull()
    if k == "not":
        return ~compile(node.args[0], table, labels)
    if k == "and":
        return compile(node.args[0], table, labels) & compile(node.args[1], table, labels)
    if k == "or":
        return compile(node.args[0], table, labels) | compile(node.args[1], table, labels)
    raise AssertionError(k)
