import { useState } from 'react';
import type { Slide } from '../../../protocol/bridge';
import { readableTextColour } from './readable-text-colour';

export function SlideView({ slide, current }: { slide: Slide; current: boolean }) {
  const marks = current ? { 'data-testid': 'slide', 'data-slide-id': slide.id } : { 'aria-hidden': true };
  if (slide.kind === 'text') {
    return (
      <section
        className={`slide slide-text${current ? ' is-current' : ''}`}
        style={{ backgroundColor: slide.background, color: readableTextColour(slide.background) }}
        {...marks}
      >
        <h1 className="slide-title">{slide.title}</h1>
        {slide.body && <p className="slide-body">{slide.body}</p>}
      </section>
    );
  }
  return (
    <section className={`slide slide-image${current ? ' is-current' : ''}`} {...marks}>
      <SlideImage src={slide.src} alt={slide.caption ?? ''} />
      {slide.caption && <p className="slide-caption">{slide.caption}</p>}
    </section>
  );
}

/** A missing file shows its caption on a plain background rather than a broken-image icon to the whole shop. */
function SlideImage({ src, alt }: { src: string; alt: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return <img className="slide-picture" src={src} alt={alt} decoding="async" draggable={false} onError={() => setFailed(true)} />;
}
