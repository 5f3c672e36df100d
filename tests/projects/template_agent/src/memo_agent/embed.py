"""A deterministic 4-number embedding: enough for the store's index, offline."""


def embed(texts: list[str]) -> list[list[float]]:
    return [[len(t) % 7 / 7, t.count(" ") / 10, float("tea" in t), 1.0] for t in texts]
