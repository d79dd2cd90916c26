import type { Slide } from '../../../protocol/bridge';

type TimedSlide = Pick<Slide, 'id' | 'durationMs'>;

/**
 * Where the content loop is: which slide, and how much of its time is left. Pausing keeps
 * the time left, so a greeting that interrupts the loop hands it back where it was.
 * Times are ms on one monotonic clock (performance.now()).
 */
export interface LoopPosition {
  readonly index: number;
  readonly slideId: string;
  /** Time left on the slide as of `runningSince`, or from whenever it resumes while paused. */
  readonly remainingMs: number;
  /** When the slide's clock last started; null while the loop is paused. */
  readonly runningSince: number | null;
}

function slideAt(slides: readonly TimedSlide[], index: number): TimedSlide {
  const slide = slides[index];
  if (!slide) throw new Error(`the playlist has no slide ${index}`);
  return slide;
}

function showSlide(slides: readonly TimedSlide[], index: number, now: number | null): LoopPosition {
  const slide = slideAt(slides, index);
  return { index, slideId: slide.id, remainingMs: slide.durationMs, runningSince: now };
}

const timeLeft = (position: LoopPosition, now: number): number =>
  position.runningSince === null ? position.remainingMs : position.remainingMs - (now - position.runningSince);

export function startLoop(slides: readonly TimedSlide[], now: number, running = true): LoopPosition {
  return showSlide(slides, 0, running ? now : null);
}

export function pauseLoop(position: LoopPosition, now: number): LoopPosition {
  if (position.runningSince === null) return position;
  return { ...position, remainingMs: Math.max(0, timeLeft(position, now)), runningSince: null };
}

export function resumeLoop(position: LoopPosition, now: number): LoopPosition {
  if (position.runningSince !== null) return position;
  return { ...position, runningSince: now };
}

/** How long until the next slide is due; null while paused. */
export function msUntilNextSlide(position: LoopPosition, now: number): number | null {
  return position.runningSince === null ? null : Math.max(0, timeLeft(position, now));
}

/**
 * Moves on to the next slide, wrapping round, once the current one is due; the same
 * position otherwise. A late timer (a busy or sleeping machine) shows the next slide in
 * full rather than racing through the ones it missed.
 */
export function advanceLoop(position: LoopPosition, slides: readonly TimedSlide[], now: number): LoopPosition {
  if (position.runningSince === null || timeLeft(position, now) > 0) return position;
  return showSlide(slides, (position.index + 1) % slides.length, now);
}

/**
 * Carries the position over to a changed playlist: the slide on screen stays, with no
 * more than its new duration left, when the new playlist still has it; the loop starts
 * over otherwise. The same position when nothing it depends on changed.
 */
export function followPlaylist(position: LoopPosition, slides: readonly TimedSlide[], now: number): LoopPosition {
  const running = position.runningSince !== null;
  const index = slides[position.index]?.id === position.slideId ? position.index : slides.findIndex((s) => s.id === position.slideId);
  if (index < 0) return showSlide(slides, 0, running ? now : null);
  const left = Math.min(timeLeft(position, now), slideAt(slides, index).durationMs);
  if (index === position.index && left === timeLeft(position, now)) return position;
  return { index, slideId: position.slideId, remainingMs: Math.max(0, left), runningSince: running ? now : null };
}
