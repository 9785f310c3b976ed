import type { Child } from 'hono/jsx';
import type { Tone } from '../status-words';

/** A message after an action (Post/Redirect/Get), with a link to what it started. */
export interface Notice {
  text: string;
  tone: Tone;
  link?: { href: string; label: string };
}

export type Section = 'connections' | 'tables' | 'runs' | 'exports';

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'connections', href: '/connections', label: 'Connections' },
  { section: 'tables', href: '/tables', label: 'Tables' },
  { section: 'runs', href: '/runs', label: 'Runs' },
  { section: 'exports', href: '/exports', label: 'Exports and migrations' },
];

/** Every page: the navigation, a notice, the content; `refresh` reloads the page while something runs (console.js). */
export function Layout(props: { title: string; section?: Section; notice?: Notice; refresh?: number; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · s3bridge</title>
        <link rel="stylesheet" href="/console.css" />
        <script src="/console.js" defer></script>
      </head>
      <body data-refresh={props.refresh !== undefined ? String(props.refresh) : undefined}>
        <header>
          <a class="brand" href="/">s3bridge</a>
          <nav>
            {NAV.map((n) => <a href={n.href} class={n.section === props.section ? 'current' : undefined}>{n.label}</a>)}
          </nav>
        </header>
        <main>
          {props.notice ? (
            <p class={`notice ${props.notice.tone}`} role="status">
              {props.notice.text}{props.notice.link ? <> <a href={props.notice.link.href}>{props.notice.link.label}</a></> : null}
            </p>
          ) : null}
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A status in the CLI's word and the console's colour for it. */
export function Badge(props: { tone: Tone; word: string }) {
  return <span class={`badge ${props.tone}`}>{props.word}</span>;
}

/** A state-changing button: a POST (the CSRF check applies to every POST). */
export function ActionButton(props: { action: string; label: string; danger?: boolean; fields?: Record<string, string>; children?: Child }) {
  return (
    <form method="post" action={props.action} class="inline">
      {Object.entries(props.fields ?? {}).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
      {props.children}
      <button type="submit" class={props.danger ? 'danger' : undefined}>{props.label}</button>
    </form>
  );
}

/** A link to a run's page in the Temporal UI. */
export function TemporalLink(props: { href: string; label?: string }) {
  return <a class="temporal" href={props.href} target="_blank" rel="noopener noreferrer">{props.label ?? 'Temporal UI'}</a>;
}

/** `2025-06-01T13:00:00.000Z` as `2025-06-01 13:00 UTC`. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A path segment, escaped for a URL. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
