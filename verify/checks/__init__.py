"""Check families; each module registers its checks on import."""
