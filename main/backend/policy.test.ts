import { describe, expect, it } from 'vitest';
import { AppFailure } from '../errors';
import { assertTrainingFachdienstUrl, isLoopbackHost, requireTraining } from './policy';

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '[::1]', '::1', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['erp.zentral.erp.splitdns.ti-dienste.de', '10.0.0.1', '192.168.1.2', '0.0.0.0', '[::]', '127.0.0.256', 'localhost.example.org', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('assertTrainingFachdienstUrl (nothing in training mode reaches a real Fachdienst)', () => {
  it('lets a simulator on this machine through', () => {
    for (const url of ['http://127.0.0.1:8081', 'http://localhost:8081/', 'http://[::1]:8081/base/']) expect(() => assertTrainingFachdienstUrl(url)).not.toThrow();
  });

  it('refuses any other host with a German explanation', () => {
    expect(() => assertTrainingFachdienstUrl('https://erp.zentral.erp.splitdns.ti-dienste.de/')).toThrow(
      /nur auf diesen Rechner zeigen \(127\.0\.0\.1, ::1 oder localhost\), nicht auf „erp\.zentral\.erp\.splitdns\.ti-dienste\.de“/,
    );
    expect(() => assertTrainingFachdienstUrl('http://192.168.0.10:8081')).toThrow(/Trainingsmodus/);
    expect(() => assertTrainingFachdienstUrl('kaputt')).toThrow(/Ungültige Fachdienst-Adresse/);
  });
});

describe('requireTraining', () => {
  it('refuses outside training with code not-training and passes in training', () => {
    expect(() => requireTraining({ training: true })).not.toThrow();
    try {
      requireTraining({ training: false });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppFailure);
      expect((e as AppFailure).appError).toMatchObject({ code: 'not-training', retry: 'never', message: expect.stringMatching(/^Nur im Trainingsmodus verfügbar/) });
    }
  });
});
