/* The state buttons of a question or article change form: "Schedule" is offered while the
 * publication date typed above is in the future, "Publish now" otherwise; the one that fits is
 * the form's main button. Without JavaScript both are shown, and the server checks the date.
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var schedule = document.querySelector("input.workflow-button[name=_schedule]");
  var publish = document.querySelector("input.workflow-button[name=_publish]");
  var day = document.getElementById("id_published_at_0");
  var time = document.getElementById("id_published_at_1");
  if (!schedule || !publish || !day || !time) {
    return;
  }
  // The fields hold the server's local time; Django puts its UTC offset (seconds) on <body>.
  var offset = parseInt(document.body.dataset.adminUtcOffset || "0", 10) || 0;

  function typedMoment() {
    var d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(day.value.trim());
    if (!d) {
      return null;
    }
    var t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.value.trim() || "0:00");
    if (!t) {
      return null;
    }
    var utc = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], +(t[3] || 0));
    return utc - offset * 1000;
  }

  function update() {
    var moment = typedMoment();
    var later = moment !== null && moment > Date.now();
    schedule.hidden = !later;
    schedule.classList.toggle("default", later);
    publish.classList.toggle("default", !later);
  }

  ["input", "change"].forEach(function (kind) {
    day.addEventListener(kind, update);
    time.addEventListener(kind, update);
  });
  // The admin's calendar and clock pickers set the value without an input event.
  document.addEventListener("click", function () {
    window.setTimeout(update, 0);
  });
  update();
});
