from perfxl.cli import entry_point

entry_point()
