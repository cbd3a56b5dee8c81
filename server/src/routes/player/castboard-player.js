/*
 * Castboard player. Usage (what the HTML snippet writes):
 *   new CastboardPlayer("element-id").setup(config)  ->  Promise<config>
 * config: { source: { group: { id, security?: { jwtoken } }, options: { adaption: { rule } },
 *           startIndex }, playback: { latencyControlMode, autoplay, automute }, style }
 *
 * This build checks the configuration and shows what will play; media playback comes
 * with the player itself (the URLs and parameters are final).
 */
(function (global) {
  "use strict";
  var MODES = ["classic", "balancedadaptive", "fastadaptive"];

  function fail(message) {
    return Promise.reject(new Error("CastboardPlayer: " + message));
  }

  function line(parent, text, size, color) {
    var p = document.createElement("p");
    p.textContent = text;
    p.style.margin = "0.25em 0";
    p.style.fontSize = size;
    p.style.color = color;
    parent.appendChild(p);
    return p;
  }

  function CastboardPlayer(elementId) {
    this.elementId = elementId;
    this.config = null;
  }

  CastboardPlayer.prototype.setup = function (config) {
    var el = document.getElementById(this.elementId);
    if (!el) {
      return fail("no element with id " + this.elementId);
    }
    var source = (config && config.source) || {};
    var group = source.group || {};
    if (!group.id) {
      return fail("config.source.group.id is required");
    }
    var playback = (config && config.playback) || {};
    var mode = playback.latencyControlMode || "classic";
    if (MODES.indexOf(mode) < 0) {
      return fail("playback.latencyControlMode must be one of " + MODES.join(", "));
    }
    var index = source.startIndex || 0;
    var auto = !source.options || !source.options.adaption || source.options.adaption.rule !== "none";
    var secured = !!(group.security && group.security.jwtoken);
    this.config = config;

    var box = document.createElement("div");
    box.setAttribute("role", "status");
    box.setAttribute("data-castboard-player", "");
    box.setAttribute("data-group-id", group.id);
    box.setAttribute("data-start-index", String(index));
    box.setAttribute("data-latency-mode", mode);
    box.setAttribute("data-secured", secured ? "true" : "false");
    Object.assign(box.style, {
      display: "flex",
      flexDirection: "column",
      alignItems: "center",
      justifyContent: "center",
      textAlign: "center",
      boxSizing: "border-box",
      padding: "1.5em",
      width: "100%",
      height: "100%",
      minHeight: "180px",
      aspectRatio: "16 / 9",
      background: "#0b0f17",
      fontFamily: "system-ui, -apple-system, 'Segoe UI', sans-serif"
    });
    line(box, "Live playback is coming to this player", "1.1em", "#f3f5f9");
    line(box, "Stream group " + group.id, "0.85em", "#aab3c5");
    line(
      box,
      (auto ? "Automatic quality from index " : "Fixed quality index ") + index +
        " \u00b7 latency " + mode +
        (secured ? " \u00b7 secured with a token" : ""),
      "0.85em",
      "#aab3c5"
    );
    el.textContent = "";
    el.appendChild(box);
    return Promise.resolve(config);
  };

  global.CastboardPlayer = CastboardPlayer;
})(window);
