// DRF's browsable API, named for assistive technology: its template has no
// language on <html> and no block to add one, and Bootstrap's tooltips move the
// format menu button's title (its only name) away once the page has loaded.
document.documentElement.lang = "en";
for (const toggle of document.querySelectorAll("button.dropdown-toggle")) {
  toggle.setAttribute("aria-label", toggle.dataset.originalTitle || toggle.title || "More");
}
