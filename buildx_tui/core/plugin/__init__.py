"""buildx-tui as a docker CLI plugin: ``docker tui`` opens the app (install, uninstall, and the
entry point the docker CLI runs)."""
