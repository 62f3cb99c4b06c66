// bench/RESULTS.md's model-server section: `npm run bench:serve -- --write` owns the text between
// the markers, the full suite (`npm run bench -- --write`) owns the rest of the file. Each writer
// replaces only its own part, so neither a suite run nor a serving run erases the other's numbers.

export const SERVE_BEGIN = '<!-- bench:serve -->';
export const SERVE_END = '<!-- /bench:serve -->';

/** What the section says before bench:serve has written it. */
export const SERVE_PLACEHOLDER = [
  SERVE_BEGIN,
  '## Model server (`npm run bench:serve`)',
  '',
  'Not measured by the suite: `npm run bench:serve -- --write` measures the model server against the alternatives ' +
    'and writes its table, goals and chart into this section of `bench/RESULTS.md` (from a saved run: ' +
    '`node bench/serve/run.mjs --from bench/results/<stamp>-serve.json --write`).',
  SERVE_END,
].join('\n');

function bounds(text) {
  const start = text.indexOf(SERVE_BEGIN);
  if (start < 0) return undefined;
  const end = text.indexOf(SERVE_END, start + SERVE_BEGIN.length);
  if (end < 0) throw new Error(`${SERVE_BEGIN} without ${SERVE_END}: fix bench/RESULTS.md by hand`);
  return { start, end: end + SERVE_END.length };
}

/** The section of `text`, markers included; undefined when it has none. */
export function serveSectionOf(text) {
  const b = bounds(text);
  return b && text.slice(b.start, b.end);
}

/**
 * `text` with its section (markers included) replaced by `section`; without one, `section` goes
 * before the `## Method` heading (the suite's last section), else at the end. Everything outside
 * the markers is kept byte for byte.
 */
export function withServeSection(text, section) {
  if (!section.startsWith(SERVE_BEGIN) || !section.endsWith(SERVE_END)) throw new Error('a section starts and ends with its markers');
  const b = bounds(text);
  if (b) return text.slice(0, b.start) + section + text.slice(b.end);
  const method = text.search(/^## Method$/m);
  if (method >= 0) return `${text.slice(0, method)}${section}\n\n${text.slice(method)}`;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}\n${section}\n`;
}
