"""The reader's App: settings, themes, the keymap and hang-ups; the reading itself is :class:`ReaderScreen`,
the App's main screen, which it makes with the services it works with."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.theme import ThemeProvider

from briefing.config import Settings
from briefing.sanitize import clean_line, clean_text
from briefing.themes import ThemeSet, load_themes, shipped_theme_dirs
from briefing.tui import hangup
from briefing.tui.commands import reader_commands
from briefing.tui.keymap import checked
from briefing.tui.look import Look
from briefing.tui.screens.reader import ReaderScreen
from briefing.tui.services import Pace, Services, open_services
from briefing.tui.theming import install_themes, starting_theme


class BriefingApp(App[None]):
    """Read a folder of briefings with the keyboard."""

    TITLE = "Briefing"
    # Resolved here, so that a subclass elsewhere (the benchmark's probe) finds it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    # The palette's key is the reader's own binding (remappable, listed in help):
    # Textual would otherwise add a second one on ctrl+p that no keymap moves.
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, content: Path, index_dir: Path | None = None, settings: Settings | None = None,
                 themes: ThemeSet | None = None, pace: Pace | None = None) -> None:
        no_color = os.environ.get("NO_COLOR")
        # With NO_COLOR, the terminal's own colours (SGR 39/49) and nothing else:
        # Textual otherwise paints greys, which 16 colours round to black on black.
        super().__init__(ansi_color=True if no_color is not None else None)
        self.use_command_palette = True
        if no_color is not None:
            # Textual takes NO_COLOR out of the environment; $EDITOR and the indexer, started from here, see it too.
            os.environ["NO_COLOR"] = no_color
        # Defaults unless told: a reader made by a test never reads the user's config.
        self.settings = settings or Settings()
        self.content = content
        self.index_dir = index_dir
        self.pace = pace or Pace()
        self.services: Services | None = None
        # Until the theme remembered from an earlier session is chosen, a change of theme is not a choice.
        self._theme_chosen = False
        self.look = Look.of(self.settings.ascii, self.settings.date_format)
        self.look.apply()
        self.themes, self.problems = install_themes(self, themes or load_themes(shipped_theme_dirs()))
        self.problems[:0] = self.settings.problems
        first, _ = starting_theme(sorted(self.themes), self.settings.theme, self.console.color_system)
        if first in self.available_themes:
            # Before the first frame: the stylesheet is built once, in these colours.
            self.theme = first
        # Every byte counts over SSH; animation multiplies what is sent.
        self.animation_level = "none"

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification, from any screen or worker, passes here: what it quotes (an error, a
        setting, a theme's or a file's name) may come from outside, so it is cleaned and never markup."""
        lines = (clean_line(line) for line in clean_text(message).strip().split("\n"))
        super().notify("\n".join(lines), title=clean_line(title), severity=severity, timeout=timeout, markup=False)

    @property
    def reader(self) -> ReaderScreen | None:
        """The reader's screen (under any dialog), once the App runs."""
        return next((s for s in self.screen_stack if isinstance(s, ReaderScreen)), None)

    def get_driver_class(self):
        # A terminal that fails to be written to or read from is left as on a hang-up.
        return hangup.guarded(super().get_driver_class())

    def get_default_screen(self) -> ReaderScreen:
        """The reader's screen is the App's own, made with the services it works with; dialogs go over it."""
        self.services = open_services(self.content, self.index_dir, self.settings, self.pace)
        return ReaderScreen(self.services, self.look, self.settings.widths, self.pace)

    def on_mount(self) -> None:
        assert self.services is not None
        self.set_class(self.look.ascii, "-ascii")
        hangup.handle_hangup(self._hung_up)
        self._choose_theme()
        keymap, problems = checked(self.settings.keys, self.settings.sources["keys"])
        self.set_keymap(keymap)
        for problem in self.services.problems:
            self.notify(problem, severity="error", timeout=10, markup=False)
        for problem in self.problems + problems:
            self.notify(problem, title="Settings", severity="warning", timeout=10, markup=False)

    def on_unmount(self) -> None:
        hangup.stop_handling_hangup()
        if self.services is not None:
            self.services.close()

    async def action_quit(self) -> None:
        self._remember_place()
        self.exit()

    def _hung_up(self) -> None:
        self._remember_place()
        self.exit(return_code=hangup.EXIT_STATUS)

    def _remember_place(self) -> None:
        if (reader := self.reader) is not None:
            reader.remember_place()

    # Themes: the user's choice, kept for next time

    def _choose_theme(self) -> None:
        """The theme chosen in an earlier session (T), unless the settings say otherwise since."""
        names = sorted(self.themes)
        wanted = self.settings.theme
        chosen = self.services.preferences.chosen("theme", "theme", self.settings.theme)
        if chosen in names:
            wanted = chosen
        name, problem = starting_theme(names, wanted, self.console.color_system)
        if problem:
            self.problems.append(problem)
        if name in self.available_themes and name != self.theme:
            self.theme = name
        self._theme_chosen = True

    def watch_theme(self, name: str) -> None:
        if self._theme_chosen and self.services is not None:
            problem = self.services.preferences.keep("theme", name, self.settings.theme)
            if problem:
                self.notify(problem, severity="warning", markup=False)

    def action_next_theme(self) -> None:
        names = sorted(self.themes) or sorted(self.available_themes)
        self.theme = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]
        self.notify(f"Theme: {self.theme}", timeout=2, markup=False)

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder="Type a theme's name"))

    # Keys and the palette

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        if self.look.ascii and not shown.isascii():
            return binding.key.split(",")[0]
        return shown

    def action_command_palette(self) -> None:
        # Says that titles can be typed too; and no ellipsis, which --ascii would not draw.
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder="Type a command or words of a title"))

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            yield from reader_commands(screen)
