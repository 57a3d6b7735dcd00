"""The model made into the site's pages: Markdown pages, head metadata, related papers, search, HTML."""
