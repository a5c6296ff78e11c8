"""Command-line parameters declared once, parsed fast, and handed to Typer when needed.

Commands declare parameters as ``Annotated[type, Opt(...)]`` or ``Arg(...)`` (plain
data, no Typer import). `parse` reads a valid command line straight into keyword
arguments: the common path of `facts search 异质结` or `facts get ID value` then
never imports Typer, which costs about 55 ms of every run. Anything it is not sure
of — `--help`, an unknown option, a missing or malformed value, shell completion —
returns None, and Typer, built from the same declarations by `typer_function`,
handles the command line and its errors in full.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

EMPTY = object()  # the default of a required parameter
#: Parameters that name files: the OS hands over any bytes (a Latin-1 file name is a real
#: file), so these alone may hold undecodable characters (surrogate escapes).
PATH_PARAMETERS = frozenset({"file", "output", "paths", "source"})


class Param:
    """What Typer's Option/Argument take; only the options we use."""

    typer_name = ""

    def __init__(self, *decls: str, **settings: Any) -> None:
        self.decls = decls
        self.settings = settings

    def to_typer(self) -> Any:
        import typer

        return getattr(typer, self.typer_name)(*self.decls, **self.settings)


class Opt(Param):
    typer_name = "Option"


class Arg(Param):
    typer_name = "Argument"


class Spec:
    """One parameter of a command: its name, what it holds and how it is written."""

    __slots__ = ("default", "flags", "is_arg", "kind", "many", "maximum", "metavar", "minimum", "name", "required")

    def __init__(self, name: str, hint: Any, param: Param, default: Any) -> None:
        self.name = name
        self.is_arg = isinstance(param, Arg)
        self.flags = param.decls or (f"--{name.replace('_', '-')}",)
        self.minimum = param.settings.get("min")
        self.maximum = param.settings.get("max")
        self.metavar = param.settings.get("metavar") or name.upper()
        self.default = default
        self.required = default is EMPTY
        base = _strip_optional(hint)
        self.many = typing.get_origin(base) is list
        self.kind = typing.get_args(base)[0] if self.many else base


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return options[0]
    return hint


def _defaults(func: Callable[..., Any]) -> dict[str, Any]:
    """Parameter name -> default (EMPTY when required), read off the code object: `inspect` costs 6 ms."""
    code = func.__code__
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    positional = names[: code.co_argcount]
    defaults = func.__defaults__ or ()
    found = dict.fromkeys(names, EMPTY)
    found.update(zip(positional[len(positional) - len(defaults) :], defaults, strict=True))
    found.update(func.__kwdefaults__ or {})
    return found


@functools.cache
def specs(func: Callable[..., Any]) -> tuple[Spec, ...]:
    hints = typing.get_type_hints(func, include_extras=True)
    found = []
    for name, default in _defaults(func).items():
        hint = hints[name]
        metadata = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Param)]
        if not metadata:
            continue
        found.append(Spec(name, typing.get_args(hint)[0], metadata[0], default))
    return tuple(found)


def _convert(spec: Spec, raw: str) -> Any:
    if spec.kind is int:
        value = int(raw)  # ValueError: Typer reports it properly
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise ValueError(raw)
        return value
    return raw


def parse(func: Callable[..., Any], args: Sequence[str]) -> dict[str, Any] | None:
    """Keyword arguments for `func` from a valid command line, or None to let Typer decide."""
    try:
        declared = specs(func)
    except Exception:
        return None
    by_flag = {flag: spec for spec in declared if not spec.is_arg for flag in spec.flags}
    positional = [spec for spec in declared if spec.is_arg]
    values: dict[str, Any] = {}
    loose: list[str] = []
    index = 0
    only_args = False
    try:
        while index < len(args):
            token = args[index]
            index += 1
            if only_args or token == "-" or not token.startswith("-"):
                loose.append(token)
                continue
            if token == "--":
                only_args = True
                continue
            # Click splits "--opt=value" but not "-o=value" (there "=value" is the value): so do we.
            flag, equals, attached = token.partition("=") if token.startswith("--") else (token, "", "")
            spec = by_flag.get(flag)
            if spec is None:
                return None  # --help, a typo, a short-option cluster: Typer's job
            if spec.kind is bool:
                if equals:
                    return None
                values[spec.name] = True
                continue
            if equals:
                raw = attached
            elif index < len(args):
                raw = args[index]
                index += 1
            else:
                return None
            value = _convert(spec, raw)
            if spec.many:
                values.setdefault(spec.name, []).append(value)
            elif spec.name in values:
                return None
            else:
                values[spec.name] = value
        for spec in positional:
            if spec.many:
                if not loose and spec.required:
                    return None
                values[spec.name] = [_convert(spec, raw) for raw in loose] or spec.default
                loose = []
            elif loose:
                values[spec.name] = _convert(spec, loose.pop(0))
            elif spec.required:
                return None
    except ValueError:
        return None
    if loose:
        return None
    for spec in declared:
        if spec.name not in values:
            if spec.required:
                return None
            values[spec.name] = spec.default
    return values


def check_text(func: Callable[..., Any], values: dict[str, Any]) -> None:
    """A usage error for an argument that is not UTF-8 text, before it reaches SQLite or an encoder.

    A C-locale or Latin-1 command line hands undecodable bytes over as lone surrogates;
    only file paths may keep them.
    """
    from .errors import UsageError
    from .escape import undecodable

    for spec in specs(func):
        if spec.name in PATH_PARAMETERS:
            continue
        value = values.get(spec.name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and undecodable(item):
                label = spec.metavar.strip("[].") if spec.is_arg else spec.flags[0]
                raise UsageError(f"{label}: not valid UTF-8 text (arguments must be UTF-8)")


def typer_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` with its Opt/Arg declarations turned into Typer's, for the full Typer app."""
    import inspect

    hints = typing.get_type_hints(func, include_extras=True)
    signature = inspect.signature(func)
    parameters = []
    for name, parameter in signature.parameters.items():
        hint = hints[name]
        metadata = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Param)]
        annotation = typing.Annotated[typing.get_args(hint)[0], metadata[0].to_typer()] if metadata else hint
        parameters.append(parameter.replace(annotation=annotation))

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        import typer

        from .errors import Done

        try:
            check_text(func, kwargs)
            return func(**kwargs)
        except Done as done:  # the app also runs under Typer's own runners (tests, tools)
            raise typer.Exit(done.code) from None

    wrapper.__signature__ = signature.replace(parameters=parameters, return_annotation=None)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper
