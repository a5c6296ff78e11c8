"""`facts serve --mcp`: the base as a Model Context Protocol server over stdio, for AI assistants.

The official `mcp` SDK is an optional extra (`pip install 'tongzhou-facts[mcp]'`): this
module is the only one that imports it, and only `facts serve` imports this module, so the
core install and its start-up are untouched. The tools are tools.py's functions; this file
wires them to the protocol.

Each call opens the base afresh (from the cache when it is fresh, as every command does), so
an edit of the TOML is seen by the next call and a broken base is a clear error of that call,
not a server that died before the assistant could hear why. Every `FactsError` (a bad
argument, an unknown id, a base that does not load) becomes the tool's error result with the
CLI's one-line message; anything unexpected becomes one line too, never a traceback. While
serving, the SDK points fd 1 at stderr: nothing but protocol reaches standard output.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import Field, ValidationError

from . import __version__, tools
from .errors import FactsError

if TYPE_CHECKING:
    from .index import Index

T = TypeVar("T")

INSTRUCTIONS = (
    "Facts about 通州区 (Tongzhou District, Nantong, Jiangsu), each with its source and the verbatim "
    "sentence it comes from. Quote the `quote` and name the source rather than paraphrasing; give "
    "numbers as `figure` writes them. When `ask` answers `answered: false`, the base does not know: "
    "say so instead of guessing."
)


def build_server(paths: Sequence[str]) -> MCPServer:
    """The server over the bases at `paths` (as `-f` or FACTS_FILE name them)."""
    server = _Server("facts", title="Tongzhou facts", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    def answer(work: Callable[[Index], T]) -> T:
        with _opened(paths) as index:
            return _tool_errors(work, index)

    @server.tool()
    def search(
        query: Annotated[str, Field(description="Words to find, in Chinese, pinyin or English; every word must match.")],
        kind: Annotated[str | None, Field(description="metric, project or milestone")] = None,
        year: Annotated[int | None, Field(description="Only facts about this year.")] = None,
        limit: Annotated[int, Field(description=f"At most this many records (1 to {tools.MAX_LIMIT}).")] = 10,
    ) -> dict[str, Any]:
        """Find facts by words, names, pinyin, numbers or dates, best match first; each record with its quote and source."""
        return answer(lambda index: tools.search(index, query, kind=kind, year=year, limit=limit))

    @server.tool()
    def ask(
        question: Annotated[str, Field(description="A question in Chinese or English, e.g. 通州2023年GDP是多少")],
        kind: Annotated[str | None, Field(description="metric, project or milestone")] = None,
        year: Annotated[int | None, Field(description="The year asked about, if the question does not say.")] = None,
        related: Annotated[int, Field(description="Related facts to add (0 to 5).")] = 2,
        lang: Annotated[str | None, Field(description="zh or en: the answer's language (default: the question's).")] = None,
    ) -> dict[str, Any]:
        """Answer a question from the base with the record and its verbatim quote, or say explicitly
        that the base does not hold the answer (answered: false)."""
        return answer(lambda index: tools.ask(index, question, kind=kind, year=year, related=related, lang=lang))

    @server.tool()
    def get(
        id: Annotated[str, Field(description="A record id, e.g. gdp-2023, or a name search finds, e.g. GDP")],
        fields: Annotated[
            list[str] | None, Field(description="Only these fields (id, source and quote always come), e.g. value, unit, date.")
        ] = None,
    ) -> dict[str, Any]:
        """One record by id: every field (or those asked for), its quote and its source. A name
        instead of an id gets the one record search finds for it, with a note saying so."""
        return answer(lambda index: tools.get(index, id, fields))

    @server.tool()
    def cite(
        ids: Annotated[list[str], Field(description="Record ids.")],
        style: Annotated[str | None, Field(description="gb7714, apa, chicago, markdown or bibtex.")] = None,
        lang: Annotated[str, Field(description="zh (default style gb7714) or en (apa).")] = "zh",
    ) -> dict[str, Any]:
        """A ready citation: each record's verbatim quote, then its source in a reference style."""
        return answer(lambda index: tools.cite(index, ids, style=style, lang=lang))

    @server.resource(tools.SCHEMA_URI, name="schema", mime_type="application/json")
    def schema() -> str:
        """The keys of a record of each kind and of a source, with their types."""
        return _json(tools.schema())

    @server.resource(tools.SOURCES_URI, name="sources", mime_type="application/json")
    def sources() -> str:
        """Every source the facts are drawn from, with the URI of each."""
        with _opened(paths, ResourceError) as index:
            return _json(_resource_errors(tools.sources, index))

    @server.resource(tools.SOURCE_URI, name="source", mime_type="application/json")
    def source(source_id: str) -> str:
        """One source: its title, author, date, fingerprint and notes."""
        with _opened(paths, ResourceError) as index:
            return _json(_resource_errors(lambda i: tools.source(i, source_id), index))

    return server


class _Server(MCPServer):
    """The SDK's server, with its argument errors in one line: pydantic's are several, with a URL."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(invalid_arguments(exc.__cause__)) from exc.__cause__
            raise


def invalid_arguments(error: ValidationError) -> str:
    """What is wrong with a call's arguments, one clause per argument: `limit: …; query: …`."""
    said = [f"{'.'.join(str(part) for part in item['loc']) or 'arguments'}: {item['msg']}" for item in error.errors()]
    return "bad arguments: " + "; ".join(said)


def serve(paths: Sequence[str]) -> None:
    """Serve over stdin and stdout until the client closes them."""
    build_server(paths).run("stdio")


@contextlib.contextmanager
def _opened(paths: Sequence[str], error: type[Exception] = ToolError) -> Iterator[Index]:
    """The base's index for one call, closed after it; a base that does not load is `error`."""
    from .cache import open_index

    try:
        index = open_index(paths)
    except FactsError as exc:
        raise error(str(exc)) from None
    except Exception as exc:  # an unreadable file, a broken cache: one line, as the CLI says it
        raise error(f"internal error: {type(exc).__name__}: {exc}") from None
    try:
        yield index
    finally:
        index.close()


def _tool_errors(work: Callable[[Index], T], index: Index) -> T:
    """`work(index)`, its errors as the tool's error result with their one-line message."""
    return _with_errors(work, index, ToolError)


def _resource_errors(work: Callable[[Index], T], index: Index) -> T:
    return _with_errors(work, index, ResourceError)


def _with_errors(work: Callable[[Index], T], index: Index, error: type[Exception]) -> T:
    try:
        return work(index)
    except FactsError as exc:
        raise error(str(exc)) from None
    except Exception as exc:  # the SDK would log a traceback and tell the client nothing useful
        raise error(f"internal error: {type(exc).__name__}: {exc}") from None


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
