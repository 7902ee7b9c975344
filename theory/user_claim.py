"""A user's own claim about an existing Model or Claim, checked the same way as the papers' ones.

    user_claim("sqrt(2)*pi*exp(1/(4*D))*(1 + 3*D/2)", model="kramers.DOUBLE_WELL", relation="~")

The text is read with SymPy's parser against the symbols of its context (the Model's parameters and
state, or a registered Claim's symbols and Model), so ``D`` is the model's ``D`` (positive), not a new
symbol; a name the context does not know is refused with the list of known ones. No formula is
copied here: a user claim cites the user ("stated by the user") and what it revises.

Safety: parse_expr ends in Python's eval. The text is therefore first parsed into a Python syntax tree
and refused unless it holds only numbers, arithmetic operators, the context's symbols and calls of a
fixed list of SymPy functions (no attributes, subscripts, strings, keywords or lambdas); the eval then
runs with no builtins and a namespace of exactly those functions and constants, and the only
transformations are auto_number (1/2 stays exact) and convert_xor (x^2 means x**2).
"""

from __future__ import annotations

import ast
import math
import sys
from dataclasses import replace
from fractions import Fraction

import sympy as sp
from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr

from .claim import RELATIONS, Claim, Source
from .derivation import Derivation
from .errors import UnknownIdError, UserInputError
from .model import TIME, Model
from .registry import all_claims, get_claim

#: the SymPy functions a claim's text may call
FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan",
             "asinh", "acosh", "atanh", "gamma", "loggamma", "lowergamma", "uppergamma", "beta", "digamma",
             "polygamma", "zeta", "erf", "erfc", "besseli", "besselk", "factorial", "binomial", "Abs", "sign",
             "Min", "Max", "floor", "ceiling", "root", "Rational")
#: the constants it may name (a context symbol of the same name takes precedence)
CONSTANTS = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
MAX_TEXT = 2000
#: a numeric exponent larger than this would make SymPy compute a huge exact integer
MAX_NUMERIC_EXPONENT = 1000
#: nesting of the formula (operators and calls): deeper trees make SymPy recurse past Python's stack
MAX_DEPTH = 40
#: nesting of function calls (exp(exp(...))): each level multiplies the work of a limit or a simplification
MAX_CALL_NESTING = 5
#: an integer literal larger than this is refused (write a float: 1e20); a numeric argument of a function whose
#: exact value grows like a factorial (factorial(99999999999), gamma(10**9)) is at most MAX_FACTORIAL_ARGUMENT
MAX_INTEGER = 10**15
MAX_FACTORIAL_ARGUMENT = 10**4
#: a numeric argument of an exponential-like function: exp(1e38) makes mpmath compute log 2 to 1e38 bits
MAX_EXPONENTIAL_ARGUMENT = 10**4
#: function -> the largest magnitude of a numeric argument SymPy is asked to evaluate exactly
_GUARDED_ARGUMENTS = {**dict.fromkeys(("factorial", "gamma", "binomial", "loggamma", "beta", "polygamma", "zeta"),
                                      MAX_FACTORIAL_ARGUMENT),
                      **dict.fromkeys(("exp", "sinh", "cosh", "tanh", "besseli", "besselk", "erf", "erfc"),
                                      MAX_EXPONENTIAL_ARGUMENT)}
#: the functions _float_value can evaluate (a numeric argument built from others is refused where it is guarded)
_FLOAT_FUNCTIONS = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
                    "tan": math.tan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh, "atan": math.atan,
                    "gamma": math.gamma, "factorial": lambda v: math.gamma(v + 1), "Abs": abs}
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor, ast.USub, ast.UAdd)


# ------------------------------------------------------------------------------ context
def known_models() -> dict[str, Model]:
    """Every Model defined at module level in a theory content module, by id ``family.NAME``
    (``kramers.DOUBLE_WELL``). The content modules are those the registry loads."""
    all_claims()  # imports the content modules
    found = {}
    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith("theory.") or module is None:
            continue
        family = module_name.split(".", 1)[1]
        for name, value in vars(module).items():
            if isinstance(value, Model) and name.isupper():
                found[f"{family}.{name}"] = value
    return found


def get_model(model_id: str) -> Model:
    """A registered Model by its id, family.NAME as known_models lists them (``kramers.DOUBLE_WELL``,
    case-insensitive)."""
    models = known_models()
    by_lower = {k.lower(): v for k, v in models.items()}
    if model_id.lower() not in by_lower:
        raise UnknownIdError("model", model_id, sorted(models))
    return by_lower[model_id.lower()]


def resolve_context(context_id: str) -> tuple[Model | None, Claim | None]:
    """A model id (``kramers.DOUBLE_WELL``, case-insensitive) or a claim id (its Model and the claim itself)."""
    if context_id.lower() in {k.lower() for k in known_models()}:
        return get_model(context_id), None
    claim_ids = [c.id for c in all_claims()]
    if context_id in claim_ids:
        claim = get_claim(context_id)
        return claim.model, claim
    raise UnknownIdError("model or claim", context_id, sorted(known_models()) + claim_ids)


def context_symbols(model: Model | None = None, claim: Claim | None = None, extra=()) -> dict[str, sp.Symbol]:
    """Name -> symbol for everything a claim about this model / claim may mention. The claim's own symbols
    come first, then those of the claims it relates to (corollary_of, limit_of, ...), then the model's
    parameters and state (and t where the model has a scheduler)."""
    symbols: dict[str, sp.Symbol] = {}
    candidates = list(extra)
    if claim is not None:
        candidates += list(claim.symbols)
        # a revision may be written in the symbols of the claims it relates to (a theorem of a corollary)
        for related in sorted({i for ids in claim.relations.values() for i in ids}):
            try:
                candidates += list(get_claim(related).symbols)
            except UnknownIdError:
                continue
        model = model if model is not None else claim.model
    if model is not None:
        candidates += [*model.parameters, *model.state]
        if model.scheduler is not None:
            candidates.append(TIME)
    for symbol in candidates:
        if isinstance(symbol, sp.Symbol):
            symbols.setdefault(symbol.name, symbol)
    return symbols


# ------------------------------------------------------------------------------ parsing
def parse_expression(text: str, symbols: dict[str, sp.Symbol]) -> sp.Expr:
    """SymPy expression from text, every name resolved to the given symbols or an allowed function.

    Raises UserInputError (listing the known symbols) for an unknown name or anything that is not a
    plain formula; see the module docstring for why this is safe to evaluate.
    """
    if not isinstance(text, str) or not text.strip():
        raise UserInputError("the claim's expression is empty: give a formula such as 'sqrt(2)*pi*exp(1/(4*D))'")
    if len(text) > MAX_TEXT:
        raise UserInputError(f"the expression has {len(text)} characters; at most {MAX_TEXT} are read")
    known = ", ".join(sorted(symbols)) or "none"
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except RecursionError:
        raise UserInputError(f"the expression is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except SyntaxError as error:
        hint = ("give the right-hand side only (set the left-hand side with lhs= / --lhs)"
                if "=" in text else "write products with * and powers with ** or ^")
        raise UserInputError(f"cannot read {_short(text)} as a formula ({error.msg}): {hint}") from None
    _check_tree(tree, symbols, known)
    namespace = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational,
                 **{name: getattr(sp, name) for name in FUNCTIONS}, **CONSTANTS}
    try:
        expr = parse_expr(text.strip(), local_dict=dict(symbols), global_dict=namespace,
                          transformations=(auto_number, convert_xor))
    except (TypeError, ValueError, ArithmeticError, sp.SympifyError) as error:
        raise UserInputError(f"cannot evaluate {_short(text)}: {error}") from None
    expr = sp.sympify(expr)
    if expr.has(sp.nan, sp.zoo):
        raise UserInputError(f"{_short(text)} evaluates to {expr} (undefined): check divisions by zero")
    return expr


def _short(text: str, limit: int = 80) -> str:
    """The user's text quoted for a one-line message, cut in the middle when long."""
    return repr(text if len(text) <= limit else text[: limit // 2] + " ... " + text[-limit // 2:])


def _check_size(tree: ast.AST) -> None:
    """Refuse a formula nested deeper than MAX_DEPTH, with function calls nested deeper than MAX_CALL_NESTING, or
    with an integer beyond MAX_INTEGER or a factorial-like argument beyond MAX_FACTORIAL_ARGUMENT (each names the
    limit it hit)."""
    stack = [(tree, 0, 0)]
    while stack:   # iterative: a recursive walk would itself overflow on the trees it is meant to refuse
        node, depth, calls = stack.pop()
        if depth > MAX_DEPTH:
            raise UserInputError(f"the expression is nested too deeply (at most {MAX_DEPTH} levels)")
        if isinstance(node, ast.Call):
            calls += 1
            if calls > MAX_CALL_NESTING:
                raise UserInputError(f"function calls are nested too deeply (at most {MAX_CALL_NESTING} levels, "
                                     f"e.g. exp(exp(...)))")
            name = getattr(node.func, "id", "")
            bound = _GUARDED_ARGUMENTS.get(name)
            for argument in node.args if bound is not None else ():
                if _has_symbol(argument):
                    continue   # symbolic: evaluated only at the user's values, under the command's time limit
                value = _float_value(argument)
                if value is None or not abs(value) <= bound:
                    raise UserInputError(f"{name}({_short(ast.unparse(argument), 40)[1:-1]}) is refused: a numeric "
                                         f"argument of {name} is at most {bound} in magnitude (its exact value "
                                         "grows too fast)")
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and abs(node.value) > MAX_INTEGER:
            raise UserInputError(f"the integer {node.value} is too large (at most {MAX_INTEGER:.0e}; write a float, "
                                 "e.g. 1e20)")
        stack.extend((child, depth + 1, calls) for child in ast.iter_child_nodes(node))


def _check_tree(tree: ast.AST, symbols: dict, known: str) -> None:
    _check_size(tree)
    functions = ", ".join(FUNCTIONS)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in symbols and node.id not in FUNCTIONS and node.id not in CONSTANTS:
                raise UserInputError(f"unknown name {node.id!r}: the known symbols are {known} "
                                     "(plus pi, E, oo and functions such as exp, log, sqrt, gamma)")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.func.id in symbols:
                what = ast.unparse(node.func)
                reason = (f"{what} is a symbol here, not a function" if what in symbols
                          else f"{what!r} is not an allowed function (allowed: {functions})")
                raise UserInputError(f"cannot call {what}(...): {reason}")
            if node.keywords:
                raise UserInputError(f"{node.func.id}(...) takes positional arguments only")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
                raise UserInputError(f"{node.value!r} is not a number: a formula holds numbers, symbols and functions")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.BitXor)):
            _check_numeric_power(node)
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Load, *_OPERATORS)):
            raise UserInputError(f"{ast.unparse(node)!r} is not allowed in a formula: use numbers, the symbols "
                                 f"({known}), + - * / ** ^ and calls of SymPy functions such as exp, log, sqrt")


def _check_numeric_power(node: ast.BinOp) -> None:
    """Refuse powers such as 9**9**9 or (10**999)**999 that would make SymPy build an astronomically large
    integer: a numeric exponent is at most MAX_NUMERIC_EXPONENT, and numeric powers do not nest."""
    def numeric(tree: ast.AST) -> bool:
        return not any(isinstance(n, ast.Name) for n in ast.walk(tree))

    def has_power(tree: ast.AST) -> bool:
        return any(isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Pow, ast.BitXor)) for n in ast.walk(tree))

    too_large = f"(at most {MAX_NUMERIC_EXPONENT} in magnitude, not nested)"
    if numeric(node.right):
        value = _numeric_value(node.right)
        if value is None or abs(value) > MAX_NUMERIC_EXPONENT:
            raise UserInputError(f"the numeric exponent {ast.unparse(node.right)} is too large {too_large}")
        if numeric(node.left) and has_power(node.left):
            raise UserInputError(f"the nested numeric power {ast.unparse(node)} is refused {too_large}")


def _has_symbol(tree: ast.AST) -> bool:
    """Whether a sub-formula names a symbol (a function's own name and the constants pi, E, oo do not count)."""
    functions = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return any(isinstance(n, ast.Name) and id(n) not in functions and n.id not in CONSTANTS for n in ast.walk(tree))


def _float_value(node: ast.AST) -> float | None:
    """A numeric sub-formula evaluated in floating point (inf where it overflows), None where it uses something
    this evaluator does not know: how large a guarded argument is, without asking SymPy to compute it exactly."""
    try:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in ("pi", "E"):
            return math.pi if node.id == "pi" else math.e
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = _float_value(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        if isinstance(node, ast.BinOp):
            left, right = _float_value(node.left), _float_value(node.right)
            if left is None or right is None:
                return None
            operations = {ast.Add: float.__add__, ast.Sub: float.__sub__, ast.Mult: float.__mul__,
                          ast.Div: float.__truediv__, ast.Pow: pow, ast.BitXor: pow}
            return float(operations[type(node.op)](left, right)) if type(node.op) in operations else None
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in _FLOAT_FUNCTIONS and len(node.args) == 1:
            inner = _float_value(node.args[0])
            return None if inner is None else float(_FLOAT_FUNCTIONS[node.func.id](inner))
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    return None


def _numeric_value(node: ast.AST) -> Fraction | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return Fraction(node.value) if abs(node.value) <= 10**6 else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _numeric_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        left, right = _numeric_value(node.left), _numeric_value(node.right)
        if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
            return None
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right,
                ast.Div: left / right if right else None}[type(node.op)]
    return None  # a nested power or a function call in a numeric exponent: refused


def adopt_symbols(expr: sp.Basic, symbols: dict[str, sp.Symbol]) -> sp.Basic:
    """Replace each free symbol by the context's symbol of the same name (so a Symbol('D') typed without
    assumptions becomes the model's positive D); refuse names the context does not know."""
    expr = sp.sympify(expr)
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in symbols)
    if unknown:
        raise UserInputError(f"unknown symbol(s) {', '.join(unknown)}: the known symbols are "
                             f"{', '.join(sorted(symbols)) or 'none'}")
    return expr.xreplace({s: symbols[s.name] for s in expr.free_symbols})


def parse_definitions(definitions, symbols: dict[str, sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """{name: expression} (values may be text) or ["name=expression", ...] -> {symbol: expression}."""
    if not definitions:
        return {}
    if not isinstance(definitions, dict):
        pairs = {}
        for item in definitions:
            name, sep, value = str(item).partition("=")
            if not sep or not name.strip():
                raise UserInputError(f"cannot read the definition {item!r}: write NAME=EXPRESSION")
            pairs[name.strip()] = value
        definitions = pairs
    result = {}
    for name, value in definitions.items():
        key = name.name if isinstance(name, sp.Symbol) else str(name)
        if key not in symbols:
            raise UserInputError(f"cannot define {key!r}: the known symbols are {', '.join(sorted(symbols))}")
        result[symbols[key]] = (parse_expression(value, symbols) if isinstance(value, str)
                                else adopt_symbols(value, symbols))
    return result


# ------------------------------------------------------------------------------ the claim
# 9 parameters: the Claim fields a user may state, all keyword-only with defaults
def user_claim(expression, *, model: Model | str | None = None, like: Claim | str | None = None,
               lhs=None, relation: str | None = None, claim_id: str = "user.claim", title: str = "",
               regime: str = "", symbols=()) -> Claim:
    """A Claim whose right-hand side the user states, bound to an existing Model and/or Claim.

    expression: SymPy expression or text (read against the context's symbols, see parse_expression).
    model: a Model, or a model id (``kramers.DOUBLE_WELL``) or claim id (resolve_context).
    like: a registered claim (or its id) that the new claim revises: it lends its symbols, left-hand side,
        relation, conditions, regime, clock and Model; the new claim says which claim it revises.
    lhs: the left-hand side (a SymPy expression or a name; default: ``like``'s, else ``tau``).
    relation: "=", "<=", ">=" or "~" (default: ``like``'s, else "=").
    symbols: further symbols the expression may use.

    The claim carries a Derivation recording how it was read, so `escape show`-style output shows it.
    """
    if isinstance(model, str):
        model, context_claim = resolve_context(model)
        like = like if like is not None else context_claim
    if isinstance(like, str):
        like = get_claim(like)
    if model is None and like is not None:
        model = like.model
    if model is None and like is None and not symbols:
        raise UserInputError("a user claim needs a context: a model (model='kramers.DOUBLE_WELL') or a claim "
                             "it revises (like='battash.cor4_2')")
    if relation is not None and relation not in RELATIONS:
        raise UserInputError(f"relation must be one of {', '.join(RELATIONS)}, got {relation!r}")
    known = context_symbols(model, like, symbols)
    derivation = Derivation(f"user claim {claim_id}", sp.S.Zero)
    if isinstance(expression, str):
        rhs = parse_expression(expression, known)
        derivation.step(f"read from the text {expression!r}", rhs)
    else:
        rhs = adopt_symbols(expression, known)
        derivation.step("stated as a SymPy expression", rhs)
    resolved = sorted(rhs.free_symbols, key=lambda s: s.name)
    context_name = " and ".join(filter(None, [f"model {model.name!r}" if model is not None else "",
                                              f"claim {like.id}" if like is not None else ""]))
    derivation.step(f"symbols resolved against {context_name or 'the given symbols'} (with their assumptions)",
                    sp.Tuple(*resolved))
    if lhs is None:
        lhs = like.lhs if like is not None else sp.Symbol("tau", positive=True)
    elif isinstance(lhs, str):
        lhs = known.get(lhs, sp.Symbol(lhs))  # a name, not a formula: 'E[tau]' is a valid left-hand side
    relation = relation or (like.relation if like is not None else "=")
    note = f"revises {like.id} ({like.source})" if like is not None else ""
    base = dict(id=claim_id, title=title or (f"user's revision of {like.id}" if like is not None
                                             else f"user claim about {model.name}"),
                lhs=lhs, rhs=rhs, relation=relation,
                sources=(Source(None, "stated by the user", paper="user claim", note=note),),
                model=model, derivation=derivation)
    derivation.result = rhs
    if like is not None:
        return replace(like, **base, regime=regime or like.regime,
                       relations={"compare_with": (like.id,)}, notes="")
    return Claim(**base, regime=regime, clock=model.clock if model is not None else "",
                 interpretation=model.interpretation if model is not None else "")
