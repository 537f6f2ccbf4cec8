// songclear dashboard: the only script. Confirms destructive buttons and ticks all boxes of a column.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-toggle-all]");
  if (!all) return;
  for (const box of all.form.querySelectorAll(`input[name="${all.dataset.toggleAll}"]`)) box.checked = all.checked;
});
