import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';

/**
 * The docs hold together: every relative link and `#anchor` in README.md and docs/**\/*.md points
 * at a file that exists and, for an anchor, at a heading (GitHub's slug of it) or an `<a id>` of
 * that file. Fast and without services: it reads Markdown files only.
 */
const root = path.resolve(__dirname, '../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(file);
    return entry.name.endsWith('.md') ? [file] : [];
  });
}

const pages = [path.join(root, 'README.md'), ...markdownFiles(path.join(root, 'docs'))];

/** A heading's text as GitHub slugs it: inline Markdown rendered to its text (code spans, link text), HTML left out. */
function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? []).map((token) => {
    if (token.type === 'html') return '';
    if ('tokens' in token && token.tokens) return plainText(token.tokens);
    return 'text' in token ? String(token.text) : '';
  }).join('');
}

const HTML_ANCHOR = /<a\s+(?:id|name)="([^"]+)"/g;
const HTML_LINK = /<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g;

interface Page {
  anchors: Set<string>;
  links: string[];
}

const parsed = new Map<string, Page>();

/** The anchors a Markdown file offers and the links it holds (code blocks and code spans hold none). */
function page(file: string): Page {
  let found = parsed.get(file);
  if (found) return found;
  const slugger = new GithubSlugger();
  found = { anchors: new Set(), links: [] };
  const { anchors, links } = found;
  // walkTokens returns the callbacks' results (for async extensions); these return nothing.
  void marked.walkTokens(marked.lexer(readFileSync(file, 'utf8')), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
    if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
    if (token.type === 'html') {
      for (const [, id] of token.raw.matchAll(HTML_ANCHOR)) anchors.add(id!);
      for (const [, href] of token.raw.matchAll(HTML_LINK)) links.push(href!);
    }
  });
  parsed.set(file, found);
  return found;
}

/** What is wrong with one link of `from`, or undefined. External links (a scheme) are not followed. */
function brokenLink(from: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  const [target = '', anchor] = href.split('#', 2);
  const file = target === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(target));
  if (!existsSync(file)) return `${href}: no file ${path.relative(root, file)}`;
  if (anchor === undefined) return undefined;
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return `${href}: an anchor into something that is not a Markdown file`;
  return page(file).anchors.has(decodeURIComponent(anchor)) ? undefined : `${href}: ${path.relative(root, file)} has no heading or <a id> "${anchor}"`;
}

/** The body of `interface name { ... }` in TypeScript text, comments removed. */
function interfaceBody(text: string, name: string): string {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const start = new RegExp(`interface ${name}(<[^>]*>)? \\{`).exec(code);
  if (!start) throw new Error(`no interface ${name}`);
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < code.length; i += 1) {
    if (code[i] === '{') depth += 1;
    if (code[i] === '}' && (depth -= 1) === 0) return code.slice(start.index + start[0].length, i);
  }
  throw new Error(`interface ${name} does not close`);
}

/** The member names of an interface body: the first name of each `;`-separated member at depth 0. */
function memberNames(body: string): string[] {
  const members: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of body) {
    if ('({['.includes(char)) depth += 1;
    if (')}]'.includes(char)) depth -= 1;
    if ((char === ';' || char === '\n') && depth === 0) {
      const name = /^\s*(?:readonly\s+)?([A-Za-z_]\w*)/.exec(current);
      if (name) members.push(name[1]!);
      current = '';
    } else {
      current += char;
    }
  }
  return members.sort();
}

describe('the docs', () => {
  it('README.md and docs/ are where the pages expect them', () => {
    expect(pages.map((file) => path.relative(root, file))).toContain('docs/architecture.md');
    expect(pages.length).toBeGreaterThan(10);
  });

  it.each(pages.map((file) => [path.relative(root, file), file]))('%s: every relative link and #anchor points at something', (_name, file) => {
    const { links } = page(file);
    expect(links.map((href) => brokenLink(file, href)).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it('the README links every docs page (two clicks to any behaviour)', () => {
    const readme = path.join(root, 'README.md');
    const linked = new Set(page(readme).links.map((href) => path.resolve(root, decodeURIComponent(href.split('#')[0]!))));
    const unlinked = pages.filter((file) => file !== readme && !linked.has(file)).map((file) => path.relative(root, file));
    // Notes that helpers leave for the coordinator are folded into pages, not linked.
    expect(unlinked.filter((file) => !file.startsWith('docs/notes/'))).toEqual([]);
  });

  it('the README names its two commands exactly, and CI runs the test command', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /```bash\n(npm run demo .*)\n(npm test .*)\n```/.exec(readme);
    expect(block, 'a bash block with `npm run demo` then `npm test`').not.toBeNull();
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(/^exec npm test$/m);
  });

  it('docs/architecture.md shows each seam with exactly the members the code defines', () => {
    const page = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
    const seams = [...page.matchAll(/<!-- interface: (\w+) (\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(seams.map(([, name]) => name)).toEqual(['CatalogStore', 'WarehouseSink', 'FormatReader']);
    for (const [, name, file, block] of seams) {
      const code = readFileSync(path.join(root, file!), 'utf8');
      expect(memberNames(interfaceBody(block!, name!)), `${name} in docs/architecture.md against ${file}`).toEqual(memberNames(interfaceBody(code, name!)));
    }
  });

  it('finds a broken link and a broken anchor', () => {
    const readme = path.join(root, 'README.md');
    expect(brokenLink(readme, 'docs/no-such-page.md')).toBe('docs/no-such-page.md: no file docs/no-such-page.md');
    expect(brokenLink(readme, 'docs/architecture.md#no-such-heading')).toBe(
      'docs/architecture.md#no-such-heading: docs/architecture.md has no heading or <a id> "no-such-heading"',
    );
    expect(brokenLink(readme, 'https://example.com/anything')).toBeUndefined();
  });
});
