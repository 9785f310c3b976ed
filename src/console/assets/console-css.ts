/** The console's one stylesheet: plain CSS, the status colours (tones) defined once. */
export const CONSOLE_CSS = `
:root { --ok: #1f7a3a; --ok-bg: #dcf3e3; --bad: #b42318; --bad-bg: #fde4e1; --warn: #8a5a00; --warn-bg: #fdf0c8;
  --busy: #1d4ed8; --busy-bg: #dde7fd; --idle: #555; --idle-bg: #ececec; --line: #ddd; --text: #1b1b1b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); background: #fafafa; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #16213e; }
header a { color: #dfe6f5; text-decoration: none; }
header .brand { font-weight: 700; color: #fff; }
header nav { display: flex; gap: 16px; }
header nav a.current { color: #fff; border-bottom: 2px solid #fff; }
main { padding: 16px 24px 48px; max-width: 1280px; }
h1 { font-size: 20px; margin: 8px 0 12px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
table { border-collapse: collapse; background: #fff; margin: 4px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
.mono, pre, code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12px; }
pre { background: #fff; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 360px; white-space: pre-wrap; word-break: break-word; }
pre.error { border-color: var(--bad); background: var(--bad-bg); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.ok { color: var(--ok); background: var(--ok-bg); } .bad { color: var(--bad); background: var(--bad-bg); }
.warn { color: var(--warn); background: var(--warn-bg); } .busy { color: var(--busy); background: var(--busy-bg); }
.idle { color: var(--idle); background: var(--idle-bg); }
.notice { padding: 8px 12px; border-radius: 6px; margin: 0 0 12px; }
.notice p { margin: 4px 0; }
.empty { color: var(--idle); }
.reason { color: var(--bad); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
.facts dt { color: var(--idle); } .facts dd { margin: 0; }
form.inline { display: inline-flex; gap: 8px; align-items: center; margin: 0 8px 8px 0; flex-wrap: wrap; }
form.stack { display: flex; flex-direction: column; gap: 8px; max-width: 760px; }
form.grid { display: flex; gap: 8px 16px; flex-wrap: wrap; align-items: end; }
form.grid label { display: flex; flex-direction: column; font-size: 12px; color: var(--idle); }
form.grid label.wide { min-width: 320px; }
textarea { font-family: ui-monospace, Menlo, monospace; font-size: 12px; width: 100%; }
button, a.button { font: inherit; padding: 4px 12px; border: 1px solid #16213e; border-radius: 4px; background: #16213e; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.danger { background: var(--bad); border-color: var(--bad); }
button.copy { padding: 0 8px; font-size: 12px; background: #fff; color: #16213e; }
.danger-zone { border: 1px solid var(--bad-bg); padding: 8px; border-radius: 6px; }
.legend { display: flex; gap: 8px; flex-wrap: wrap; }
.legend .cell { padding: 0 8px; border-radius: 4px; font-size: 12px; }
.calendar { display: flex; flex-wrap: wrap; gap: 16px; }
.month caption { text-align: left; font-weight: 600; padding: 2px 0; }
.month th { font-size: 11px; padding: 2px; text-align: center; }
.month td { width: 46px; height: 40px; padding: 0; text-align: center; font-size: 11px; }
.month td a { display: block; height: 100%; padding: 2px; color: inherit; text-decoration: none; }
.month td span { display: block; font-weight: 600; } .month td small { display: block; }
.month td.none { color: #bbb; } .month td.pad { border: none; background: transparent; }
.steps li.done { color: var(--ok); } .steps li.current { font-weight: 600; color: var(--busy); }
.temporal::after { content: " ↗"; }
`;
