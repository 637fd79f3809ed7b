"""One way to check parameters: scikit-learn's declarative constraints, one message format.

An estimator declares what each constructor parameter may be, in a class
attribute ``_parameter_constraints`` written with scikit-learn's own
constraint objects (``Interval``, ``StrOptions``, ``"boolean"``, ``None``,
...), and decorates ``fit`` with :func:`fit_context` (scikit-learn's
``_fit_context``), which validates them before the fit runs, as
scikit-learn's estimators do. With :class:`ParamsChecked` before
``BaseEstimator`` in the bases, a bad value raises the book's one format::

    KmerVectorizer: mode must be one of 'count', 'frequency', 'presence', got 'x'

that is ``<owner>: <parameter> must be <what the constraints allow>, got <value>``,
as a plain ``ValueError`` (what the book's tests and doctests have always
caught; scikit-learn's own ``InvalidParameterError`` would print its long
module path in every traceback).
Functions use :func:`check_params` with the same constraints.

Constraints that scikit-learn's vocabulary cannot say (a pair of ints, a
dtype) are a :class:`Rule`: a predicate and the words for it. Integer
intervals here reject ``True``/``False`` (:func:`integers`).

Relies on ``sklearn.utils._param_validation`` (private, stable since
scikit-learn 1.2; the lock pins the version).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
    _Booleans,
    _Constraint,
    _NoneConstraint,
    make_constraint,
)

__all__ = [
    "POSITIVE_NUMBERS",
    "HasMethods",
    "Interval",
    "Options",
    "ParamsChecked",
    "Rule",
    "StrOptions",
    "check_params",
    "fit_context",
    "integers",
    "numbers",
    "param_error",
]

#: scikit-learn's ``_fit_context``: validates ``_parameter_constraints`` before ``fit``.
fit_context = _fit_context


def param_error(owner: str, name: str, expected: str, value: Any) -> ValueError:
    """The one format of parameter errors: ``<owner>: <name> must be <expected>, got <value>``.

    Examples
    --------
    >>> str(param_error("KmerVectorizer", "k", "an int from 1 to 15", 0))
    'KmerVectorizer: k must be an int from 1 to 15, got 0'
    >>> isinstance(param_error("f", "x", "y", 1), ValueError)
    True
    """
    return ValueError(f"{owner}: {name} must be {expected}, got {value!r}")


class Rule(_Constraint):
    """A constraint scikit-learn has no word for: a predicate and its description.

    Parameters
    ----------
    predicate : callable
        ``predicate(value) -> bool``; True when the value is allowed.
    description : str
        What the value must be, completing "``<name> must be ...``".

    Examples
    --------
    >>> pair = Rule(lambda v: isinstance(v, tuple) and len(v) == 2, "a pair")
    >>> pair.is_satisfied_by((1, 2)), str(pair)
    (True, 'a pair')
    """

    def __init__(self, predicate: Callable[[Any], bool], description: str) -> None:
        super().__init__()
        self.predicate = predicate
        self.description = description

    def is_satisfied_by(self, val: Any) -> bool:
        """Whether ``val`` is allowed (a predicate that raises means no)."""
        try:
            return bool(self.predicate(val))
        except (TypeError, ValueError):
            return False

    def __str__(self) -> str:
        """The description, as it appears in the error message."""
        return self.description


class _NoBoolInterval(Interval):
    """``Interval`` that takes neither ``True``/``False`` nor an infinite unbounded end.

    ``[0, inf)`` says that infinity is not allowed; scikit-learn's ``Interval``
    lets it through when the bound is ``None``.
    """

    def is_satisfied_by(self, val: Any) -> bool:
        if isinstance(val, bool | np.bool_):
            return False
        if isinstance(val, Real) and np.isinf(val):
            return False
        return super().is_satisfied_by(val)


def integers(left: int | None, right: int | None = None, *, closed: str = "both") -> Interval:
    """An interval of ints (not bools); ``None`` means unbounded.

    Examples
    --------
    >>> c = integers(1)
    >>> c.is_satisfied_by(3), c.is_satisfied_by(True), c.is_satisfied_by(0), str(c)
    (True, False, False, 'an int in the range [1, inf)')
    """
    if left is None or right is None:
        closed = {"both": "left" if right is None else "right"}.get(closed, closed)
        if left is None and right is None:
            closed = "neither"
    return _NoBoolInterval(Integral, left, right, closed=closed)


def numbers(left: float | None, right: float | None = None, *, closed: str = "both") -> Interval:
    """An interval of real numbers (not bools, not NaN); ``None`` means unbounded.

    Examples
    --------
    >>> c = numbers(0, 1, closed="left")
    >>> c.is_satisfied_by(0.0), c.is_satisfied_by(1.0), c.is_satisfied_by(float("nan")), str(c)
    (True, False, False, 'a float in the range [0.0, 1.0)')
    """
    return _NoBoolInterval(Real, left, right, closed=closed)


def _positive_numbers(values: Any) -> bool:
    try:
        items = list(values)
    except TypeError:
        return False
    return bool(items) and all(
        isinstance(a, int | float | np.integer | np.floating)
        and not isinstance(a, bool)
        and math.isfinite(a)
        and a > 0
        for a in items
    )


#: A non-empty sequence of finite positive numbers (a grid of penalties).
POSITIVE_NUMBERS = Rule(_positive_numbers, "a non-empty sequence of positive numbers")


def _describe(constraint: _Constraint) -> str:
    if isinstance(constraint, Options):  # sorted: a set's order changes between runs
        return "one of " + ", ".join(repr(o) for o in sorted(constraint.options, key=repr))
    if isinstance(constraint, _Booleans):
        return "True or False"
    if isinstance(constraint, _NoneConstraint):
        return "None"
    return str(constraint)


def check_params(owner: str, params: Mapping[str, Any], constraints: Mapping[str, Any]) -> None:
    """Check parameters against declared constraints; raise the one format on the first misfit.

    Parameters
    ----------
    owner : str
        Who owns the parameters (a class or function name), the start of the message.
    params : mapping
        Parameter name -> value.
    constraints : mapping
        Parameter name -> list of constraints (any of which is enough), in
        scikit-learn's vocabulary (``Interval``, ``StrOptions``, ``"boolean"``,
        ``None``, a type, ...) or :class:`Rule`; ``"no_validation"`` skips a
        parameter. Parameters without an entry are not checked.

    Raises
    ------
    ValueError
        ``<owner>: <name> must be <allowed>, got <value>``.

    Examples
    --------
    >>> check_params("f", {"mode": "count"}, {"mode": [StrOptions({"count", "presence"})]})
    >>> check_params("f", {"mode": "x"}, {"mode": [StrOptions({"count", "presence"})]})
    Traceback (most recent call last):
    ...
    ValueError: f: mode must be one of 'count', 'presence', got 'x'
    """
    for name, value in params.items():
        allowed = constraints.get(name)
        if allowed is None or allowed == "no_validation":
            continue
        made = [c if isinstance(c, _Constraint) else make_constraint(c) for c in allowed]
        if any(c.is_satisfied_by(value) for c in made):
            continue
        visible = [_describe(c) for c in made if not c.hidden]
        expected = (
            visible[0] if len(visible) == 1 else ", ".join(visible[:-1]) + " or " + visible[-1]
        )
        raise param_error(owner, name, expected, value)


class ParamsChecked:
    """Mixin (before ``BaseEstimator``): ``_validate_params`` raises the book's one format.

    scikit-learn's :func:`fit_context` calls ``_validate_params`` before
    ``fit``; this version checks ``_parameter_constraints`` with
    :func:`check_params`, naming the class.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> class Toy(ParamsChecked, BaseEstimator):
    ...     _parameter_constraints = {"alpha": [numbers(0, None, closed="neither")]}
    ...     def __init__(self, alpha=1.0):
    ...         self.alpha = alpha
    ...     @fit_context(prefer_skip_nested_validation=True)
    ...     def fit(self, X, y=None):
    ...         return self
    >>> Toy(alpha=-1).fit([[0]])
    Traceback (most recent call last):
    ...
    ValueError: Toy: alpha must be a float in the range (0.0, inf), got -1
    """

    _parameter_constraints: dict = {}

    def _validate_params(self) -> None:
        check_params(type(self).__name__, self.get_params(deep=False), self._parameter_constraints)
