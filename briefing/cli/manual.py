"""The command line's own manual: examples under every command's --help, exit statuses, shell completion, a man page.

Completion scripts and the man page are generated from the same argparse
parser the command runs with (by ``shtab`` and ``argparse-manpage``), so they
never fall out of step with the options.
"""

from __future__ import annotations

import argparse
import sys

# Examples shown under each command's --help (and in the man page), by the command's words.
EXAMPLES: dict[str, list[str]] = {
    "": ["briefing --content ~/briefings", "briefing --theme light --ascii"],
    "parse": ["briefing parse content/report.txt", "briefing parse saved/page.html --json"],
    "index": ["briefing index --content ~/briefings", "briefing index --rebuild"],
    "search": ["briefing search 'rebels Aleppo'", "briefing search 'tag:syria date:2024-11-27..2024-12-01' --by-date",
               "briefing search Hezb* --json --limit 5"],
    "stories": ["briefing stories", "briefing stories --json"],
    "story": ["briefing story 3", "briefing story 3 --json"],
    "export": ["briefing export > starred.md", "briefing export --unread --since 2024-11-27 --output digest.md"],
    "state": ["briefing state export > state.yaml", "briefing state import state.yaml"],
    "state export": ["briefing state export > state.yaml"],
    "state import": ["briefing state import state.yaml"],
    "config": ["briefing config --show"],
    "themes": ["briefing themes"],
    "feeds": ["briefing feeds add https://example.com/world/rss.xml", "briefing feeds list",
              "briefing feeds remove example.com"],
    "feeds add": ["briefing feeds add https://example.org/brief.atom --name brief",
                  "briefing feeds add https://example.net/feed.json --name desk --summary-only"],
    "feeds list": ["briefing feeds list"],
    "feeds remove": ["briefing feeds remove brief"],
    "fetch": ["briefing fetch", "briefing fetch --feed brief", "*/30 * * * *  briefing fetch --quiet  (crontab)"],
    "watch": ["briefing watch", "briefing watch --json | mail -E -s 'New in my searches' me@example.org",
              "briefing watch --since 2024-11-27", "briefing watch add aleppo 'Aleppo OR Halab'"],
    "watch add": ["briefing watch add aleppo 'Aleppo OR Halab'", "briefing watch add hts-unread HTS --filter unread"],
    "watch list": ["briefing watch list", "briefing watch list --json"],
    "watch remove": ["briefing watch remove aleppo"],
    "archive": ["briefing --archive postgresql://ana@db.example.org/briefing archive init",
                "briefing archive status", "briefing archive analyst ana --role desk"],
    "archive init": ["briefing --archive postgresql://ana@db.example.org/briefing archive init"],
    "archive status": ["BRIEFING_ARCHIVE=postgresql://ana@db.example.org/briefing briefing archive status"],
    "archive analyst": ["briefing archive analyst ana --role desk"],
    "entity": ["briefing entity HTS", "briefing entity 'Bashar al-Assad' --limit 10", "briefing entity Aleppo --json"],
    "entities": ["briefing entities --kind person", "briefing entities --sort recency --limit 20"],
    "completion": ["briefing completion bash > ~/.local/share/bash-completion/completions/briefing",
                   "briefing completion zsh > ~/.zfunc/_briefing",
                   "briefing completion fish > ~/.config/fish/completions/briefing.fish"],
    "manpage": ["briefing manpage > ~/.local/share/man/man1/briefing.1", "briefing manpage | man -l -"],
}

EXIT_STATUSES = [
    ("0", "success; for watch, something new was found"),
    ("1", "nothing to show or a file that cannot be read: no new article (watch), no such story, entity or "
          "saved search, an unreadable file (parse, state import), a broken theme (themes), every feed failed (fetch)"),
    ("2", "bad usage or a bad query: an unknown option, a query that cannot be read, a saved search that "
          "cannot be run (watch)"),
    ("74", "an input/output error: the index, the state or an output file cannot be written"),
    ("75", "the index is busy: another Briefing process is updating it; try again"),
    ("129", "the reader lost its terminal (SIGHUP) or was told to stop (SIGTERM); the place read was kept"),
    ("130", "interrupted with ctrl+c"),
]


def register(commands) -> None:
    completion = commands.add_parser(
        "completion", help="print a shell completion script (bash, zsh, fish)",
        description="Print a completion script for SHELL, generated from this command's own options.",
    )
    completion.add_argument("shell", metavar="SHELL", choices=("bash", "zsh", "fish"), help="bash, zsh or fish")
    completion.set_defaults(handler=run_completion)
    manpage = commands.add_parser(
        "manpage", help="print the manual page (troff)",
        description="Print briefing(1), generated from this command's own options, with the exit statuses.",
    )
    manpage.set_defaults(handler=run_manpage)


def subparsers(parser: argparse.ArgumentParser, words: str = ""):
    """(words, parser) for *parser* and every command under it."""
    yield words, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from subparsers(sub, f"{words} {name}".strip())


def _helps(parser: argparse.ArgumentParser) -> dict[int, str]:
    """Each sub-command's one-line help (as ``briefing -h`` lists it), by its parser."""
    helps = {}
    for _, sub in subparsers(parser):
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                for pseudo in action._choices_actions:
                    helps[id(action.choices[pseudo.dest])] = pseudo.help or ""
    return helps


def finish(parser: argparse.ArgumentParser) -> None:
    """No abbreviated options anywhere; a description (its help line at least), examples and, at the top,
    the exit statuses under every --help."""
    helps = _helps(parser)
    for words, sub in subparsers(parser):
        sub.allow_abbrev = False
        if not sub.description and helps.get(id(sub)):
            help_line = helps[id(sub)]
            sub.description = help_line[0].upper() + help_line[1:] + "."
        lines = []
        if sub.epilog:
            lines += [sub.epilog, ""]
        examples = EXAMPLES.get(words)
        if examples:
            lines += ["examples:", *(f"  {example}" for example in examples)]
        if not words:
            lines += ["", "exit status:", *(f"  {code:>3}  {text}" for code, text in EXIT_STATUSES)]
        if lines:
            sub.epilog = "\n".join(lines)
            sub.formatter_class = argparse.RawDescriptionHelpFormatter


def run_completion(args: argparse.Namespace) -> int:
    import shtab

    from briefing.cli import build_parser

    print(shtab.complete(build_parser(), shell=args.shell))
    return 0


def run_manpage(args: argparse.Namespace) -> int:
    from argparse_manpage.manpage import Manpage

    from briefing import __version__
    from briefing.cli import build_parser

    parser = build_parser()
    # The examples and exit statuses get sections of their own below.
    parser.epilog = "Run 'briefing COMMAND -h' for the options of a command, with examples."
    page = Manpage(parser, _data={"prog": "briefing", "version": __version__, "manual_title": "Briefing manual",
                                  "project_name": "briefing", "manual_section": 1,
                                  "description": "a keyboard-driven terminal reader for news briefings"}, format="single-commands-section")
    statuses = "\n".join(f".TP\n.B {code}\n{_roff(text)}" for code, text in EXIT_STATUSES)
    page.add_section("exit status", "=", statuses)
    examples = "\n".join(f".TP\n.B {_roff(words or 'briefing')}\n" + "\n.br\n".join(_roff(e) for e in lines)
                         for words, lines in EXAMPLES.items())
    page.add_section("examples", "=", examples)
    sys.stdout.write(str(page))
    return 0


def _roff(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text
