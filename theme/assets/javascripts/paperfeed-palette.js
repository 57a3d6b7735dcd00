// The palette the reader chose with the header's switch (Material keeps it in localStorage), applied
// before the page is first drawn. It runs from a file rather than inline, so that each page does not
// carry it: the browser fetches it once.
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
