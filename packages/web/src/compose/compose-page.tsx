import { Placeholder } from '../routes/placeholder';

/** Lazy route module of the composer. */
export default function ComposePage() {
  return <Placeholder screen="compose" />;
}
