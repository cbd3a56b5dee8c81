// Reads the player's query keys (the same ones the snippets write) and starts the
// player in this page. Keys: group.id (on /watch/<id>, the id in the path when the query
// has none), group.security.jwtoken, options.adaption.rule, startIndex,
// playback.latencyControlMode, playback.autoplay, playback.automute, replay (a live-replay
// session to play instead of the live stream).
(function () {
  "use strict";
  var q = new URLSearchParams(window.location.search);
  var flag = function (key, fallback) {
    var v = q.get(key);
    return v === null ? fallback : v === "true";
  };
  var watch = /^\/watch\/([^/]+)$/.exec(window.location.pathname);
  var id = q.get("group.id") || (watch ? decodeURIComponent(watch[1]) : "");
  var group = { id: id };
  var jwt = q.get("group.security.jwtoken");
  if (jwt) {
    group.security = { jwtoken: jwt };
  }
  var index = q.get("startIndex");
  var config = {
    source: {
      group: group,
      options: { adaption: { rule: q.get("options.adaption.rule") || "deviationOfMean2" } },
      startIndex: index === null || index === "" ? 0 : Number(index),
      replay: q.get("replay") || undefined
    },
    playback: {
      latencyControlMode: q.get("playback.latencyControlMode") || "classic",
      autoplay: flag("playback.autoplay", true),
      automute: flag("playback.automute", true)
    },
    style: { width: "100%", height: "100%" }
  };
  var root = document.getElementById("castboard-player");
  new window.CastboardPlayer("castboard-player").setup(config).catch(function (e) {
    var p = document.createElement("p");
    p.className = "config-error";
    p.setAttribute("role", "alert");
    p.textContent = String(e.message || e).replace(/^CastboardPlayer: /, "This player link is incomplete: ");
    root.textContent = "";
    root.appendChild(p);
  });
})();
