// paperfeed's search interface: results as you type from the site's Pagefind index, in a dialog under the
// header's search box. Each result shows its title (matched words highlighted), date, tags and at most two
// lines of excerpt; arrow keys move through the results, Enter opens one, Escape goes back to the box.
// Text from the index is always put into the page as text, never as markup.

const PAGE_SIZE = 6; // what a desktop dialog shows without scrolling; each costs a fetch of about 1 KB
const EXCERPT_WORDS = 24;
const DEBOUNCE_MS = 150; // a query per pause in typing, not per key: each one fetches its results
const MIN_LENGTH = 2; // one letter matches a large part of the index, which a query would download

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Words, each marked when Pagefind found it (its location among the indexed words), with spaces between.
function markedWords(words, matched, offset) {
  const nodes = [];
  words.forEach((word, i) => {
    if (i > 0) nodes.push(document.createTextNode(" "));
    nodes.push(matched.has(offset + i) ? element("mark", "", word) : document.createTextNode(word));
  });
  return nodes;
}

// The title as written, its words marked where Pagefind matched them. The indexed text starts with the
// title, as Pagefind split it (it drops a lone "&", say), so each word of the title is paired with the
// next indexed word it equals, and words Pagefind dropped are left unmarked.
function titleNodes(title, words, bodyStart, matched) {
  const nodes = [];
  let at = 0;
  title.split(/\s+/).filter(Boolean).forEach((word, i) => {
    if (i > 0) nodes.push(document.createTextNode(" "));
    const found = words.indexOf(word, at);
    const hit = found !== -1 && found < bodyStart;
    if (hit) at = found + 1;
    nodes.push(hit && matched.has(found) ? element("mark", "", word) : document.createTextNode(word));
  });
  return nodes;
}

// Two lines of the body around its first match (or its opening), rather than Pagefind's own excerpt,
// which most often repeats the title.
function excerptNodes(words, matched, start) {
  const first = [...matched].filter((i) => i >= start).sort((a, b) => a - b)[0];
  // A few words before the match, or earlier when the body ends soon after it (the lines stay full).
  const from = first === undefined ? start : Math.max(start, Math.min(first - 6, words.length - EXCERPT_WORDS));
  const to = Math.min(words.length, from + EXCERPT_WORDS);
  const nodes = markedWords(words.slice(from, to), matched, from);
  if (from > start) nodes.unshift(document.createTextNode("… "));
  if (to < words.length) nodes.push(document.createTextNode(" …"));
  return nodes;
}

function formatDate(iso) {
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  const lang = document.documentElement.lang || "en";
  return date.toLocaleDateString(lang, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

class Search {
  constructor(form, input, root) {
    this.form = form;
    this.input = input;
    this.root = root;
    this.dialog = this.makeDialog();
    this.serial = 0;
    this.shown = 0;
    this.results = [];
    this.pagefind = null;
    this.build();
  }

  // The dialog of results, made when the reader first uses the box rather than written into every page;
  // the box names it from then on (aria-controls must point to an element that is there).
  makeDialog() {
    const dialog = element("div", "pf-search__dialog");
    dialog.id = "pf-search-dialog";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-label", "Search results");
    dialog.hidden = true;
    this.form.append(dialog);
    this.input.setAttribute("aria-controls", dialog.id);
    return dialog;
  }

  build() {
    const bar = element("div", "pf-search__bar");
    const label = element("label", "pf-search__label", "Tag");
    this.select = element("select", "pf-search__tag");
    this.select.id = "pf-search-tag";
    label.htmlFor = this.select.id;
    this.select.append(new Option("All tags", ""));
    this.status = element("p", "pf-search__status");
    this.status.setAttribute("role", "status");
    bar.append(label, this.select, this.status);
    this.list = element("ol", "pf-search__results");
    this.list.setAttribute("aria-label", "Results");
    this.more = element("button", "pf-search__more md-button", "More results");
    this.more.type = "button";
    this.more.hidden = true;
    this.dialog.replaceChildren(bar, this.list, this.more);
  }

  async load() {
    const url = new URL("pagefind/pagefind.js", this.root);
    this.pagefind = await import(url.href);
    // The main thread, not Pagefind's worker: one file fewer to fetch, and a query takes milliseconds.
    await this.pagefind.options({ noWorker: true });
    await this.pagefind.init();
  }

  // The tag filter's values are fetched when the reader first reaches for it, not with every query.
  async loadTags() {
    this.loadTags = async () => {};
    const filters = await this.pagefind.filters();
    const counts = filters.tag || {};
    const names = Object.keys(counts).sort((a, b) => a.localeCompare(b));
    for (const name of names) this.select.append(new Option(`${name} (${counts[name]})`, name));
  }

  open() {
    this.dialog.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.dialog.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
  }

  links() {
    return [...this.list.querySelectorAll("a")];
  }

  async run() {
    if (!this.pagefind) return; // still loading: start() runs the query once it has loaded
    const serial = ++this.serial;
    const term = this.input.value.trim();
    const tag = this.select.value;
    if (document.querySelector("[data-pf-search-page]")) {
      const address = new URL(location.href);
      address.search = term ? `?q=${encodeURIComponent(term)}` : "";
      history.replaceState(null, "", address);
    }
    if (term.length < MIN_LENGTH && !tag) {
      this.list.replaceChildren();
      this.more.hidden = true;
      this.status.textContent = "Type to search titles, authors and abstracts.";
      this.dialog.dataset.shown = JSON.stringify([term, tag]);
      return;
    }
    const options = tag ? { filters: { tag } } : {};
    const found = await this.pagefind.search(term || null, options);
    if (serial !== this.serial || !found) return; // a newer query has started
    this.results = found.results;
    this.shown = 0;
    this.list.replaceChildren();
    const count = this.results.length;
    this.status.textContent = count === 1 ? "1 result" : `${count === 0 ? "No" : count} results`;
    await this.showMore(serial);
    // What the dialog shows now (the browser tests wait for it).
    if (serial === this.serial) this.dialog.dataset.shown = JSON.stringify([term, tag]);
  }

  async showMore(serial = this.serial) {
    const batch = this.results.slice(this.shown, this.shown + PAGE_SIZE);
    const data = await Promise.all(batch.map((result) => result.data()));
    if (serial !== this.serial) return;
    for (const item of data) this.list.append(this.card(item));
    this.shown += batch.length;
    this.more.hidden = this.shown >= this.results.length;
  }

  card(data) {
    const meta = data.meta || {};
    const item = element("li", "pf-result");
    const link = element("a", "pf-result__link");
    link.href = new URL(meta.url ?? data.url, this.root).href;
    const words = (data.content || "").split(/\s+/).filter(Boolean);
    const matched = new Set(data.locations || []);
    // Where the body starts among the indexed words (the index marks it:
    // generator/site/search_documents.py BODY_ID).
    const body = (data.anchors || []).find((anchor) => anchor.id === "pf-body");
    const bodyStart = body ? body.location : (meta.title || "").split(/\s+/).filter(Boolean).length;
    const title = element("span", "pf-result__title");
    title.append(...titleNodes(meta.title || "", words, bodyStart, matched));
    link.append(title);
    const tags = (data.filters && data.filters.tag) || [];
    if (meta.date || tags.length) {
      const line = element("span", "pf-result__meta");
      if (meta.date) {
        const time = element("time", "", formatDate(meta.date));
        time.dateTime = meta.date;
        line.append(time);
      }
      for (const tag of tags) line.append(element("span", "pf-result__tag", tag));
      link.append(line);
    }
    const excerpt = element("span", "pf-result__excerpt");
    excerpt.append(...excerptNodes(words, matched, bodyStart));
    link.append(excerpt);
    item.append(link);
    return item;
  }

  move(from, step) {
    const links = this.links();
    const at = links.indexOf(from);
    const to = at + step;
    if (to < 0) this.input.focus();
    else if (to < links.length) links[to].focus();
  }

  listen() {
    let timer = 0;
    this.input.addEventListener("input", () => {
      this.open();
      clearTimeout(timer);
      timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
    this.input.addEventListener("focus", () => this.open());
    this.select.addEventListener("change", () => this.run());
    this.select.addEventListener("focus", () => this.loadTags());
    this.select.addEventListener("pointerdown", () => this.loadTags());
    this.more.addEventListener("click", () => this.showMore());
    this.form.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.key === "Escape") {
        event.preventDefault();
        if (target === this.input) {
          this.close();
        } else {
          this.input.focus();
        }
      } else if (event.key === "ArrowDown" && (target === this.input || target.matches(".pf-result__link"))) {
        event.preventDefault();
        this.open();
        if (target === this.input) this.links()[0]?.focus();
        else this.move(target, 1);
      } else if (event.key === "ArrowUp" && target.matches(".pf-result__link")) {
        event.preventDefault();
        this.move(target, -1);
      }
    });
    this.form.addEventListener("submit", (event) => {
      // Enter in the box opens the search page for the query (its address can be shared); on that page
      // the address follows the query already.
      if (!this.input.value.trim() || document.querySelector("[data-pf-search-page]")) event.preventDefault();
    });
    this.form.addEventListener("focusout", (event) => {
      if (!this.form.contains(event.relatedTarget)) this.close();
    });
    document.addEventListener("pointerdown", (event) => {
      if (!this.form.contains(event.target)) this.close();
    });
  }
}

export async function start(form, input) {
  const base = form.dataset.pfSearch || ".";
  const root = new URL(base.endsWith("/") ? base : `${base}/`, location.href);
  const search = new Search(form, input, root);
  search.status.textContent = "Loading search…";
  if (document.activeElement === input) search.open();
  search.listen();
  try {
    await search.load();
  } catch (error) {
    // No index: the site has nothing to search yet (or the index is missing from the server).
    search.status.textContent = "There is nothing to search on this site yet.";
    throw error;
  }
  await search.run();
}
