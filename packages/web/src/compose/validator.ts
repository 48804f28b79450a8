import { signal } from '@preact/signals';
import type * as Rules from './validation';

type Validation = typeof Rules;

/**
 * The composer's validation (the API's zod schemas), once loaded. Until then (the first
 * milliseconds after the composer shows, while nothing has been typed) there is nothing to
 * report; whatever submits awaits `loadValidation()` first, so nothing is sent unchecked.
 */
export const validation = signal<Validation | undefined>(undefined);

let loading: Promise<Validation> | undefined;
export function loadValidation(): Promise<Validation> {
  loading ??= import('./validation').then((loaded) => (validation.value = loaded));
  return loading;
}
