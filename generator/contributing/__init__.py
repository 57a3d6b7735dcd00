"""Helping papers in: new records, arXiv, imports, suggestions and the pull-request path check."""
