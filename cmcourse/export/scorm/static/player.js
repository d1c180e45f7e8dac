/* CM 101, SCORM package: one module's pages, checks and reflections, saved on the learning
   platform through the SCORM 1.2 API, or in this browser when there is none (practice mode).

   - Pages: every page of the module is in this file; one is shown at a time (#<page id> in the
     address), the platform's cmi.core.lesson_location names the last one, and a trainee who
     comes back resumes there.
   - Answers and reflections: kept in cmi.suspend_data, compressed (deflate, then base64), within
     SCORM 1.2's 4,096 characters: past that, the longest reflections lose their end (each keeps
     its beginning) and the page says so under each. Every try of a check is an interaction record (cmi.interactions.n).
   - Status and score: incomplete until every page is opened and every check answered, then
     completed (or passed/failed against the platform's mastery score, when the manifest sets
     one); the score is the share of the module's points, the last try of each check counting,
     as in the course (with a mastery score, sent only once the module is complete). */
(function () {
  "use strict";

  var F = window.CMFeedback;
  var data = JSON.parse(document.getElementById("cm-data").textContent);
  var rules = data.settings;
  var pages = data.pages;
  var questionIds = [], reflectionIds = [];
  pages.forEach(function (p) {
    questionIds = questionIds.concat(p.questions);
    reflectionIds = reflectionIds.concat(p.reflections);
  });
  var STORAGE_KEY = "cm101-scorm:" + data.module;

  // -- what the trainee has done --------------------------------------------------------------
  var state = { seen: {}, answers: {}, reflections: {}, location: "" };
  var views = {};  // question id: its view
  var started = Date.now();

  // -- the platform: the SCORM 1.2 API, found the standard way ---------------------------------
  function findAPI(win) {
    for (var tries = 0; win && tries < 12; tries++) {
      try {
        if (win.API) return win.API;
        if (!win.parent || win.parent === win) break;
        win = win.parent;
      } catch (e) {  // a frame of another site: no API there
        break;
      }
    }
    return null;
  }

  function platformAPI() {
    var api = findAPI(window);
    if (!api && window.opener) {
      try { api = findAPI(window.opener); } catch (e) { api = null; }
    }
    return api;
  }

  function Platform(api) {
    this.api = api;
    this.finished = false;
  }
  Platform.prototype.get = function (name) {
    var value = this.api.LMSGetValue(name);
    return value === null || value === undefined ? "" : String(value);
  };
  Platform.prototype.set = function (name, value) {
    return String(this.api.LMSSetValue(name, String(value))) === "true";
  };
  Platform.prototype.commit = function () {
    return String(this.api.LMSCommit("")) === "true" && this.noError();
  };
  // LMSGetLastError after a call: "0" (or nothing, from a platform that does not say) is no error.
  Platform.prototype.noError = function () {
    var code;
    try { code = String(this.api.LMSGetLastError()); } catch (e) { return true; }
    return code === "0" || code === "" || code === "undefined" || code === "null";
  };

  var platform = null;
  var practiceStore = null;  // localStorage, when it can be used
  var refusedStart = null;  // the error code of a platform found that would not start the module

  function startPlatform() {
    var api = platformAPI();
    if (api) {
      var ok = false;
      try { ok = String(api.LMSInitialize("")) === "true"; } catch (e) { ok = false; }
      if (ok) {
        platform = new Platform(api);
        return;
      }
      // A platform is there but refused to start: nothing can be saved on it, and keeping the
      // work in this browser instead would pass for practice mode.
      try { refusedStart = String(api.LMSGetLastError()); } catch (e) { refusedStart = ""; }
      return;
    }
    try {
      window.localStorage.setItem(STORAGE_KEY + ":test", "1");
      window.localStorage.removeItem(STORAGE_KEY + ":test");
      practiceStore = window.localStorage;
    } catch (e) {
      practiceStore = null;
    }
  }

  // -- suspend data: compact, compressed, within the limit ---------------------------------------
  // Version 2 keys every answer and reflection by its id (version 1, by its place in the module:
  // a package rebuilt after a bank edit put old answers on other questions). Compression keeps
  // the ids small.
  var VERSION = 2;
  var unrestored = { answers: [], reflections: [] };  // saved, but not for this module as it is

  function compactState(texts) {
    var seen = pages.filter(function (p) { return state.seen[p.id]; }).map(function (p) { return p.id; });
    var answers = {};
    questionIds.forEach(function (id) {
      var saved = state.answers[id];
      if (saved) answers[id] = [saved.answer, saved.tries];
    });
    var reflections = {};
    reflectionIds.forEach(function (id) { if (texts[id]) reflections[id] = texts[id]; });
    return JSON.stringify({ v: VERSION, s: seen, a: answers, r: reflections });
  }

  // Whether a saved answer is one this question, as the package has it now, can show.
  function fits(spec, answer) {
    function ids(list) { return list.map(function (x) { return x.id; }); }
    function same(a, b) { return a.slice().sort().join("\n") === b.slice().sort().join("\n"); }
    switch (spec.type) {
      case "single": return typeof answer === "string" && ids(spec.options).indexOf(answer) >= 0;
      case "multiple":
        return Array.isArray(answer) && answer.length > 0 &&
          answer.every(function (a) { return ids(spec.options).indexOf(a) >= 0; });
      case "true_false": return typeof answer === "boolean";
      case "matching": {
        if (!answer || typeof answer !== "object" || Array.isArray(answer)) return false;
        var labels = spec.pairs.map(function (p) { return p.match_id; });
        return same(Object.keys(answer), ids(spec.pairs)) &&
          Object.keys(answer).every(function (k) { return labels.indexOf(answer[k]) >= 0; });
      }
      case "ordering": return Array.isArray(answer) && same(answer, spec.answer);
      default: return typeof answer === "string";
    }
  }

  function restoreAnswer(id, answer, tries) {
    var spec = data.questions[id];
    if (spec && questionIds.indexOf(id) >= 0 && fits(spec, answer)) {
      state.answers[id] = { answer: answer, tries: tries };
    } else {
      unrestored.answers.push(id);
    }
  }

  function restoreReflection(id, text) {
    if (reflectionIds.indexOf(id) >= 0) state.reflections[id] = text;
    else unrestored.reflections.push(text);
  }

  function restoreCompact(text) {
    var compact = JSON.parse(text);
    if (compact.v === 1) {  // by place in the module: written by this package as it was built
      pages.forEach(function (p, n) { if (compact.s.charAt(n) === "1") state.seen[p.id] = true; });
      compact.a.forEach(function (entry) {
        if (questionIds[entry[0]]) restoreAnswer(questionIds[entry[0]], entry[1], entry[2]);
        else unrestored.answers.push(String(entry[0]));
      });
      compact.r.forEach(function (entry) {
        if (reflectionIds[entry[0]]) restoreReflection(reflectionIds[entry[0]], entry[1]);
        else unrestored.reflections.push(entry[1]);
      });
      return;
    }
    if (compact.v !== VERSION) throw new Error("another version");
    compact.s.forEach(function (id) { if (pageById(id)) state.seen[id] = true; });
    Object.keys(compact.a).forEach(function (id) {
      restoreAnswer(id, compact.a[id][0], compact.a[id][1]);
    });
    Object.keys(compact.r).forEach(function (id) { restoreReflection(id, compact.r[id]); });
  }

  // Said plainly when saved work could not be put back: the module changed since it was saved.
  function tellUnrestored() {
    var answers = unrestored.answers.length, texts = unrestored.reflections;
    if (!answers && !texts.length) return;
    var lost = [];
    if (answers) {
      lost.push((answers === 1 ? "your answer to one check" : "your answers to " + answers +
        " checks") + " (the check or its choices changed: answer again)");
    }
    if (texts.length) {
      lost.push((texts.length === 1 ? "one reflection" : texts.length + " reflections") +
        " (the question changed: what you wrote is below)");
    }
    var html = "<p>This module has changed since you last saved your work in it, and some of " +
      "it could not be put back: " + F.escapeHtml(lost.join(" and ")) + ". Everything else " +
      "you saved is back in its place.</p>";
    if (texts.length) {
      html += "<p>Copy what you wrote somewhere before you leave this page: it is no longer " +
        "kept with this module.</p>" + texts.map(function (t) {
          return "<blockquote>" + F.escapeHtml(t) + "</blockquote>";
        }).join("");
    }
    var box = document.getElementById("cm-restore");
    box.innerHTML = html;
    box.hidden = false;
  }

  function toBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  function fromBase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function through(bytes, transform) {
    var stream = new Blob([bytes]).stream().pipeThrough(transform);
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  var canCompress = typeof CompressionStream === "function";

  function encode(text) {
    if (!canCompress) return Promise.resolve("j" + text);
    var bytes = new TextEncoder().encode(text);
    return through(bytes, new CompressionStream("deflate-raw")).then(function (z) {
      return "z" + toBase64(z);
    });
  }

  function decode(text) {
    if (text.charAt(0) === "j") return Promise.resolve(text.slice(1));
    if (text.charAt(0) !== "z") return Promise.reject(new Error("not this package's data"));
    return through(fromBase64(text.slice(1)), new DecompressionStream("deflate-raw"))
      .then(function (bytes) { return new TextDecoder().decode(bytes); });
  }

  // The saved form of the state within the limit: while it is too long, the longest reflection
  // loses its end (at a word), and what each reflection lost is counted for its notice.
  function shorten(texts, dropped, raw, encoded) {
    var ids = Object.keys(texts).filter(function (id) { return texts[id].length; });
    if (!ids.length) return false;
    // Characters of writing to lose, from the compressed excess; taken from the longest
    // reflections first, down to a common length, so that each keeps its beginning.
    var over = encoded.length - data.limit;
    var need = Math.max(16, Math.ceil((over * raw.length) / encoded.length * 1.1));
    var low = 0, high = Math.max.apply(null, ids.map(function (id) { return texts[id].length; }));
    while (low < high) {
      var mid = Math.floor((low + high + 1) / 2);
      var cut = ids.reduce(function (n, id) { return n + Math.max(0, texts[id].length - mid); }, 0);
      if (cut >= need) low = mid; else high = mid - 1;
    }
    ids.forEach(function (id) {
      if (texts[id].length <= low) return;
      var keep = low;
      var space = texts[id].lastIndexOf(" ", keep);
      if (space > keep - 40 && space > 0) keep = space;
      texts[id] = texts[id].slice(0, keep);
      dropped[id] = state.reflections[id].length - keep;
    });
    return true;
  }

  function reflectionTexts() {
    var texts = {};
    reflectionIds.forEach(function (id) { if (state.reflections[id]) texts[id] = state.reflections[id]; });
    return texts;
  }

  function fitting() {
    var texts = reflectionTexts(), dropped = {};
    function attempt(round) {
      var raw = compactState(texts);
      return encode(raw).then(function (encoded) {
        if (encoded.length <= data.limit || round > 60 || !shorten(texts, dropped, raw, encoded)) {
          return { encoded: encoded, dropped: dropped };
        }
        return attempt(round + 1);
      });
    }
    return attempt(0);
  }

  // The last change of a visit that is ending now, while its compression (which takes a moment)
  // has not finished: uncompressed, if it fits whole (the next visit reads it, and its first save
  // compresses it again); null if it does not, and the platform keeps what it has.
  function wholeNow() {
    var encoded = "j" + compactState(reflectionTexts());
    return encoded.length <= data.limit ? encoded : null;
  }

  // -- score, status, progress ------------------------------------------------------------------
  function results() {
    var points = 0, total = 0, answered = 0;
    questionIds.forEach(function (id) {
      var spec = data.questions[id];
      total += spec.points;
      var saved = state.answers[id];
      if (!saved) return;
      answered += 1;
      points += F.check(spec, saved.answer, saved.tries, rules.revealAfter).points;
    });
    var allSeen = pages.every(function (p) { return state.seen[p.id]; });
    return {
      raw: total ? Math.round((100 * points) / total) : 100,
      complete: allSeen && answered === questionIds.length,
    };
  }

  function pageProgress(page) {  // core/progress.py's page_progress
    var items = page.questions.concat(page.reflections);
    if (!items.length) return state.seen[page.id] ? 1 : 0;
    var done = items.filter(function (id) {
      return state.answers[id] || (state.reflections[id] && state.reflections[id].length);
    }).length;
    return done / items.length;
  }

  function showProgress() {
    var share = pages.reduce(function (n, p) { return n + pageProgress(p); }, 0) / pages.length;
    var pct = Math.round(share * 100);
    var box = document.getElementById("cm-progress");
    box.hidden = false;
    box.querySelector("progress").value = pct;
    document.getElementById("cm-progress-text").textContent = "This module: " + pct + "% done";
  }

  // -- saving -----------------------------------------------------------------------------------
  var saving = Promise.resolve();
  var lastDropped = {};

  var changes = 0, changesSaved = 0;  // what the platform has of this visit's changes

  function save() {
    showProgress();
    changes += 1;
    saving = saving.then(saveNow, saveNow);
    return saving;
  }

  function record(encoded) {
    var outcome = results();
    platform.set("cmi.core.lesson_location", state.location);
    var accepted = platform.set("cmi.suspend_data", encoded) && platform.noError();
    // With a mastery score, no score until the module is complete: a platform that decides
    // passed or failed itself at LMSFinish whenever both exist (Moodle's "Mastery score
    // overrides status", on by default) would otherwise fail a module left half done.
    if (masteryScore === null || outcome.complete) {
      platform.set("cmi.core.score.min", 0);
      platform.set("cmi.core.score.max", 100);
      platform.set("cmi.core.score.raw", outcome.raw);
    }
    platform.set("cmi.core.lesson_status", lessonStatus(outcome));
    platform.set("cmi.core.exit", "suspend");  // the next visit resumes this one
    return accepted;
  }

  function saveNow() {
    if (platform && platform.finished) return Promise.resolve(false);
    if (platform) {
      var upTo = changes;
      return fitting().then(function (fit) {
        if (platform.finished) return false;
        var accepted = record(fit.encoded);
        showDropped(fit.dropped);
        var ok = platform.commit() && accepted;
        if (ok) changesSaved = Math.max(changesSaved, upTo);
        showRefused(!ok);
        return ok;
      });
    }
    if (practiceStore) {
      try {
        practiceStore.setItem(STORAGE_KEY, JSON.stringify({
          location: state.location, state: compactState(state.reflections),
        }));
        return Promise.resolve(true);
      } catch (e) {
        return Promise.resolve(false);
      }
    }
    return Promise.resolve(false);
  }

  var masteryScore = null;

  function lessonStatus(outcome) {
    if (!outcome.complete) return "incomplete";
    if (masteryScore === null) return "completed";
    return outcome.raw >= masteryScore ? "passed" : "failed";
  }

  function showDropped(dropped) {
    reflectionIds.forEach(function (id) {
      var box = document.querySelector('[data-reflection="' + id + '"] .cm-dropped');
      if (!box) return;
      var lost = dropped[id] || 0;
      if (lost === (lastDropped[id] || 0)) return;
      if (!lost) {
        box.innerHTML = "";
        return;
      }
      var text = state.reflections[id];
      var kept = text.slice(0, text.length - lost);
      var lastWords = kept.split(/\s+/).slice(-6).join(" ");
      box.innerHTML = '<p class="cm-notice">Your learning platform keeps ' +
        data.limit.toLocaleString("en") + " characters of this module's answers and reflections: " +
        "this reflection is saved up to \u201c\u2026" + F.escapeHtml(lastWords) + "\u201d, and its last " +
        lost.toLocaleString("en") + " characters are not kept. Copy them somewhere if you want " +
        "to keep them.</p>";
    });
    lastDropped = dropped;
  }

  // -- interactions: one record per try ---------------------------------------------------------
  // In SCORM 1.2's forms (RTE 3.4.2.7.x), each choice, item, term and label one character
  // (questions.py's response_codes); the question's own id is the interaction's id.
  function response(spec, answer) {
    switch (spec.type) {
      case "single": return spec.codes[answer];
      case "multiple": return answer.map(function (a) { return spec.codes[a]; }).join(",");
      case "true_false": return answer ? "t" : "f";
      case "matching":
        return spec.pairs.map(function (p) {
          return spec.termCodes[p.id] + "." + spec.labelCodes[answer[p.id]];
        }).join(",");
      case "ordering": return answer.map(function (i) { return spec.codes[i]; }).join(",");
      default: return String(answer).slice(0, 255);
    }
  }

  function clock(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
  }

  function recordInteraction(spec, answer, result) {
    if (!platform) return;
    var n = parseInt(platform.get("cmi.interactions._count"), 10);
    if (isNaN(n)) n = 0;
    var at = "cmi.interactions." + n + ".";
    platform.set(at + "id", spec.id);
    platform.set(at + "type", spec.interaction);
    platform.set(at + "time", clock(new Date()));
    platform.set(at + "weighting", spec.points);
    platform.set(at + "correct_responses.0.pattern", response(spec, spec.answer));
    platform.set(at + "student_response", response(spec, answer));
    platform.set(at + "result", result.correct ? "correct" : "wrong");
  }

  // -- a knowledge check ------------------------------------------------------------------------
  function QuestionView(box, spec) {
    this.box = box;
    this.spec = spec;
    this.feedback = box.querySelector(".cm-answer-feedback");
    this.tries = 0;
    this.last = null;
    var view = this;
    box.querySelector(".cm-check-button").addEventListener("click", function () { view.check(); });
    box.addEventListener("change", function () { view.feedback.innerHTML = ""; });
    box.addEventListener("input", function (event) {
      if (event.target.tagName === "INPUT" && event.target.type === "text") view.feedback.innerHTML = "";
    });
  }

  QuestionView.prototype.read = function () {
    var box = this.box, spec = this.spec;
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input"));
    var menus = Array.prototype.slice.call(box.querySelectorAll("select"));
    switch (spec.type) {
      case "single": {
        var one = inputs.filter(function (i) { return i.checked; })[0];
        return one ? one.value : null;
      }
      case "multiple": {
        var ticked = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
        return ticked.length ? ticked : null;
      }
      case "true_false": {
        var chosen = inputs.filter(function (i) { return i.checked; })[0];
        return chosen ? chosen.value === "true" : null;
      }
      case "matching": {
        var answer = {}, full = true;
        menus.forEach(function (m) { answer[m.dataset.key] = m.value; if (!m.value) full = false; });
        return full ? answer : null;
      }
      case "ordering": {
        var order = menus.map(function (m) { return m.value; });
        var distinct = order.filter(function (v, i) { return v && order.indexOf(v) === i; });
        return distinct.length === order.length ? order : null;
      }
      default: {
        var typed = inputs[0].value.replace(/^\s+|\s+$/g, "");
        return typed || null;
      }
    }
  };

  QuestionView.prototype.restore = function (answer) {
    var box = this.box, spec = this.spec;
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input"));
    var menus = Array.prototype.slice.call(box.querySelectorAll("select"));
    if (spec.type === "single") inputs.forEach(function (i) { i.checked = i.value === answer; });
    else if (spec.type === "multiple") inputs.forEach(function (i) { i.checked = answer.indexOf(i.value) >= 0; });
    else if (spec.type === "true_false") inputs.forEach(function (i) { i.checked = (i.value === "true") === answer; });
    else if (spec.type === "matching") menus.forEach(function (m) { m.value = answer[m.dataset.key] || ""; });
    else if (spec.type === "ordering") menus.forEach(function (m, n) { m.value = answer[n] || ""; });
    else inputs[0].value = String(answer);
  };

  QuestionView.prototype.show = function (html) {
    this.feedback.innerHTML = html;
  };

  QuestionView.prototype.check = function () {
    var answer = this.read();
    if (answer === null) {
      this.show('<div class="cm-feedback"><p>' + F.escapeHtml(this.spec.incomplete) + "</p></div>");
      return;
    }
    var why = F.unreadable(this.spec, answer);
    if (why) {  // not an answer: nothing scored, nothing saved
      this.show('<div class="cm-feedback cm-unreadable" role="alert"><p>' + F.escapeHtml(why) + "</p></div>");
      return;
    }
    if (this.tries && JSON.stringify(answer) === JSON.stringify(this.last)) {
      // The same answer as the last try (changed and changed back): its feedback again, no try.
      this.show(F.feedbackHtml(F.check(this.spec, answer, this.tries - 1, rules.revealAfter)));
      return;
    }
    var result = F.check(this.spec, answer, this.tries, rules.revealAfter);
    this.tries += 1;
    this.last = answer;
    state.answers[this.spec.id] = { answer: answer, tries: this.tries };
    this.show(F.feedbackHtml(result));
    recordInteraction(this.spec, answer, result);
    save();
  };

  // -- a reflection -----------------------------------------------------------------------------
  function ReflectionView(box, spec) {
    this.box = box;
    this.spec = spec;
    this.text = box.querySelector("textarea");
    this.status = box.querySelector(".cm-reflection-status");
    this.guidance = box.querySelector(".cm-reflection-guidance");
    var view = this;
    box.querySelector(".cm-save-button").addEventListener("click", function () { view.save(); });
    this.text.addEventListener("change", function () { view.save(); });
  }

  ReflectionView.prototype.save = function () {
    var text = this.text.value.replace(/^\s+|\s+$/g, "");
    if (!F.isAttempt(text, rules.attemptWords, rules.attemptLetters)) {
      this.status.textContent = rules.notAnAttempt;
      return;
    }
    if (state.reflections[this.spec.id] === text) {
      this.status.textContent = "Saved.";
      return;
    }
    state.reflections[this.spec.id] = text;
    this.status.textContent = "Saved.";
    this.reveal();
    save();
  };

  ReflectionView.prototype.reveal = function () {
    this.guidance.innerHTML = this.spec.guidance;
  };

  // -- pages --------------------------------------------------------------------------------------
  function pageById(id) {
    return pages.filter(function (p) { return p.id === id; })[0] || null;
  }

  function open(id, how) {
    var page = pageById(id) || pages[0];
    Array.prototype.forEach.call(document.querySelectorAll(".cm-page"), function (section) {
      section.hidden = section.dataset.page !== page.id;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-page-link]"), function (link) {
      if (link.dataset.pageLink === page.id) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    document.title = page.title + " \u00b7 CM 101";
    state.location = page.id;
    state.seen[page.id] = true;
    if (how !== "start") {
      var section = document.getElementById("page-" + page.id);
      var heading = section.querySelector("h1, h2") || section;
      heading.setAttribute("tabindex", "-1");
      window.scrollTo(0, 0);
      heading.focus();
      document.getElementById("cm-announce").textContent = page.title;
    }
    save();
  }

  function fromAddress() {
    return decodeURIComponent(window.location.hash.replace(/^#/, ""));
  }

  var REFUSED = "Your learning platform did not accept your latest progress. Keep this page " +
    "open and press \u201cTake a break and continue later\u201d again in a moment; if it says " +
    "the same, copy your reflections somewhere and tell your trainer.";

  function showRefused(refused) {
    var box = document.getElementById("cm-refused");
    box.textContent = refused ? REFUSED : "";
    box.hidden = !refused;
  }

  function breakMessage(ok) {
    if (ok) return "Your progress is saved. When you come back to this module, it opens on this page.";
    if (platform) return REFUSED;
    if (refusedStart !== null) {
      return "Your progress cannot be saved: your learning platform did not let this module " +
        "start. It is kept only until you close this page.";
    }
    return "Your progress could not be saved here: this browser keeps it only until you close the page.";
  }

  function notice(text) {
    var box = document.getElementById("cm-mode");
    box.textContent = text;
    box.hidden = false;
  }

  // -- starting and leaving ------------------------------------------------------------------------
  function restoreViews() {
    tellUnrestored();
    questionIds.forEach(function (id) {
      var saved = state.answers[id];
      var view = views[id];
      if (!saved || !view) return;
      view.restore(saved.answer);
      view.tries = saved.tries;
      view.last = saved.answer;
      view.show(F.feedbackHtml(F.check(view.spec, saved.answer, Math.max(saved.tries - 1, 0),
        rules.revealAfter)));
    });
    reflectionIds.forEach(function (id) {
      var box = document.querySelector('[data-reflection="' + id + '"]');
      var text = state.reflections[id];
      if (!box || !text) return;
      box.querySelector("textarea").value = text;
      if (F.isAttempt(text, rules.attemptWords, rules.attemptLetters)) {
        box.querySelector(".cm-reflection-guidance").innerHTML = data.reflections[id].guidance;
      }
    });
  }

  function load() {
    if (platform) {
      var mastery = platform.get("cmi.student_data.mastery_score");
      masteryScore = mastery !== "" && !isNaN(Number(mastery)) ? Number(mastery) : null;
      if (platform.get("cmi.core.lesson_status") === "not attempted") {
        platform.set("cmi.core.lesson_status", "incomplete");
      }
      var suspended = platform.get("cmi.suspend_data");
      var location = platform.get("cmi.core.lesson_location");
      notice("Your work in this module is saved on your learning platform as you go. It keeps " +
        data.limit.toLocaleString("en") + " characters of this module's answers and reflections: " +
        "if your reflections are longer, the longest lose their end, and the page says so under " +
        "each.");
      if (!suspended) return Promise.resolve(location);
      return decode(suspended).then(restoreCompact).then(function () { return location; },
        function () {
          notice("Your saved work in this module could not be read (it was saved by another " +
            "version of the package): this module starts again from the beginning.");
          return "";
        });
    }
    if (refusedStart !== null) {
      notice("Your learning platform is there but did not let this module start (it answered " +
        "with error " + (refusedStart || "unknown") + "), so nothing you do here is saved or " +
        "scored. Close this module and open it again from your learning platform; if this " +
        "message comes back, tell your trainer.");
      return Promise.resolve("");
    }
    if (practiceStore) {
      notice("No learning platform was found, so this is practice mode: your answers and " +
        "reflections are saved in this browser only, and no score is sent anywhere.");
      try {
        var kept = JSON.parse(practiceStore.getItem(STORAGE_KEY) || "null");
        if (kept) {
          restoreCompact(kept.state);
          return Promise.resolve(kept.location || "");
        }
      } catch (e) {
        return Promise.resolve("");
      }
      return Promise.resolve("");
    }
    notice("No learning platform was found and this browser does not let the page save: your " +
      "answers are kept only until you close it.");
    return Promise.resolve("");
  }

  function sessionTime() {
    var seconds = Math.round((Date.now() - started) / 1000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var hours = Math.floor(seconds / 3600);
    return ("000" + hours).slice(-4) + ":" + two(Math.floor((seconds % 3600) / 60)) + ":" +
      two(seconds % 60);
  }

  function leave() {
    if (!platform || platform.finished) return;
    if (changesSaved < changes) {  // a change still being compressed
      // Never cut writing to fit here: the compressed copy already on the platform keeps more of
      // it than the uncompressed form could. Without room, the last change is not kept and only
      // the page is (the status and score stay those of the saved answers).
      var whole = wholeNow();
      if (whole) record(whole);
      else platform.set("cmi.core.lesson_location", state.location);
    }
    platform.finished = true;
    platform.set("cmi.core.session_time", sessionTime());
    platform.set("cmi.core.exit", "suspend");
    platform.commit();
    platform.api.LMSFinish("");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-question]"), function (box) {
      views[box.dataset.question] = new QuestionView(box, data.questions[box.dataset.question]);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-reflection]"), function (box) {
      new ReflectionView(box, data.reflections[box.dataset.reflection]);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".cm-break-button"), function (button) {
      button.addEventListener("click", function () {
        var status = button.parentNode.querySelector(".cm-break-status");
        save().then(function (ok) {
          status.textContent = breakMessage(ok);
        });
      });
    });
    startPlatform();
    load().then(function (location) {
      restoreViews();
      var asked = fromAddress();
      open(pageById(asked) ? asked : location, "start");
      window.addEventListener("hashchange", function () { open(fromAddress(), "turn"); });
      document.body.classList.add("cm-ready");
    });
    window.addEventListener("pagehide", leave);
    window.addEventListener("beforeunload", leave);
  }

  start();
})();
