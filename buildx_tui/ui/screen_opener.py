"""The screens the app opens for a navigation message that needs nothing but the screen: one
handler each, importing its screen when first needed (the first frame loads only the builders
list). :class:`~buildx_tui.ui.app.BuildxApp` is one of these; the flows that ask first (start
a build, edit one, the wizard, leaving with unsaved input) stay in ui/app.py."""

from __future__ import annotations

from textual import on

from buildx_tui.ui import navigation as nav
from buildx_tui.ui.settings_app import SettingsApp


class ScreenOpener(SettingsApp):
    """Pushes the screen a message asks for."""

    @on(nav.OpenBuildHistory)
    def _open_build_history(self) -> None:
        from buildx_tui.ui.build.history import BuildHistoryScreen

        self.push_screen(BuildHistoryScreen())

    @on(nav.OpenInspector)
    def _open_inspector(self, message: nav.OpenInspector) -> None:
        from buildx_tui.ui.inspect.screen import InspectorScreen

        self.push_screen(InspectorScreen(reference=message.reference or None))

    @on(nav.OpenDoctor)
    def _open_doctor(self, message: nav.OpenDoctor) -> None:
        from buildx_tui.core.doctor.cli import engine_target, local_engine
        from buildx_tui.core.doctor.context import DoctorContext, default_docker_config
        from buildx_tui.ui.doctor.screen import DoctorScreen

        options = self.services.backend.options  # the engine and config the app talks to

        def configure(ctx: DoctorContext) -> None:
            ctx.docker_config = default_docker_config(options.config)
            ctx.engine_target = engine_target(options)
            ctx.local_engine = local_engine(options)
            ctx.builders = message.builders

        platforms = ",".join(self.services.settings.doctor_platforms)  # settings.toml [doctor]
        self.push_screen(DoctorScreen(platforms, configure=configure))

    @on(nav.OpenBake)
    def _open_bake(self, message: nav.OpenBake) -> None:
        from buildx_tui.ui.bake.screen import BakeScreen

        screen = BakeScreen(
            message.path, builder=message.builder, recorded=message.recorded, run_now=message.run
        )
        if message.replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    @on(nav.OpenCache)
    def _open_cache(self, message: nav.OpenCache) -> None:
        from buildx_tui.ui.cache.screen import CacheScreen

        self.push_screen(CacheScreen(message.builder))

    @on(nav.OpenBuilds)
    def _open_builds(self, message: nav.OpenBuilds) -> None:
        from buildx_tui.ui.builds.screen import BuildsScreen

        self.push_screen(BuildsScreen(message.builder, builders=message.builders))

    @on(nav.OpenBuildDetails)
    def _open_build_details(self, message: nav.OpenBuildDetails) -> None:
        from buildx_tui.ui.builds.details import BuildDetailsScreen

        self.push_screen(BuildDetailsScreen(message.builder, message.ref, message.records))

    @on(nav.OpenBuildLogs)
    def _open_build_logs(self, message: nav.OpenBuildLogs) -> None:
        from buildx_tui.ui.builds.replay import BuildReplayScreen

        self.push_screen(
            BuildReplayScreen(
                message.builder,
                message.ref,
                name=message.name,
                node=message.node,
                info=message.info,
            )
        )

    @on(nav.OpenBuildTimeline)
    def _open_build_timeline(self, message: nav.OpenBuildTimeline) -> None:
        from buildx_tui.ui.builds.timeline import BuildTimelineScreen

        self.push_screen(
            BuildTimelineScreen(
                message.builder, message.ref, message.compare, name=message.name, node=message.node
            )
        )

    @on(nav.OpenAbout)
    def _open_about(self) -> None:
        from buildx_tui.ui.common.about import AboutScreen

        if not isinstance(self.screen, AboutScreen):
            self.push_screen(AboutScreen())
