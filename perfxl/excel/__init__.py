"""Desktop Excel integration: the xlwings UDF wrappers, the VBA project and the button."""
