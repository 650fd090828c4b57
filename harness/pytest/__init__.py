"""The pytest face: the plugin's hooks, its session object and the bridge to pytest-playwright."""
