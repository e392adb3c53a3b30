// Progressive enhancement of the query page: when YASGUI (vendored, served by
// this server) is available, it replaces the plain form. Everything stays on
// this origin: no prefix or vocabulary look-ups on other sites.
(function () {
  "use strict";
  var script = document.currentScript;
  var autorun = script && script.getAttribute("data-run") === "true";
  var base = script ? script.getAttribute("data-base") : "";
  var prefixes = JSON.parse((script && script.getAttribute("data-prefixes")) || "{}");

  // Result links to the dataset's own IRIs open their page on this server.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!base || !link || link.getAttribute("href").indexOf(base) !== 0) return;
    event.preventDefault();
    window.location.assign("/" + link.getAttribute("href").slice(base.length));
  });

  function downloadLinks(query) {
    var links = document.querySelectorAll("a.download");
    for (var i = 0; i < links.length; i++) {
      var params = new URLSearchParams({ query: query, format: links[i].getAttribute("data-format") });
      links[i].href = "/sparql?" + params.toString();
    }
  }

  function start() {
    if (typeof window.Yasgui !== "function") return;
    var form = document.getElementById("plain-form");
    var mount = document.getElementById("yasgui");
    var text = document.getElementById("query-text").value;
    var endpoint = window.location.origin + "/sparql";
    var yasgui = new window.Yasgui(mount, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return []; } },
      persistenceId: null,
      populateFromUrl: false,
      yasqe: { autocompleters: ["prefixes", "variables"], value: text },
      yasr: { prefixes: prefixes },
    });
    mount.hidden = false;
    form.hidden = true;
    var server = document.getElementById("server-results");
    if (server) server.hidden = true;
    var tab = yasgui.getTab();
    tab.setQuery(text);
    tab.setEndpoint(endpoint);
    var yasqe = tab.getYasqe();
    yasqe.on("change", function () { downloadLinks(yasqe.getValue()); });
    var examples = document.querySelectorAll("a.example");
    for (var i = 0; i < examples.length; i++) {
      examples[i].addEventListener("click", function (event) {
        event.preventDefault();
        tab.setQuery(this.getAttribute("data-query"));
        downloadLinks(this.getAttribute("data-query"));
        tab.query();
        mount.scrollIntoView();
      });
    }
    if (autorun) tab.query();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
