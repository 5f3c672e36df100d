graph = 42
