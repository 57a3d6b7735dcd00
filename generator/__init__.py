"""paperfeed: turns paper records kept in Git into a static site with tag pages, archives and feeds."""
