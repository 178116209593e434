"""BuildKit's build cache on one builder: `buildx du` read into typed records (sizes, a tree by
Parents, totals), and `buildx prune` specs with a preview computed the way BuildKit decides."""
