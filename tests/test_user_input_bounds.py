"""Property tests: the restricted parser (theory.user_claim.parse_expression) answers every formula a user can type,
however hostile (deep nesting, huge integers, factorials of huge numbers, towers of exponentials), either with a SymPy
expression or with a one-line UserInputError, quickly, and never with another exception (issue 17, "Bounded user
input")."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theory import get_claim
from theory.errors import UserInputError
from theory.user_claim import context_symbols, parse_expression

SYMBOLS = context_symbols(claim=get_claim("kramers.symmetric_quartic_time"))

atoms = st.one_of(
    st.sampled_from(["D", "x", "pi", "E", "oo"]),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
)


def _combine(children):
    unary = st.tuples(st.sampled_from(["exp", "log", "sqrt", "gamma", "factorial", "sin", "-"]), children)
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "^"]), children)
    return st.one_of(unary.map(lambda t: f"{t[0]}({t[1]})"), binary.map(lambda t: f"({t[0]}{t[1]}{t[2]})"))


formulas = st.recursive(atoms, _combine, max_leaves=60)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(formulas)
def test_any_formula_is_parsed_or_refused_in_one_line(text):
    started = time.perf_counter()
    try:
        parse_expression(text, SYMBOLS)
    except UserInputError as error:
        assert "\n" not in str(error) and len(str(error)) < 600
    # the limits keep parsing fast: refusing is cheap and what passes is small
    assert time.perf_counter() - started < 5, text


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.integers(min_value=41, max_value=3000), st.sampled_from(["exp(", "-(", "sqrt(", "(D+"]))
def test_deep_nesting_is_refused_by_name(depth, opener):
    text = opener * depth + "D" + ")" * depth   # plain parentheses add no depth: each opener adds a node
    try:
        parse_expression(text, SYMBOLS)
    except UserInputError as error:
        # the limit hit is named: depth, call nesting, the parser's own nesting limit, or the length of the text
        assert any(limit in str(error) for limit in ("nested too deeply", "cannot read", "characters; at most"))
    else:
        raise AssertionError(f"a formula nested {depth} deep was accepted")
