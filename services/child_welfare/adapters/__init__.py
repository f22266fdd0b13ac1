"""The child welfare service's read models and the queries answered from them."""
