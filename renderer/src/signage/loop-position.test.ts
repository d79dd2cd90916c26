import { describe, expect, it } from 'vitest';
import { advanceLoop, followPlaylist, msUntilNextSlide, pauseLoop, resumeLoop, startLoop } from './loop-position';

const slides = [
  { id: 'welcome', durationMs: 6000 },
  { id: 'coffee', durationMs: 4000 },
  { id: 'pastry', durationMs: 5000 },
];

describe('content loop position', () => {
  it('starts on the first slide with its whole duration', () => {
    const position = startLoop(slides, 1000);
    expect(position).toEqual({ index: 0, slideId: 'welcome', remainingMs: 6000, runningSince: 1000 });
    expect(msUntilNextSlide(position, 2500)).toBe(4500);
  });

  it('stays on a slide until it is due, then moves to the next and wraps round', () => {
    let position = startLoop(slides, 0);
    expect(advanceLoop(position, slides, 5999)).toBe(position);
    position = advanceLoop(position, slides, 6000);
    expect(position).toMatchObject({ index: 1, slideId: 'coffee', remainingMs: 4000, runningSince: 6000 });
    position = advanceLoop(position, slides, 10_000);
    position = advanceLoop(position, slides, 15_000);
    expect(position).toMatchObject({ index: 0, slideId: 'welcome', runningSince: 15_000 });
  });

  it('shows the next slide in full after a late timer rather than skipping slides', () => {
    const position = advanceLoop(startLoop(slides, 0), slides, 60_000);
    expect(position).toMatchObject({ index: 1, remainingMs: 4000, runningSince: 60_000 });
  });

  it('keeps the time left on a slide across a pause', () => {
    let position = startLoop(slides, 0);
    position = pauseLoop(position, 2000);
    expect(position).toMatchObject({ index: 0, remainingMs: 4000, runningSince: null });
    expect(msUntilNextSlide(position, 50_000)).toBeNull();
    expect(advanceLoop(position, slides, 50_000)).toBe(position);
    position = resumeLoop(position, 50_000);
    expect(msUntilNextSlide(position, 51_000)).toBe(3000);
    expect(advanceLoop(position, slides, 53_999).index).toBe(0);
    expect(advanceLoop(position, slides, 54_000).index).toBe(1);
  });

  it('resumes at the interrupted slide, not the start, after several pauses', () => {
    let position = advanceLoop(startLoop(slides, 0), slides, 6000);
    position = pauseLoop(position, 7000);
    position = resumeLoop(position, 15_000);
    position = pauseLoop(position, 16_000);
    position = resumeLoop(position, 24_000);
    expect(position).toMatchObject({ index: 1, slideId: 'coffee', remainingMs: 2000 });
    expect(msUntilNextSlide(position, 24_000)).toBe(2000);
  });

  it('treats pausing a paused loop and resuming a running one as no change', () => {
    const running = startLoop(slides, 0);
    expect(resumeLoop(running, 10)).toBe(running);
    const paused = pauseLoop(running, 10);
    expect(pauseLoop(paused, 500)).toBe(paused);
  });

  it('can start paused', () => {
    const position = startLoop(slides, 0, false);
    expect(position.runningSince).toBeNull();
    expect(resumeLoop(position, 300)).toMatchObject({ remainingMs: 6000, runningSince: 300 });
  });

  describe('followPlaylist', () => {
    it('changes nothing when the playlist still has the slide where it was', () => {
      const position = startLoop(slides, 0);
      expect(followPlaylist(position, [...slides], 100)).toBe(position);
    });

    it('follows the slide on screen to its new place', () => {
      const position = advanceLoop(startLoop(slides, 0), slides, 6000);
      const reordered = [slides[1], slides[0], slides[2]].flatMap((s) => (s ? [s] : []));
      expect(followPlaylist(position, reordered, 7000)).toMatchObject({ index: 0, slideId: 'coffee', remainingMs: 3000, runningSince: 7000 });
    });

    it('gives the slide no more than its new duration', () => {
      const position = pauseLoop(startLoop(slides, 0), 1000);
      const shortened = [{ id: 'welcome', durationMs: 2000 }];
      expect(followPlaylist(position, shortened, 5000)).toEqual({ index: 0, slideId: 'welcome', remainingMs: 2000, runningSince: null });
    });

    it('starts over when the slide on screen is gone', () => {
      const position = advanceLoop(startLoop(slides, 0), slides, 6000);
      const replaced = [{ id: 'autumn', durationMs: 8000 }];
      expect(followPlaylist(position, replaced, 9000)).toEqual({ index: 0, slideId: 'autumn', remainingMs: 8000, runningSince: 9000 });
    });
  });
});
