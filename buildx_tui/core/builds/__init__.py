"""BuildKit's build history through `docker buildx history`: every build a builder recorded,
from any client (issue #12). Models, parsers, argv specs; never imports textual."""
