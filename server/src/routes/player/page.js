// Reads the player's query keys (the same ones the snippets write) and starts the
// player in this page. Keys: group.id, group.security.jwtoken, options.adaption.rule,
// startIndex, playback.latencyControlMode, playback.autoplay, playback.automute.
(function () {
  "use strict";
  var q = new URLSearchParams(window.location.search);
  var flag = function (key, fallback) {
    var v = q.get(key);
    return v === null ? fallback : v === "true";
  };
  var group = { id: q.get("group.id") || "" };
  var jwt = q.get("group.security.jwtoken");
  if (jwt) {
    group.security = { jwtoken: jwt };
  }
  var config = {
    source: {
      group: group,
      options: { adaption: { rule: q.get("options.adaption.rule") || "deviationOfMean2" } },
      startIndex: parseInt(q.get("startIndex") || "0", 10) || 0
    },
    playback: {
      latencyControlMode: q.get("playback.latencyControlMode") || "classic",
      autoplay: flag("playback.autoplay", true),
      automute: flag("playback.automute", true)
    },
    style: { width: "100%", height: "100%" }
  };
  new window.CastboardPlayer("castboard-player").setup(config);
})();
