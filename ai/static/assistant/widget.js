/* The assistant's chat widget: talks to /api/v1/assistant/ and polls for staff replies.
 * No framework, no inline code (CSP), text inserted with textContent only (never as HTML). */
(function () {
  "use strict";

  var STORAGE_KEY = "mh-assistant-token";
  var WHO = { user: "You", assistant: "Assistant", staff: "Our team" };

  function init(root) {
    var startUrl = root.getAttribute("data-start-url");
    var pollMs = (parseInt(root.getAttribute("data-poll-seconds"), 10) || 5) * 1000;
    var toggle = root.querySelector(".mh-assistant__toggle");
    var panel = root.querySelector(".mh-assistant__panel");
    var close = root.querySelector(".mh-assistant__close");
    var log = root.querySelector(".mh-assistant__log");
    var status = root.querySelector(".mh-assistant__status");
    var form = root.querySelector(".mh-assistant__form");
    var input = root.querySelector(".mh-assistant__input");
    var send = root.querySelector(".mh-assistant__send");
    var token = null;
    var shown = {};
    var timer = null;
    var busy = false;

    function storedToken() {
      try { return window.sessionStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
    }
    function storeToken(value) {
      try {
        if (value) { window.sessionStorage.setItem(STORAGE_KEY, value); }
        else { window.sessionStorage.removeItem(STORAGE_KEY); }
      } catch (e) { /* private mode: the conversation lasts as long as the page */ }
    }
    function conversationUrl() { return startUrl + encodeURIComponent(token) + "/"; }

    function say(text) { status.textContent = text; }

    function append(role, content, id) {
      if (id && shown[id]) { return; }
      if (id) { shown[id] = true; }
      var item = document.createElement("div");
      item.className = "mh-assistant__message mh-assistant__message--" + role;
      var who = document.createElement("span");
      who.className = "mh-assistant__who";
      who.textContent = WHO[role] || role;
      var text = document.createElement("span");
      text.textContent = content;
      item.appendChild(who);
      item.appendChild(text);
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }

    function request(method, url, body) {
      return window.fetch(url, {
        method: method,
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
        });
      });
    }

    function showTranscript(data) {
      (data.messages || []).forEach(function (m) { append(m.role, m.content, m.id); });
    }

    function start() {
      return request("POST", startUrl, { channel: "web" }).then(function (r) {
        if (r.status !== 201) { say("The chat is not available right now. Please try again later."); return; }
        token = r.data.token;
        storeToken(token);
        showTranscript(r.data);
      });
    }

    function resume() {
      return request("GET", conversationUrl()).then(function (r) {
        if (r.status === 200) { showTranscript(r.data); return; }
        token = null;
        storeToken(null);
        return start();
      });
    }

    function poll() {
      if (!token || busy) { return; }
      request("GET", conversationUrl()).then(function (r) {
        if (r.status === 200) { showTranscript(r.data); }
      }).catch(function () { /* offline for a moment: the next poll tries again */ });
    }

    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      toggle.hidden = true;
      input.focus();
      var ready = token ? Promise.resolve() : (token = storedToken()) ? resume() : start();
      ready.catch(function () { say("The chat is not available right now."); });
      if (!timer) { timer = window.setInterval(poll, pollMs); }
    }

    function shut() {
      panel.hidden = true;
      toggle.hidden = false;
      toggle.setAttribute("aria-expanded", "false");
      if (timer) { window.clearInterval(timer); timer = null; }
      toggle.focus();
    }

    function submit(event) {
      event.preventDefault();
      var content = input.value.trim();
      if (!content || busy || !token) { return; }
      if (content.length > 2000) { say("Please keep a message under 2,000 characters."); return; }
      busy = true;
      send.disabled = true;
      say("Sending…");
      request("POST", conversationUrl() + "messages/", { content: content }).then(function (r) {
        if (r.status === 200) {
          input.value = "";
          var before = log.children.length;
          // The transcript has the stored messages with their ids (no duplicates when polled).
          return request("GET", conversationUrl()).then(function (t) {
            if (t.status === 200) { showTranscript(t.data); }
            var answered = log.lastElementChild &&
              !log.lastElementChild.classList.contains("mh-assistant__message--user");
            // While staff answer, the assistant stores no reply: its holding note is a status.
            say(answered && log.children.length > before + 1 ? "" : r.data.reply.content);
          });
        } else if (r.status === 429) {
          say("You're sending messages quickly; please wait " + (r.retryAfter || "a few") + " seconds.");
        } else if (r.status === 409) {
          say("This conversation is closed. Reload the page to start a new one.");
          storeToken(null);
        } else if (r.status === 404) {
          token = null;
          storeToken(null);
          say("Your conversation expired; starting a new one.");
          start();
        } else {
          say((r.data.error && r.data.error.message) || "Something went wrong; please try again.");
        }
      }).catch(function () {
        say("You seem to be offline; please try again.");
      }).then(function () {
        busy = false;
        send.disabled = false;
      });
    }

    toggle.hidden = false;
    toggle.addEventListener("click", open);
    close.addEventListener("click", shut);
    form.addEventListener("submit", submit);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { submit(event); }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { shut(); }
    });
  }

  function boot() {
    var roots = document.querySelectorAll("[data-mh-assistant]");
    for (var i = 0; i < roots.length; i++) { init(roots[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); }
  else { boot(); }
})();
