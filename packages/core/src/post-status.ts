/**
 * The post lifecycle, listed once: every command that changes a post's status, the statuses it
 * accepts and those it produces, and who calls it. The transitions, the status sets the database
 * uses (SQL conditions, partial indexes, CHECK constraints) and the API's refusals are all derived
 * from this table; the commands themselves run as conditional updates (`UPDATE … WHERE status IN
 * (<from>)`), never read-then-write.
 */
export const POST_STATUSES = [
  'draft',
  'scheduled',
  'queued',
  'publishing',
  'published',
  'retrying',
  'failed',
  'cancelled',
  'missed',
  'blocked',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

type Command = { by: string; from: readonly PostStatus[]; to: readonly PostStatus[] };

export const POST_COMMANDS = {
  /** A new post: a draft without a time, scheduled with one. */
  create: { by: 'user (POST /posts)', from: [], to: ['draft', 'scheduled'] },
  /** Text, time or options of a post nothing was attempted for yet; no time makes it a draft. */
  edit: { by: 'user (PATCH /posts/{id})', from: ['draft', 'scheduled'], to: ['draft', 'scheduled'] },
  schedule: { by: 'user (POST /posts/{id}/schedule)', from: ['draft'], to: ['scheduled'] },
  unschedule: { by: 'user (POST /posts/{id}/unschedule)', from: ['scheduled'], to: ['draft'] },
  /** Anything not being published or already over. */
  cancel: {
    by: 'user (DELETE /posts/{id})',
    from: ['draft', 'scheduled', 'queued', 'retrying', 'blocked', 'failed', 'missed'],
    to: ['cancelled'],
  },
  retry: { by: 'user (POST /posts/{id}/retry)', from: ['failed', 'missed', 'blocked'], to: ['scheduled'] },
  /** Due before the next tick: a message is sent, delayed to its second. */
  queue: { by: 'dispatcher tick; api for posts due before it', from: ['scheduled', 'retrying'], to: ['queued'] },
  /** Later than its late policy allows by the time it is claimed. */
  miss: { by: 'dispatcher tick; oauth login (resume)', from: ['scheduled', 'retrying', 'blocked'], to: ['missed'] },
  /** Lost message or dead publisher: a new message, or `failed` after too many deaths. */
  reap: { by: 'dispatcher tick', from: ['queued', 'publishing'], to: ['queued', 'failed'] },
  /** Its message reached the dead-letter queue. */
  crash: { by: 'dispatcher tick (dead letters)', from: ['queued', 'publishing'], to: ['failed'] },
  /** A crashed post put back in the queue by an operator. */
  redrive: { by: 'operator (pnpm dlq:redrive)', from: ['failed'], to: ['queued'] },
  /** A publisher takes the post (or takes it over from one that died); too many deaths fail it. */
  claim: { by: 'publisher', from: ['queued', 'publishing'], to: ['publishing', 'failed'] },
  finish: { by: 'publisher', from: ['publishing'], to: ['published'] },
  /** The attempt did not publish: retry later, give up, wait for a login, or too late. */
  fail: { by: 'publisher', from: ['publishing'], to: ['retrying', 'failed', 'blocked', 'missed'] },
  /** The account's session ended: everything waiting is held. */
  hold: { by: 'OAuth client (session ended), oauth (logout)', from: ['scheduled', 'retrying', 'queued'], to: ['blocked'] },
  /** A new login: held posts go back to the schedule (or are missed, if too late). */
  resume: { by: 'oauth (login callback)', from: ['blocked'], to: ['scheduled'] },
} as const satisfies Record<string, Command>;
export type PostCommand = keyof typeof POST_COMMANDS;
export const POST_COMMAND_NAMES = Object.keys(POST_COMMANDS) as PostCommand[];

const TRANSITIONS = new Map<PostStatus, Set<PostStatus>>(POST_STATUSES.map((status) => [status, new Set()]));
for (const command of Object.values(POST_COMMANDS) as Command[]) {
  for (const from of command.from) for (const to of command.to) TRANSITIONS.get(from)!.add(to);
}

/** Whether some command moves a post from `from` to `to`. */
export const canTransition = (from: PostStatus, to: PostStatus): boolean => TRANSITIONS.get(from)!.has(to);

/** Whether `command` accepts a post in `status`. */
export const accepts = (command: PostCommand, status: PostStatus): boolean =>
  (POST_COMMANDS[command].from as readonly PostStatus[]).includes(status);

/** The states from which the dispatcher may claim a post when it falls due. */
export const DUE_STATUSES = POST_COMMANDS.queue.from;

/** The states in which work is in flight and a lost message or crashed worker must be reaped. */
export const IN_FLIGHT_STATUSES = POST_COMMANDS.reap.from;

/** The statuses of posts waiting to be published: they need their account's session to stay live. */
export const AWAITING_STATUSES = POST_COMMANDS.hold.from;

/** The statuses a user may cancel from: anything not being published or already over. */
export const CANCELLABLE_STATUSES = POST_COMMANDS.cancel.from;

/** The statuses whose content and time may still be edited: nothing has been attempted yet. */
export const EDITABLE_STATUSES = POST_COMMANDS.edit.from;

/** The statuses a user may retry (reschedule) from. */
export const RETRYABLE_STATUSES = POST_COMMANDS.retry.from;

/** The statuses a post may have without a time: drafts, and drafts that were cancelled. */
export const UNTIMED_STATUSES = ['draft', 'cancelled'] as const satisfies readonly PostStatus[];

/** Final states: nothing more will happen to the post. */
export const isTerminal = (status: PostStatus): boolean => TRANSITIONS.get(status)!.size === 0;

/** How a publication attempt ended (`publish_attempts.outcome`). */
export const ATTEMPT_OUTCOMES = ['published', 'already_published', 'retrying', 'failed', 'blocked', 'missed', 'abandoned'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
