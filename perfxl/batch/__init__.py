"""The bureau's batch work on returned forms: find files, read, recalculate, check, summarise, publish."""
