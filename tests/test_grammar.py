"""One grammar across the whole command tree, checked by walking it (like sqlite-utils'
documentation test): a new command passes these tests or says which rule it breaks.

The rules: a short flag means one thing everywhere; every command that prints data takes
``-f/--format`` with the standard formats and refuses another with exit code 2; every option
has help and an UPPER metavar; every command's help has an example; a period is
``--since/--until``; ``--db`` works after the command too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from salestrack.cli import _global_first, app
from salestrack.cli.options import DOCUMENT_FORMATS, FORMATS
from salestrack.errors import UsageError
from tests.conftest import Cli

#: What each short flag means, in every command that has it.
SHORT = {
    "-c": "--contact",
    "-d": "--duration",
    "-e": "--email",
    "-f": "--format",
    "-h": "--help",
    "-i": "--intel",
    "-k": "--kind",
    "-l": "--limit",
    "-n": "--note",
    "-o": "--outcome",
    "-p": "--phone",
    "-q": "--quality",
    "-r": "--reached",
    "-t": "--tag",
    "-w": "--win",
    "-y": "--yes",
}

#: Commands that print no data of their own, and why. A new command that prints a list or
#: a report is not added here: it takes FormatOpt (cli/options.py) instead.
PRINTS_NO_DATA = {
    **{
        f"log {k}": "writes; prints the new id"
        for k in ("call", "email", "meeting", "task", "note")
    },
    **{f"prospect {c}": "writes" for c in ("add", "edit", "stage", "rm")},
    **{f"contact {c}": "writes" for c in ("add", "edit", "rm")},
    **{f"promise {c}": "writes" for c in ("add", "done", "broken")},
    "success add": "writes",
    "lesson add": "writes",
    "initiative add": "writes",
    "initiative done": "writes",
    "crc rate": "writes",
    "undo": "writes",
    "activity rm": "writes",
    "edit": "writes",
    "view save": "writes",
    "view rm": "writes",
    "view run": "runs the saved command, with its own --format",
    "dial": "interactive: one prospect at a time",
    "demo": "writes a file; prints its path",
    "db path": "prints one path",
    "db upgrade": "writes",
    "db backup": "writes a copy; prints its path",
    "db restore": "writes",
    "config set": "writes; says the value kept",
    "config reset": "writes",
    "import mail": "writes; a summary on stderr (--dry-run lists what it would log)",
    "import calendar": "writes; a summary on stderr (--dry-run lists what it would log)",
    "db team-setup": "prints SQL to run",
    "import": "reads data: its --format is the input's",
}

#: Commands whose --format is a set of their own (they write files for other tools).
OWN_FORMATS = {
    "export": ("csv", "json", "jsonl", "ics"),
    "import": ("csv", "json", "jsonl"),
    "crc form": ("markdown", "html", "csv"),
    # a page to open or print, and the numbers it is drawn from
    "review": ("html", "json"),
    "team review": ("html", "json"),
    # the scorecard is a document that can also be a PDF
    "scorecard": (*DOCUMENT_FORMATS, "pdf"),
}
#: Commands that make a document for a person: the standard formats, Markdown and HTML.
DOCUMENTS = {"scorecard", "coach"}

METAVAR = re.compile(r"^\[?[A-Z][A-Z0-9_|=:,.@\[\]\- ]*\]?(\.\.\.)?$")
PERIOD_WORDS = ("--from", "--to", "--start", "--end", "--after", "--before")


def _walk() -> Iterator[tuple[str, Any, Any]]:
    root = typer.main.get_command(app)
    ctx = typer.Context(root, info_name="salestrack")

    def walk(group: Any, path: list[str], parent: Any) -> Iterator[tuple[str, Any, Any]]:
        for name in group.list_commands(parent):
            command = group.get_command(parent, name)
            ctx = typer.Context(command, info_name=name, parent=parent)
            if isinstance(command, TyperGroup):
                yield from walk(command, [*path, name], ctx)
            else:
                yield " ".join([*path, name]), command, ctx

    yield from walk(root, [], ctx)


COMMANDS = list(_walk())


def _options(command: Any) -> list[TyperOption]:
    return [p for p in command.params if isinstance(p, TyperOption)]


def _format(command: Any) -> TyperOption | None:
    return next((p for p in _options(command) if "--format" in p.opts), None)


def test_the_walk_sees_the_whole_tree() -> None:
    names = {name for name, _, _ in COMMANDS}
    assert {"log call", "prospect list", "scorecard", "crc behaviours", "db status"} <= names
    assert len(names) >= 60


def test_each_short_flag_means_one_thing_everywhere() -> None:
    meanings: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, command, _ in COMMANDS:
        for option in _options(command):
            shorts = [o for o in option.opts + option.secondary_opts if not o.startswith("--")]
            longs = [o for o in option.opts if o.startswith("--")]
            for short in shorts:
                meanings[short][longs[0] if longs else "?"].append(name)
    broken = [
        f"{short} is {long} in: {', '.join(where)} (it means {SHORT.get(short, 'nothing yet')}: "
        f"make it long-only, or add the letter to SHORT in tests/test_grammar.py)"
        for short, found in sorted(meanings.items())
        for long, where in sorted(found.items())
        if SHORT.get(short) != long
    ]
    assert broken == []


@pytest.mark.parametrize("name", [n for n, _, _ in COMMANDS])
def test_a_command_that_prints_data_takes_the_standard_formats(name: str) -> None:
    command, ctx = next((c, x) for n, c, x in COMMANDS if n == name)
    option = _format(command)
    if name in PRINTS_NO_DATA and name not in OWN_FORMATS:
        assert option is None, f"{name}: has --format but is listed in PRINTS_NO_DATA"
        return
    assert option is not None, (
        f"{name}: prints data but has no -f/--format (use FormatOpt from cli/options.py, "
        "or list it in PRINTS_NO_DATA with why)"
    )
    assert option.opts == ["--format", "-f"], f"{name}: --format is spelled {option.opts}"
    wanted = OWN_FORMATS.get(name) or (DOCUMENT_FORMATS if name in DOCUMENTS else FORMATS)
    for fmt in wanted:
        assert option.type.convert(fmt, option, ctx) == fmt, f"{name}: -f {fmt} is refused"
    with pytest.raises(UsageError) as refused:  # exit code 2, as every usage error
        option.type.convert("yaml", option, ctx)
    assert refused.value.exit_code == 2 and "--format" in refused.value.message, name


def test_every_option_has_help_and_an_upper_metavar() -> None:
    broken = []
    for name, command, ctx in COMMANDS:
        for param in command.params:
            label = f"{name} {param.opts[0] if param.opts else param.name}"
            if isinstance(param, TyperOption):
                if param.hidden or "--help" in param.opts:
                    continue
                if not (param.help or "").strip():
                    broken.append(f"{label}: no help text")
                if not param.is_flag and not METAVAR.match(param.make_metavar(ctx)):
                    broken.append(f"{label}: metavar {param.make_metavar(ctx)!r} is not UPPER")
            elif isinstance(param, TyperArgument) and not param.hidden:
                shown = param.make_metavar(ctx, usage=True)
                if not METAVAR.match(shown):
                    broken.append(f"{label}: argument shown as {shown!r}, not UPPER")
                if not (param.help or "").strip():
                    broken.append(f"{label}: argument without help")
    assert broken == []


def test_every_command_shows_an_example() -> None:
    missing = [
        f"{name}: add 'Example: salestrack {name} ...' to its help"
        for name, command, _ in COMMANDS
        if "Example: salestrack " not in (command.help or "")
    ]
    assert missing == []


def test_a_period_is_since_and_until() -> None:
    broken = []
    for name, command, ctx in COMMANDS:
        visible = {o: p for p in _options(command) if not p.hidden for o in p.opts}
        for word in PERIOD_WORDS:
            option = visible.get(word)
            if option is not None and option.make_metavar(ctx) in ("WHEN", "DATE"):
                broken.append(f"{name}: {word} is a period bound; spell it --since/--until")
        if ("--since" in visible) != ("--until" in visible):
            broken.append(f"{name}: --since and --until come as a pair")
    assert broken == []


#: Commands with a --limit whose rows have no order to choose.
UNSORTED = {"dial": "interactive: the block is the call queue's order, one prospect at a time"}


def test_every_list_takes_limit_and_sort() -> None:
    broken = []
    for name, command, _ in COMMANDS:
        opts = {o for p in _options(command) if not p.hidden for o in p.opts}
        if "--limit" in opts and "--sort" not in opts and name not in UNSORTED:
            broken.append(f"{name}: has --limit but no --sort (sort_option in cli/options.py)")
        if "--sort" in opts and "--limit" not in opts:
            broken.append(f"{name}: has --sort but no --limit")
    assert broken == []


def test_sort_orders_a_list_and_then_limits_it(cli: Cli) -> None:
    for name, value in (("Acme", "300"), ("Beacon", "1200"), ("Cobalt", ""), ("Delta", "50")):
        cli.ok("prospect", "add", name, *(["--value", value] if value else []))

    def names(*args: str) -> list[str]:
        out = cli.ok("prospect", "list", *args, "-f", "csv").stdout
        return [line.split(",")[1] for line in out.splitlines()[1:]]

    assert names() == ["Acme", "Beacon", "Cobalt", "Delta"]
    assert names("--sort", "value") == ["Delta", "Acme", "Beacon", "Cobalt"]  # empty last
    assert names("--sort", "-value") == ["Beacon", "Acme", "Delta", "Cobalt"]
    # the first N in that order, not the first N by name then sorted
    assert names("--sort", "-value", "--limit", "2") == ["Beacon", "Acme"]
    bad = cli.fails("prospect", "list", "--sort", "colour", code=2)
    assert bad.stderr.startswith("error: --sort: unknown column 'colour'; use one of: name,")
    assert cli.fails("pipeline", "--sort", "value", code=2).stderr == (
        "error: --sort: goes with --gaps (the totals are in the stages' order)\n"
    )


@pytest.mark.parametrize("name", [n for n, _, _ in COMMANDS])
def test_db_is_read_after_the_command(name: str) -> None:
    words = name.split()
    assert _global_first([*words, "ARG", "--db", "x.db"]) == ["--db", "x.db", *words, "ARG"]
    assert _global_first([*words, "--db=x.db"]) == ["--db=x.db", *words]


def test_old_short_flags_are_usage_errors_that_name_the_new_one(cli: Cli) -> None:
    assert cli.fails("prospect", "list", "-n", "5", code=2).stderr == (
        "error: No such option: -n; use -l/--limit (see: salestrack prospect list -h)\n"
    )
    assert cli.fails("next", "-n", "3", code=2).stderr == (
        "error: No such option: -n; use -l/--limit (see: salestrack next -h)\n"
    )
    assert cli.fails("today", "-n", "3", code=2).stderr == (
        "error: No such option: -n; use --next (see: salestrack today -h)\n"
    )
    assert cli.fails("export", "prospects", "-o", "x.csv", code=2).stderr == (
        "error: No such option: -o; use --output (see: salestrack export -h)\n"
    )
    assert cli.fails("intel", "Acme", "-i", "pain: cost", code=2).stderr == (
        "error: No such option: -i; use --add (see: salestrack intel -h)\n"
    )
    assert cli.fails("log", "note", "Acme", "-o", "connected", code=2).stderr == (
        "error: No such option: -o (see: salestrack log note -h)\n"
    )


def test_call_only_options_are_only_on_calls_and_meetings(cli: Cli) -> None:
    offered = {
        name: {o for p in _options(c) for o in p.opts}
        for name, c, _ in COMMANDS
        if name.startswith("log ")
    }
    only = {"--reached", "--quality", "--uncovered", "--met"}
    assert {n for n, opts in offered.items() if only <= opts} == {"log call", "log meeting"}
    assert {n for n, opts in offered.items() if "--outcome" in opts} == {
        "log call", "log email", "log meeting", "log task"
    }  # fmt: skip
    help_text = cli.ok("log", "note", "--help").stdout
    assert all(word not in help_text for word in ("--outcome", "--reached", "-q", "--met"))


def test_a_bad_format_is_exit_2_in_every_kind_of_command(cli: Cli) -> None:
    for args in (
        ("prospect", "list", "-f", "yaml"),
        ("coach", "-f", "yaml"),
        ("scorecard", "Acme", "-f", "yaml"),
        ("export", "prospects", "-f", "yaml"),
        ("crc", "form", "Acme", "-f", "yaml"),
        ("db", "status", "-f", "yaml"),
    ):
        result = cli.fails(*args, code=2)
        assert result.stderr.startswith("error: --format: "), args
        assert result.stderr.count("\n") == 1
