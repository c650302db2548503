/**
 * An E-Rezept code drawn as a real DataMatrix on a canvas (spec §2) — a counter scanner reads it from
 * the monitor. bwip-js is imported on demand: it belongs to the trainer's chunk, never to the counter's main
 * bundle. The canvas keeps its own pixel size (one module = MODULE_CSS_PX CSS pixels, see datamatrix.ts).
 * `data-state` tells tests and QA when it is drawn: pending | drawn | failed.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataMatrixOptions } from '../datamatrix';

interface Props {
  /** what the code carries: `{"urls":[…]}` (spec §2) */
  text: string;
  /** what the code is, for screen readers („E-Rezept-Code von Rezept A“) */
  label: string;
  testId: string;
}

/** One import for every code on the page (the module is big; it is fetched once, with the first code). */
let bwipModule: Promise<typeof import('bwip-js/browser')> | undefined;
const loadBwip = () =>
  (bwipModule ??= import('bwip-js/browser').catch((error: unknown) => {
    // not kept: the next code tries again
    bwipModule = undefined;
    throw error;
  }));

export function DataMatrixCanvas({ text, label, testId }: Props) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [outcome, setOutcome] = useState<{ text: string; drawn: boolean } | null>(null);

  useEffect(() => {
    let current = true;
    loadBwip()
      .then((bwip) => {
        const canvas = canvasRef.current;
        if (!current || !canvas) return;
        bwip.toCanvas(canvas, dataMatrixOptions(text));
        setOutcome({ text, drawn: true });
      })
      .catch(() => {
        if (current) setOutcome({ text, drawn: false });
      });
    return () => {
      current = false;
    };
  }, [text]);

  const state = outcome?.text !== text ? 'pending' : outcome.drawn ? 'drawn' : 'failed';
  return (
    <div className="datamatrix">
      <canvas
        ref={canvasRef}
        className="datamatrix-canvas"
        role="img"
        aria-label={label}
        data-testid={testId}
        data-state={state}
      />
      {state === 'failed' ? (
        <p role="alert" className="field-error" data-testid={`${testId}-error`}>
          {t('trainer.code.failed')}
        </p>
      ) : null}
    </div>
  );
}
