/* The phone survey's script (an external file: the CSP allows no inline script). Everything works
   without it; with it: conditional questions appear only when they apply, the first refused question
   gets the focus, and the answers are kept on this phone (localStorage, never sent anywhere but in the
   form itself) so that closing WeChat loses nothing. The thank-you page forgets them. */
(function () {
  "use strict";
  var d = document, store = null;
  d.documentElement.className += " js";
  try { store = window.localStorage; store.getItem("sv"); } catch (e) { store = null; }
  function load(k) { try { return JSON.parse(store.getItem(k)); } catch (e) { return null; } }
  function save(k, v) { try { store.setItem(k, JSON.stringify(v)); } catch (e) { /* full or private mode */ } }
  function forget(k) { try { store.removeItem(k); } catch (e) { /* nothing kept */ } }
  function each(list, fn) { for (var i = 0; i < list.length; i++) fn(list[i], i); }

  var done = d.getElementById("done");
  if (done) {  // stored on the server: forget the draft, and make a forwarded link the survey, not this page
    var home = location.pathname.replace(/\/thanks$/, "");
    if (store) forget("sv:" + home.split("/").pop());
    history.replaceState(null, "", home);
    return;
  }
  var f = d.getElementById("sf");
  if (!f) return;
  var K = "sv:" + f.getAttribute("data-token"), DEF = f.getAttribute("data-def");
  var keep = store && !f.hasAttribute("data-preview");
  if (/[?&]b=/.test(location.search)) history.replaceState(null, "", location.pathname);  // a slip's code stays private

  function named(n) { return f.querySelectorAll('[name="' + n + '"]'); }
  function values(n) {
    var out = [];
    each(named(n), function (el) {
      if (el.disabled || ((el.type === "radio" || el.type === "checkbox") && !el.checked) || el.value === "") return;
      out.push(el.value);
    });
    return out;
  }
  function holds(c) {
    if (c.all) return c.all.every(holds);
    if (c.any) return c.any.some(holds);
    var v, s = 0, i;
    if (c.mean) {
      for (i = 0; i < c.mean.length; i++) {
        v = values(c.mean[i]);
        if (v.length !== 1 || isNaN(+v[0])) return false;
        s += +v[0];
      }
      return s >= c.min * c.mean.length;
    }
    v = values(c.q);
    if (!v.length) return !!c.not;
    var list = c["in"] || c.not, hit = v.some(function (x) { return list.indexOf(x) >= 0; });
    return c.not ? !hit : hit;
  }
  var conds = [];
  each(f.querySelectorAll("[data-if]"), function (box) { conds.push([box, JSON.parse(box.getAttribute("data-if"))]); });
  function apply() {  // in page order, so a question depending on a hidden one hides too
    each(conds, function (pair) {
      var box = pair[0], on = holds(pair[1]);
      box.hidden = !on;
      each(box.querySelectorAll("input,textarea"), function (el) {
        el.disabled = !on;
        if (box.hasAttribute("data-req") && el.type !== "checkbox") el.required = on;
      });
    });
  }

  function collect() {  // every question of the form, answered or not, and the ballot code
    var a = {};
    each(f.elements, function (el) {
      var n = el.name;
      if (!n || n.charAt(0) === "_" || n === "csrf_token") return;
      if (!a[n]) a[n] = [];
      if (el.disabled || ((el.type === "radio" || el.type === "checkbox") && !el.checked) || el.value === "") return;
      a[n].push(el.value);
    });
    var b = f.elements._ballot;
    return {d: DEF, k: f.elements._key.value, s: +f.elements._sec.value, a: a, b: b ? b.value : "", t: Date.now()};
  }
  function put(n, vals) {  // show the kept answer: tick, type, or carry it as a hidden field
    var shown = false;
    each(named(n), function (el) {
      if (el.type === "hidden") { el.parentNode.removeChild(el); return; }
      shown = true;
      if (el.type === "radio" || el.type === "checkbox") el.checked = vals.indexOf(el.value) >= 0;
      else el.value = vals[0] || "";
    });
    if (!shown) each(vals, function (v) {
      var h = d.createElement("input");
      h.type = "hidden"; h.name = n; h.value = v;
      f.appendChild(h);
    });
  }
  function restore(kept) {
    for (var n in kept.a) if (Object.prototype.hasOwnProperty.call(kept.a, n)) put(n, kept.a[n]);
    var b = f.elements._ballot;
    if (b && kept.b && !b.value) b.value = kept.b;
  }
  function blank() {
    var a = collect().a;
    for (var n in a) if (a[n].length) return false;
    return true;
  }

  var kept = keep ? load(K) : null, offer = null, box = d.getElementById("resume");
  if (kept && (kept.d !== DEF || Date.now() - kept.t > 30 * 864e5)) { forget(K); kept = null; }
  if (kept && kept.k === f.elements._key.value) restore(kept);  // the same answer: this phone knows best
  else if (kept && box && f.elements._sec.value === "0" && blank()) {  // a questionnaire left half-filled
    offer = kept;
    box.querySelector("b").textContent = offer.s + 1;
    box.hidden = false;
    d.getElementById("cont").onclick = function () {
      restore(offer);
      f.elements._key.value = offer.k;
      f.elements._sec.value = offer.s;
      var nav = d.createElement("input");
      nav.type = "hidden"; nav.name = "_nav"; nav.value = "resume";
      f.appendChild(nav);
      f.submit();
    };
    d.getElementById("fresh").onclick = function () { decline(); remember(); };
  }
  function decline() { offer = null; if (box) box.hidden = true; }
  function remember() { if (keep && !offer) save(K, collect()); }
  apply();
  remember();
  f.addEventListener("change", function () { apply(); decline(); remember(); });
  f.addEventListener("input", function () { decline(); remember(); });
  f.addEventListener("submit", function (e) {
    if (f.getAttribute("data-sent")) { e.preventDefault(); return; }  // a double tap sends once
    f.setAttribute("data-sent", "1");
    setTimeout(function () { f.removeAttribute("data-sent"); }, 8000);
    decline(); remember();
  });

  var bad = f.querySelector(".bad");
  function toFirstError() {  // after "load": the browser's own jump to the #anchor would take the focus away
    var first = bad.querySelector("input:not([type=hidden]):not([disabled]),textarea");
    bad.scrollIntoView({block: "start"});
    if (first) first.focus({preventScroll: true});
  }
  if (bad) {
    if (d.readyState === "complete") toFirstError();
    else window.addEventListener("load", function () { setTimeout(toFirstError, 0); });
  }
}());
