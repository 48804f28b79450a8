import { startLocalSqs } from '@chronopost/local';

/**
 * The SQS stand-in in a process of its own (for `pnpm bench burst`), so the CPU it spends is not
 * counted as the dispatcher's. Prints its endpoint, then serves until its parent closes stdin.
 */
const sqs = await startLocalSqs({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${sqs.endpoint}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sqs.close().then(() => process.exit(0)));
