"""One QWidget per tab. Each takes result objects through ``set_results`` and only displays them."""
