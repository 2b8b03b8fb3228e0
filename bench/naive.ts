/**
 * The naive way to re-anchor, for comparison: each annotation on its own, in the style of
 * Hypothesis's `matchQuote` (client/src/annotator/anchoring/match-quote.ts): an approximate search
 * of the whole text for the quote, allowing up to half its length in errors, then every candidate
 * scored on quote, prefix, suffix and position with Hypothesis's weights (50, 20, 20, 2).
 *
 * Positions here are UTF-16 offsets, as in Hypothesis; the caller converts.
 */
import search from 'approx-string-match';
import { setTarget, type AnchorResult, type Annotation } from '../src/core/model/annotation';
import type { Text } from '../src/core/text/text';

export interface QuoteMatch {
  start: number;
  end: number;
  errors: number;
  /** Normalised score, 0–1. */
  score: number;
}

export interface MatchContext {
  prefix?: string;
  suffix?: string;
  /** Expected UTF-16 offset of the quote. */
  hint?: number;
}

interface RawMatch {
  start: number;
  end: number;
  errors: number;
}

/** Hypothesis's `search`: every exact occurrence when there is one, else an approximate search. */
function exactThenApprox(text: string, str: string, maxErrors: number): RawMatch[] {
  const exact: RawMatch[] = [];
  for (let i = text.indexOf(str); i !== -1; i = text.indexOf(str, i + 1)) exact.push({ start: i, end: i + str.length, errors: 0 });
  return exact.length > 0 ? exact : search(text, str, maxErrors);
}

/** Hypothesis's `textMatchScore`: how well `str` matches somewhere in `text`, 0–1. */
function textMatchScore(text: string, str: string): number {
  if (str.length === 0 || text.length === 0) return 0;
  const matches = exactThenApprox(text, str, str.length);
  return 1 - matches[0].errors / str.length;
}

/**
 * Finds the best match for `quote` in `text`. With `exactFirst` false (the default, the naive
 * baseline) the quote is always searched approximately over the whole text; with `exactFirst`
 * true it first looks for exact occurrences, as Hypothesis's own `search` helper does.
 */
export function matchQuote(text: string, quote: string, context: MatchContext = {}, exactFirst = false): QuoteMatch | undefined {
  if (quote.length === 0) return undefined;
  const maxErrors = Math.min(256, quote.length / 2);
  const matches = exactFirst ? exactThenApprox(text, quote, maxErrors) : search(text, quote, maxErrors);
  if (matches.length === 0) return undefined;
  const scoreMatch = (m: RawMatch): number => {
    const quoteWeight = 50;
    const prefixWeight = 20;
    const suffixWeight = 20;
    const posWeight = 2;
    const quoteScore = 1 - m.errors / quote.length;
    const prefixScore = context.prefix
      ? textMatchScore(text.slice(Math.max(0, m.start - context.prefix.length), m.start), context.prefix)
      : 1;
    const suffixScore = context.suffix ? textMatchScore(text.slice(m.end, m.end + context.suffix.length), context.suffix) : 1;
    let posScore = 1;
    if (typeof context.hint === 'number') posScore = 1 - Math.abs(m.start - context.hint) / text.length;
    const raw = quoteWeight * quoteScore + prefixWeight * prefixScore + suffixWeight * suffixScore + posWeight * posScore;
    return raw / (quoteWeight + prefixWeight + suffixWeight + posWeight);
  };
  let top: QuoteMatch | undefined;
  for (const m of matches) {
    const score = scoreMatch(m);
    if (!top || score > top.score) top = { start: m.start, end: m.end, errors: m.errors, score };
  }
  return top;
}

/**
 * Re-anchors annotations one by one with `matchQuote`, in place, like `reanchor` does (positions
 * in code points; `exact` when the quote is unchanged at its recorded place, `moved` when found
 * unchanged elsewhere, `fuzzy` when approximately, else `orphan`).
 */
export function naiveReanchor(text: Text, annotations: readonly Annotation[], exactFirst = false): AnchorResult[] {
  const t = text.text;
  return annotations.map((ann) => {
    const hint = ann.start !== undefined ? text.toUtf16(Math.min(ann.start, text.length)) : undefined;
    const m = matchQuote(t, ann.exact, { prefix: ann.prefix, suffix: ann.suffix, hint }, exactFirst);
    if (!m) {
      setTarget(ann, { target: 'lost' });
      return { id: ann.id, status: 'orphan', confidence: 0, certainty: 'low', reason: 'Not found.' } satisfies AnchorResult;
    }
    const start = text.toCodePoint(m.start);
    const end = text.toCodePoint(m.end);
    const status = m.errors > 0 ? 'fuzzy' : start === ann.start && end === ann.end ? 'exact' : 'moved';
    setTarget(ann, { target: 'passage', start, end });
    // Hypothesis reports no confidence; its normalised score stands in for one.
    const confidence = Math.round(m.score * 100) / 100;
    return { id: ann.id, status, start, end, confidence, certainty: confidence >= 0.8 ? 'high' : confidence >= 0.5 ? 'medium' : 'low', reason: 'Best match.' } satisfies AnchorResult;
  });
}

/**
 * Re-anchoring the way Hypothesis's client does it (annotator/anchoring/html.ts `anchor`): first
 * the TextPositionSelector, kept when the text there is still the quote; otherwise the
 * TextQuoteSelector through `matchQuote` with the old position as hint, whose `search` looks for
 * every exact occurrence with indexOf and searches approximately only when there is none.
 */
export function hypothesisReanchor(text: Text, annotations: readonly Annotation[]): AnchorResult[] {
  const results: AnchorResult[] = [];
  for (const ann of annotations) {
    if (ann.start !== undefined && ann.end !== undefined && ann.end <= text.length && text.matchesAt(ann.start, ann.end, ann.exact)) {
      results.push({ id: ann.id, status: 'exact', start: ann.start, end: ann.end, confidence: 1, certainty: 'high', reason: 'Position selector.' });
    } else {
      results.push(naiveReanchor(text, [ann], true)[0]);
    }
  }
  return results;
}
