// Prefill the time zone from the browser on sign-up; the customer can still change it.
(function () {
  var select = document.getElementById("id_time_zone");
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (select && zone && !select.dataset.touched && select.querySelector('option[value="' + zone + '"]')) {
    select.value = zone;
  }
})();
