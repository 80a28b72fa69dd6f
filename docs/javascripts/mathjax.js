// MathJax settings for pymdownx.arithmatex (generic mode): typeset only the
// spans and divs that arithmatex marks, and typeset again after Material's
// instant navigation swaps the page content.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// document$ also emits for the first page, which MathJax typesets by itself
// when it starts: clearing its caches then left the formulas without glyphs
// (blank), so only pages swapped in later are typeset again.
let firstPage = true;
if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    if (window.MathJax && window.MathJax.typesetPromise) {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      MathJax.typesetPromise();
    }
  });
}
