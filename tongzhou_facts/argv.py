"""Command-line parameters declared once, parsed fast, and handed to Typer when needed.

A command declares each parameter as ``Annotated[type, Opt(...)]`` or ``Arg(...)`` (plain
data, no Typer import), or a group of options that reaches it as one object
(``Annotated[Output, Options(...)]``: the output options, declared once for every
command). Two parsers read the same declarations:

- `parse` reads a valid command line straight into keyword arguments: the common path of
  `facts search 异质结` or `facts get ID value` then never imports Typer (about 55 ms).
  Anything it is not sure of (`--help`, an unknown option, a missing or malformed value,
  shell completion) returns None, and Typer handles the command line in full.
- `typer_function` turns the same declarations into the signature Typer reads.

tests/test_parser_parity.py proves they agree on every command. A declaration the fast
parser cannot honour is an error when the command is first read, never a silent fallback.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

EMPTY = object()  # the default of a required parameter
#: Parameters that name files: the OS hands over any bytes (a Latin-1 file name is a real
#: file), so these alone may hold undecodable characters (surrogate escapes).
PATH_PARAMETERS = frozenset({"file", "output", "paths", "source"})
#: The Typer settings a declaration may use. `parse` honours help-only ones by ignoring them,
#: `min`/`max` by checking; `is_eager`/`callback` (--version) make a flag Typer's alone.
#: `choices` is help-only too: the values help shows (`--kind [metric|project|milestone]`)
#: and completion offers; the command checks the value, and may accept other spellings.
SETTINGS = frozenset({"help", "metavar", "min", "max", "show_default", "autocompletion", "is_eager", "callback", "choices"})
TYPER_ONLY = frozenset({"is_eager", "callback"})
#: The parameter a command may take to receive the run's Environment (not a CLI parameter).
ENVIRONMENT = "env"
_TYPES = (str, int, bool)
_VARIADIC = 0x04 | 0x08  # inspect.CO_VARARGS | inspect.CO_VARKEYWORDS (inspect costs 6 ms to import)


class Param:
    """What Typer's Option/Argument take; only the settings in SETTINGS."""

    typer_name = ""

    def __init__(self, *decls: str, **settings: Any) -> None:
        unknown = sorted(set(settings) - SETTINGS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unsupported setting {unknown[0]!r} (supported: {', '.join(sorted(SETTINGS))})"
            )
        self.decls = decls
        self.settings = settings

    def to_typer(self, spec: Spec) -> Any:
        """Typer's Option/Argument for this declaration, its help written for a reader
        (app.typer_settings: values as words or choices, defaults as sentences)."""
        import typer

        from .app import typer_settings

        return getattr(typer, self.typer_name)(*self.decls, **typer_settings(self.settings, spec))


class Opt(Param):
    typer_name = "Option"


class Arg(Param):
    typer_name = "Argument"


class Options:
    """Several options that reach a command as one object, built by `build(**values)`.

    `members` maps each option's name to (type, Opt, default), in help order.
    """

    def __init__(self, build: Callable[..., Any], members: Mapping[str, tuple[Any, Opt, Any]]) -> None:
        self.build = build
        self.members = dict(members)


class Spec:
    """One command-line parameter: its name, what it holds and how it is written."""

    __slots__ = (
        "default",
        "flags",
        "group",
        "hint",
        "is_arg",
        "kind",
        "many",
        "maximum",
        "metavar",
        "minimum",
        "name",
        "options",
        "param",
        "required",
        "typer_only",
    )

    def __init__(
        self, owner: str, name: str, hint: Any, param: Param, default: Any, group: tuple[str, Options] | None = None
    ) -> None:
        self.name = name
        self.hint = hint
        self.param = param
        #: The group a member option belongs to: the command's parameter name, and its Options.
        self.group: str | None = group[0] if group is not None else None
        self.options: Options | None = group[1] if group is not None else None
        self.is_arg = isinstance(param, Arg)
        self.flags = param.decls or (f"--{name.replace('_', '-')}",)
        self.minimum = param.settings.get("min")
        self.maximum = param.settings.get("max")
        self.metavar = param.settings.get("metavar") or name.upper()
        self.typer_only = bool(TYPER_ONLY & set(param.settings))
        self.default = default
        self.required = default is EMPTY
        base = _strip_optional(hint)
        self.many = getattr(base, "__origin__", None) is list
        self.kind = base.__args__[0] if self.many else base
        if self.kind not in _TYPES:
            raise TypeError(f"{owner}: parameter {name!r} is a {self.kind!r}; the parser reads only str, int and bool")
        problem = self._problem(param, default)
        if problem:
            raise TypeError(f"{owner}: parameter {name!r}: {problem}")

    def _problem(self, param: Param, default: Any) -> str | None:
        """What of this declaration the fast parser could not read as Typer does, if anything."""
        if self.is_arg and (param.decls or self.kind is bool):
            return "an argument takes no option names and cannot be a bool"
        if any(not flag.startswith("-") or "/" in flag or flag.strip("-") == "" for flag in self.flags):
            return f"option names are written -x or --name, one per string (not {self.flags!r})"
        if default is EMPTY or default is None:
            return None
        if self.many:
            return "a list parameter's default is None"
        if type(default) is not self.kind:
            return f"the default {default!r} is not a {self.kind.__name__}"
        return None


def _strip_optional(hint: Any) -> Any:
    """`X | None` (or Optional[X]) -> X."""
    if isinstance(hint, types.UnionType) or getattr(hint, "__origin__", None) is typing.Union:
        options = [a for a in hint.__args__ if a is not type(None)]
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


def _declaration(owner: str, name: str, annotation: Any, namespace: dict[str, Any]) -> tuple[Any, Param | Options]:
    """(type, declaration) of one parameter's ``Annotated[type, declaration]``.

    The annotation is evaluated here rather than by `typing.get_type_hints`, which on
    Python 3.10 wraps ``Annotated[…] = None`` in Optional and costs milliseconds. One that
    is a name (``OutputOpts``, ``FileOpt``: the shared declarations) is looked up, not
    compiled: `eval` compiles its text first, about 30 µs a parameter on every run.
    """
    if isinstance(annotation, str) and annotation.isidentifier() and annotation in namespace:
        hint = namespace[annotation]
    else:
        hint = eval(annotation, namespace) if isinstance(annotation, str) else annotation  # our own source: the declarations
    found = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, (Param, Options))]
    if len(found) != 1:
        raise TypeError(f"{owner}: parameter {name!r} needs exactly one Opt, Arg or Options declaration")
    return hint.__origin__, found[0]


@functools.cache
def specs(func: Callable[..., Any]) -> tuple[Spec, ...]:
    """Every command-line parameter of a command, in help order: its own, then its groups' members.

    A TypeError for anything the fast parser could not read faithfully: a wrapper (its
    signature is not the command's), an undeclared parameter, two parameters of one name.
    """
    owner = getattr(func, "__qualname__", repr(func))
    code = func.__code__
    if hasattr(func, "__wrapped__") or code.co_flags & _VARIADIC:
        raise TypeError(f"{owner}: a wrapper hides the command's parameters (*args, **kwargs); declare them on the command")
    own: list[Spec] = []
    grouped: list[Spec] = []
    annotations = func.__annotations__
    for name, default in _defaults(func).items():
        if name == ENVIRONMENT:
            if "Environment" not in str(annotations.get(name, "Environment")):
                raise TypeError(f"{owner}: the parameter {ENVIRONMENT!r} is the run's Environment, not an option")
            continue
        if name not in annotations:
            raise TypeError(f"{owner}: parameter {name!r} has no declaration")
        hint, declared = _declaration(owner, name, annotations[name], func.__globals__)
        if isinstance(declared, Options):
            if default is not EMPTY:
                raise TypeError(f"{owner}: option group {name!r} takes no default")
            for member, (kind, opt, member_default) in declared.members.items():
                grouped.append(Spec(owner, member, kind, opt, member_default, group=(name, declared)))
        else:
            own.append(Spec(owner, name, hint, declared, default))
    arguments = [spec for spec in own if spec.is_arg]
    if any(spec.many for spec in arguments[:-1]):
        raise TypeError(f"{owner}: only the last argument may take several values")
    found = (*own, *grouped)
    names = [spec.name for spec in found]
    flags = [flag for spec in found if not spec.is_arg for flag in spec.flags]
    if len(set(names)) != len(names) or len(set(flags)) != len(flags):
        raise TypeError(f"{owner}: two parameters share a name or an option")
    return found


def groups(func: Callable[..., Any]) -> dict[str, Options]:
    """Parameter name -> its option group, for `bind` (read off `specs`)."""
    return {spec.group: spec.options for spec in specs(func) if spec.group is not None and spec.options is not None}


def bind(func: Callable[..., Any], values: Mapping[str, Any], env: Any) -> dict[str, Any]:
    """The keyword arguments to call `func` with: parsed values, each group as its object,
    and the Environment if the command takes one."""
    kwargs = {spec.name: values[spec.name] for spec in specs(func) if spec.group is None}
    for name, group in groups(func).items():
        kwargs[name] = group.build(**{member: values[member] for member in group.members})
    if ENVIRONMENT in _defaults(func):
        kwargs[ENVIRONMENT] = env
    return kwargs


def _convert(spec: Spec, raw: str) -> Any:
    if spec.kind is int:
        value = int(raw)  # ValueError: Typer reports it properly
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise ValueError(raw)
        return value
    return raw


class _Decline(Exception):
    """The command line is not one `parse` is sure of: Typer decides."""


def parse(func: Callable[..., Any], args: Sequence[str]) -> dict[str, Any] | None:
    """Every parameter's value (group members by their own names) from a valid command line,
    or None to let Typer decide (and report the error, or print the help)."""
    declared = specs(func)
    try:
        values, loose = _options(declared, args)
        _positionals(declared, loose, values)
    except (_Decline, ValueError):
        return None
    for spec in declared:
        if spec.name not in values:
            if spec.required:
                return None
            values[spec.name] = spec.default
    return values


def _options(declared: Sequence[Spec], args: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """The options' values, and the positional words left over."""
    by_flag = {flag: spec for spec in declared if not spec.is_arg for flag in spec.flags}
    values: dict[str, Any] = {}
    loose: list[str] = []
    index = 0
    only_args = False
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
        if spec is None or spec.typer_only:
            raise _Decline  # --help, a typo, a short-option cluster, --version: Typer's job
        if spec.kind is bool:
            if equals:
                raise _Decline
            values[spec.name] = True
            continue
        if not equals and index >= len(args):
            raise _Decline
        raw = attached if equals else args[index]
        index += 0 if equals else 1
        value = _convert(spec, raw)
        if spec.many:
            values.setdefault(spec.name, []).append(value)
        elif spec.name in values:
            raise _Decline  # given twice: Typer keeps the last, and so would we, but let it say
        else:
            values[spec.name] = value
    return values, loose


def _positionals(declared: Sequence[Spec], loose: list[str], values: dict[str, Any]) -> None:
    for spec in declared:
        if not spec.is_arg:
            continue
        if spec.many:
            if not loose and spec.required:
                raise _Decline
            values[spec.name] = [_convert(spec, raw) for raw in loose] or spec.default
            loose = []
        elif loose:
            values[spec.name] = _convert(spec, loose.pop(0))
        elif spec.required:
            raise _Decline
    if loose:
        raise _Decline  # an extra argument: Typer's error message


def leading_options(args: Sequence[str], flags: Mapping[str, bool]) -> tuple[list[str], list[Leading], int]:
    """The options written before the command (`facts -f x --format json list`): their
    words, each option read (`Leading`), and where the rest of the line starts.

    `flags` maps each global option's names to whether it takes a value. As click reads
    them: `--opt value`, `--opt=value`, `-o value`, `-ovalue`; a value is the next word,
    whatever it looks like. Reading stops at the first word that is none of these (the
    command, an unknown option, `--`), and before a value that is missing.
    """
    words: list[str] = []
    found: list[Leading] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token.startswith("--"):
            name, equals, attached = token.partition("=")
            glued = bool(equals)
        else:
            name, equals, attached = token[:2], "", token[2:]
            glued = len(token) > 2
        if not token.startswith("-") or name not in flags or (glued and not flags[name] and not equals):
            break
        width = 1 if glued or not flags[name] else 2
        if index + width > len(args):
            break
        words += args[index : index + width]
        value = (attached if glued else args[index + 1]) if flags[name] else None
        found.append(Leading(name, value, next_word=width == 2))
        index += width
    return words, found, index


class Leading:
    """One option before the command: its name as written, its value (None: a flag), and
    whether the value was the next word (`-f x`) rather than glued to it (`-fx`, `--file=x`).

    A plain class, not a NamedTuple: with string annotations a NamedTuple costs about 0.8 ms
    to define, and argv.py is imported on every run."""

    __slots__ = ("name", "next_word", "value")

    def __init__(self, name: str, value: str | None, next_word: bool = False) -> None:
        self.name, self.value, self.next_word = name, value, next_word


def flags_of(func: Callable[..., Any]) -> set[str]:
    """Every option name a command takes."""
    return {flag for spec in specs(func) if not spec.is_arg for flag in spec.flags}


def check_text(func: Callable[..., Any], values: Mapping[str, Any]) -> None:
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


Call = Callable[[Callable[..., Any], dict[str, Any]], Any]


def typer_function(func: Callable[..., Any], call: Call) -> Callable[..., Any]:
    """A function Typer can read: `func`'s parameters (groups spread out) as Typer's
    Option/Argument declarations. Typer's parsed values go to `call(func, values)`."""
    import inspect

    parameters = [
        inspect.Parameter(
            spec.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if spec.required else spec.default,
            annotation=typing.Annotated[spec.hint, spec.param.to_typer(spec)],
        )
        for spec in specs(func)
    ]

    def command(**values: Any) -> Any:
        return call(func, values)

    command.__name__ = func.__name__
    command.__qualname__ = func.__qualname__
    command.__doc__ = func.__doc__
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]  # read by Typer
    return command
