import { Placeholder } from './placeholder';

/** Lazy route module, to be replaced by the real screen. */
export default function PostScreen() {
  return <Placeholder screen="post" />;
}
