"""One run: the assembly that both faces (``harness check`` and the pytest plugin) call,
the engine that renders and judges, and what a run leaves behind (publishing, merging)."""
