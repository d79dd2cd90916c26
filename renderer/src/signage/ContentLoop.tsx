import { useEffect, useState } from 'react';
import type { Playlist } from '../../../protocol/bridge';
import { advanceLoop, followPlaylist, msUntilNextSlide, pauseLoop, resumeLoop, startLoop } from './loop-position';
import { SlideView } from './SlideView';

const now = (): number => performance.now();

/** Plays the playlist round and round; `paused` freezes it on its slide with the time left, for a greeting. */
export function ContentLoop({ playlist, paused }: { playlist: Playlist; paused: boolean }) {
  const slides = playlist.slides;
  const [position, setPosition] = useState(() => startLoop(slides, now(), !paused));

  useEffect(() => {
    setPosition((p) => followPlaylist(p, slides, now()));
  }, [slides]);

  useEffect(() => {
    setPosition((p) => (paused ? pauseLoop(p, now()) : resumeLoop(p, now())));
  }, [paused]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const wait = msUntilNextSlide(position, now());
      if (wait === null) return;
      timer = setTimeout(() => {
        const next = advanceLoop(position, slides, now());
        // A timer may fire a hair early; then it simply waits the rest.
        if (next === position) arm();
        else setPosition(next);
      }, wait);
    };
    arm();
    return () => clearTimeout(timer);
  }, [position, slides]);

  return (
    <div className="content-loop" data-testid="content-loop">
      {slides.map((slide, index) => (
        // Every slide stays mounted so images are decoded before their turn and the cross-fade has both sides.
        <SlideView key={`${index}:${slide.id}`} slide={slide} current={index === position.index} />
      ))}
    </div>
  );
}
