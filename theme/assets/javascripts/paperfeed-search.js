// paperfeed's search box until a reader uses it: focusing it, or pressing "/" or "s", loads the search
// interface (paperfeed-search-ui.js), which loads the Pagefind index. Nothing else is fetched before.
const form = document.querySelector("form[data-pf-search]");
if (form) {
  const input = form.querySelector("input[name=q]");
  let started = null;
  const start = () => {
    started ??= import("./paperfeed-search-ui.js").then((ui) => ui.start(form, input));
  };
  input.addEventListener("focus", start);
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== "/" && event.key !== "s") return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])")) return;
    event.preventDefault();
    input.focus();
  });
  // The search page (/search/?q=...) opens with the results of its query, so that a search can be shared.
  const query = new URLSearchParams(location.search).get("q");
  if (document.querySelector("[data-pf-search-page]") && query) {
    input.value = query;
    input.focus();
  }
}
