/**
 * A modal dialog (confirmations with a cancel option, spec §9.3; keyboard first, docs/qa-contract.md):
 * `role="dialog"` + `aria-modal`, labelled by its title, focus moved into it on open and back to where it was on
 * close, Tab and Shift+Tab kept inside, Esc cancels. While it is open, the app's shortcuts and wedge scans stay out
 * (see isModalOpen), so nothing happens behind it.
 */
import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  /** the buttons; rendered in a footer */
  actions: ReactNode;
  onCancel(): void;
  testId: string;
  /** the element to focus first (default: the first focusable element) */
  initialFocus?: RefObject<HTMLElement | null>;
  /** the dialog's main text, read out when it opens */
  describedBy?: string;
  className?: string;
}

const MODAL_SELECTOR = '[role="dialog"][aria-modal="true"]';
const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** True while a modal dialog is open. */
export function isModalOpen(): boolean {
  return document.querySelector(MODAL_SELECTOR) !== null;
}

/** True while a modal dialog is open and the event did not come from inside it. */
export function isOutsideOpenModal(e: Event): boolean {
  const modal = document.querySelector(MODAL_SELECTOR);
  return modal !== null && !(e.target instanceof Node && modal.contains(e.target));
}

export function Modal({ title, children, actions, onCancel, testId, initialFocus, describedBy, className }: Props) {
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const onCancelRef = useRef(onCancel);
  useEffect(() => {
    onCancelRef.current = onCancel;
  });

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = dialogRef.current;
    const first = initialFocus?.current ?? dialog?.querySelector<HTMLElement>(FOCUSABLE) ?? dialog;
    first?.focus();
    return () => {
      // Back to the button that opened it, so keyboard work continues where it was.
      if (opener?.isConnected) opener.focus();
    };
  }, [initialFocus]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancelRef.current();
      return;
    }
    if (e.key !== 'Tab') return;
    const focusable = [...(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (focusable.length === 0) {
      e.preventDefault();
      return;
    }
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        className={['dialog', className ?? ''].join(' ').trim()}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>
  );
}
