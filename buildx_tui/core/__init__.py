"""The part of buildx-tui that knows docker buildx. Pure Python; never imports textual."""
