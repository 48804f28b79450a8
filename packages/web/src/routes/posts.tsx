import { Placeholder } from './placeholder';

/** Lazy route module, to be replaced by the real screen. */
export default function PostsScreen() {
  return <Placeholder screen="posts" />;
}
