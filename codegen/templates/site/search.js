// Client-side search of the site: no dependencies, no network. The index
// (search-index.js, generated with the pages) sets `window.SEARCH_INDEX` to entries
// { n: name, k: kind, u: href, w: member and field names, t: doc text }. It is loaded
// when the search box is first used, or at once on search.html, which shows the results
// of the query in its URL (`search.html?q=...` or `search.html#q=...`).
// Ranking: every word of the query must match; a match in the name counts most (exact,
// then a whole word of it, a prefix, a substring), then member and field names, then the
// doc text.
(function () {
  "use strict";

  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var page = document.getElementById("search-page-results");
  var status = document.getElementById("search-status");
  if (!input) return;

  var loading = false;
  var waiting = [];

  function withIndex(callback) {
    if (window.SEARCH_INDEX) return callback(window.SEARCH_INDEX);
    waiting.push(callback);
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = "search-index.js";
    script.onload = function () {
      var callbacks = waiting;
      waiting = [];
      callbacks.forEach(function (cb) {
        cb(window.SEARCH_INDEX || []);
      });
    };
    script.onerror = function () {
      if (status) status.textContent = "The search index (search-index.js) could not be loaded.";
    };
    document.head.appendChild(script);
  }

  function words(text) {
    return text.toLowerCase().split(/[^a-z0-9_$]+/).filter(Boolean);
  }

  function scoreToken(entry, token) {
    var name = entry.n.toLowerCase();
    var last = name.slice(name.lastIndexOf(".") + 1);
    if (name === token || last === token) return 100;
    if (words(name).indexOf(token) >= 0) return 80;
    if (name.indexOf(token) === 0 || last.indexOf(token) === 0) return 60;
    if (name.indexOf(token) >= 0) return 40;
    var names = entry.w.toLowerCase();
    if (words(names).indexOf(token) >= 0) return 30;
    if (names.indexOf(token) >= 0) return 20;
    if (entry.t.toLowerCase().indexOf(token) >= 0) return 10;
    if (entry.k.toLowerCase().indexOf(token) >= 0) return 5;
    return 0;
  }

  function search(index, query) {
    var tokens = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return [];
    var hits = [];
    index.forEach(function (entry, order) {
      var total = 0;
      for (var i = 0; i < tokens.length; i++) {
        var score = scoreToken(entry, tokens[i]);
        if (score === 0) return;
        total += score;
      }
      hits.push({ entry: entry, score: total, order: order });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || a.entry.n.length - b.entry.n.length || a.order - b.order;
    });
    return hits;
  }

  function snippet(text, query) {
    var token = query.toLowerCase().split(/\s+/).filter(Boolean)[0] || "";
    var at = token ? text.toLowerCase().indexOf(token) : -1;
    if (at < 0) return text.length > 140 ? text.slice(0, 140) + "…" : text;
    var start = Math.max(0, at - 50);
    var end = Math.min(text.length, at + token.length + 90);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function render(target, hits, query, limit) {
    while (target.firstChild) target.removeChild(target.firstChild);
    hits.slice(0, limit).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = hit.entry.u;
      a.textContent = hit.entry.n;
      li.appendChild(a);
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = " " + hit.entry.k;
      li.appendChild(kind);
      if (hit.entry.t) {
        var text = document.createElement("div");
        text.className = "snippet";
        text.textContent = snippet(hit.entry.t, query);
        li.appendChild(text);
      }
      target.appendChild(li);
    });
  }

  function update() {
    var query = input.value.trim();
    if (!query) {
      if (list) list.hidden = true;
      if (page) render(page, [], query, 0);
      return;
    }
    withIndex(function (index) {
      if (input.value.trim() !== query) return;
      var hits = search(index, query);
      if (page) {
        render(page, hits, query, 50);
        if (status) {
          status.textContent =
            hits.length === 0
              ? "Nothing matches “" + query + "”."
              : hits.length + (hits.length === 1 ? " result" : " results") + " for “" + query + "”.";
        }
      } else if (list) {
        render(list, hits, query, 10);
        list.hidden = false;
      }
    });
  }

  input.addEventListener("input", update);
  input.addEventListener("focus", function () {
    withIndex(function () {});
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      input.value = "";
      update();
    }
  });

  if (page) {
    // The query in the URL, typed into the box as a person would.
    var params = new URLSearchParams(location.search || location.hash.slice(1));
    var query = params.get("q");
    if (query) {
      input.value = query;
      input.dispatchEvent(new Event("input"));
    }
  }
})();
