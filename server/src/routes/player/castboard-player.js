/*
 * Castboard player: plays a stream group's HLS with hls.js (served just above this code,
 * in the same file). Usage (what the HTML snippet writes):
 *   new CastboardPlayer("element-id").setup(config)  ->  Promise<config>
 * config: { source: { group: { id, security?: { jwtoken } }, options: { adaption: { rule } },
 *           startIndex }, playback: { latencyControlMode, autoplay, automute }, style }
 *
 * - group.id: the group (its passthrough's id); plays <hls>/<id>.m3u8, the master playlist
 *   of the group's live members. group.security.jwtoken: the playback token (?token=).
 * - startIndex: the member to start with (0 = passthrough); options.adaption.rule:
 *   "deviationOfMean2" adapts from there, "none" holds that quality.
 * - playback.latencyControlMode: classic | balancedadaptive | fastadaptive, each a target
 *   distance from the live edge that playback catches up to (LATENCY below).
 * - playback.autoplay, playback.automute.
 * - replay: a live-replay session of the stream (its start in epoch ms, as the stream's
 *   assets list it): plays <hls>/<id>/replay/<replay>/index.m3u8 instead, from its live
 *   edge, with no catching up, so the viewer can seek back over the whole replay.
 *
 * The player says what it is doing in data-state on its element: loading, waiting (not
 * live yet; it starts by itself when the stream goes live), playing, ended (it starts
 * again when a new session begins), refused (a token problem, with the reason),
 * unavailable (no such stream, or locked) and error (retried).
 */
(function (global) {
  "use strict";
  var Hls = global.Hls;
  // Where HLS is served; written in by the server that serves this file.
  var HLS_URL = "__CASTBOARD_HLS_URL__";

  /* Target distance from the live edge (s), the distance past which playback jumps
   * forward (s), and the fastest playback rate used to catch up. 1-second fragments. */
  var LATENCY = {
    classic: { liveSyncDuration: 4, liveMaxLatencyDuration: 10, maxLiveSyncPlaybackRate: 1.05 },
    balancedadaptive: { liveSyncDuration: 2.5, liveMaxLatencyDuration: 6, maxLiveSyncPlaybackRate: 1.15 },
    fastadaptive: { liveSyncDuration: 1.2, liveMaxLatencyDuration: 3.5, maxLiveSyncPlaybackRate: 1.5 }
  };
  var RULES = ["deviationOfMean2", "none"];

  /* How long to wait before asking again, per state (ms). */
  var RECHECK = { waiting: 2000, starting: 700, ended: 3000, unavailable: 10000, error: 5000 };

  var TEXT = {
    loading: "Connecting\u2026",
    waiting: "Waiting for the stream to go live. It starts by itself.",
    starting: "The stream is starting\u2026",
    ended: "The stream has ended.",
    unavailable: "This stream is not available.",
    error: "The stream cannot be played right now. Trying again\u2026",
    unsupported: "This browser cannot play HLS video."
  };

  function fail(message) {
    return Promise.reject(new Error("CastboardPlayer: " + message));
  }

  function CastboardPlayer(elementId) {
    this.elementId = elementId;
    this.config = null;
    this.hls = null;
    this.state = null;
    this.timer = null;
    this.generation = 0;
  }

  /* The addresses and settings a config asks for, or an error message. */
  function read(config) {
    var source = (config && config.source) || {};
    var group = source.group || {};
    var id = String(group.id || "").trim();
    if (!id) {
      return "config.source.group.id is required";
    }
    var playback = (config && config.playback) || {};
    var mode = playback.latencyControlMode || "classic";
    if (!LATENCY.hasOwnProperty(mode)) {
      return "playback.latencyControlMode must be one of " + Object.keys(LATENCY).join(", ");
    }
    var rule = (source.options && source.options.adaption && source.options.adaption.rule) || "deviationOfMean2";
    if (RULES.indexOf(rule) < 0) {
      return "options.adaption.rule must be one of " + RULES.join(", ");
    }
    var index = source.startIndex === undefined ? 0 : Number(source.startIndex);
    if (!(index >= 0) || Math.floor(index) !== index) {
      return "source.startIndex must be a whole number from 0";
    }
    var replay = source.replay === undefined || source.replay === null ? "" : String(source.replay);
    if (replay && !/^[0-9]{1,20}$/.test(replay)) {
      return "source.replay must be a replay session (its start in epoch milliseconds)";
    }
    var token = group.security && group.security.jwtoken ? String(group.security.jwtoken) : "";
    var query = token ? "?token=" + encodeURIComponent(token) : "";
    var base = HLS_URL + "/" + encodeURIComponent(id);
    var replayUrl = base + "/replay/" + replay + "/index.m3u8" + query;
    return {
      id: id,
      replay: replay,
      url: replay ? replayUrl : base + ".m3u8" + query,
      // A replay has no status of its own: its playlist answers while there is one.
      statusUrl: replay ? replayUrl : base + "/status" + query,
      token: token,
      mode: mode,
      adapt: rule !== "none",
      startIndex: index,
      autoplay: playback.autoplay !== false,
      automute: playback.automute !== false
    };
  }

  CastboardPlayer.prototype.setup = function (config) {
    var el = document.getElementById(this.elementId);
    if (!el) {
      return fail("no element with id " + this.elementId);
    }
    var settings = read(config);
    if (typeof settings === "string") {
      return fail(settings);
    }
    this.destroy();
    this.config = config;
    this.settings = settings;
    this.build(el);
    this.check();
    return Promise.resolve(config);
  };

  /* The player's element: the video and a status line over it. */
  CastboardPlayer.prototype.build = function (el) {
    var s = this.settings;
    var box = document.createElement("div");
    box.setAttribute("data-castboard-player", "");
    box.setAttribute("data-group-id", s.id);
    box.setAttribute("data-start-index", String(s.startIndex));
    box.setAttribute("data-adaption", s.adapt ? "auto" : "none");
    box.setAttribute("data-latency-mode", s.mode);
    box.setAttribute("data-target-latency", String(LATENCY[s.mode].liveSyncDuration));
    box.setAttribute("data-secured", s.token ? "true" : "false");
    Object.assign(box.style, {
      position: "relative",
      width: "100%",
      aspectRatio: "16 / 9",
      background: "#000",
      overflow: "hidden",
      fontFamily: "system-ui, -apple-system, 'Segoe UI', sans-serif"
    });
    var video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.controls = true;
    video.muted = s.automute;
    video.autoplay = s.autoplay;
    video.setAttribute("aria-label", "Live stream");
    Object.assign(video.style, { width: "100%", height: "100%", display: "block", background: "#000" });
    var status = document.createElement("div");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    Object.assign(status.style, {
      position: "absolute",
      inset: "0",
      display: "flex",
      flexDirection: "column",
      alignItems: "center",
      justifyContent: "center",
      gap: "0.75em",
      padding: "1.5em",
      boxSizing: "border-box",
      textAlign: "center",
      color: "#f3f5f9",
      background: "rgba(11, 15, 23, 0.88)",
      fontSize: "1em"
    });
    var message = document.createElement("p");
    message.style.margin = "0";
    var button = document.createElement("button");
    button.type = "button";
    button.hidden = true;
    Object.assign(button.style, {
      font: "inherit",
      padding: "0.5em 1.2em",
      borderRadius: "6px",
      border: "1px solid #f3f5f9",
      background: "#f3f5f9",
      color: "#0b0f17",
      cursor: "pointer"
    });
    status.appendChild(message);
    status.appendChild(button);
    box.appendChild(video);
    box.appendChild(status);
    el.textContent = "";
    el.appendChild(box);
    el.castboardPlayer = this;
    this.box = box;
    this.video = video;
    this.status = status;
    this.message = message;
    this.button = button;
    var self = this;
    video.addEventListener("playing", function () {
      self.show("playing");
    });
    video.addEventListener("ended", function () {
      self.reset();
      self.check();
    });
  };

  /* Shows a state: its text over the video (none while playing), and an action. */
  CastboardPlayer.prototype.show = function (state, text, action) {
    this.state = state;
    this.box.setAttribute("data-state", state);
    this.message.textContent = text || TEXT[state] || "";
    this.status.style.display = state === "playing" ? "none" : "flex";
    this.button.hidden = !action;
    this.button.onclick = null;
    if (action) {
      this.button.textContent = action.label;
      this.button.onclick = action.run;
    }
  };

  /* Asks again later, unless something newer has happened since. */
  CastboardPlayer.prototype.later = function (ms) {
    var self = this;
    var generation = this.generation;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      if (generation === self.generation) {
        self.check();
      }
    }, ms);
  };

  /* What each state of the stream's status means for the player. */
  var SHOWN = { created: "waiting", starting: "starting", ended: "ended", locked: "unavailable" };

  /* Asks the server whether the group plays (its status, which answers 200 whatever the
   * state), and acts on the answer. */
  CastboardPlayer.prototype.check = function () {
    var self = this;
    var generation = ++this.generation;
    if (!this.state || this.state === "error") {
      this.show("loading");
    }
    fetch(this.settings.statusUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (res) {
        if (generation !== self.generation) {
          return;
        }
        if (res.ok && self.settings.replay) {
          self.play();
          return;
        }
        if (res.ok) {
          return res.json().then(function (status) {
            if (generation !== self.generation) {
              return;
            }
            if (status.state === "live") {
              self.play();
              return;
            }
            var shown = SHOWN[status.state] || "unavailable";
            if (!(shown === "starting" && self.state === "waiting")) {
              self.show(shown);
            }
            self.later(RECHECK[shown]);
          });
        }
        if (res.status === 401 || res.status === 403) {
          return res.json().then(
            function (body) {
              var reason = res.headers.get("x-token-reason") || "";
              var msg = (body && body.error && body.error.message) || "Playback was refused.";
              self.refuse(reason, msg);
            },
            function () {
              self.refuse("", "Playback was refused.");
            }
          );
        }
        if (res.status === 404) {
          self.show("unavailable");
          self.later(RECHECK.unavailable);
          return;
        }
        self.show("error");
        self.later(RECHECK.error);
      })
      .catch(function () {
        if (generation === self.generation) {
          self.show("error");
          self.later(RECHECK.error);
        }
      });
  };

  CastboardPlayer.prototype.refuse = function (reason, message) {
    this.reset();
    this.box.setAttribute("data-token-reason", reason);
    this.show("refused", message);
  };

  /* Plays the master playlist with hls.js (or the browser's own HLS). */
  CastboardPlayer.prototype.play = function () {
    var self = this;
    var s = this.settings;
    var video = this.video;
    this.reset();
    if (!Hls || !Hls.isSupported()) {
      if (video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = s.url;
        this.start();
        return;
      }
      this.show("error", TEXT.unsupported);
      return;
    }
    var latency = LATENCY[s.mode];
    var hls = new Hls({
      // Workers would need blob: scripts, which strict pages forbid; this is light work.
      enableWorker: false,
      lowLatencyMode: !s.replay,
      liveSyncDuration: latency.liveSyncDuration,
      // A replay is there to be seeked back in: never jump or speed back to the edge.
      liveMaxLatencyDuration: s.replay ? Infinity : latency.liveMaxLatencyDuration,
      maxLiveSyncPlaybackRate: s.replay ? 1 : latency.maxLiveSyncPlaybackRate,
      backBufferLength: s.replay ? Infinity : 30
    });
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, function (_event, data) {
      var level = -1;
      data.levels.forEach(function (l, i) {
        if (String(l.name) === String(s.startIndex)) {
          level = i;
        }
      });
      if (level < 0 && !s.adapt) {
        // The quality asked for does not play (not live): the best one there is.
        level = data.levels.length - 1;
      }
      if (level >= 0) {
        hls.startLevel = level;
      }
      if (!s.adapt) {
        hls.loadLevel = level;
      }
      self.start();
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, function (_event, data) {
      var l = hls.levels[data.level];
      self.box.setAttribute("data-level", l ? String(l.name) : "");
    });
    hls.on(Hls.Events.ERROR, function (_event, data) {
      if (data.fatal) {
        // Ask the server what happened: ended, refused, gone, or a passing fault.
        self.reset();
        self.show("loading");
        self.check();
      }
    });
    hls.loadSource(s.url);
    hls.attachMedia(video);
  };

  /* Starts playback as configured; a browser that refuses autoplay gets a button. */
  CastboardPlayer.prototype.start = function () {
    var self = this;
    var video = this.video;
    var button = {
      label: "Play",
      run: function () {
        video.play().catch(function () {});
      }
    };
    if (!this.settings.autoplay) {
      this.show("ready", "The stream is live.", button);
      return;
    }
    var played = video.play();
    if (played && played.catch) {
      played.catch(function () {
        if (self.state !== "playing") {
          self.show("ready", "The stream is live.", button);
        }
      });
    }
  };

  /* Stops what plays, keeping the element. */
  CastboardPlayer.prototype.reset = function () {
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    if (this.video) {
      this.video.removeAttribute("src");
      this.video.load();
    }
    if (this.box) {
      this.box.removeAttribute("data-level");
      this.box.removeAttribute("data-token-reason");
    }
  };

  /* Stops everything; setup may be called again. */
  CastboardPlayer.prototype.destroy = function () {
    this.generation++;
    clearTimeout(this.timer);
    this.reset();
  };

  CastboardPlayer.LATENCY = LATENCY;
  global.CastboardPlayer = CastboardPlayer;
})(window);
