import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const SHARED_STORE = 'postgres://erx@db:5432/apotheke';
/** as main makes it (main/store/pharmacy-keys.ts): 26 Base32 characters in groups of four */
const CODE = 'K7QW-3MZP-XR2D-HN5T-VB6C-JY4L-EA';
/** 08:45 UTC in October is 10:45 in Berlin (CEST) */
const EXPIRES_AT = '2026-10-05T08:45:00.000Z';

function sharedCounter() {
  return createFakeBridge({
    appInfo: appInfo({ sharedStore: SHARED_STORE }),
    enrolmentCode: () => ({ code: CODE, expiresAt: EXPIRES_AT }),
  });
}

async function openSettings(fake: ReturnType<typeof createFakeBridge>) {
  const rendered = renderWithProviders({ bridge: fake.bridge });
  await rendered.user.click(await screen.findByTestId('app-settings-open'));
  return { ...rendered, settings: await screen.findByTestId('app-settings') };
}

/** Everything react-query still holds — queries and mutations — as text, to look for the code in. */
function cachedText(queryClient: QueryClient): string {
  const queries = queryClient
    .getQueryCache()
    .getAll()
    .map((q) => q.state.data);
  const mutations = queryClient
    .getMutationCache()
    .getAll()
    .map((m) => m.state.data);
  return JSON.stringify([queries, mutations]);
}

describe('„Kasse hinzufügen“ (issue 18 item 6, docs/multi-counter.md §5)', () => {
  it('is offered only when several counters share one store', async () => {
    const fake = createFakeBridge();
    const { settings } = await openSettings(fake);
    expect(within(settings).queryByTestId('add-counter')).not.toBeInTheDocument();
    expect(within(settings).queryByTestId('enrolment-code-create')).not.toBeInTheDocument();
  });

  it('explains the code, asks first, then shows it large in groups with its expiry in Berlin time', async () => {
    const fake = sharedCounter();
    const { user, settings } = await openSettings(fake);
    const section = within(settings).getByTestId('add-counter');
    expect(within(section).getByRole('heading', { name: 'Kasse hinzufügen' })).toBeVisible();
    expect(section).toHaveTextContent(
      '„--enrol-code CODE“ oder mit „enrolCode“ in ihrer Datei shared-store.json',
    );
    expect(section).toHaveTextContent('Der Code gilt 15 Minuten und funktioniert nur einmal.');
    expect(section).toHaveTextContent('Mit dem Code kann die neue Kasse alle Daten der Apotheke lesen.');

    await user.click(within(section).getByTestId('enrolment-code-create'));
    const dialog = await screen.findByTestId('enrolment-code-dialog');
    expect(dialog).toHaveAccessibleName('Einmal-Code für eine neue Kasse erzeugen?');
    // the confirmation is beside the settings, which stay open underneath
    expect(settings).not.toContainElement(dialog);
    expect(within(dialog).getByTestId('enrolment-code-dialog-cancel')).toHaveFocus();
    expect(fake.calls.createEnrolmentCode).not.toHaveBeenCalled();

    await user.click(within(dialog).getByTestId('enrolment-code-dialog-confirm'));

    const code = await within(section).findByTestId('enrolment-code');
    expect(fake.calls.createEnrolmentCode).toHaveBeenCalledExactlyOnceWith({ confirmed: true });
    expect(screen.queryByTestId('enrolment-code-dialog')).not.toBeInTheDocument();
    expect(code).toHaveTextContent(CODE);
    expect(code.querySelectorAll('.enrolment-code-group')).toHaveLength(7);
    expect(code).toHaveAccessibleName('Einmal-Code für die neue Kasse');
    const expires = within(section).getByTestId('enrolment-code-expires');
    expect(expires).toHaveTextContent('Gültig bis 10:45 Uhr, nur einmal verwendbar.');
    expect(expires).toHaveAttribute('data-expires-at', EXPIRES_AT);
    // one code on screen at a time; keyboard work goes on at „Verbergen“
    expect(within(section).queryByTestId('enrolment-code-create')).not.toBeInTheDocument();
    expect(within(section).getByTestId('enrolment-code-hide')).toHaveFocus();
  });

  it('„Verbergen“ removes the code from the screen and from every react-query cache', async () => {
    const fake = sharedCounter();
    const { user, settings, queryClient } = await openSettings(fake);
    await user.click(within(settings).getByTestId('enrolment-code-create'));
    await user.click(await screen.findByTestId('enrolment-code-dialog-confirm'));
    await within(settings).findByTestId('enrolment-code');
    expect(cachedText(queryClient)).toContain(CODE);

    await user.click(within(settings).getByTestId('enrolment-code-hide'));

    expect(within(settings).queryByTestId('enrolment-code')).not.toBeInTheDocument();
    expect(settings).not.toHaveTextContent(CODE);
    expect(within(settings).getByTestId('enrolment-code-create')).toHaveFocus();
    await waitFor(() => expect(cachedText(queryClient)).not.toContain(CODE));
  });

  it('closing the settings forgets the code: reopened, it is gone and no cache holds it', async () => {
    const fake = sharedCounter();
    const { user, settings, queryClient } = await openSettings(fake);
    await user.click(within(settings).getByTestId('enrolment-code-create'));
    await user.click(await screen.findByTestId('enrolment-code-dialog-confirm'));
    await within(settings).findByTestId('enrolment-code');

    await user.click(within(settings).getByTestId('app-settings-close'));
    await waitFor(() => expect(cachedText(queryClient)).not.toContain(CODE));

    await user.click(screen.getByTestId('app-settings-open'));
    const reopened = await screen.findByTestId('app-settings');
    expect(within(reopened).getByTestId('enrolment-code-create')).toBeVisible();
    expect(within(reopened).queryByTestId('enrolment-code')).not.toBeInTheDocument();
  });

  it('„Abbrechen“ (or Esc) sends nothing and returns to the button', async () => {
    const fake = sharedCounter();
    const { user, settings } = await openSettings(fake);
    const create = within(settings).getByTestId('enrolment-code-create');
    await user.click(create);
    await screen.findByTestId('enrolment-code-dialog');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('enrolment-code-dialog')).not.toBeInTheDocument();
    // the settings stay open: Esc belonged to the confirmation
    expect(screen.getByTestId('app-settings')).toBeVisible();
    expect(create).toHaveFocus();
    expect(fake.calls.createEnrolmentCode).not.toHaveBeenCalled();
  });

  it('shows main’s refusal in the dialog, which stays open; no code appears', async () => {
    const fake = sharedCounter();
    fake.calls.createEnrolmentCode.mockResolvedValueOnce({
      ok: false,
      error: appError({
        code: 'store-unavailable',
        message: 'Die Datenbank der Apotheke ist nicht erreichbar. Es wurde kein Code erzeugt.',
        system: 'app',
        httpStatus: undefined,
        detail: undefined,
      }),
    } as never);
    const { user, settings } = await openSettings(fake);
    await user.click(within(settings).getByTestId('enrolment-code-create'));
    await user.click(await screen.findByTestId('enrolment-code-dialog-confirm'));

    const error = await screen.findByTestId('enrolment-code-dialog-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(within(error).getByTestId('enrolment-code-dialog-error-message')).toHaveTextContent(
      'Die Datenbank der Apotheke ist nicht erreichbar.',
    );
    expect(screen.getByTestId('enrolment-code-dialog')).toBeVisible();
    expect(within(settings).queryByTestId('enrolment-code')).not.toBeInTheDocument();

    // a second try goes through
    await user.click(screen.getByTestId('enrolment-code-dialog-confirm'));
    expect(await within(settings).findByTestId('enrolment-code')).toHaveTextContent(CODE);
  });

  it('on a counter with its own store main refuses with not-shared (the fake’s default, as main)', async () => {
    const fake = createFakeBridge();
    const answer = await fake.bridge.createEnrolmentCode({ confirmed: true });
    expect(answer.ok).toBe(false);
    expect(answer.ok ? undefined : answer.error.code).toBe('not-shared');
  });
});
