"""The Cache screen: a builder's BuildKit cache (du) and a prune with a preview."""
