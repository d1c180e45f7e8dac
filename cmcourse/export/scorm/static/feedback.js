/* CM 101, SCORM package: checking an answer and saying why, as the course does.

   Each function follows its Python counterpart in cmcourse/core (bank.py's `score`, `withheld`
   and `check`, answers.py's `read_typed_day`, render.py's `feedback_html`, bank.py's
   `is_attempt`); the texts all come from the bank, through the module's data. A test runs
   this file in node against the Python functions for every question of the bank
   (tests/export/test_scorm_feedback.py), so the two say the same thing. No DOM here. */
(function (root) {
  "use strict";

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function escapeHtml(text) {  // Python's html.escape
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  // Digits as people in the course's languages may type them (Arabic-Indic, Persian,
  // Devanagari, Bengali, full width), read as Python reads them.
  var ZEROS = [0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10];
  function asciiDigits(text) {
    return String(text).replace(/[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u09E6-\u09EF\uFF10-\uFF19]/g,
      function (c) {
        var code = c.charCodeAt(0);
        for (var i = 0; i < ZEROS.length; i++) {
          if (code >= ZEROS[i] && code < ZEROS[i] + 10) return String(code - ZEROS[i]);
        }
        return c;
      });
  }

  function problem(message) {
    var error = new Error(message);
    error.readable = true;
    return error;
  }

  function pyStrip(text) {
    return String(text).replace(/^\s+|\s+$/g, "");
  }

  // answers.py's read_typed_day: {y, m, d}, or an error whose message says what is wrong.
  function readTypedDay(text) {
    var cleaned = asciiDigits(String(text).replace(/\s+/g, ""));
    var iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(cleaned);
    var dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/.exec(cleaned);
    var year, month, day;
    if (iso) {
      year = +iso[1]; month = +iso[2]; day = +iso[3];
    } else if (dmy) {
      day = +dmy[1]; month = +dmy[2]; year = +dmy[3];
      if (year < 100) year += 2000;
    } else {
      throw problem("\u201c" + pyStrip(text) + "\u201d cannot be read as a date: write the day, " +
        "month and year, for example 05/09/2022 for 5 September 2022");
    }
    if (month < 1 || month > 12) {
      throw problem("there is no month " + month + ": the months go from 1 to 12 (day first)");
    }
    var last = new Date(Date.UTC(2000, 0, 1));
    last.setUTCFullYear(year, month, 0);  // day 0 of the next month: this month's last day
    var lastDay = last.getUTCDate();
    if (day < 1 || day > lastDay) {
      var name = MONTHS[month - 1];
      throw problem(name + " " + year + " has no day " + day + ": " + lastDay + " " + name +
        " is the last day of " + name);
    }
    return { y: year, m: month, d: day };
  }

  function dayValue(day) {
    return day.y * 10000 + day.m * 100 + day.d;
  }

  // answers.py's read_number, for what a trainee types: a decimal number, or null.
  function readNumber(text) {
    var cleaned = asciiDigits(pyStrip(text)).replace(/(\d)_(?=\d)/g, "$1");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cleaned)) return null;
    var value = Number(cleaned);
    return isFinite(value) ? value : null;
  }

  function readComputed(spec, answer) {
    if (spec.answerKind === "date") return dayValue(readTypedDay(answer));
    var value = readNumber(answer);
    if (value === null) {
      throw problem("\u201c" + pyStrip(answer) + "\u201d is not a number: type digits, e.g. 12");
    }
    return value;
  }

  // bank.py's Computed.unreadable: why a typed answer is not an answer, or null.
  function unreadable(spec, answer) {
    if (spec.type !== "computed") return null;
    try {
      readComputed(spec, answer);
    } catch (error) {
      if (!error.readable) throw error;
      var text = error.message;
      return text.charAt(0).toUpperCase() + text.slice(1) + ". This was not counted as an answer.";
    }
    return null;
  }

  function ids(options) {  // bank.py's _ids: "a, c and f"
    var list = options.map(function (o) { return o.id; });
    if (list.length < 2) return list.length ? list[0] : "nothing";
    return list.slice(0, -1).join(", ") + " and " + list[list.length - 1];
  }

  function scored(spec, right, messages) {
    return { correct: right, points: right ? spec.points : 0, outOf: spec.points, messages: messages };
  }

  var SCORE = {
    single: function (spec, answer) {
      var chosen = spec.options.filter(function (o) { return o.id === pyStrip(answer); })[0];
      if (!chosen) throw problem(String(answer));
      return scored(spec, chosen.id === spec.answer, [chosen.feedback]);
    },
    multiple: function (spec, answer) {
      if (!Array.isArray(answer)) throw problem("a list is expected");
      var chosen = answer.map(pyStrip);
      var known = spec.options.map(function (o) { return o.id; });
      chosen.forEach(function (a) { if (known.indexOf(a) < 0) throw problem(a); });
      var ticked = spec.options.filter(function (o) { return chosen.indexOf(o.id) >= 0; });
      var missed = spec.options.filter(function (o) {
        return spec.answer.indexOf(o.id) >= 0 && chosen.indexOf(o.id) < 0;
      });
      var messages = ticked.map(function (o) {
        return o.id + ". " + o.text + " (you ticked it): " + o.feedback;
      });
      if (missed.length) {
        messages.push("Not ticked by you, and needed: " + ids(missed) + ".");
        missed.forEach(function (o) {
          messages.push(o.id + ". " + o.text + " (you did not tick it): " + o.feedback);
        });
      }
      var unique = chosen.filter(function (a, i) { return chosen.indexOf(a) === i; });
      var right = unique.length === spec.answer.length &&
        spec.answer.every(function (a) { return unique.indexOf(a) >= 0; });
      return scored(spec, right, messages);
    },
    true_false: function (spec, answer) {
      if (typeof answer !== "boolean") throw problem("True or False expected");
      return scored(spec, answer === spec.answer, [answer ? spec.feedbackTrue : spec.feedbackFalse]);
    },
    matching: function (spec, answer) {
      var messages = spec.pairs.map(function (p) {
        return p.term + ": " + (answer[p.id] === p.match_id ? "right" : "not this one") + ". " +
          p.feedback;
      });
      var keys = Object.keys(answer);
      var right = keys.length === spec.pairs.length && spec.pairs.every(function (p) {
        return answer[p.id] === p.match_id;
      });
      return scored(spec, right, messages);
    },
    ordering: function (spec, answer) {
      var order = answer.map(String);
      if (order.slice().sort().join("\n") !== spec.answer.slice().sort().join("\n")) {
        throw problem("every item once");
      }
      var wrong = [];
      order.forEach(function (a, i) { if (a !== spec.answer[i]) wrong.push(i + 1); });
      var right = wrong.length === 0;
      var messages = [right ? spec.feedbackRight : spec.feedbackWrong];
      if (wrong.length) messages.push("Positions not yet right: " + wrong.join(", ") + ".");
      return scored(spec, right, messages);
    },
    computed: function (spec, answer) {
      var given = readComputed(spec, answer);
      var right = given === readComputed(spec, spec.answer);
      var lead = right ? "Right." : "Not quite: the answer is " + spec.answer + ".";
      return scored(spec, right, [lead + " " + spec.explanation]);
    },
  };

  // bank.py's Computed.withheld: a hint, not the value, for the first wrong tries.
  function withheld(spec, result, answer, tries, revealAfter) {
    if (spec.type !== "computed" || result.correct || tries + 1 >= revealAfter) return result;
    var given = readComputed(spec, answer);
    var expected = readComputed(spec, spec.answer);
    var what, how;
    if (spec.answerKind === "date") {
      what = "Not yet: your date is " + (given > expected ? "later" : "earlier") +
        " than the rule gives.";
      how = "count again from the day the time starts from";
    } else {
      what = "Not yet: that is " + (given > expected ? "more" : "fewer") + " than the rule gives.";
      how = "work it through again";
    }
    var left = revealAfter - tries - 1;
    return {
      correct: result.correct, points: result.points, outOf: result.outOf,
      messages: [what + " Look again at which rule applies here (whose SOP, which risk level) and " +
        how + ". The answer is shown after " + left + " more tr" + (left === 1 ? "y" : "ies") + "."],
    };
  }

  // bank.py's check: an answer that cannot be read scores 0 and says how to answer.
  function check(spec, answer, tries, revealAfter) {
    try {
      return withheld(spec, SCORE[spec.type](spec, answer), answer, tries, revealAfter);
    } catch (error) {
      if (!error.readable && !(error instanceof TypeError)) throw error;
      return {
        correct: false, points: 0, outOf: spec.points,
        messages: ["This answer could not be read: " + spec.howToAnswer + "."],
      };
    }
  }

  // render.py's feedback_html.
  function feedbackHtml(result) {
    var items = result.messages.map(function (m) { return "<li>" + escapeHtml(m) + "</li>"; });
    return '<div class="cm-feedback cm-' + (result.correct ? "right" : "wrong") +
      '" role="status" aria-live="polite"><p><strong>' +
      (result.correct ? "\u2714 Correct" : "\u2716 Not quite") + "</strong> (" + result.points +
      " of " + result.outOf + " point" + (result.outOf !== 1 ? "s" : "") + ")</p><ul>" +
      items.join("") + "</ul>" +
      (result.correct ? "" : "<p>You can change your answer and check again.</p>") + "</div>";
  }

  // bank.py's is_attempt: a sentence or more, in any script.
  function isAttempt(text, words, letters) {
    var found = String(text || "").match(/[\p{L}\p{N}_]+/gu) || [];
    var total = found.reduce(function (n, w) { return n + Array.from(w).length; }, 0);
    return found.length >= words && total >= letters;
  }

  var api = {
    check: check, unreadable: unreadable, feedbackHtml: feedbackHtml, isAttempt: isAttempt,
    escapeHtml: escapeHtml, readTypedDay: readTypedDay,
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.CMFeedback = api;
})(this);
