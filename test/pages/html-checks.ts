/** Loose structural checks for the pages: enough to catch a broken template, not a full HTML parser. */
import { createHash } from 'node:crypto';

const VOID_ELEMENTS = new Set(['meta', 'input', 'br', 'hr', 'img', 'link']);

/** The text of the one `<style>` element (throws unless there is exactly one). */
export const styleText = (document: string): string => {
  const blocks = [...document.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  if (blocks.length !== 1) throw new Error(`expected exactly one <style> element, found ${blocks.length}`);
  return blocks[0]?.[1] ?? '';
};

/** `'sha256-…'` of a style block, computed independently of the code under test. */
export const cspHashOf = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Markup with the style block's content removed, so CSS is not mistaken for markup. */
const withoutStyle = (document: string): string =>
  document.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');

/**
 * Problems with the document's structure: unbalanced or misnested tags, and raw `<` or `>` in text
 * (which would mean something was not escaped). An empty list means well-formed enough.
 */
export const structureProblems = (document: string): string[] => {
  const problems: string[] = [];
  const markup = withoutStyle(document).replace(/^<!doctype html>\n/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([a-z][a-z0-9]*)\b((?:"[^"]*"|[^>"])*)>/g;
  let last = 0;
  for (const match of markup.matchAll(tag)) {
    const text = markup.slice(last, match.index);
    if (/[<>]/.test(text)) problems.push(`raw < or > in text: ${JSON.stringify(text)}`);
    last = match.index + match[0].length;
    const [, closing, name = ''] = match;
    if (VOID_ELEMENTS.has(name)) {
      if (closing) problems.push(`closing tag for void element <${name}>`);
      continue;
    }
    if (!closing) {
      stack.push(name);
      continue;
    }
    const open = stack.pop();
    if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
  }
  const tail = markup.slice(last);
  if (/[<>]/.test(tail)) problems.push(`raw < or > in text: ${JSON.stringify(tail)}`);
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
};

/** Number of opening tags of an element. */
export const countTags = (document: string, name: string): number =>
  [...withoutStyle(document).matchAll(new RegExp(`<${name}\\b`, 'g'))].length;

/** The inside of the one `<main>` element. */
export const mainOf = (document: string): string => {
  const match = /<main class="[a-z-]+">\n([\s\S]*)\n<\/main>/.exec(document);
  if (!match?.[1]) throw new Error('no <main> element');
  return match[1];
};

/** Reasons a page could load or link to something outside itself. */
export const externalReferences = (document: string): string[] =>
  [
    /\bsrc\s*=/i,
    /\bhref\s*=/i,
    /\bsrcset\s*=/i,
    /https?:/i,
    /\/\/[a-z0-9]/i,
    /url\(/i,
    /@import/i,
    /<script/i,
    /<link\b/i,
    /<iframe/i,
    /\bon[a-z]+\s*=/i,
  ]
    .filter((pattern) => pattern.test(document))
    .map(String);

/** WCAG 2.x contrast ratio of two `#rrggbb` colours. */
export const contrastRatio = (a: string, b: string): number => {
  const luminance = (hex: string): number => {
    const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
    const [r = 0, g = 0, bl = 0] = channels.map((c) =>
      c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
    );
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};
