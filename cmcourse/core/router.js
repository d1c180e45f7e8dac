// The course app's router (cmcourse/core/app.py), run by anywidget in the trainee's page.
//
// The browser's side of a page turn: a click on a link to another page of the course, or
// Back and Forward, asks the kernel to open that page in place ({open, how}); when the kernel
// has shown it ({shown}), the address bar, the tab title, the scroll position, the keyboard
// focus and what a screen reader announces follow. A heartbeat notices a lost connection (a
// laptop that slept, a kernel that was stopped) and offers a reload, which lands on the same
// page, since the address always names it.

function pageOf(url) {
  return url.searchParams.get("page") || "map";
}

function render({ model, el }) {
  const here = new URL(window.location.href);
  const live = document.createElement("div");
  live.className = "cm-sr-only";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  const banner = document.createElement("div");
  banner.className = "cm-connection";
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  banner.innerHTML =
    "<p><strong>The connection to the course was lost</strong> (the computer may have slept, " +
    "or the network dropped). Everything you saved is kept.</p>";
  const again = document.createElement("button");
  again.type = "button";
  again.textContent = "Reload this page and continue";
  again.addEventListener("click", () => window.location.reload());
  banner.appendChild(again);
  // On the page's body: a widget's own box may hold what is fixed inside it.
  document.body.append(live, banner);

  let lastHeard = Date.now();
  const heard = () => {
    lastHeard = Date.now();
    banner.hidden = true;
  };

  // A place on a page (#q-<question>: a case study's refusal links back to the decision it
  // comes from): scrolled to and focused, so a screen reader reads it out. A page still being
  // drawn may not hold it yet: it is looked for a few seconds.
  let wanted = "";
  const goTo = (hash, tries = 30) => {
    const place = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!place) {
      if (tries > 0) window.setTimeout(() => goTo(hash, tries - 1), 100);
      return;
    }
    place.setAttribute("tabindex", "-1");
    place.scrollIntoView({ block: "start" });
    place.focus({ preventScroll: true });
  };

  // A click on a link to a page of the course: open it here instead of loading a new page.
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== here.origin || url.pathname !== here.pathname) return;
    event.preventDefault();
    const now = new URL(window.location.href);
    if (url.hash && pageOf(url) === pageOf(now)) {
      goTo(url.hash); // a place on this page: no page turn
      return;
    }
    if (!banner.hidden) return; // no kernel to ask: the banner says what to do
    wanted = url.hash;
    document.body.classList.add("cm-turning");
    model.send({ open: pageOf(url), how: "push" });
  };
  const onPop = () => {
    document.body.classList.add("cm-turning");
    model.send({ open: pageOf(new URL(window.location.href)), how: "pop" });
  };
  document.addEventListener("click", onClick, true);
  window.addEventListener("popstate", onPop);

  model.on("msg:custom", (msg) => {
    heard();
    if (msg.leave) {
      window.location.assign(msg.leave); // the session ended: the sign-in page says why
      return;
    }
    if (msg.failed) {
      document.body.classList.remove("cm-turning");
      wanted = "";
    }
    if (!msg.shown) return;
    const { page, title, how, address } = msg.shown;
    const url = new URL(address, window.location.href);
    const hash = how === "push" ? wanted : how === "first" ? window.location.hash : "";
    wanted = "";
    url.hash = hash;
    if (how === "push" && url.href !== window.location.href) {
      window.history.pushState({ page }, "", url);
    } else if (how !== "pop") {
      window.history.replaceState({ page }, "", url);
    }
    document.title = title;
    document.body.classList.remove("cm-turning");
    if (how !== "first") {
      window.scrollTo(0, 0);
      const heading = document.querySelector(".cm-app-content h1");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
      }
      live.textContent = title;
    }
    if (hash) goTo(hash);
  });

  // A shared device: signed out after a while without the trainee's hand on it.
  const idle = model.get("idle") * 1000;
  let lastTouched = Date.now();
  const touched = () => {
    lastTouched = Date.now();
  };
  const inputs = ["pointerdown", "keydown", "scroll", "touchstart"];
  inputs.forEach((name) => window.addEventListener(name, touched, { passive: true }));
  const idleTimer = idle
    ? window.setInterval(() => {
        if (Date.now() - lastTouched < idle) return;
        const form = document.createElement("form");
        form.method = "post";
        form.action = model.get("sign_out");
        const why = document.createElement("input");
        why.type = "hidden";
        why.name = "why";
        why.value = "idle";
        form.appendChild(why);
        document.body.appendChild(form);
        form.submit();
      }, Math.min(idle, 5000))
    : 0;
  // The heartbeat: the kernel answers every ping; silence for several beats means the
  // connection is gone (longer while a page is being drawn, which can take a second or two).
  const beat = Math.max(1, model.get("heartbeat")) * 1000;
  const timer = window.setInterval(() => {
    const patience = document.body.classList.contains("cm-turning") ? 8 : 2.7;
    if (Date.now() - lastHeard > patience * beat) banner.hidden = false;
    try {
      // "active": the trainee's hand was on the page since the last beat (the session's idle
      // time starts again on the server too).
      model.send({ ping: Date.now(), active: Date.now() - lastTouched < beat });
    } catch (error) {
      banner.hidden = false;
    }
  }, beat);
  model.send({ ready: pageOf(here) });

  return () => {
    window.clearInterval(timer);
    if (idleTimer) window.clearInterval(idleTimer);
    inputs.forEach((name) => window.removeEventListener(name, touched));
    document.removeEventListener("click", onClick, true);
    window.removeEventListener("popstate", onPop);
    live.remove();
    banner.remove();
  };
}

export default { render };
