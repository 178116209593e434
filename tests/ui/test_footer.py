"""ui/common/footer.py: a screen's footer is made again only when the keys it shows changed,
and not while another screen is on top."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from buildx_tui.ui.common.footer import AppFooter


class Counted(AppFooter):
    def __init__(self) -> None:
        super().__init__()
        self.made = 0

    async def recompose(self) -> None:
        self.made += 1
        await super().recompose()


class Pane(Static, can_focus=True):
    BINDINGS = [Binding("x", "noop", "Do X")]

    def action_noop(self) -> None:
        pass


class Form(Screen[None]):
    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")  # the same keys as the one above
        yield Pane("pane", id="go")  # one key more
        yield Counted()

    def action_save(self) -> None:
        pass


class Top(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Counted()


class FooterApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Form())


def keys(footer: Footer) -> list[str]:
    return [str(getattr(k, "description", "")) for k in footer.query("FooterKey")]


async def test_the_footer_is_made_again_only_when_its_keys_change():
    app = FooterApp()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        form = app.screen
        footer = form.query_one(Counted)
        form.query_one("#a", Input).focus()
        await pilot.pause()
        assert "Save" in keys(footer)
        made = footer.made
        form.query_one("#b", Input).focus()  # the same bindings: not made again
        await pilot.pause()
        form.query_one("#a", Input).focus()
        await pilot.pause()
        assert footer.made == made
        form.query_one("#go", Pane).focus()  # one key more: made again
        await pilot.pause()
        assert footer.made == made + 1
        assert "Save" in keys(footer) and "Do X" in keys(footer)


async def test_a_footer_under_another_screen_waits_for_its_screen():
    app = FooterApp()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        form = app.screen
        footer = form.query_one(Counted)
        await pilot.pause()
        made = footer.made
        await app.push_screen(Top())
        await pilot.pause()
        form.query_one("#go", Pane).focus()  # its keys change underneath
        await pilot.pause()
        assert footer.made == made
        app.pop_screen()
        await pilot.pause()
        await pilot.pause()
        assert footer.made == made + 1  # on top again: made with what it must show
        assert "Do X" in keys(footer)


async def test_hiding_the_palette_key_makes_it_again():
    app = FooterApp()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Counted)
        palette = len(footer.query(".-command-palette"))
        footer.show_command_palette = False
        await pilot.pause()
        await pilot.pause()
        assert palette == 1 and len(footer.query(".-command-palette")) == 0


async def test_the_keys_are_styled_once_not_again_when_mounted():
    """Textual's keys are born compact and told the footer's value once mounted: each then
    changed its classes twice, restyling itself (~1 ms a key at every screen's opening)."""
    restyled: list[str] = []

    class Watched(FooterApp):
        def update_styles(self, node=None, animate: bool = True) -> None:
            if node is not None and type(node).__name__ == "FooterKey":
                restyled.append(str(getattr(node, "description", "")))
            super().update_styles(node, animate=animate)

    app = Watched()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Counted)
        app.screen.query_one("#go", Pane).focus()  # one key more: made again
        await pilot.pause()
        await pilot.pause()
        assert "Do X" in keys(footer)
        # As Textual leaves them: the bound keys as the footer (not compact), the palette key
        # compact.
        compact = {
            (k.has_class("-command-palette"), k.has_class("-compact"))
            for k in footer.query("FooterKey")
        }
        assert not footer.compact and compact == {(False, False), (True, True)}
        assert [d for d in restyled if d != "palette"] == []  # (it is not bound: left as it was)
