// paperfeed's one script of every page, run at the end of the header (a classic script, not a module, so
// that it runs before the content is drawn): Material's storage helpers, the palette switch and the
// reader's palette, and the search box's starter. It runs from a file rather than inline, so that each page
// does not carry it: the browser fetches it once. Blocks keep its names out of the page's global scope.
// It is a static template of the theme (rendered once a build, with the site's settings, for mkdocs.yml's
// palettes): Jinja's markers, two braces or a brace and a percent sign, stand for nothing else in it.

// Material's storage helpers, which its theme writes inline into every page (partials/javascripts/base.html,
// left empty here): the same names and keys, with the site's root (Material's "scope") found from this
// file's own address, two folders below it.
__md_scope = new URL("../..", document.currentScript.src);
__md_hash = (value) => [...value].reduce((hash, char) => (hash << 5) - hash + char.charCodeAt(0), 0);
__md_get = (key, storage = localStorage, scope = __md_scope) =>
  JSON.parse(storage.getItem(scope.pathname + "." + key));
__md_set = (key, value, storage = localStorage, scope = __md_scope) => {
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (err) {
    // Storage full or refused (private browsing): the choice lasts for this page only.
  }
};

// Material's palette switch, made from mkdocs.yml's palettes (theme/partials/paperfeed-palettes.html): for
// each, a radio button with the palette's colours, and a label with the toggle's icon that switches to the
// next palette, as Material's theme writes them. Material's script, which runs later, shows the current one.
{
  const form = document.querySelector("form[data-md-component=palette]");
  const SVG = "http://www.w3.org/2000/svg";
  const icons = new URL("assets/images/paperfeed-icons.svg", __md_scope).href;
  const options = form ? {% include "partials/paperfeed-palettes.html" %} : [];
  options.forEach(([media, scheme, primary, accent, name, viewBox], i) => {
    const input = document.createElement("input");
    input.className = "md-option";
    for (const [key, value] of Object.entries({ media, scheme, primary, accent })) {
      input.setAttribute(`data-md-color-${key}`, value);
    }
    if (name) input.setAttribute("aria-label", name);
    else input.setAttribute("aria-hidden", "true");
    input.type = "radio";
    input.name = "__palette";
    input.id = `__palette_${i}`;
    form.append(input);
    if (!name) return;
    const label = document.createElement("label");
    label.className = "md-header__button md-icon";
    label.title = name;
    label.htmlFor = `__palette_${(i + 1) % options.length}`;
    label.hidden = true;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", viewBox);
    const use = document.createElementNS(SVG, "use");
    use.setAttribute("href", `${icons}#palette-${i}`);
    svg.append(use);
    label.append(svg);
    form.append(label);
  });
}

// The palette the reader chose with the header's switch (Material keeps it in localStorage), applied
// before the content is drawn.
{
  const saved = __md_get("__palette");
  if (saved && saved.color) {
    const color = { ...saved.color };
    if (color.media === "(prefers-color-scheme)") {
      // "Follow the system": take the colours of the palette option for the system's scheme now.
      const scheme = matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
      const option = document.querySelector(`[data-md-color-media="(prefers-color-scheme: ${scheme})"]`);
      for (const key of ["media", "scheme", "primary", "accent"]) {
        if (option) color[key] = option.getAttribute(`data-md-color-${key}`);
      }
    }
    for (const [key, value] of Object.entries(color)) document.body.setAttribute(`data-md-color-${key}`, value);
  }
}

// paperfeed's search box until a reader uses it: focusing it, or pressing "/" or "s", loads the search
// interface (paperfeed-search-ui.js), which loads the Pagefind index. Nothing else is fetched before.
{
  const form = document.querySelector("form[data-pf-search]");
  if (form) {
    const input = form.querySelector("input[name=q]");
    let started = null;
    const start = () => {
      // A classic script's import() resolves against the script's own address, as a module's does.
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
    // The search page (/search/?q=...) opens with the results of its query, so that a search can be
    // shared; its content comes after the header, where this runs.
    document.addEventListener("DOMContentLoaded", () => {
      const query = new URLSearchParams(location.search).get("q");
      if (document.querySelector("[data-pf-search-page]") && query) {
        input.value = query;
        input.focus();
      }
    });
  }
}
