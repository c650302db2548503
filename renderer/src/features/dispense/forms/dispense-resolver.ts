import { zodResolver } from '@hookform/resolvers/zod';
import type { TFunction } from 'i18next';
import type { Resolver } from 'react-hook-form';
import { createFormErrorMap } from './form-error-map';
import {
  dispenseFormSchema,
  normalizeFormValues,
  type DispenseFormInput,
  type DispenseFormOutput,
} from './dispense-form-schema';

/** zod validation of the normalised values, with messages in the UI language. */
export function dispenseResolver(t: TFunction): Resolver<DispenseFormInput, unknown, DispenseFormOutput> {
  const resolve = zodResolver(dispenseFormSchema, { error: createFormErrorMap(t) });
  return (values, context, options) => resolve(normalizeFormValues(values), context, options);
}
