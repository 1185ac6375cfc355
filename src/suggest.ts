// "Did you mean …?": the one rule for proposing a known name in place of a misspelt one, used by
// job files, API requests and the CLI alike, so a typo gets the same help wherever it is made.

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (`comand` → `command` is 1, `hnalder` → `handler` is 1).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows are enough: the current one, the previous one, and the one before for swaps.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

// Names longer than this are not compared: the table is quadratic, and nobody misspells a page.
const MAX_COMPARED = 64;

/**
 * The known name closest to `input`, when it is close enough to be a typo: at most one edit for
 * names of up to four characters, two up to eight, three beyond; case and `-`/`_` are ignored
 * (`Command`, `retry-delay`). Undefined when nothing is close, when `input` is itself known, or
 * when two names are equally close (a guess between them would mislead).
 */
export function suggest(input: string, known: Iterable<string>): string | undefined {
  const wanted = fold(input);
  if (wanted === '' || wanted.length > MAX_COMPARED) return undefined;
  const limit = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tied = false;
  for (const name of new Set(known)) {
    if (name === input) return undefined;
    const candidate = fold(name);
    if (candidate.length > MAX_COMPARED || Math.abs(candidate.length - wanted.length) > limit) continue;
    const distance = editDistance(wanted, candidate);
    if (distance > limit) continue;
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance && fold(best!) !== candidate) {
      tied = true;
    }
  }
  return tied ? undefined : best;
}

/** `; did you mean 'command'?` for a message, or '' when there is no suggestion. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : `; did you mean '${suggestion}'?`;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}
