"""Pluribus for Python: typed memory described by a datashape, shared without copies with
NumPy (buffer protocol, __array_interface__) and DLPack, and every registered function.

    >>> import pluribus
    >>> t = pluribus.type("var * {name: string, amount: ?float64}")
    >>> a = pluribus.array([[1.0, 2.0], [3.0, 4.0]])
    >>> pluribus.sum(a, axis=0).tolist()
    [4.0, 6.0]
"""

from . import _pluribus
from ._pluribus import (
    Array,
    Function,
    ParseError,
    __version__,
    array,
    asarray,
    empty,
    from_dlpack,
    from_json,
    function,
    functions,
    simd_target,
    type,
    zeros,
)

__all__ = [
    "Array", "Function", "ParseError", "array", "asarray", "empty", "from_dlpack",
    "from_json", "function", "functions", "simd_target", "type", "zeros",
]

# Every registered function as pluribus.<name> (add, exp, sum, matmul, ...); names the
# package already uses keep their meaning (reach such a function with pluribus.function).
for _function in functions():
    if _function.__name__ not in globals():
        globals()[_function.__name__] = _function
        __all__.append(_function.__name__)
del _function


def __getattr__(name):
    """Functions registered after import (plb_function_register) are found by name."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return function(name)
    except LookupError:
        raise AttributeError(f"module 'pluribus' has no attribute {name!r}") from None
