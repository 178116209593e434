"""What BuildKit's Dockerfile frontend says about a Dockerfile without building it: the
outputs of `--call=check|outline|targets,format=json` (calls) and why a call failed (failure).
Shared by the build form and bake (a shared core package, not a feature)."""
