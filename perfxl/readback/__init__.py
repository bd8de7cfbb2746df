"""Forms as workbooks hold them: the values their formulas compute, reading them back, recalculating them."""
