"""`facts serve --mcp`, driven by the MCP SDK's own client over a real stdio subprocess.

Each test starts `facts serve --mcp` as an assistant would (the SDK's `Client` with
`StdioServerParameters`), lists or calls over the protocol, and checks what came back
against the base itself (loaded with the library), not against the server's own output.
The SDK is the `mcp` extra, which the test extra installs: these tests are not optional.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from mcp import Client, MCPError, StdioServerParameters

import tongzhou_facts as tf
from tongzhou_facts import cite as citing
from tongzhou_facts.tools import MAX_LIMIT

from .conftest import BASE, facts_command, run, subprocess_env

T = TypeVar("T")
#: Seconds one conversation may take: a hang is a failure, not a stuck suite.
TIMEOUT = 60


def talk(work: Callable[[Client], Awaitable[T]], *args: str, **env: str) -> T:
    """Start `facts serve --mcp ARGS` with these environment variables, run `work` on a
    connected client, and close it (which ends the server)."""
    command = facts_command()
    server = StdioServerParameters(
        command=command[0],
        args=[*command[1:], "serve", "--mcp", *args],
        # The SDK passes only a few variables on: the cache folder is named, so that no test
        # touches ~/.cache (conftest's isolation), and FACTS_FILE when a test sets it.
        env={"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "HOME": os.environ["HOME"], **env},
    )

    async def conversation() -> T:
        async with Client(server, read_timeout_seconds=TIMEOUT) as client:
            return await work(client)

    return asyncio.run(asyncio.wait_for(conversation(), TIMEOUT))


def call(name: str, arguments: dict[str, Any], *args: str, **env: str) -> Any:
    """One tool call's result (the SDK's CallToolResult)."""

    async def work(client: Client) -> Any:
        return await client.call_tool(name, arguments)

    return talk(work, *args, **env)


def structured(result: Any) -> dict[str, Any]:
    """A successful call's answer; the text content says the same as the structured one."""
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    assert json.loads(result.content[0].text) == data
    return data


def error_text(result: Any) -> str:
    assert result.is_error
    assert result.structured_content is None
    text: str = result.content[0].text
    assert "Traceback" not in text and "\n" not in text, text
    return text


@pytest.fixture(scope="module")
def base() -> tf.Base:
    return tf.load()


def test_lists_the_four_tools_with_their_arguments() -> None:
    async def work(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in talk(work)}
    assert sorted(tools) == ["ask", "cite", "get", "search"]
    assert set(tools["search"].input_schema["properties"]) == {"query", "kind", "year", "limit"}
    assert tools["search"].input_schema["required"] == ["query"]
    assert set(tools["ask"].input_schema["properties"]) >= {"question", "kind", "year"}
    assert set(tools["get"].input_schema["properties"]) == {"id", "fields"}
    assert set(tools["cite"].input_schema["properties"]) == {"ids", "style", "lang"}
    assert all(tool.description for tool in tools.values())


def test_search_returns_records_with_quote_and_source(base: tf.Base) -> None:
    data = structured(call("search", {"query": "异质结", "limit": 2}))
    expected = [hit.record.id for hit in tf.search(tf.open_index(), "异质结", limit=2)]
    assert [r["id"] for r in data["records"]] == expected
    for record in data["records"]:
        stored = base.get(record["id"])
        assert record["quote"] == stored.data["quote"]
        assert record["source"] == stored.data["source"]
        assert data["sources"][record["source"]]["title"] == base.sources[record["source"]].title
    assert data["total"] >= len(expected)


def test_search_filters_and_nothing_found() -> None:
    data = structured(call("search", {"query": "GDP", "kind": "metric", "year": 2023}))
    assert data["records"] and all(r["kind"] == "metric" and r["year"] == 2023 for r in data["records"])
    none = structured(call("search", {"query": "量子计算机"}))
    assert none["records"] == [] and none["total"] == 0


def test_ask_answers_with_the_quote(base: tf.Base) -> None:
    data = structured(call("ask", {"question": "通州2023年GDP是多少"}))
    assert data["answered"] is True
    gdp = base.get("gdp-2023")
    assert data["record"]["id"] == "gdp-2023"
    assert data["record"]["quote"] == gdp.data["quote"]
    assert "1730亿元" in data["answer"] and data["record"]["figure"] == "预计1730亿元"


def test_ask_says_not_in_the_base_for_an_unanswerable_question() -> None:
    data = structured(call("ask", {"question": "通州2023年有多少只熊猫"}))
    assert data["answered"] is False
    assert data["not_in_base"].startswith("not in the base")
    assert "answer" not in data and "record" not in data


def test_get_one_record_and_some_fields(base: tf.Base) -> None:
    whole = structured(call("get", {"id": "gdp-2023"}))
    assert {k: v for k, v in whole["record"].items() if k != "figure"} == base.get("gdp-2023").to_dict()
    some = structured(call("get", {"id": "gdp-2023", "fields": ["value", "unit"]}))
    assert some["record"] == {
        "id": "gdp-2023",
        "source": "tongzhou-2023-review",
        "quote": base.get("gdp-2023").data["quote"],
        "value": 1730,
        "unit": "亿元",
    }
    # fields in any case, as the CLI's --fields reads them
    assert structured(call("get", {"id": "gdp-2023", "fields": ["VALUE", "Unit"]}))["record"] == some["record"]


def test_get_forgives_a_name_as_the_cli_does(base: tf.Base) -> None:
    """A name instead of an id: the record search finds as the unique best match, with a note
    saying so; a word that several records match equally is an error naming them."""

    async def work(client: Client) -> list[Any]:
        return [
            await client.call_tool("get", {"id": "地区生产总值", "fields": ["value"]}),
            await client.call_tool("get", {"id": "GDP"}),
            await client.call_tool("get", {"id": "gdp-2023"}),
            await client.call_tool("get", {"id": "川姜"}),
        ]

    by_name, by_alias, by_id, several = talk(work)
    assert structured(by_name)["record"]["value"] == base.get("gdp-2023").data["value"]
    assert structured(by_name)["note"] == "no record with id '地区生产总值'; this is gdp-2023, the best match search finds for it"
    assert structured(by_alias)["record"]["id"] == "gdp-2023" and "search" in structured(by_alias)["note"]
    assert "note" not in structured(by_id)  # an id is an id: nothing to say
    text = error_text(several)
    assert "no record with id '川姜'; search finds 4:" in text
    assert "chuanjiang-pingchao-development-2023 (专题研究推动川姜、平潮高质量发展)" in text


def test_cite_in_a_style(base: tf.Base) -> None:
    data = structured(call("cite", {"ids": ["gdp-2023", "gdp-growth-2023"], "style": "apa"}))
    assert data["style"] == "apa"
    assert [c["id"] for c in data["citations"]] == ["gdp-2023", "gdp-growth-2023"]
    assert base.get("gdp-2023").data["quote"] in data["text"]
    assert citing.cite([base.get("gdp-2023"), base.get("gdp-growth-2023")], base.sources, "apa") == data["text"]


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("get", {"id": "gdp-2024"}, "no record with id 'gdp-2024'; did you mean gdp-2023"),
        ("get", {"id": "gdp-2023", "fields": ["colour"]}, "unknown field 'colour'"),
        ("search", {"query": "GDP", "kind": "city"}, "unknown kind 'city' (metric, project or milestone)"),
        ("search", {"query": "GDP", "limit": MAX_LIMIT + 1}, f"limit: 1 to {MAX_LIMIT}, not {MAX_LIMIT + 1}"),
        ("search", {"query": "   "}, "empty"),
        ("cite", {"ids": ["gdp-2023"], "style": "mla"}, "unknown style 'mla'"),
        ("search", {"query": 42}, "query"),  # the wrong type: the SDK checks the input schema
        ("get", {}, "id"),  # a required argument missing
    ],
)
def test_a_bad_argument_is_an_error_result_with_a_clear_message(name: str, arguments: dict[str, Any], message: str) -> None:
    assert message in error_text(call(name, arguments))


def test_several_calls_in_one_session() -> None:
    async def work(client: Client) -> list[Any]:
        first = await client.call_tool("get", {"id": "no-such-id"})
        second = await client.call_tool("get", {"id": "gdp-2023", "fields": ["value"]})
        return [first, second]

    first, second = talk(work)
    assert first.is_error  # an error leaves the server serving
    assert structured(second)["record"]["value"] == 1730


def test_a_broken_base_is_an_error_of_each_call_and_the_server_stays(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[[metrics]]\nid = "x"\nname = \n', encoding="utf-8")

    async def work(client: Client) -> tuple[Any, Any, str]:
        first = await client.call_tool("search", {"query": "GDP"})
        second = await client.call_tool("get", {"id": "x"})
        return first, second, await resource_error(client, "facts://sources")

    first, second, resource = talk(work, "-f", str(broken))
    for result in (first, second):
        assert f"{broken}:3" in error_text(result)  # file:line, as the CLI says it
    assert f"{broken}:3" in resource


def test_the_base_is_chosen_as_the_cli_chooses_it(tmp_path: Path) -> None:
    small = tmp_path / "small.toml"
    text = BASE.read_text(encoding="utf-8")
    small.write_text(
        text.split("\n[[metrics]]")[0] + '\n[[metrics]]\nid = "only-one"\nname = "唯一"\nyear = 2023\n'
        'value = 1\nunit = "个"\nsource = "tongzhou-2023-review"\nquote = "唯一"\n',
        encoding="utf-8",
    )
    by_option = structured(call("get", {"id": "only-one"}, "-f", str(small)))
    assert by_option["record"]["id"] == "only-one"
    by_variable = structured(call("search", {"query": "唯一"}, FACTS_FILE=str(small)))
    assert [r["id"] for r in by_variable["records"]] == ["only-one"]
    assert error_text(call("get", {"id": "only-one"})).startswith("Error executing tool get: no record")


def test_resources_schema_and_sources(base: tf.Base) -> None:
    async def work(client: Client) -> tuple[Any, ...]:
        listed = (await client.list_resources()).resources
        templates = (await client.list_resource_templates()).resource_templates
        schema = await client.read_resource("facts://schema")
        sources = await client.read_resource("facts://sources")
        one = await client.read_resource("facts://sources/tongzhou-2023-review")
        return listed, templates, schema, sources, one

    listed, templates, schema, sources, one = talk(work)
    assert {str(r.uri) for r in listed} == {"facts://schema", "facts://sources"}
    assert [t.uri_template for t in templates] == ["facts://sources/{source_id}"]
    keys = json.loads(schema.contents[0].text)
    assert set(keys["kinds"]) == {"metric", "project", "milestone"}
    assert keys["kinds"]["metric"]["required"]["quote"] == "string"
    assert json.loads(sources.contents[0].text) == [
        {"id": s.id, "title": s.title, "uri": f"facts://sources/{s.id}"} for s in base.sources.values()
    ]
    assert json.loads(one.contents[0].text) == base.sources["tongzhou-2023-review"].to_dict()


def test_an_unknown_source_is_a_resource_error() -> None:
    message = talk(lambda client: resource_error(client, "facts://sources/nope"))
    assert "no source with id 'nope' (sources: tongzhou-2023-review)" in message


async def resource_error(client: Client, uri: str) -> str:
    """The protocol error reading `uri` gives (a failure if the read succeeds)."""
    try:
        await client.read_resource(uri)
    except MCPError as exc:
        assert "\n" not in str(exc) and "Traceback" not in str(exc)
        return str(exc)
    raise AssertionError(f"{uri} was read")


def test_standard_output_carries_nothing_but_protocol() -> None:
    """Raw JSON-RPC in, every line out a JSON-RPC message, even for calls that fail."""
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get", "arguments": {"id": "gdp-2023"}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "get", "arguments": {"id": "nope"}}},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "search", "arguments": {"query": "\u0000"}}},
        {"jsonrpc": "2.0", "id": 5, "method": "no/such/method"},
    ]
    process = subprocess.Popen(
        [*facts_command(), "serve", "--mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )
    assert process.stdin is not None and process.stdout is not None
    answers: dict[int, Any] = {}
    for request in requests:
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
        if "id" in request:
            line = process.stdout.readline()
            message = json.loads(line)
            assert message["jsonrpc"] == "2.0"
            answers[message["id"]] = message
    process.stdin.close()
    process.wait(timeout=TIMEOUT)
    rest, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    assert rest == b"" and process.returncode == 0, err
    assert b"Traceback" not in err
    assert answers[2]["result"]["isError"] is False
    assert answers[3]["result"]["isError"] is True
    assert "error" in answers[5]  # an unknown method is a protocol error


def test_serve_without_a_protocol_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "serve") == (
        2,
        "",
        "facts: error: serve needs a protocol: --mcp (the Model Context Protocol over stdio)\n",
    )


def test_serve_without_the_extra_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "tongzhou_facts.mcp_server", raising=False)
    for name in [m for m in sys.modules if m == "mcp" or m.startswith("mcp.")]:
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails, as without the extra
    code, out, err = run(capsys, "serve", "--mcp")
    assert (code, out) == (2, "")
    assert err.startswith("facts: error: the MCP server needs the mcp extra") and err.endswith(
        ": pip install 'tongzhou-facts[mcp]'\n"
    )


def test_the_readme_transcript_is_what_the_server_answers() -> None:
    readme = (BASE.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- mcp-transcript -->\n```json\n", 1)[1].split("```", 1)[0]
    request_line, shown = block.split("\n", 1)
    request = json.loads(request_line)
    assert request["method"] == "tools/call"
    result = call(request["params"]["name"], request["params"]["arguments"])
    assert structured(result) == json.loads(shown)
