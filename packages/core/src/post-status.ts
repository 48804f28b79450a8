/**
 * The post lifecycle. Transitions are listed here once; the database enforces them with
 * conditional updates (`UPDATE … WHERE status = <from>`), never read-then-write.
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

const TRANSITIONS: Record<PostStatus, readonly PostStatus[]> = {
  draft: ['scheduled', 'cancelled'],
  scheduled: ['draft', 'queued', 'cancelled', 'missed', 'blocked'],
  queued: ['publishing', 'scheduled', 'cancelled', 'missed', 'blocked', 'failed', 'queued'],
  // publishing → publishing: another delivery takes over once the holder's lease has run out.
  publishing: ['published', 'retrying', 'failed', 'blocked', 'missed', 'queued', 'publishing'],
  retrying: ['queued', 'cancelled', 'missed', 'blocked', 'failed'],
  blocked: ['scheduled', 'retrying', 'missed', 'cancelled'],
  failed: ['scheduled', 'cancelled'],
  missed: ['scheduled', 'cancelled'],
  published: [],
  cancelled: [],
};

/** Whether a post may move from `from` to `to`. */
export const canTransition = (from: PostStatus, to: PostStatus): boolean => TRANSITIONS[from].includes(to);

/** The states from which the dispatcher may claim a post when it falls due. */
export const DUE_STATUSES = ['scheduled', 'retrying'] as const satisfies readonly PostStatus[];

/** The states in which work is in flight and a lost message or crashed worker must be reaped. */
export const IN_FLIGHT_STATUSES = ['queued', 'publishing'] as const satisfies readonly PostStatus[];

/** The statuses of posts waiting to be published: they need their account's session to stay live. */
export const AWAITING_STATUSES = ['scheduled', 'retrying', 'queued'] as const satisfies readonly PostStatus[];

/** The statuses a user may cancel from: anything not being published or already over. */
export const CANCELLABLE_STATUSES = [
  'draft',
  'scheduled',
  'queued',
  'retrying',
  'blocked',
  'failed',
  'missed',
] as const satisfies readonly PostStatus[];

/** The statuses whose content and time may still be edited: nothing has been attempted yet. */
export const EDITABLE_STATUSES = ['draft', 'scheduled'] as const satisfies readonly PostStatus[];

/** The statuses a user may retry (reschedule) from. */
export const RETRYABLE_STATUSES = ['failed', 'missed', 'blocked'] as const satisfies readonly PostStatus[];

/** Final states: nothing more will happen to the post unless the user asks. */
export const isTerminal = (status: PostStatus): boolean => TRANSITIONS[status].length === 0;
