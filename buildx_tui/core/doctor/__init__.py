"""The doctor (issue #14): is this machine ready for multi-platform builds, and if not, why and
what to do. Each check is a small function returning typed results (:mod:`.model`); the runner
(:mod:`.runner`) runs them concurrently, each with its own timeout."""
