/**
 * Prints only the token sheet. The page's print stylesheet shows the receipt by default; while
 * `<html data-print="token-sheet">` is set, it shows the token sheet alone (styles.css, @media print).
 * window.print() blocks until the print dialog is closed; `afterprint` covers a browser where it does not.
 */
const TOKEN_SHEET_PRINT = 'token-sheet';

export function printTokenSheet(win: Window = window): void {
  const root = win.document.documentElement;
  const done = () => {
    if (root.dataset.print === TOKEN_SHEET_PRINT) delete root.dataset.print;
  };
  root.dataset.print = TOKEN_SHEET_PRINT;
  win.addEventListener('afterprint', done, { once: true });
  try {
    win.print();
  } finally {
    done();
  }
}
