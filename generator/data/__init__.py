"""The model made into data for programs and subscribers: feeds, exports, citations, links, trending."""
