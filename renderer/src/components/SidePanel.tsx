/**
 * The shell of a panel under the header („Ausstehende Vorgänge“ with Alt+W, the trainer panel with Alt+T): not a
 * dialog, so the pharmacist keeps working — and wedge scans keep reaching the counter — while it is open. Opened
 * from the keyboard, the work continues in it: its title takes the focus. Esc closes it (a dialog inside handles
 * its own Esc and stops it there); the opener decides where the focus goes back to.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  /** the id the opening button's aria-controls points to */
  id: string;
  /** the panel's own class: its look, and what the print stylesheet selects */
  className: string;
  testId: string;
  title: string;
  /** the title's id, when something inside is labelled by it as well (default: an own one) */
  titleId?: string;
  /** the head's buttons before „Schließen“ */
  actions?: ReactNode;
  closeLabel: string;
  closeTestId: string;
  onClose(): void;
  children: ReactNode;
}

export function SidePanel({ id, className, testId, title, titleId, actions, closeLabel, closeTestId, onClose, children }: Props) {
  const ownTitleId = useId();
  const labelId = titleId ?? ownTitleId;
  const titleRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => titleRef.current?.focus(), []);
  return (
    <section
      id={id}
      className={`side-panel ${className}`}
      data-testid={testId}
      aria-labelledby={labelId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div className="side-panel-head">
        <h2 id={labelId} ref={titleRef} tabIndex={-1}>
          {title}
        </h2>
        {actions}
        <button type="button" className="button-secondary button-small" data-testid={closeTestId} onClick={() => onClose()}>
          {closeLabel} <kbd>Esc</kbd>
        </button>
      </div>
      {children}
    </section>
  );
}
