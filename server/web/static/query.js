// Progressive enhancement of the query page: when YASGUI (vendored, served by
// this server) is available, it replaces the plain form. Everything stays on
// this origin: no prefix or vocabulary look-ups on other sites.
(function () {
  "use strict";
  var script = document.currentScript;
  var autorun = script && script.getAttribute("data-run") === "true";
  var base = script ? script.getAttribute("data-base") : "";
  var prefixes = JSON.parse((script && script.getAttribute("data-prefixes")) || "{}");
  var maxUrl = Number((script && script.getAttribute("data-max-url")) || 0);

  // Result links to the dataset's own IRIs open their page on this server.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!base || !link || link.getAttribute("href").indexOf(base) !== 0) return;
    event.preventDefault();
    window.location.assign("/" + link.getAttribute("href").slice(base.length));
  });

  // The share link restores the query: /sparql?query=… (the server runs it, with or
  // without JavaScript), or /sparql#query=… when that URL would be over the server's
  // URL limit. YASGUI's own reading of links stays off (populateFromUrl: false), so a
  // link can set the query only, never the endpoint or request headers.
  function shareLink(query) {
    var params = new URLSearchParams({ query: query }).toString();
    var path = "/sparql?" + params;
    if (maxUrl && path.length > maxUrl) path = "/sparql#" + params;
    return window.location.origin + path;
  }

  function sharedQuery() {
    var hash = window.location.hash.replace(/^#/, "");
    return hash ? new URLSearchParams(hash).get("query") : null;
  }

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
    var shared = sharedQuery();
    var text = shared || document.getElementById("query-text").value;
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
    // Every tab's share button (the editor makes tabs of one class) gives our link.
    Object.getPrototypeOf(tab).getShareableLink = function () { return shareLink(this.getQuery()); };
    tab.setQuery(text);
    tab.setEndpoint(endpoint);
    var yasqe = tab.getYasqe();
    downloadLinks(text);
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
    if (autorun || shared) tab.query();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
