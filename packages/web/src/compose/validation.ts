import { createPostSchema, postItemInputSchema, postUriSchema, zodIssueCode, zodIssueParams } from '@chronopost/shared-schemas';
import { type ComposerState, imageProblems, type ItemDraft, itemBody, type Problem, requestBody } from './model';

/**
 * The API's own rules, run in the browser while the user types. These are the only modules of
 * the composer that need zod (about a third of its JavaScript), so they load as their own chunk
 * once the composer shows (./validator) instead of holding the first screen back.
 */

/** A zod issue as the API reports it: the catalogue's code and the params its message needs. */
const toProblem = (issue: Parameters<typeof zodIssueCode>[0]): Problem => ({
  path: issue.path.join('.'),
  code: zodIssueCode(issue),
  params: zodIssueParams(issue),
});

/** Everything the API would refuse in this body, by path and code (the same schemas as the API), and images not ready to go. */
export function problems(state: ComposerState, schedule: boolean): Problem[] {
  const result = createPostSchema.safeParse(requestBody(state, schedule));
  const schema = result.success ? [] : result.error.issues.map(toProblem);
  const images = state.items.flatMap((item, index) =>
    imageProblems(item).map((problem) => ({ ...problem, path: `items.${index}.${problem.path}` })),
  );
  return [...schema, ...images];
}

/** A post item's own problems (text, embed, images), for the editor beside it. */
export function itemProblems(item: ItemDraft, state: ComposerState): Problem[] {
  const result = postItemInputSchema.safeParse(itemBody(item, state));
  const schema = result.success ? [] : result.error.issues.map(toProblem);
  return [...schema, ...imageProblems(item)];
}

/** A quote as the API takes it, or undefined when the field is empty or not a post address. */
export function quoteUri(input: string): string | undefined {
  if (input.trim() === '') return undefined;
  const parsed = postUriSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
