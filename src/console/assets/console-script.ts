/**
 * The console's only JavaScript: copy buttons for the policies, and the reload of pages that show
 * something running (`<body data-refresh="3">`), unless a form was touched or the user is leaving.
 */
export const CONSOLE_JS = `
document.addEventListener('click', (event) => {
  const button = event.target.closest('button.copy');
  if (!button) return;
  const text = document.getElementById(button.dataset.copy)?.textContent ?? '';
  navigator.clipboard?.writeText(text).then(() => { button.textContent = 'Copied'; }, () => { button.textContent = 'Select and copy'; });
});
// Not while the user types, and not once they are on their way to another page.
let stay = true;
document.addEventListener('input', () => { stay = false; });
document.addEventListener('submit', () => { stay = false; });
window.addEventListener('beforeunload', () => { stay = false; });
document.addEventListener('click', (event) => { if (event.target.closest('a')) stay = false; });
const seconds = Number(document.body.dataset.refresh);
if (seconds > 0) setTimeout(() => { if (stay) location.reload(); }, seconds * 1000);
`;
