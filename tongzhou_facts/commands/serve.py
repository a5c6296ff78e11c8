"""`facts serve --mcp`: the base served to other programs (mcp_server.py), not printed."""

from __future__ import annotations

import sys
from typing import Annotated

from ..argv import Opt
from ..env import Environment
from ..errors import ExitStatus, UsageError
from .options import FileOpt, base_paths

#: What `pip install` needs for the server: the SDK is an optional extra.
MCP_EXTRA = "pip install 'tongzhou-facts[mcp]'"


def serve(
    env: Environment,
    mcp: Annotated[bool, Opt("--mcp", help="Speak the Model Context Protocol over stdin and stdout.")] = False,
    file: FileOpt = None,
) -> ExitStatus:
    """Serve the base to an AI assistant: an MCP server over stdio (tools search, ask, get, cite).

    Register `facts serve --mcp` as a stdio server in the assistant's settings; it runs until
    the assistant closes its input. Standard output carries the protocol and nothing else.

    Examples:

    \b
      facts serve --mcp
      facts serve --mcp -f facts.toml
    """
    if not mcp:
        raise UsageError("serve needs a protocol: --mcp (the Model Context Protocol over stdio)")
    if env.is_terminal and sys.stdin.isatty():
        env.say("facts: serving MCP on stdin and stdout; an MCP client starts this, not a person (Ctrl-D ends it)")
    try:
        from ..mcp_server import serve as run
    except ImportError as exc:
        raise UsageError(f"the MCP server needs the mcp extra ({exc}): {MCP_EXTRA}") from None
    paths = base_paths(file)
    # The SDK writes to the process's standard output itself (and points fd 1 at stderr while
    # it serves); cli.main has wrapped sys.stdout in a guard it does not know.
    guarded, sys.stdout = sys.stdout, sys.__stdout__
    try:
        run(paths)
    finally:
        sys.stdout = guarded
    return ExitStatus.OK
